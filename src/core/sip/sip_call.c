/* sip_call.c: one call over direct SIP, from INVITE to the last BYE.
 *
 * Until the application answers we hold the INVITE ourselves (libre's
 * sipsess can only be created with a 101-299 reply, and the caller must
 * see 100 Trying and then 200): 100 goes out statelessly, retransmitted
 * INVITEs get it again, and a CANCEL is answered here (sip_cancel.c).  On
 * answer the INVITE is handed to sipsess, which from then on retransmits
 * the 200, takes the ACK, and sends or answers BYE.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <re.h>
#include <sems/app.h>
#include <sems/log.h>
#include "core_config.h"
#include "incoming_call.h"
#include "routing.h"
#include "session_internal.h"
#include "sip/sip_call.h"
#include "sip/sip_msg_convert.h"

/* How long an application may take to answer or reject an INVITE */
#define SIP_ANSWER_TIMEOUT_MS 60000

static struct sip *sip_stack;
static struct sipsess_sock *sess_sock;

void sip_call_setup(struct sip *sip, struct sipsess_sock *sock)
{
	sip_stack = sip;
	sess_sock = sock;
}

static void call_post_request(struct sip_call *call, enum sems_event_type type,
			      const struct sip_msg *msg)
{
	struct sems_sip_request *req = msg ? sip_msg_to_request(msg) : NULL;
	session_post_event(call->s, type, req, NULL);
	free(req);
}

/* ---- sipsess handlers (after the answer) ---- */

static int call_offer(struct mbuf **descp, const struct sip_msg *msg, void *arg)
{
	struct sip_call *call = arg;
	/* re-INVITE: media stays as negotiated; answer with the same SDP */
	struct mbuf *mb = mbuf_alloc(512);
	if (!mb)
		return ENOMEM;
	int err = mbuf_write_str(mb, call->s->sdp_answer);
	if (err) {
		mem_deref(mb);
		return err;
	}
	mb->pos = 0;
	*descp = mb;
	call_post_request(call, SEMS_EV_SIP_REQUEST, msg);
	return 0;
}

static int call_answer(const struct sip_msg *msg, void *arg)
{
	(void)msg;
	(void)arg;
	return 0;
}

static void call_established(const struct sip_msg *msg, void *arg)
{
	call_post_request(arg, SEMS_EV_ACK, msg);
}

static void call_info(struct sip *sip, const struct sip_msg *msg, void *arg)
{
	(void)sip_treply(NULL, sip, msg, 200, "OK");
	call_post_request(arg, SEMS_EV_SIP_REQUEST, msg);
}

static void call_closed(int err, const struct sip_msg *msg, void *arg)
{
	struct sip_call *call = arg;

	/* libre reports a BYE from the caller as ECONNRESET without msg */
	if (err == ECONNRESET) {
		SEMS_INFO("call %s: caller hung up", call->s->dlg.callid);
		call_post_request(call, SEMS_EV_BYE, msg);
	} else {
		SEMS_INFO("call %s: SIP session closed: %s", call->s->dlg.callid,
			  err ? strerror(err) : "normal");
	}
	session_mark_dialog_over(call->s);
}

/* ---- signalling_ops for sessions of this front ---- */

static int sip_call_answer(void *sig, const char *sdp)
{
	struct sip_call *call = sig;
	if (!call->invite || call->sess)
		return EALREADY;
	struct mbuf *desc = mbuf_alloc(strlen(sdp) + 1);
	if (!desc)
		return ENOMEM;
	int err = mbuf_write_str(desc, sdp);
	desc->pos = 0;
	if (!err)
		err = sipsess_accept(&call->sess, sess_sock, call->invite, 200, "OK",
				     "sems", "application/sdp", desc, NULL, NULL,
				     false, call_offer, call_answer,
				     call_established, call_info, NULL,
				     call_closed, call,
				     "Allow: INVITE, ACK, BYE, CANCEL, OPTIONS, INFO\r\n");
	mem_deref(desc);
	if (err)   /* the caller must not wait for an answer that never comes */
		(void)sip_treply(NULL, sip_stack, call->invite, 500,
				 "Server Internal Error");
	tmr_cancel(&call->answer_tmr);
	call->invite = mem_deref((void *)call->invite);
	return err;
}

static int sip_call_reply(void *sig, unsigned code, const char *reason,
			  const char *hdrs)
{
	struct sip_call *call = sig;
	if (!call->invite)
		return EALREADY;
	if (code < 200)
		return sip_replyf(sip_stack, call->invite, code, reason,
				  "%sContent-Length: 0\r\n\r\n", hdrs);
	int err = sip_treplyf(NULL, NULL, sip_stack, call->invite, false, code,
			      reason, "%sContent-Length: 0\r\n\r\n", hdrs);
	tmr_cancel(&call->answer_tmr);
	call->invite = mem_deref((void *)call->invite);
	return err;
}

