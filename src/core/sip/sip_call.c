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
#include "b2b/b2b.h"
#include "core_config.h"
#include "incoming_call.h"
#include "routing.h"
#include "session/session_internal.h"
#include "sip/sip_call.h"
#include "sip/sip_msg_convert.h"
#include "sip_request.h"

/* How long an application may take to answer or reject an INVITE */
#define SIP_ANSWER_TIMEOUT_MS 60000

/* Exported by libre 1.1.0 (and public in later versions) but declared only
 * in its private src/sip/sip.h: what sip_drequestf() builds requests
 * with.  We need them to send to a Request-URI of our choice (redirect,
 * dialog.remote_uri) inside sipsess's dialog. */
int sip_dialog_encode(struct mbuf *mb, struct sip_dialog *dlg, uint32_t cseq,
		      const char *met);
const char *sip_dialog_uri(const struct sip_dialog *dlg);
const struct uri *sip_dialog_route(const struct sip_dialog *dlg);
uint32_t sip_dialog_hash(const struct sip_dialog *dlg);

#define ALLOW_HDR "Allow: INVITE, ACK, BYE, CANCEL, OPTIONS, INFO, " \
	"NOTIFY, REFER, UPDATE\r\n"

static struct sip *sip_stack;
static struct sipsess_sock *sess_sock;
static struct list parked;     /* struct sip_call, parked */

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

/* ---- held in-dialog requests ---- */

static void held_drop(struct sip_call *call)
{
	call->held_st = mem_deref(call->held_st);
	call->held_msg = mem_deref((void *)call->held_msg);
}

/* Default reply for a request the application did not answer. */
static void held_reply(struct sip_call *call, unsigned code,
		       const char *reason, const char *hdrs)
{
	const struct sip_msg *msg = call->held_msg;
	if (!code) {
		if (!pl_strcmp(&msg->met, "REFER")) {
			code = 501;
			reason = "Not Implemented";
		} else {
			code = 200;
			reason = "OK";
		}
	}
	int err = sip_treplyf(&call->held_st, NULL, sip_stack, msg, false, code,
			      reason, "%sContent-Length: 0\r\n\r\n", hdrs);
	if (err)
		SEMS_WARN("call %s: cannot reply %u to %.*s: %s",
			  call->s ? call->s->dlg.callid : "?", code,
			  (int)msg->met.l, msg->met.p, strerror(err));
	if (err || code >= 200)
		held_drop(call);
}

/* Holds msg for the application and posts it; one at a time (an older
 * one still held gets the default reply first). */
static void call_hold_request(struct sip_call *call, const struct sip_msg *msg)
{
	if (call->held_msg)
		held_reply(call, 0, "", "");
	if (sip_strans_alloc(&call->held_st, sip_stack, msg, NULL, NULL)) {
		(void)sip_treply(NULL, sip_stack, msg, 500, "Server Internal Error");
		return;
	}
	call->held_msg = mem_ref((void *)msg);
	struct sems_sip_request *req = sip_msg_to_request(msg);
	if (!req || session_post_request(call->s, req, true))
		held_reply(call, 500, "Server Internal Error", "");
	free(req);
}

/* ---- sipsess handlers ---- */

static int call_offer(struct mbuf **descp, const struct sip_msg *msg, void *arg)
{
	struct sip_call *call = arg;
	if (!call->s)
		return EPROTO;   /* parked: sip_call_pre_request answers 481 */
	struct pl body = PL_INIT;
	char *offer = NULL;
	if (msg->mb && mbuf_get_left(msg->mb)) {
		pl_set_mbuf(&body, msg->mb);
		if (pl_strdup(&offer, &body))
			return ENOMEM;
	}
	/* a new offer: hold/unhold, new address; none: the same answer */
	int err = session_media_reoffer(call->s, offer);
	mem_deref(offer);
	if (err)
		return err;
	struct mbuf *mb = mbuf_alloc(512);
	if (!mb)
		return ENOMEM;
	err = mbuf_write_str(mb, call->s->sdp_answer);
	if (err) {
		mem_deref(mb);
		return err;
	}
	mb->pos = 0;
	*descp = mb;
	call_post_request(call, SEMS_EV_SIP_REQUEST, msg);
	return 0;
}

static int body_offer(const struct sip_msg *msg, char **offerp);

