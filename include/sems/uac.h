/* uac.h: calls the server places: dialouts and B2BUA callee legs.
 *
 * Outbound calls (SEMS's AmUAC::dialout / IvrUAC.dialout):
 *
 *   sems_dialout()  creates a UAC session running application `app_name`:
 *                   an RTP stream, our SDP offer (codec_order of sems.conf
 *                   first), an INVITE to `r_uri` (From `from`, extra
 *                   headers `hdrs`, through `outbound_proxy` when set).
 *                   It returns at once; the INVITE leaves from the
 *                   signalling thread.
 *
 * Events of a UAC session (same queue and worker rules as app.h):
 *   SEMS_EV_SIP_REPLY      every reply to the INVITE (req: the INVITE we
 *                          sent, reply: the response), provisional ones
 *                          included.
 *   SEMS_EV_SESSION_START  the callee answered (2xx with a usable SDP
 *                          answer): the dialog is Connected, and media
 *                          starts when the handler returns, so audio
 *                          enqueued here is heard first.  There is no
 *                          SEMS_EV_INVITE for a UAC session (as in SEMS,
 *                          where onInvite is never called for a dialout).
 *   then as for an incoming call: SEMS_EV_BYE, SEMS_EV_DTMF, timers ...
 * A final error reply (3xx-6xx), no answer within `dialout_timeout`
 * seconds (the INVITE is CANCELled), an unreachable target or an unusable
 * SDP answer ends the session after the application saw the reply (a
 * reply code 408 is made up for a timeout or transport error); each is
 * logged with its reason.
 *
 * B2BUA (SEMS's AmB2BCallerSession, ivr connectCallee): a session may own
 * one callee leg, a UAC dialog that runs no application.  Its replies
 * come to the owning session as SEMS_EV_B2B_OTHER_REPLY (reply->code and
 * reason, every provisional and final one), a BYE from the callee as
 * SEMS_EV_B2B_OTHER_BYE.  Once the callee answered, the two calls are
 * bridged (media relayed; b2b_media=reinvite: see sems_b2b_media): the audio each party sends is decoded and re-encoded for the
 * other (codecs and rates may differ), RFC 4733 key presses of the caller
 * are sent on as RFC 4733 events to the callee.  The owner's playlist is
 * not played while bridged.  When the owning session ends, the callee
 * leg is ended too (BYE, or CANCEL before its answer).
 */
#ifndef SEMS_UAC_H
#define SEMS_UAC_H

#include <stdbool.h>
#include <stddef.h>

struct sems_session;

/* Any thread.  user: the dialog's user (the R-URI user when "");
 * r_uri: Request-URI; from: whole From value ("Name" <sip:a@b>, no tag);
 * from_uri: the From URI (and our Contact user); to: whole To value
 * (kept as the dialog's remote party; libre 1.1.0 writes To: <r_uri> on
 * the wire); local_tag: the new session's id, "" or NULL for a random
 * one; hdrs: extra header lines (CRLF-terminated) or "";
 * session_params: an opaque string the application gets back through
 * sems_session_params() (the ivr plug-in stores JSON), or NULL.
 * Returns 0 and copies the session id into tag_out, ENOENT for an
 * unknown application, EINVAL for a missing r_uri/from_uri, EEXIST when
 * a live session has that local_tag, ENOMEM.  Failures after this
 * (no RTP port, SIP errors) are logged and end the new session. */
int sems_dialout(const char *app_name, const char *user, const char *r_uri,
		 const char *from, const char *from_uri, const char *to,
		 const char *local_tag, const char *hdrs,
		 const char *session_params, char *tag_out, size_t tag_len);

/* The session_params string given to sems_dialout, or NULL (an incoming
 * call, or none given).  Lives as long as the session. */
const char *sems_session_params(const struct sems_session *s);

/* How the media of a B2BUA call flows (ivr.conf b2b_media).
 *   RELAY     through the server: each leg negotiates with us, audio is
 *             decoded and re-encoded (the default).
 *   REINVITE  end to end, SEMS's way: the callee is INVITEd with the
 *             caller's SDP offer, and once it answered the caller gets
 *             its SDP (in the 200 if the caller was not answered yet,
 *             else by a re-INVITE); the caller's stream on the server
 *             then sends nothing.  Direct SIP only: through Kamailio the
 *             call is relayed (a warning is logged). */
enum sems_b2b_media { SEMS_B2B_MEDIA_RELAY, SEMS_B2B_MEDIA_REINVITE };

/* B2BUA.  remote_party/remote_uri: the callee's To value and R-URI, both
 * NULL or "" for the owner's original To and R-URI; local_party/local_uri:
 * From value and URI, used only when both are given (else the owner's
 * caller, its From).  hdrs: extra headers of the INVITE (usually the
 * caller's, edited).  Returns 0, EBUSY if a callee leg exists already,
 * EINVAL, ENOMEM.  Any thread; the INVITE leaves from the signalling
 * thread, errors after that come as SEMS_EV_B2B_OTHER_REPLY. */
int  sems_b2b_connect_callee(struct sems_session *s, const char *remote_party,
			     const char *remote_uri, const char *local_party,
			     const char *local_uri, const char *hdrs);
/* The same with the media mode of this call (the one above relays). */
int  sems_b2b_connect_callee_media(struct sems_session *s,
				   const char *remote_party,
				   const char *remote_uri,
				   const char *local_party,
				   const char *local_uri, const char *hdrs,
				   enum sems_b2b_media media);
/* Ends the callee leg: BYE once answered, CANCEL before; no
 * SEMS_EV_B2B_OTHER_BYE follows.  0, or ENOENT when there is none. */
int  sems_b2b_terminate_other(struct sems_session *s);
/* While on, in-dialog requests of the owner's caller other than CANCEL,
 * ACK and BYE are relayed to the callee (INFO; see docs/ivr-api.md). */
void sems_b2b_set_relay_only(struct sems_session *s, bool on);
bool sems_b2b_has_callee(struct sems_session *s);

#endif
