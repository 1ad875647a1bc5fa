/* ser_uac.c: INVITE dialogs we originate through Kamailio (see ser_uac.h).
 *
 * What libre's sipsess does for us in direct SIP mode is split here
 * between Kamailio and us: tm keeps the INVITE client transaction
 * (retransmissions, the ACK of every final reply, CANCEL on tm.cancel);
 * we keep the dialog (tags, remote target, route set, CSeq), the ring
 * timeout, and turn the wrapped replies into the sip_uac handlers' calls.
 *
 * A dialog that was hung up stays in the list, without handlers, for
 * LINGER_MS: a 2xx that crossed our CANCEL (or arrived after the ring
 * timeout) still gets its BYE, retransmitted 2xx are not taken for new
 * calls, and a BYE that crossed ours gets 200.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <re.h>
#include <sems/log.h>
#include <sems/sip.h>
#include "core_config.h"
#include "ser/ser_call.h"
#include "ser/ser_parse.h"
#include "ser/ser_rpc.h"
#include "ser/ser_uac.h"
#include "sip/sip_msg_convert.h"
#include "sip/sip_uac.h"

#define LINGER_MS 32000      /* 64*T1: how long a hung-up dialog is kept */

struct ser_uac {
	struct le le;                /* in `uacs` */
	struct tmr tmr;              /* ring timeout, then the linger time */
	const struct sip_uac_handlers *h;   /* NULL once hung up */
	void *arg;
	char *callid, *from, *to;    /* From/To values without tags */
	char local_tag[32];
	char *remote_tag, *remote_target, *route, *next_hop;
	unsigned cseq;               /* of our next request in the dialog */
	unsigned timeout_s;
	bool answered;               /* 2xx taken */
	bool closed;                 /* `closed` reported, or hung up */
	char r_uri[256];
};

static struct list uacs;
static bool shut_down;     /* ser_uac_close_all() ran: nothing lingers */

bool ser_uac_enabled(void)
{
	return core_cfg.socket_name[0] && strcmp(core_cfg.uac_via, "sip");
}

static char *dup_pl(const struct pl *pl)
{
	char *s = malloc(pl->l + 1);
	if (s) {
		if (pl->l)
			memcpy(s, pl->p, pl->l);
		s[pl->l] = '\0';
	}
	return s;
}

static void uac_free(struct ser_uac *u)
{
	tmr_cancel(&u->tmr);
	list_unlink(&u->le);
	ser_rpc_forget(u);
	free(u->callid); free(u->from); free(u->to); free(u->remote_tag);
	free(u->remote_target); free(u->route); free(u->next_hop);
	free(u);
}

static struct ser_uac *uac_find(const struct pl *callid,
				const struct pl *local_tag)
{
	struct le *le;
	LIST_FOREACH(&uacs, le) {
		struct ser_uac *u = le->data;
		if (!pl_strcmp(callid, u->callid) &&
		    !pl_strcmp(local_tag, u->local_tag))
			return u;
	}
	return NULL;
}

/* Reports the end once; the handler usually hangs up (frees u). */
static void report_closed(struct ser_uac *u, int err, unsigned code,
			  const char *reason)
{
	if (u->closed || !u->h)
		return;
	u->closed = true;
	tmr_cancel(&u->tmr);
	u->h->closed(u->arg, err, code, reason);
}

/* A request in the dialog (BYE, INFO) through t_uac_send. */
static int dialog_request(struct ser_uac *u, const char *method,
			  const char *extra, const char *ctype,
			  const char *body)
{
	char *hdrs = NULL;
	bool with_body = body && body[0];
	if (asprintf(&hdrs, "From: %s;tag=%s\r\nTo: %s;tag=%s\r\nCall-ID: %s\r\n"
		     "CSeq: %u %s\r\n%s%s%s%s%s%s%s", u->from, u->local_tag,
		     u->to, u->remote_tag, u->callid, u->cseq++, method,
		     u->route[0] ? "Route: " : "", u->route,
		     u->route[0] ? "\r\n" : "", extra ? extra : "",
		     with_body ? "Content-Type: " : "", with_body ? ctype : "",
		     with_body ? "\r\n" : "") < 0)
		return ENOMEM;
	int err = ser_rpc_uac(method, u->remote_target, u->next_hop, "", hdrs,
			      with_body ? body : "", u->callid, NULL, NULL);
	free(hdrs);
	return err;
}

