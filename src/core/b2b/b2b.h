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

/* Signalling thread, b2b_media=reinvite: the caller's SDP answer (its
 * 2xx to our re-INVITE with the callee's SDP; "" without a body). */
void b2b_caller_answer(struct sems_session *s, const char *sdp);
/* Signalling thread: a new offer of the caller while the media flows end
 * to end; passed on to the callee by a re-INVITE when its address, port
 * or codecs changed.  The caller's answer stays the callee's SDP. */
int  b2b_caller_reoffer(struct sems_session *s, const char *offer);

#endif