static int sip_call_bye(void *sig, const char *hdrs)
{
	struct sip_call *call = sig;
	if (call->sess) {
		if (hdrs[0])
			(void)sipsess_set_close_headers(call->sess, "%s", hdrs);
		call->sess = mem_deref(call->sess);   /* sends the BYE */
		return 0;
	}
	/* not answered yet: end the INVITE transaction instead */
	return sip_call_reply(sig, 487, "Request Terminated", hdrs);
}

static void sip_call_release(void *sig)
{
	struct sip_call *call = sig;
	tmr_cancel(&call->answer_tmr);
	mem_deref(call->sess);
	mem_deref((void *)call->invite);
	session_deref(call->s);
	free(call);
}

static const struct signalling_ops sip_call_ops = {
	.name = "sip",
	.answer = sip_call_answer,
	.reply = sip_call_reply,
	.bye = sip_call_bye,
	.release = sip_call_release,
};

struct sip_call *sip_call_of(struct sems_session *s)
{
	return s->sig_ops == &sip_call_ops ? s->sig : NULL;
}

/* ---- new INVITEs ---- */

/* An application that neither answers nor rejects (SEMS allows onInvite to
 * do nothing) must not hold the caller and the session forever. */
static void sip_call_answer_timeout(void *arg)
{
	struct sip_call *call = arg;
	if (!call->invite)
		return;
	SEMS_WARN("call %s: application did not answer within %d s",
		  call->s->dlg.callid, SIP_ANSWER_TIMEOUT_MS / 1000);
	(void)sip_call_reply(call, 480, "Temporarily Unavailable", "");
	session_mark_dialog_over(call->s);
}

static void sip_call_reject(const struct sip_msg *msg, unsigned code,
			    const char *reason)
{
	(void)sip_treplyf(NULL, NULL, sip_stack, msg, false, code, reason,
			  "Content-Length: 0\r\n\r\n");
}

struct sems_session *sip_call_find(const struct pl *callid,
				   const struct pl *tag, bool remote)
{
	char *cid = NULL, *t = NULL;
	struct sems_session *s = NULL;
	if (!re_sdprintf(&cid, "%r", callid) && !re_sdprintf(&t, "%r", tag))
		s = remote ? session_find_remote(cid, t) : session_find(cid, t);
	mem_deref(cid);
	mem_deref(t);
	return s;
}

/* A retransmitted INVITE of a call we are still deciding about. */
static bool sip_call_retransmission(const struct sip_msg *msg)
{
	struct sems_session *s = sip_call_find(&msg->callid, &msg->from.tag,
					       true);
	if (!s)
		return false;
	struct sip_call *call = sip_call_of(s);
	if (call && call->invite)
		(void)sip_reply(sip_stack, msg, 100, "Trying");
	session_deref(s);
	return true;
}

void sip_call_incoming(const struct sip_msg *msg, void *arg)
{
	char app_name[SEMS_APP_NAME_MAX + 2];
	struct call_error cerr;
	(void)arg;

	if (sip_call_retransmission(msg))
		return;
	struct sems_sip_request *req = sip_msg_to_request(msg);
	if (!req) {
		sip_call_reject(msg, 500, "Server Internal Error");
		return;
	}
	if (routing_select_app(core_cfg.application, req, app_name,
			       sizeof(app_name))) {
		SEMS_INFO("call %s: no application selected by '%s'",
			  req->callid, core_cfg.application);
		sip_call_reject(msg, 404, "Not Found (unknown application)");
		goto out;
	}
	struct sip_call *call = calloc(1, sizeof(*call));
	if (!call) {
		sip_call_reject(msg, 500, "Server Internal Error");
		goto out;
	}
	if (incoming_call_start(app_name, req, &sip_call_ops, call, &call->s,
				&cerr)) {
		sip_call_reject(msg, cerr.code, cerr.reason);
		free(call);
		goto out;
	}
	call->invite = mem_ref((void *)msg);
	tmr_init(&call->answer_tmr);
	tmr_start(&call->answer_tmr, SIP_ANSWER_TIMEOUT_MS, sip_call_answer_timeout,
		  call);
	/* our To tag is the session id, in every reply libre builds */
	((struct sip_msg *)msg)->tag = strtoull(sems_session_id(call->s), NULL, 16);
	(void)sip_reply(sip_stack, msg, 100, "Trying");
 out:
	free(req);
}