static void linger_end(void *arg)
{
	uac_free(arg);
}

static void linger(struct ser_uac *u)
{
	u->h = NULL;
	u->closed = true;
	tmr_start(&u->tmr, LINGER_MS, linger_end, u);
}

/* ---- the INVITE ---- */

static void invite_sent(int err, int code, const char *msg, void *arg)
{
	struct ser_uac *u = arg;
	if (!err)
		return;
	SEMS_WARN("ser: INVITE %s (%s) not sent by Kamailio: %d %s", u->r_uri,
		  u->callid, code, msg ? msg : "");
	report_closed(u, err == ETIMEDOUT ? EHOSTUNREACH : EPROTO, 0, "");
}

static void ring_timeout(void *arg)
{
	struct ser_uac *u = arg;
	SEMS_INFO("ser: INVITE to %s: no answer within %u s, CANCEL", u->r_uri,
		  u->timeout_s);
	(void)ser_rpc_cancel(u->callid, 1, NULL, NULL);
	report_closed(u, ETIMEDOUT, 0, "");
}

/* Header lines of the caller's (B2BUA) or the script's that are ours to
 * write, or that tm refuses (Content-Length with a body). */
static bool hdr_reserved(const char *line, size_t len)
{
	static const char *const names[] = {
		"From", "f", "To", "t", "Call-ID", "i", "CSeq", "Via", "v",
		"Contact", "m", "Content-Type", "c", "Content-Length", "l",
		"Max-Forwards", "Route", "Record-Route",
		"P-MsgFlags",      /* t_write_unix's, in the caller's headers */
	};
	const char *colon = memchr(line, ':', len);
	if (!colon)
		return true;
	size_t n = (size_t)(colon - line);
	while (n && (line[n - 1] == ' ' || line[n - 1] == '\t'))
		n--;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strlen(names[i]) == n && !strncasecmp(line, names[i], n))
			return true;
	return false;
}

static int extra_headers(const char *hdrs, struct mbuf *mb)
{
	int err = 0;
	for (const char *p = hdrs ? hdrs : ""; *p && !err;) {
		const char *e = strstr(p, "\r\n");
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (len && !hdr_reserved(p, len))
			err = mbuf_printf(mb, "%b\r\n", p, len);
		p += len + (e ? 2 : 0);
	}
	return err;
}

static char *strip_tag(const char *v)
{
	char *s = strdup(v), *t;
	if (s && (t = strcasestr(s, ";tag=")))
		*t = '\0';
	return s;
}

int ser_uac_connect(struct ser_uac **up, const struct sip_uac_params *p,
		    const struct sip_uac_handlers *h, void *arg)
{
	struct ser_uac *u = calloc(1, sizeof(*u));
	struct mbuf *mb = mbuf_alloc(1024);
	char *hdrs = NULL;
	int err = ENOMEM;

	if (!u || !mb)
		goto out;
	u->h = h;
	u->arg = arg;
	u->cseq = 2;
	u->timeout_s = p->timeout_s ? p->timeout_s : 60;
	snprintf(u->r_uri, sizeof(u->r_uri), "%s", p->r_uri);
	tmr_init(&u->tmr);
	if (p->local_tag && p->local_tag[0])
		snprintf(u->local_tag, sizeof(u->local_tag), "%s", p->local_tag);
	else
		snprintf(u->local_tag, sizeof(u->local_tag), "%016llx",
			 (unsigned long long)rand_u64());
	if (asprintf(&u->callid, "%016llx%08x@%s", (unsigned long long)rand_u64(),
		     rand_u32(), core_cfg.media_ip) < 0) {
		u->callid = NULL;
		goto out;
	}
	if (p->from && p->from[0])
		u->from = strip_tag(p->from);
	else if (asprintf(&u->from, "<%s>", p->from_uri) < 0)
		u->from = NULL;
	if (p->to && p->to[0])
		u->to = strip_tag(p->to);
	else if (asprintf(&u->to, "<%s>", p->r_uri) < 0)
		u->to = NULL;
	u->remote_tag = strdup("");
	u->remote_target = strdup(p->r_uri);
	u->route = strdup("");
	u->next_hop = strdup("");
	if (!u->from || !u->to || !u->remote_tag || !u->remote_target ||
	    !u->route || !u->next_hop)
		goto out;
	err = mbuf_printf(mb, "From: %s;tag=%s\r\nTo: %s\r\nCall-ID: %s\r\n"
			  "CSeq: 1 INVITE\r\n", u->from, u->local_tag, u->to,
			  u->callid);
	err |= extra_headers(p->hdrs, mb);
	err |= mbuf_write_str(mb, "Content-Type: application/sdp\r\n");
	err |= mbuf_write_u8(mb, 0);
	if (err) {
		err = ENOMEM;
		goto out;
	}
	hdrs = (char *)mb->buf;
	err = ser_rpc_uac("INVITE", p->r_uri, core_cfg.outbound_proxy,
			  p->contact_user && p->contact_user[0] ?
			  p->contact_user : "sems", hdrs, p->sdp_offer, u->callid,
			  invite_sent, u);
	if (err)
		goto out;
	list_append(&uacs, &u->le, u);
	tmr_start(&u->tmr, (uint64_t)u->timeout_s * 1000, ring_timeout, u);
	SEMS_DBG("ser: INVITE %s (%s) through Kamailio", u->r_uri, u->callid);
	*up = u;
	u = NULL;
 out:
	if (u) {
		free(u->callid); free(u->from); free(u->to); free(u->remote_tag);
		free(u->remote_target); free(u->route); free(u->next_hop);
		free(u);
	}
	mem_deref(mb);
	return err;
}

