/* ser_call.h: one call that came through Kamailio's t_write_unix. */
#ifndef CORE_SER_CALL_H
#define CORE_SER_CALL_H

struct ser_request;
struct sems_sip_reply;

/* A new INVITE (no To tag): starts a session, or answers the error. */
void ser_call_incoming(const struct ser_request *sr);
/* Any request with a To tag, and CANCEL: goes to its session, or 481. */
void ser_call_in_dialog(const struct ser_request *sr);

/* A reply to one of our requests inside a call that came in (INFO,
 * REFER ... sent with signalling_ops.request), wrapped by Kamailio (see
 * ser_uac.h): posted as SEMS_EV_SIP_REPLY.  local_tag: its From tag. */
void ser_call_reply_in(const char *callid, const char *local_tag,
		       const char *method, const struct sems_sip_reply *reply);

#endif