/* The 2xx to a re-INVITE of ours: a session refresh (nothing to do), or
 * the caller's answer to the callee's SDP (b2b_media=reinvite; a refresh
 * that was out before it has a lower CSeq). */
static int call_answer(const struct sip_msg *msg, void *arg)
{
	struct sip_call *call = arg;
	char *sdp = NULL;

	if (!call->s || !call->b2b_reinvite || msg->cseq.num < call->b2b_cseq)
		return 0;
	call->b2b_reinvite = false;
	if (!body_offer(msg, &sdp))
		b2b_caller_answer(call->s, sdp ? sdp : "");
	mem_deref(sdp);
	return 0;
}

static void call_established(const struct sip_msg *msg, void *arg)
{
	struct sip_call *call = arg;
	if (call->s)
		call_post_request(call, SEMS_EV_ACK, msg);
}

static void call_info(struct sip *sip, const struct sip_msg *msg, void *arg)
{
	struct sip_call *call = arg;
	if (!call->s) {
		(void)sip_treply(NULL, sip, msg, 481, "Call/Transaction Does Not Exist");
		return;
	}
	call_hold_request(call, msg);
}

static void call_refer(struct sip *sip, const struct sip_msg *msg, void *arg)
{
	call_info(sip, msg, arg);
}

static void park_free(struct sip_call *call);

static void park_free_tmr(void *arg)
{
	park_free(arg);
}

static void call_closed(int err, const struct sip_msg *msg, void *arg)
{
	struct sip_call *call = arg;

	if (!call->s) {   /* parked: the peer ended the dialog */
		tmr_start(&call->park_tmr, 0, park_free_tmr, call);
		return;
	}
	/* libre reports a BYE from the caller (and a CANCEL of an INVITE
	 * it holds after our 183) as ECONNRESET without msg */
	if (err == ECONNRESET && !call->answered && !call->bye_seen) {
		SEMS_INFO("call %s: cancelled by the caller", call->s->dlg.callid);
		call_post_request(call, SEMS_EV_CANCEL, msg);
	} else if (err == ECONNRESET) {
		SEMS_INFO("call %s: caller hung up", call->s->dlg.callid);
		call_post_request(call, SEMS_EV_BYE, msg);
	} else {
		SEMS_INFO("call %s: SIP session closed: %s", call->s->dlg.callid,
			  err ? strerror(err) : "normal");
	}
	tmr_cancel(&call->answer_tmr);
	session_mark_dialog_over(call->s);
}

/* ---- our requests in the dialog ---- */

struct call_req {
	struct sems_session *s;          /* reference */
	struct sems_sip_request *req;    /* what the reply event shows */
	char cuser[64];
	bool refresh;                    /* our session refresh: not posted */
};

static void refresh_done(struct call_req *cr, unsigned code);

static int req_send_handler(enum sip_transp tp, const struct sa *src,
			    const struct sa *dst, struct mbuf *mb, void *arg)
{
	struct call_req *cr = arg;
	struct sip_contact contact;
	(void)dst;
	sip_contact_set(&contact, cr->cuser, src, tp);
	return mbuf_printf(mb, "%H", sip_contact_print, &contact);
}

static void req_resp_handler(int err, const struct sip_msg *msg, void *arg)
{
	struct call_req *cr = arg;
	struct sems_sip_reply *reply = NULL;
	struct sems_sip_reply timeout = {
		.code = 408, .reason = "Request Timeout", .cseq = cr->req->cseq,
		.from_tag = cr->req->from_tag, .local_tag = cr->req->from_tag,
		.to_tag = cr->req->to_tag, .remote_tag = cr->req->to_tag,
	};
	bool final = err || !msg || msg->scode >= 200;

	if (cr->refresh) {
		if (final)
			refresh_done(cr, err || !msg ? 408 : msg->scode);
		goto out;
	}
	if (!err && msg)
		reply = sip_msg_to_reply(msg);
	else
		reply = sip_reply_dup(&timeout);
	if (reply)
		session_post_event(cr->s, SEMS_EV_SIP_REPLY, cr->req, reply);
	free(reply);
 out:
	if (final) {
		session_deref(cr->s);
		free(cr->req);
		free(cr);
	}
}

