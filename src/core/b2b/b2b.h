/* b2b.h: the core's side of B2BUA callee legs (b2b_leg.c; ABI in
 * sems/uac.h). */
#ifndef CORE_B2B_H
#define CORE_B2B_H

struct sems_session;
struct sems_sip_request;

/* Signalling thread: the owner is over; its callee leg (if any) is ended
 * (BYE / CANCEL) and freed. */
void b2b_session_release(struct sems_session *s);
/* Worker: an in-dialog request of the owner's caller; relayed to the
 * callee when relay-only is on (INFO). */
void b2b_relay_request(struct sems_session *s,
		       const struct sems_sip_request *req);

#endif