const char *ser_uac_callid(const struct ser_uac *u)
{
	return u ? u->callid : "";
}

bool ser_uac_answered(const struct ser_uac *u)
{
	return u && u->answered;
}

void ser_uac_hangup(struct ser_uac *u, const char *hdrs)
{
	if (!u)
		return;
	tmr_cancel(&u->tmr);
	if (!u->closed) {
		if (u->answered)
			(void)dialog_request(u, "BYE", hdrs, "", "");
		else
			(void)ser_rpc_cancel(u->callid, 1, NULL, NULL);
	}
	ser_rpc_forget(u);
	if (shut_down)
		uac_free(u);
	else
		linger(u);
}

int ser_uac_info(struct ser_uac *u, const char *ctype, const char *body)
{
	if (!u || !u->answered || u->closed)
		return ENOTCONN;
	return dialog_request(u, "INFO", "", ctype && ctype[0] ? ctype :
			      "application/dtmf-relay", body ? body : "");
}

/* ---- replies ---- */

static bool rr_collect(const struct sip_hdr *hdr, const struct sip_msg *msg,
		       void *arg)
{
	struct mbuf *mb = arg;
	(void)msg;
	(void)mbuf_printf(mb, "%s%r", mb->end ? "," : "", &hdr->val);
	return false;
}

/* The dialog from the 2xx: the callee's tag, target and route set (its
 * Record-Route, last first; one URI per header). */
static void learn_dialog(struct ser_uac *u, const struct sip_msg *msg,
			 const struct sems_sip_reply *r)
{
	struct mbuf *mb = mbuf_alloc(256);
	char *tag = dup_pl(&msg->to.tag), *route = NULL, *hop = NULL;

	if (mb) {
		sip_msg_hdr_apply(msg, false, SIP_HDR_RECORD_ROUTE, rr_collect, mb);
		struct pl pl = { (const char *)mb->buf, mb->end };
		route = dup_pl(&pl);
		struct sip_addr addr;
		struct pl first = pl;
		const char *comma = memchr(pl.p, ',', pl.l);
		if (comma)
			first.l = (size_t)(comma - pl.p);
		if (pl.l && !sip_addr_decode(&addr, &first))
			hop = dup_pl(&addr.auri);
		mem_deref(mb);
	}
	if (tag) {
		free(u->remote_tag);
		u->remote_tag = tag;
	}
	if (r->contact[0]) {
		char *t = strdup(r->contact);
		if (t) {
			free(u->remote_target);
			u->remote_target = t;
		}
	}
	if (route) {
		free(u->route);
		u->route = route;
	}
	if (hop) {
		free(u->next_hop);
		u->next_hop = hop;
	}
}