static int call_request(struct sip_call *call, const char *method,
			const char *ruri, const char *hdrs, const char *ctype,
			const char *body, bool refresh)
{
	struct sip_dialog *dlg = sipsess_dialog(call->sess);
	struct mbuf *mb = NULL;
	struct call_req *cr = NULL;
	size_t blen = strlen(body);
	int err;

	if (!dlg)
		return ENOTCONN;
	if (!ruri)
		ruri = sip_dialog_uri(dlg);
	mb = mbuf_alloc(1024 + blen);
	cr = calloc(1, sizeof(*cr));
	if (!mb || !cr) {
		err = ENOMEM;
		goto out;
	}
	uint32_t cseq = sip_dialog_lseq(dlg);
	err = mbuf_write_str(mb, "Max-Forwards: 70\r\n");
	err |= sip_dialog_encode(mb, dlg, 0, method);
	err |= mbuf_printf(mb, "User-Agent: %s\r\n%s", core_cfg.signature, hdrs);
	if (blen)
		err |= mbuf_printf(mb, "Content-Type: %s\r\n", ctype);
	err |= mbuf_printf(mb, "Content-Length: %zu\r\n\r\n%s", blen, body);
	if (err)
		goto out;
	mb->pos = 0;

	struct sems_dialog d;
	sems_session_dialog(call->s, &d);
	struct sems_sip_request tpl = {
		.method = method, .r_uri = ruri, .callid = d.callid,
		.from_tag = d.local_tag, .to_tag = d.remote_tag,
		.from = d.local_party, .to = d.remote_party,
		.from_uri = d.local_uri, .route = d.route,
		.content_type = ctype, .body = body, .hdrs = hdrs, .cseq = cseq,
		.user = d.user, .domain = d.domain,
	};
	cr->req = sip_request_dup(&tpl);
	if (!cr->req) {
		err = ENOMEM;
		goto out;
	}
	snprintf(cr->cuser, sizeof(cr->cuser), "%s", call->cuser);
	cr->refresh = refresh;
	cr->s = session_ref(call->s);
	err = sip_request(NULL, sip_stack, true, method, -1, ruri, -1,
			  sip_dialog_route(dlg), mb, sip_dialog_hash(dlg),
			  req_send_handler, req_resp_handler, cr);
	if (err) {
		session_deref(cr->s);
		goto out;
	}
	pthread_mutex_lock(&call->s->dlg_lock);
	call->s->dlg.cseq = sip_dialog_lseq(dlg);
	pthread_mutex_unlock(&call->s->dlg_lock);
	if (!refresh)
		SEMS_INFO("call %s: %s sent to %s", d.callid, method, ruri);
	cr = NULL;
 out:
	if (cr) {
		free(cr->req);
		free(cr);
	}
	mem_deref(mb);
	return err;
}

static int sip_call_request(void *sig, const char *method, const char *ruri,
			    const char *hdrs, const char *ctype,
			    const char *body)
{
	return call_request(sig, method, ruri, hdrs, ctype, body, false);
}

/* ---- session timers (sip_stimer.c decides, this sends) ---- */

static struct mbuf *desc_of(const char *sdp);

static void timer_bye(struct sems_session *s, const char *why)
{
	SEMS_INFO("call %s: %s: ending it", s->dlg.callid, why);
	(void)sems_session_bye(s, "Reason: SIP;cause=408;text=\"Session Timer "
			       "Expired\"\r\n");
}

void sip_call_timer_expired(struct sip_call *call)
{
	if (call->s && !atomic_load(&call->s->dialog_over))
		timer_bye(call->s, "session timer expired without a refresh");
}

/* We are the refresher: UPDATE without a body if the caller allows it,
 * else a re-INVITE with the same SDP (sipsess: it cannot carry
 * Session-Expires). */
void sip_call_refresh(struct sip_call *call)
{
	char hdrs[160];
	int err;
	if (!call->s || !call->sess || atomic_load(&call->s->dialog_over))
		return;
	if (call->stimer.peer_update) {
		snprintf(hdrs, sizeof(hdrs), "Session-Expires: %u;refresher=uas\r\n"
			 "Supported: timer\r\n", call->stimer.interval);
		err = call_request(call, "UPDATE", NULL, hdrs, "", "", true);
	} else {
		struct mbuf *desc = desc_of(call->s->sdp_answer);
		err = desc ? sipsess_modify(call->sess, desc) : ENOMEM;
		mem_deref(desc);
		if (!err)
			sip_stimer_start(call);   /* libre ends the call on 481/408 */
	}
	SEMS_DBG("call %s: session refresh (%s): %s", call->s->dlg.callid,
		 call->stimer.peer_update ? "UPDATE" : "re-INVITE",
		 err ? strerror(err) : "sent");
	if (err)
		timer_bye(call->s, "session refresh could not be sent");
}

