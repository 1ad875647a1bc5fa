/* ser_call.c: calls fronted by Kamailio: t_write_unix in, JSON-RPC out.
 *
 * Kamailio owns every SIP transaction.  We keep, per call, what is needed
 * to answer the INVITE transaction (its hash:label) and to build requests
 * inside the dialog (tags, parties, remote target, route set), all taken
 * from the INVITE datagram.  Answers go out with tm.reply; our BYE with
 * t_uac_send (see ser_rpc.h).  An RPC that fails or times out ends the
 * call: the session is told its dialog is over and cleans up.
 *
 * Kamailio's tm does not answer CANCEL for a transaction handed over with
 * t_write_unix: the CANCEL comes to us like any request, and we answer it
 * 200 and the INVITE 487.  An ACK for our 200 creates no transaction in
 * Kamailio and never reaches us, so nothing here waits for it.
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <re.h>
#include <sems/app.h>
#include <sems/log.h>
#include "incoming_call.h"
#include "session/session_internal.h"
#include "ser/ser_call.h"
#include "ser/ser_parse.h"
#include "ser/ser_rpc.h"

struct ser_call {
	struct sems_session *s;    /* reference, dropped on release */
	char *invite_tid;          /* hash:label of the INVITE transaction */
	char local_tag[24];        /* = the session id */
	char *callid, *remote_tag;
	char *local_party, *remote_party;  /* To and From of the INVITE */
	char *remote_target, *route_set, *next_hop;
	char *contact;             /* "Contact: <...>\r\n" pointing at Kamailio */
	unsigned cseq;             /* of our next request */
	bool final_sent;
	bool answered;             /* 200 sent */
	/* an in-dialog request held for the application (sendReply) */
	char *held_tid;
	unsigned held_cseq;
	bool held_refer;
};

static const struct signalling_ops ser_call_ops;

static struct ser_call *ser_call_of(struct sems_session *s)
{
	return s && s->sig_ops == &ser_call_ops ? s->sig : NULL;
}

/* Stateless-looking answers for requests without a call of ours. */
static void reply_hdrs(const struct ser_request *sr, unsigned code,
		       const char *reason, const char *hdrs)
{
	char tag[24];
	const char *to_tag = sr->req.to_tag;
	if (!to_tag[0]) {
		snprintf(tag, sizeof(tag), "%016llx", (unsigned long long)rand_u64());
		to_tag = tag;
	}
	(void)ser_rpc_reply(sr->hash_label, code, reason, to_tag, hdrs, "",
			    sr->req.callid, NULL, NULL);
}

static void reply_plain(const struct ser_request *sr, unsigned code,
			const char *reason)
{
	reply_hdrs(sr, code, reason, "");
}

/* ---- signalling_ops ---- */

struct ser_call;

/* The INVITE's answer could not be delivered: the call cannot go on. */
static void invite_reply_done(int err, int code, const char *msg, void *arg)
{
	struct ser_call *call = arg;
	(void)code;
	(void)msg;
	if (err) {
		SEMS_ERROR("ser: call %s: reply to the INVITE failed, ending it",
			   call->callid);
		session_mark_dialog_over(call->s);
	}
}

/* 200 with our SDP to transaction tid (the INVITE or a re-INVITE). */
static int reply_200_sdp(struct ser_call *call, const char *tid,
			 const char *sdp, ser_rpc_h *h)
{
	char *hdrs = NULL;
	if (asprintf(&hdrs, "%sContent-Type: application/sdp\r\n",
		     call->contact) < 0)
		return ENOMEM;
	int err = ser_rpc_reply(tid, 200, "OK", call->local_tag, hdrs, sdp,
				call->callid, h, call);
	free(hdrs);
	return err;
}

static int ser_call_answer(void *sig, const char *sdp)
{
	struct ser_call *call = sig;
	if (call->final_sent)
		return EALREADY;
	int err = reply_200_sdp(call, call->invite_tid, sdp, invite_reply_done);
	if (!err)
		call->final_sent = call->answered = true;
	return err;
}

/* 180, or 183 with our SDP (early media): tm.reply takes a body. */
static int ser_call_early(void *sig, unsigned code, const char *reason,
			  const char *sdp)
{
	struct ser_call *call = sig;
	char *hdrs = NULL;
	if (call->final_sent)
		return EALREADY;
	if (asprintf(&hdrs, "%s%s", call->contact,
		     sdp ? "Content-Type: application/sdp\r\n" : "") < 0)
		return ENOMEM;
	int err = ser_rpc_reply(call->invite_tid, code, reason, call->local_tag,
				hdrs, sdp ? sdp : "", call->callid,
				invite_reply_done, call);
	free(hdrs);
	return err;
}

