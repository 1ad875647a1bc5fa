/* sip_msg_convert.h: libre's struct sip_msg -> struct sems_sip_request. */
#ifndef CORE_SIP_MSG_CONVERT_H
#define CORE_SIP_MSG_CONVERT_H

struct sip_msg;
struct sems_sip_request;

/* Returns an owned copy (free() it), or NULL when out of memory. */
struct sems_sip_request *sip_msg_to_request(const struct sip_msg *msg);

#endif
