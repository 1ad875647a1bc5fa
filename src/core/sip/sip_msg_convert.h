/* sip_msg_convert.h: libre's struct sip_msg -> struct sems_sip_request. */
#ifndef CORE_SIP_MSG_CONVERT_H
#define CORE_SIP_MSG_CONVERT_H

struct sip_msg;
struct sems_sip_request;
struct sems_sip_reply;

/* Returns an owned copy (free() it), or NULL when out of memory. */
struct sems_sip_request *sip_msg_to_request(const struct sip_msg *msg);
/* A reply to one of our requests; owned copy, or NULL (out of memory). */
struct sems_sip_reply *sip_msg_to_reply(const struct sip_msg *msg);

#endif