int sip_call_reinvite(struct sip_call *call, const char *sdp)
{
	if (!call->s || !call->sess || !call->answered ||
	    atomic_load(&call->s->dialog_over))
		return ENOTCONN;
	struct mbuf *desc = desc_of(sdp);
	if (!desc)
		return ENOMEM;
	uint32_t lseq = sip_dialog_lseq(sipsess_dialog(call->sess));
	int err = sipsess_modify(call->sess, desc);
	mem_deref(desc);
	if (!err) {
		call->b2b_reinvite = true;
		call->b2b_cseq = lseq;
	}
	return err;
}

static void refresh_done(struct call_req *cr, unsigned code)
{
	struct sip_call *call = cr->s->sig ? sip_call_of(cr->s) : NULL;
	if (!call || !call->s || atomic_load(&cr->s->dialog_over))
		return;
	if (code >= 200 && code < 300) {
		sip_stimer_start(call);
	} else if (code == 501 || code == 405) {
		call->stimer.peer_update = false;   /* try re-INVITE */
		sip_call_refresh(call);
	} else {
		timer_bye(cr->s, "session refresh failed");
	}
}

static int sip_call_reply_request(void *sig, unsigned cseq, unsigned code,
				  const char *reason, const char *hdrs)
{
	struct sip_call *call = sig;
	if (!call->held_msg || call->held_msg->cseq.num != cseq)
		return EALREADY;
	held_reply(call, code, reason, hdrs);
	return 0;
}

/* ---- signalling_ops for sessions of this front ---- */

static struct mbuf *desc_of(const char *sdp)
{
	struct mbuf *desc = mbuf_alloc(strlen(sdp) + 1);
	if (!desc)
		return NULL;
	if (mbuf_write_str(desc, sdp)) {
		mem_deref(desc);
		return NULL;
	}
	desc->pos = 0;
	return desc;
}

/* sipsess takes the held INVITE with reply `code` (183 or 200). */
static int sess_accept(struct sip_call *call, uint16_t code,
		       const char *reason, struct mbuf *desc)
{
	char st[160] = "";
	if (code >= 200)
		sip_stimer_hdrs(&call->stimer, st, sizeof(st));
	int err = sipsess_accept(&call->sess, sess_sock, call->invite, code,
				 reason, call->cuser, "application/sdp", desc,
				 NULL, NULL, false, call_offer, call_answer,
				 call_established, call_info, call_refer,
				 call_closed, call, "%s%s", ALLOW_HDR, st);
	call->invite = mem_deref((void *)call->invite);
	return err;
}

static int sip_call_answer(void *sig, const char *sdp)
{
	struct sip_call *call = sig;
	int err;
	if (call->answered || (!call->invite && !call->sess))
		return EALREADY;
	struct mbuf *desc = desc_of(sdp);
	if (!desc)
		return ENOMEM;
	char st[160];
	sip_stimer_hdrs(&call->stimer, st, sizeof(st));
	if (call->sess)      /* after our 183 */
		err = sipsess_answer(call->sess, 200, "OK", desc, "%s%s",
				     ALLOW_HDR, st);
	else
		err = sess_accept(call, 200, "OK", desc);
	mem_deref(desc);
	if (err && call->invite)  /* the caller must not wait for nothing */
		(void)sip_treply(NULL, sip_stack, call->invite, 500,
				 "Server Internal Error");
	tmr_cancel(&call->answer_tmr);
	call->invite = mem_deref((void *)call->invite);
	if (!err) {
		call->answered = true;
		sip_stimer_start(call);
	}
	return err;
}

static int sip_call_early(void *sig, unsigned code, const char *reason,
			  const char *sdp)
{
	struct sip_call *call = sig;
	struct mbuf *desc = NULL;
	int err;
	if (call->answered || (!call->invite && !call->sess))
		return EALREADY;
	if (sdp && !(desc = desc_of(sdp)))
		return ENOMEM;
	if (call->sess)
		err = sipsess_progress(call->sess, (uint16_t)code, reason, desc,
				       "");
	else if (desc)      /* early media: sipsess takes the INVITE now */
		err = sess_accept(call, (uint16_t)code, reason, desc);
	else
		err = sip_replyf(sip_stack, call->invite, (uint16_t)code, reason,
				 "Content-Length: 0\r\n\r\n");
	mem_deref(desc);
	if (err)
		SEMS_WARN("call %s: cannot send %u: %s", call->s->dlg.callid, code,
			  strerror(err));
	return err;
}