static void invite_reply(struct ser_uac *u, const struct sip_msg *msg)
{
	struct sems_sip_reply *r;
	unsigned code = msg->scode;

	if (!u->h) {                 /* hung up already */
		if (code >= 200 && code < 300 && !u->answered) {
			SEMS_INFO("ser: INVITE %s (%s): 2xx after our CANCEL: BYE",
				  u->r_uri, u->callid);
			r = sip_uac_reply_of(msg);
			if (r)
				learn_dialog(u, msg, r);
			free(r);
			u->answered = true;
			(void)dialog_request(u, "BYE", "", "", "");
		}
		return;
	}
	if (u->answered || u->closed)
		return;          /* retransmission, or late after the timeout */
	if (!(r = sip_uac_reply_of(msg)))
		return;
	if (code < 200) {
		if (u->h->reply)
			u->h->reply(u->arg, r);
	}
	else if (code < 300) {
		u->answered = true;
		tmr_cancel(&u->tmr);
		learn_dialog(u, msg, r);
		if (u->h->reply)
			u->h->reply(u->arg, r);
		int err = u->h->answer(u->arg, r);
		if (err) {
			(void)dialog_request(u, "BYE", "", "", "");
			report_closed(u, err, 0, "");
		}
	}
	else {
		char reason[128];
		snprintf(reason, sizeof(reason), "%s", r->reason);
		if (u->h->reply)
			u->h->reply(u->arg, r);
		free(r);
		report_closed(u, 0, code, reason);   /* tm ACKed it */
		return;
	}
	free(r);
}

void ser_uac_reply_in(const struct ser_request *sr)
{
	const char *text = sr->req.body;
	struct mbuf *mb = mbuf_alloc(strlen(text) + 1);
	struct sip_msg *msg = NULL;

	if (!mb || mbuf_write_str(mb, text)) {
		mem_deref(mb);
		return;
	}
	mb->pos = 0;
	if (sip_msg_decode(&msg, mb) || msg->req) {
		SEMS_WARN("ser: unusable reply from Kamailio (%zu bytes): %.60s",
			  strlen(text), text);
		goto out;
	}
	struct ser_uac *u = uac_find(&msg->callid, &msg->from.tag);
	if (!pl_strcmp(&msg->cseq.met, "INVITE")) {
		if (u)
			invite_reply(u, msg);
		else
			SEMS_DBG("ser: reply %u to an INVITE of no call of ours",
				 msg->scode);
	}
	else if (!u) {
		/* to a request inside a call that came in */
		struct sems_sip_reply *r = sip_msg_to_reply(msg);
		char *callid = dup_pl(&msg->callid), *tag = dup_pl(&msg->from.tag),
		     *method = dup_pl(&msg->cseq.met);
		if (r && callid && tag && method)
			ser_call_reply_in(callid, tag, method, r);
		free(r); free(callid); free(tag); free(method);
	}
 out:
	mem_deref(msg);
	mem_deref(mb);
}

/* ---- requests of the callee ---- */

static void reply_req(const struct ser_request *sr, struct ser_uac *u,
		      unsigned code, const char *reason)
{
	(void)ser_rpc_reply(sr->hash_label, code, reason, u->local_tag, "", "",
			    u->callid, NULL, NULL);
}

bool ser_uac_in_dialog(const struct ser_request *sr)
{
	const struct sems_sip_request *r = &sr->req;
	struct pl callid, tag;
	pl_set_str(&callid, r->callid);
	pl_set_str(&tag, r->to_tag);
	struct ser_uac *u = r->to_tag[0] ? uac_find(&callid, &tag) : NULL;

	if (!u)
		return false;
	if (!strcmp(r->method, "ACK"))
		return true;
	if (!strcmp(r->method, "BYE")) {
		reply_req(sr, u, 200, "OK");
		if (u->h && u->answered) {
			SEMS_INFO("ser: call %s: callee %s hung up", u->callid,
				  u->r_uri);
			report_closed(u, ECONNRESET, 0, "");
		}
		return true;
	}
	if (!u->h || !u->answered) {
		reply_req(sr, u, 481, "Call/Transaction Does Not Exist");
		return true;
	}
	if (!strcmp(r->method, "INVITE")) {   /* no re-INVITEs on our calls */
		reply_req(sr, u, 488, "Not Acceptable Here");
		return true;
	}
	reply_req(sr, u, 200, "OK");
	if (u->h->request)
		u->h->request(u->arg, r);
	return true;
}

void ser_uac_close_all(void)
{
	shut_down = true;
	while (uacs.head) {
		struct ser_uac *u = uacs.head->data;
		if (u->h) {      /* still owned by its dialout/leg: detach */
			tmr_cancel(&u->tmr);
			ser_rpc_forget(u);
			list_unlink(&u->le);
			u->closed = true;
			continue;
		}
		uac_free(u);
	}
}