static int ser_call_reply(void *sig, unsigned code, const char *reason,
			  const char *hdrs)
{
	struct ser_call *call = sig;
	if (call->final_sent)
		return EALREADY;
	int err = ser_rpc_reply(call->invite_tid, code, reason, call->local_tag,
				hdrs, "", call->callid,
				code >= 200 ? NULL : invite_reply_done, call);
	if (!err && code >= 200)
		call->final_sent = true;
	return err;
}

/* A request in the dialog through Kamailio (t_uac_send).  Its replies come
 * back wrapped by the shipped config's reply_route (ser_call_reply_in),
 * but those to BYE. */
static int dialog_request(struct ser_call *call, const char *method,
			  const char *ruri, const char *extra,
			  const char *ctype, const char *body)
{
	char *hdrs = NULL;
	bool with_body = body && body[0];
	if (asprintf(&hdrs, "From: %s;tag=%s\r\nTo: %s;tag=%s\r\nCall-ID: %s\r\n"
		     "CSeq: %u %s\r\n%s%s%s%s%s%s%s%s", call->local_party,
		     call->local_tag, call->remote_party, call->remote_tag,
		     call->callid, call->cseq++, method,
		     call->route_set[0] ? "Route: " : "", call->route_set,
		     call->route_set[0] ? "\r\n" : "",
		     strcmp(method, "BYE") ? call->contact : "", extra,
		     with_body ? "Content-Type: " : "", with_body ? ctype : "",
		     with_body ? "\r\n" : "") < 0)
		return ENOMEM;
	pthread_mutex_lock(&call->s->dlg_lock);
	char *target = strdup(ruri ? ruri : call->s->dlg.remote_uri_set ?
			      call->s->dlg.remote_uri : call->remote_target);
	call->s->dlg.cseq = call->cseq;
	pthread_mutex_unlock(&call->s->dlg_lock);
	int err = target ? ser_rpc_uac(method, target, call->next_hop, "", hdrs,
				       with_body ? body : "", call->callid,
				       NULL, NULL) : ENOMEM;
	if (!err && strcmp(method, "BYE"))
		SEMS_INFO("ser: call %s: %s sent to %s", call->callid, method,
			  target);
	free(target);
	free(hdrs);
	return err;
}

static int ser_call_bye(void *sig, const char *extra)
{
	struct ser_call *call = sig;
	if (!call->final_sent)   /* not answered yet: end the INVITE instead */
		return ser_call_reply(sig, 487, "Request Terminated", extra);
	return dialog_request(call, "BYE", NULL, extra, "", "");
}

static int ser_call_request(void *sig, const char *method, const char *ruri,
			    const char *hdrs, const char *ctype,
			    const char *body)
{
	struct ser_call *call = sig;
	if (!call->answered)
		return ENOTCONN;   /* early dialogs: not through Kamailio */
	return dialog_request(call, method, ruri, hdrs, ctype, body);
}

static void held_forget(struct ser_call *call)
{
	free(call->held_tid);
	call->held_tid = NULL;
}

static void held_reply(struct ser_call *call, unsigned code,
		       const char *reason, const char *hdrs)
{
	if (!code) {
		code = call->held_refer ? 501 : 200;
		reason = call->held_refer ? "Not Implemented" : "OK";
	}
	(void)ser_rpc_reply(call->held_tid, code, reason, call->local_tag, hdrs,
			    "", call->callid, NULL, NULL);
	if (code >= 200)
		held_forget(call);
}

static int ser_call_reply_request(void *sig, unsigned cseq, unsigned code,
				  const char *reason, const char *hdrs)
{
	struct ser_call *call = sig;
	if (!call->held_tid || call->held_cseq != cseq)
		return EALREADY;
	held_reply(call, code, reason, hdrs);
	return 0;
}

/* dropSession(): nothing is sent; Kamailio keeps no dialog of its own, and
 * later requests of the caller get 481 from us (no session). */
static void ser_call_drop(void *sig)
{
	struct ser_call *call = sig;
	held_forget(call);
	SEMS_INFO("ser: call %s: dropped: dialog forgotten, nothing sent",
		  call->callid);
}

