/* ser_call.h: one call that came through Kamailio's t_write_unix. */
#ifndef CORE_SER_CALL_H
#define CORE_SER_CALL_H

struct ser_request;

/* A new INVITE (no To tag): starts a session, or answers the error. */
void ser_call_incoming(const struct ser_request *sr);
/* Any request with a To tag, and CANCEL: goes to its session, or 481. */
void ser_call_in_dialog(const struct ser_request *sr);

#endif