static int sip_call_reply(void *sig, unsigned code, const char *reason,
			  const char *hdrs)
{
	struct sip_call *call = sig;
	int err;
	if (call->answered || (!call->invite && !call->sess))
		return EALREADY;
	if (call->sess) {    /* after our 183 */
		if (code < 200)
			return sipsess_progress(call->sess, (uint16_t)code,
						reason, NULL, "%s", hdrs);
		err = sipsess_reject(call->sess, (uint16_t)code, reason,
				     "%sContent-Length: 0\r\n\r\n", hdrs);
		call->sess = mem_deref(call->sess);   /* not established: no BYE */
		tmr_cancel(&call->answer_tmr);
		return err;
	}
	if (code < 200)
		return sip_replyf(sip_stack, call->invite, code, reason,
				  "%sContent-Length: 0\r\n\r\n", hdrs);
	err = sip_treplyf(NULL, NULL, sip_stack, call->invite, false, code,
			  reason, "%sContent-Length: 0\r\n\r\n", hdrs);
	tmr_cancel(&call->answer_tmr);
	call->invite = mem_deref((void *)call->invite);
	return err;
}

static int sip_call_bye(void *sig, const char *hdrs)
{
	struct sip_call *call = sig;
	if (call->sess && call->answered) {
		if (hdrs[0])
			(void)sipsess_set_close_headers(call->sess, "%s", hdrs);
		call->sess = mem_deref(call->sess);   /* sends the BYE */
		return 0;
	}
	/* not answered yet: end the INVITE transaction instead */
	return sip_call_reply(sig, 487, "Request Terminated", hdrs);
}

static void sip_call_free(struct sip_call *call)
{
	tmr_cancel(&call->answer_tmr);
	tmr_cancel(&call->park_tmr);
	sip_stimer_stop(&call->stimer);
	held_drop(call);
	mem_deref(call->sess);
	mem_deref((void *)call->invite);
	mem_deref(call->park_callid);
	mem_deref(call->park_rtag);
	free(call);
}

static void park_free(struct sip_call *call)
{
	list_unlink(&call->park_le);
	call->sess = mem_deref(call->sess);   /* the peer ended it: no BYE */
	sip_call_free(call);
}

static void park_expired(void *arg)
{
	struct sip_call *call = arg;
	if (call->sess)
		return;   /* kept until the peer's BYE or CANCEL */
	park_free(call);
}

/* dropSession(): see the top of the file. */
static void sip_call_drop(void *sig)
{
	struct sip_call *call = sig;
	call->parked = true;
	tmr_cancel(&call->answer_tmr);
	sip_stimer_stop(&call->stimer);
	held_drop(call);
}

static void sip_call_release(void *sig)
{
	struct sip_call *call = sig;
	struct sems_session *s = call->s;
	if (call->parked && (call->sess || call->invite)) {
		if (re_sdprintf(&call->park_callid, "%s", s->dlg.callid) ||
		    re_sdprintf(&call->park_rtag, "%s", s->dlg.remote_tag)) {
			call->park_callid = mem_deref(call->park_callid);
			call->park_rtag = mem_deref(call->park_rtag);
		}
		call->s = NULL;
		call->invite = mem_deref((void *)call->invite);
		list_append(&parked, &call->park_le, call);
		tmr_start(&call->park_tmr, 64 * 500, park_expired, call);
		SEMS_INFO("call %s: dropped: dialog forgotten, nothing sent",
			  s->dlg.callid);
		session_deref(s);
		return;
	}
	sip_call_free(call);
	session_deref(s);
}

static const struct signalling_ops sip_call_ops = {
	.name = "sip",
	.answer = sip_call_answer,
	.reply = sip_call_reply,
	.bye = sip_call_bye,
	.release = sip_call_release,
	.early = sip_call_early,
	.request = sip_call_request,
	.reply_request = sip_call_reply_request,
	.drop = sip_call_drop,
};

struct sip_call *sip_call_of(struct sems_session *s)
{
	return s->sig_ops == &sip_call_ops ? s->sig : NULL;
}