static void ser_call_free(struct ser_call *call)
{
	char **fields[] = { &call->invite_tid, &call->callid, &call->remote_tag,
			    &call->local_party, &call->remote_party,
			    &call->remote_target, &call->route_set,
			    &call->next_hop, &call->contact, &call->held_tid };
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		free(*fields[i]);
	free(call);
}

static void ser_call_release(void *sig)
{
	struct ser_call *call = sig;
	ser_rpc_forget(call);
	session_deref(call->s);
	ser_call_free(call);
}

static const struct signalling_ops ser_call_ops = {
	.name = "ser",
	.answer = ser_call_answer,
	.reply = ser_call_reply,
	.bye = ser_call_bye,
	.release = ser_call_release,
	.early = ser_call_early,
	.request = ser_call_request,
	.reply_request = ser_call_reply_request,
	.drop = ser_call_drop,
};

/* ---- new calls ---- */

/* The application, by the t_write_unix command word. */
static char *select_app(const struct ser_request *sr)
{
	if (!strcmp(sr->cmd, "ivr"))
		return strdup(sr->req.user);
	if (!strcmp(sr->cmd, "sems"))
		return sems_header_get(sr->req.hdrs, "P-App-Name");
	return strdup(sr->cmd);
}

static struct ser_call *ser_call_alloc(const struct ser_request *sr)
{
	const struct sems_sip_request *r = &sr->req;
	struct ser_call *call = calloc(1, sizeof(*call));
	if (!call)
		return NULL;
	call->cseq = 10;
	bool v6 = strchr(r->dstip, ':') != NULL;
	int n = asprintf(&call->contact, "Contact: <sip:%s%s%s%s%s:%s>\r\n",
			 r->user, r->user[0] ? "@" : "", v6 ? "[" : "", r->dstip,
			 v6 ? "]" : "", r->port);
	call->invite_tid = strdup(sr->hash_label);
	call->callid = strdup(r->callid);
	call->remote_tag = strdup(r->from_tag);
	call->local_party = strdup(r->to);
	call->remote_party = strdup(r->from);
	call->remote_target = strdup(r->contact[0] ? r->contact : r->from_uri);
	call->route_set = strdup(sr->route_set);
	call->next_hop = strdup(r->next_hop);
	if (n < 0 || !call->invite_tid || !call->callid || !call->remote_tag ||
	    !call->local_party || !call->remote_party || !call->remote_target ||
	    !call->route_set || !call->next_hop) {
		if (n < 0)
			call->contact = NULL;
		ser_call_free(call);
		return NULL;
	}
	return call;
}

void ser_call_incoming(const struct ser_request *sr)
{
	struct call_error cerr;
	struct sems_session *s = session_find_remote(sr->req.callid,
						     sr->req.from_tag);
	if (s) {         /* tm absorbs retransmissions; be safe anyway */
		session_deref(s);
		return;
	}
	char *app = select_app(sr);
	struct ser_call *call = app ? ser_call_alloc(sr) : NULL;
	if (!call) {
		reply_plain(sr, 500, "Server Internal Error");
		goto out;
	}
	if (!app[0] || strlen(app) > SEMS_APP_NAME_MAX) {
		SEMS_INFO("ser: call %s: no application (command '%s')",
			  sr->req.callid, sr->cmd);
		reply_plain(sr, 404, "Not Found (no application)");
		ser_call_free(call);
		goto out;
	}
	if (incoming_call_start(app, &sr->req, &ser_call_ops, call, &call->s,
				&cerr)) {
		reply_hdrs(sr, cerr.code, cerr.reason, cerr.hdrs);
		ser_call_free(call);
		goto out;
	}
	snprintf(call->local_tag, sizeof(call->local_tag), "%s",
		 sems_session_id(call->s));
 out:
	free(app);
}

void ser_call_reply_in(const char *callid, const char *local_tag,
		       const char *method, const struct sems_sip_reply *reply)
{
	struct sems_session *s = session_find(callid, local_tag);
	struct ser_call *call = ser_call_of(s);

	if (call && !atomic_load(&s->dialog_over)) {
		/* what the event shows as the request: the dialog's view */
		struct sems_sip_request req = {
			.method = method, .r_uri = call->remote_target,
			.from = call->local_party, .to = call->remote_party,
			.callid = call->callid, .from_tag = call->local_tag,
			.to_tag = call->remote_tag, .cseq = reply->cseq,
		};
		SEMS_DBG("ser: call %s: %u %s to our %s", callid, reply->code,
			 reply->reason, method);
		session_post_event(s, SEMS_EV_SIP_REPLY, &req, reply);
	}
	else
		SEMS_DBG("ser: reply %u to a %s of no call of ours (%s)",
			 reply->code, method, callid);
	session_deref(s);
}

