/* incoming_call.h: what every signalling front does with a new INVITE.
 *
 * Shared by sip/ (direct SIP) and ser/ (Kamailio t_write_unix), so both
 * route, negotiate media and create sessions the same way.  Signalling
 * thread only.
 */
#ifndef CORE_INCOMING_CALL_H
#define CORE_INCOMING_CALL_H

#include <stddef.h>

struct sems_sip_request;
struct sems_session;
struct signalling_ops;

struct call_error {
	unsigned code;          /* SIP status to answer with          */
	char reason[96];        /* reason phrase                       */
	char hdrs[160];         /* header lines for the reply, or ""   */
};

/* app_name: the application chosen by the front (it knows its routing
 * rules; see routing.h for the direct-SIP `application=` setting).
 * invite->body is the SDP offer; invite->to_tag must be "".
 * The new session's local tag (our To tag) is generated here.
 * On success returns 0 and *sp holds a reference for the front (the front
 * keeps it as its link until ops->release), the session has got
 * SEMS_EV_INVITE, and the front sends 100 if it has not.  On failure
 * returns an errno value and fills *err with the SIP reply to send:
 * 404 unknown application, 488 no common codec / bad SDP (with an RFC
 * 3261 Warning: 304 no audio, 305 no codec of ours, 399 unreadable), 503
 * no RTP port. */
int incoming_call_start(const char *app_name,
			const struct sems_sip_request *invite,
			const struct signalling_ops *ops, void *sig,
			struct sems_session **sp, struct call_error *err);

/* A new offer inside the call (re-INVITE, with SDP): negotiated again
 * against the same RTP socket; s->sdp_answer becomes the new answer
 * (recvonly/inactive when the offer holds us), the stream follows (hold,
 * new address).  An empty offer keeps everything and answers the last
 * SDP.  0, or ENOTSUP / EPROTO as sdp_negotiate (answer 488 then; the
 * call stays as it was). */
int session_media_reoffer(struct sems_session *s, const char *offer);

#endif