static struct sip_call *parked_find(const struct sip_msg *msg, bool by_rtag)
{
	struct le *le;
	LIST_FOREACH(&parked, le) {
		struct sip_call *call = le->data;
		if (by_rtag) {
			if (call->park_callid && call->park_rtag &&
			    !pl_strcmp(&msg->callid, call->park_callid) &&
			    !pl_strcmp(&msg->from.tag, call->park_rtag))
				return call;
		} else if (call->sess &&
			   sip_dialog_cmp(sipsess_dialog(call->sess), msg)) {
			return call;
		}
	}
	return NULL;
}

/* The offer of a re-INVITE or UPDATE; "" when it has none. */
static int body_offer(const struct sip_msg *msg, char **offerp)
{
	struct pl body = PL_INIT;
	*offerp = NULL;
	if (!msg->mb || !mbuf_get_left(msg->mb))
		return 0;
	pl_set_mbuf(&body, msg->mb);
	return pl_strdup(offerp, &body);
}

/* 200 to a re-INVITE or UPDATE, with our session timer headers and, when
 * sdp != NULL, the SDP answer. */
static void reply_2xx(struct sip_call *call, const struct sip_msg *msg,
		      const char *sdp)
{
	struct sip_contact contact;
	char st[160];

	sip_stimer_hdrs(&call->stimer, st, sizeof(st));
	sip_contact_set(&contact, call->cuser, &msg->dst, msg->tp);
	(void)sip_treplyf(NULL, NULL, sip_stack, msg, false, 200, "OK",
			  "%H%s%s%sContent-Length: %zu\r\n\r\n%s",
			  sip_contact_print, &contact, ALLOW_HDR, st,
			  sdp ? "Content-Type: application/sdp\r\n" : "",
			  sdp ? strlen(sdp) : (size_t)0, sdp ? sdp : "");
}

/* A re-INVITE or UPDATE of an answered call, answered here rather than by
 * sipsess, whose 200 can carry no headers of ours (Session-Expires): the
 * offer is negotiated again (hold, new address), the session timer
 * restarts.  An ACK for our 200 finds no reply in sipsess and is ignored
 * there.  (Our 200 is not retransmitted until the ACK as sipsess's is.) */
static void call_modify(struct sip_call *call, const struct sip_msg *msg,
			bool invite)
{
	struct sip_dialog *dlg = sipsess_dialog(call->sess);
	char *offer = NULL;
	int err;

	if (!sip_dialog_rseq_valid(dlg, msg)) {
		(void)sip_treply(NULL, sip_stack, msg, 500, "Server Internal Error");
		return;
	}
	err = body_offer(msg, &offer);
	if (!err)
		err = session_media_reoffer(call->s, offer);
	if (err) {
		(void)sip_treplyf(NULL, NULL, sip_stack, msg, false, 488,
				  "Not Acceptable Here", "Content-Length: 0\r\n\r\n");
		mem_deref(offer);
		return;
	}
	if (invite)
		(void)sip_dialog_update(dlg, msg);
	sip_stimer_negotiate(&call->stimer, msg);
	/* a re-INVITE without an offer gets ours; an UPDATE only answers */
	reply_2xx(call, msg, invite || offer ? call->s->sdp_answer : NULL);
	mem_deref(offer);
	sip_stimer_start(call);
	call_post_request(call, SEMS_EV_SIP_REQUEST, msg);
}

bool sip_call_pre_request(const struct sip_msg *msg)
{
	if (!pl_isset(&msg->to.tag))
		return false;
	struct sip_call *pc = parked_find(msg, false);
	if (pc) {
		if (!pl_strcmp(&msg->met, "BYE") || !pl_strcmp(&msg->met, "ACK"))
			return false;   /* sipsess: 200, then call_closed */
		(void)sip_treply(NULL, sip_stack, msg, 481,
				 "Call/Transaction Does Not Exist");
		return true;
	}
	bool invite = !pl_strcmp(&msg->met, "INVITE");
	if (pl_strcmp(&msg->met, "BYE") && !invite)
		return false;
	struct sems_session *s = sip_call_find(&msg->callid, &msg->to.tag,
					       false);
	struct sip_call *call = s ? sip_call_of(s) : NULL;
	bool handled = false;
	if (invite) {
		handled = call && call->s && call->sess && call->answered &&
			  !atomic_load(&s->dialog_over);
		if (handled)
			call_modify(call, msg, true);
	} else if (call && call->s && !atomic_load(&s->dialog_over)) {
		call->bye_seen = true;
		/* onSipRequest(BYE) runs before onBye, as in SEMS */
		call_post_request(call, SEMS_EV_SIP_REQUEST, msg);
	}
	if (s)
		session_deref(s);
	return handled;
}