/* ---- requests inside a dialog ---- */

static void post_request(struct ser_call *call, enum sems_event_type type,
			 const struct ser_request *sr)
{
	if (session_post_event(call->s, type, &sr->req, NULL))
		SEMS_ERROR("ser: call %s: cannot queue %s", call->callid,
			   sr->req.method);
}

static void on_cancel(struct ser_call *call, const struct ser_request *sr)
{
	(void)ser_rpc_reply(sr->hash_label, 200, "OK", call->local_tag, "", "",
			    call->callid, NULL, NULL);
	if (call->final_sent)
		return;   /* already answered: the CANCEL changes nothing */
	SEMS_INFO("ser: call %s: cancelled by the caller", call->callid);
	(void)ser_rpc_reply(call->invite_tid, 487, "Request Terminated",
			    call->local_tag, "", "", call->callid, NULL, NULL);
	call->final_sent = true;
	post_request(call, SEMS_EV_CANCEL, sr);
	session_mark_dialog_over(call->s);
}

static void on_bye(struct ser_call *call, const struct ser_request *sr)
{
	reply_plain(sr, 200, "OK");
	SEMS_INFO("ser: call %s: caller hung up", call->callid);
	/* onSipRequest(BYE) runs before onBye, as in SEMS */
	post_request(call, SEMS_EV_SIP_REQUEST, sr);
	post_request(call, SEMS_EV_BYE, sr);
	session_mark_dialog_over(call->s);
}

/* re-INVITE: its offer is negotiated again (hold: recvonly/inactive and
 * no RTP; a new address is used); none: the same answer. */
static void on_reinvite(struct ser_call *call, const struct ser_request *sr)
{
	if (session_media_reoffer(call->s, sr->req.body)) {
		(void)ser_rpc_reply(sr->hash_label, 488, "Not Acceptable Here",
				    call->local_tag, "", "", call->callid, NULL,
				    NULL);
		return;
	}
	(void)reply_200_sdp(call, sr->hash_label,
			    call->s->sdp_answer ? call->s->sdp_answer : "", NULL);
	post_request(call, SEMS_EV_SIP_REQUEST, sr);
}

/* INFO, NOTIFY, MESSAGE, REFER ...: held for the application, which may
 * sendReply(); the core answers 200 (REFER 501) after its handler. */
static void on_other(struct ser_call *call, const struct ser_request *sr)
{
	if (call->held_tid)
		held_reply(call, 0, "", "");
	call->held_tid = strdup(sr->hash_label);
	call->held_cseq = sr->req.cseq ? sr->req.cseq : 1;
	call->held_refer = !strcmp(sr->req.method, "REFER");
	if (!call->held_tid ||
	    session_post_request(call->s, &sr->req, true)) {
		SEMS_ERROR("ser: call %s: cannot queue %s", call->callid,
			   sr->req.method);
		if (call->held_tid)
			held_reply(call, 500, "Server Internal Error", "");
		else
			reply_plain(sr, 500, "Server Internal Error");
	}
}

void ser_call_in_dialog(const struct ser_request *sr)
{
	const struct sems_sip_request *r = &sr->req;
	bool cancel = !strcmp(r->method, "CANCEL");
	struct sems_session *s = cancel ?
		session_find_remote(r->callid, r->from_tag) :
		session_find(r->callid, r->to_tag);
	struct ser_call *call = ser_call_of(s);

	if (call && atomic_load(&s->dialog_over) && !strcmp(r->method, "BYE")) {
		reply_plain(sr, 200, "OK");   /* our BYE crossed theirs */
		goto out;
	}
	if (!call || atomic_load(&s->dialog_over)) {
		if (strcmp(r->method, "ACK"))
			reply_plain(sr, 481, "Call/Transaction Does Not Exist");
		goto out;
	}
	if (cancel)
		on_cancel(call, sr);
	else if (!strcmp(r->method, "BYE"))
		on_bye(call, sr);
	else if (!strcmp(r->method, "ACK"))
		post_request(call, SEMS_EV_ACK, sr);
	else if (!strcmp(r->method, "INVITE"))
		on_reinvite(call, sr);
	else
		on_other(call, sr);
 out:
	session_deref(s);
}