bool sip_call_in_dialog(const struct sip_msg *msg)
{
	struct sems_session *s = sip_call_find(&msg->callid, &msg->to.tag,
					       false);
	struct sip_call *call = s ? sip_call_of(s) : NULL;
	bool mine = call && call->s && call->sess && !atomic_load(&s->dialog_over);
	if (mine) {
		if (!pl_strcmp(&msg->met, "UPDATE") && call->answered)
			call_modify(call, msg, false);   /* session refresh */
		else if (!sip_dialog_rseq_valid(sipsess_dialog(call->sess), msg))
			(void)sip_treply(NULL, sip_stack, msg, 500,
					 "Server Internal Error");
		else
			call_hold_request(call, msg);
	}
	if (s)
		session_deref(s);
	return mine;
}

void sip_call_forget_parked(void)
{
	while (parked.head) {
		struct sip_call *call = parked.head->data;
		list_unlink(&call->park_le);
		/* never freed: freeing an established sipsess sends BYE */
		call->sess = NULL;
		tmr_cancel(&call->park_tmr);
		sip_stimer_stop(&call->stimer);
	}
}

/* ---- new INVITEs ---- */

/* An application that neither answers nor rejects (SEMS allows onInvite to
 * do nothing) must not hold the caller and the session forever. */
static void sip_call_answer_timeout(void *arg)
{
	struct sip_call *call = arg;
	if (call->answered || (!call->invite && !call->sess))
		return;
	SEMS_WARN("call %s: application did not answer within %d s",
		  call->s->dlg.callid, SIP_ANSWER_TIMEOUT_MS / 1000);
	(void)sip_call_reply(call, 480, "Temporarily Unavailable", "");
	session_mark_dialog_over(call->s);
}

static void sip_call_reject_hdrs(const struct sip_msg *msg, unsigned code,
				 const char *reason, const char *hdrs)
{
	(void)sip_treplyf(NULL, NULL, sip_stack, msg, false, code, reason,
			  "%sContent-Length: 0\r\n\r\n", hdrs);
}

static void sip_call_reject(const struct sip_msg *msg, unsigned code,
			    const char *reason)
{
	sip_call_reject_hdrs(msg, code, reason, "");
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
	if (parked_find(msg, true))
		return true;    /* dropped before the answer: ignored */
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
	unsigned min_se = sip_stimer_too_small(msg);
	if (min_se) {
		char hdr[48];
		snprintf(hdr, sizeof(hdr), "Min-SE: %u\r\n", min_se);
		(void)sip_treplyf(NULL, NULL, sip_stack, msg, false, 422,
				  "Session Interval Too Small",
				  "%sContent-Length: 0\r\n\r\n", hdr);
		SEMS_INFO("call %s: Session-Expires below %u s: 422",
			  req->callid, min_se);
		goto out;
	}
	struct sip_call *call = calloc(1, sizeof(*call));
	if (!call) {
		sip_call_reject(msg, 500, "Server Internal Error");
		goto out;
	}
	if (incoming_call_start(app_name, req, &sip_call_ops, call, &call->s,
				&cerr)) {
		sip_call_reject_hdrs(msg, cerr.code, cerr.reason, cerr.hdrs);
		free(call);
		goto out;
	}
	call->invite = mem_ref((void *)msg);
	snprintf(call->cuser, sizeof(call->cuser), "%.*s",
		 (int)(msg->uri.user.l < 60 ? msg->uri.user.l : 0),
		 msg->uri.user.p);
	if (!call->cuser[0])
		snprintf(call->cuser, sizeof(call->cuser), "sems");
	tmr_init(&call->answer_tmr);
	tmr_init(&call->park_tmr);
	tmr_init(&call->stimer.tmr);
	sip_stimer_negotiate(&call->stimer, msg);
	tmr_start(&call->answer_tmr, SIP_ANSWER_TIMEOUT_MS, sip_call_answer_timeout,
		  call);
	/* our To tag is the session id, in every reply libre builds */
	((struct sip_msg *)msg)->tag = strtoull(sems_session_id(call->s), NULL, 16);
	(void)sip_reply(sip_stack, msg, 100, "Trying");
 out:
	free(req);
}
