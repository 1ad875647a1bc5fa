/* sip_uac.c: an INVITE dialog we originate (see sip_uac.h).
 *
 * libre's sipsess does the protocol: the INVITE client transaction, the
 * ACK, CANCEL when the session is dropped before the answer (it waits for
 * the 487 and ACKs/BYEs a 200 that crosses the CANCEL), BYE after it, and
 * the far end's BYE and INFO.  We add the ring timeout, the outbound
 * proxy and the conversion of replies to struct sems_sip_reply.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <re.h>
#include <sems/log.h>
#include <sems/sip.h>
#include "core_config.h"
#include "sip_request.h"
#include "sip/sip_msg_convert.h"
#include "sip/sip_uac.h"
#include "ser/ser_uac.h"

struct sip_uac {
	struct ser_uac *ser;         /* through Kamailio: the rest is unused */
	struct sipsess *sess;
	struct tmr tmr;              /* ring timeout */
	const struct sip_uac_handlers *h;
	void *arg;
	bool answered, closed;
	unsigned timeout_s;
	char r_uri[256];
};

static struct sip *sip_stack;
static struct sipsess_sock *sess_sock;

void sip_uac_setup(struct sip *sip, struct sipsess_sock *sock)
{
	sip_stack = sip;
	sess_sock = sock;
}

static char *uac_pl_dup(const struct pl *pl)
{
	char *s = malloc(pl->l + 1);
	if (s) {
		if (pl->l)
			memcpy(s, pl->p, pl->l);
		s[pl->l] = '\0';
	}
	return s;
}

/* The headers without a field of their own, as "Name: value\r\n" lines. */
static char *reply_hdrs(const struct sip_msg *msg)
{
	struct mbuf *mb = mbuf_alloc(256);
	char *out = NULL;
	int err = 0;

	if (!mb)
		return NULL;
	for (struct le *le = msg->hdrl.head; le; le = le->next) {
		const struct sip_hdr *h = le->data;
		switch (h->id) {
		case SIP_HDR_FROM: case SIP_HDR_TO: case SIP_HDR_CALL_ID:
		case SIP_HDR_CSEQ: case SIP_HDR_VIA: case SIP_HDR_ROUTE:
		case SIP_HDR_RECORD_ROUTE: case SIP_HDR_CONTACT:
		case SIP_HDR_MAX_FORWARDS: case SIP_HDR_CONTENT_TYPE:
		case SIP_HDR_CONTENT_LENGTH:
			continue;
		default:
			err |= mbuf_printf(mb, "%r: %r\r\n", &h->name, &h->val);
		}
	}
	if (!err) {
		struct pl pl = { (const char *)mb->buf, mb->end };
		out = uac_pl_dup(&pl);
	}
	mem_deref(mb);
	return out;
}

/* A reply as sip.h shows it; NULL when out of memory.  free() it. */
struct sems_sip_reply *sip_uac_reply_of(const struct sip_msg *msg)
{
	struct pl body = PL_INIT, contact = PL_INIT;
	const struct sip_hdr *ch = sip_msg_hdr(msg, SIP_HDR_CONTACT);
	struct sip_addr addr;
	struct sems_sip_reply *copy = NULL;

	if (msg->mb)
		pl_set_mbuf(&body, msg->mb);
	if (ch && !sip_addr_decode(&addr, &ch->val))
		contact = addr.auri;
	char *reason = uac_pl_dup(&msg->reason), *ct = uac_pl_dup(&contact),
	     *b = uac_pl_dup(&body), *ft = uac_pl_dup(&msg->from.tag),
	     *tt = uac_pl_dup(&msg->to.tag), *hd = reply_hdrs(msg);
	if (reason && ct && b && ft && tt && hd) {
		struct sems_sip_reply r = {
			.code = msg->scode, .reason = reason,
			.next_request_uri = ct, .contact = ct, .next_hop = "",
			.route = "", .hdrs = hd, .body = b, .from_tag = ft,
			.to_tag = tt, .remote_tag = tt, .local_tag = ft,
			.cseq = msg->cseq.num,
		};
		copy = sip_reply_dup(&r);
	}
	free(reason); free(ct); free(b); free(ft); free(tt); free(hd);
	return copy;
}

static void report_reply(struct sip_uac *u, const struct sip_msg *msg)
{
	struct sems_sip_reply *r = sip_uac_reply_of(msg);
	if (r && u->h->reply)
		u->h->reply(u->arg, r);
	free(r);
}

static void report_closed(struct sip_uac *u, int err, unsigned code,
			  const char *reason)
{
	if (u->closed)
		return;
	u->closed = true;
	tmr_cancel(&u->tmr);
	u->h->closed(u->arg, err, code, reason);
}

static int uac_offer(struct mbuf **descp, const struct sip_msg *msg, void *arg)
{
	(void)descp;
	(void)msg;
	(void)arg;
	return EPROTO;    /* we always send the offer in the INVITE */
}

static void uac_progress(const struct sip_msg *msg, void *arg)
{
	report_reply(arg, msg);
}

static int uac_answer(const struct sip_msg *msg, void *arg)
{
	struct sip_uac *u = arg;
	struct sems_sip_reply *r;
	int err;

	if (u->answered)    /* a retransmitted 2xx: already taken */
		return 0;
	u->answered = true;
	tmr_cancel(&u->tmr);
	if (!(r = sip_uac_reply_of(msg)))
		return ENOMEM;
	if (u->h->reply)
		u->h->reply(u->arg, r);
	err = u->h->answer(u->arg, r);
	free(r);
	return err;
}

static void uac_established(const struct sip_msg *msg, void *arg)
{
	(void)msg;
	(void)arg;
}

static void uac_info(struct sip *sip, const struct sip_msg *msg, void *arg)
{
	struct sip_uac *u = arg;
	struct sems_sip_request *req;

	(void)sip_treply(NULL, sip, msg, 200, "OK");
	req = sip_msg_to_request(msg);
	if (req && u->h->request)
		u->h->request(u->arg, req);
	free(req);
}

static void uac_closed(int err, const struct sip_msg *msg, void *arg)
{
	struct sip_uac *u = arg;
	char reason[128] = "";

	if (msg && msg->scode >= 300) {
		(void)re_snprintf(reason, sizeof(reason), "%r", &msg->reason);
		report_reply(u, msg);
		report_closed(u, err, msg->scode, reason);
		return;
	}
	report_closed(u, err ? err : ECONNRESET, 0, "");
}

static void uac_timeout(void *arg)
{
	struct sip_uac *u = arg;

	SEMS_INFO("sip: INVITE to %s: no answer within %u s, CANCEL",
		  u->r_uri, u->timeout_s);
	u->sess = mem_deref(u->sess);     /* CANCEL */
	report_closed(u, ETIMEDOUT, 0, "");
}

/* The display name of a From value: `"Alice" <sip:..>` or `Alice <sip:..>` */
static void display_name(const char *from, char *out, size_t len)
{
	const char *lt, *q1, *q2;

	out[0] = '\0';
	if (!from || !(lt = strchr(from, '<')))
		return;
	if ((q1 = strchr(from, '"')) && q1 < lt && (q2 = strchr(q1 + 1, '"'))) {
		snprintf(out, len, "%.*s", (int)(q2 - q1 - 1), q1 + 1);
		return;
	}
	while (*from == ' ')
		from++;
	size_t n = (size_t)(lt - from);
	while (n && from[n - 1] == ' ')
		n--;
	snprintf(out, len, "%.*s", (int)n, from);
}

int sip_uac_connect(struct sip_uac **up, const struct sip_uac_params *p,
		    const struct sip_uac_handlers *h, void *arg)
{
	char proxy[sizeof(core_cfg.outbound_proxy)], *lr;
	const char *routev[1] = { proxy };
	char name[128];
	struct mbuf *desc;
	struct sip_uac *u;
	int err;

	if (!p->r_uri || !p->r_uri[0] || !p->from_uri || !p->from_uri[0])
		return EINVAL;
	if (ser_uac_enabled()) {
		if (!(u = calloc(1, sizeof(*u))))
			return ENOMEM;
		err = ser_uac_connect(&u->ser, p, h, arg);
		if (err) {
			free(u);
			return err;
		}
		*up = u;
		return 0;
	}
	if (!sip_stack || !sess_sock)
		return ENOTCONN;
	if (!(u = calloc(1, sizeof(*u))))
		return ENOMEM;
	u->h = h;
	u->arg = arg;
	u->timeout_s = p->timeout_s ? p->timeout_s : 60;
	snprintf(u->r_uri, sizeof(u->r_uri), "%s", p->r_uri);
	tmr_init(&u->tmr);
	display_name(p->from, name, sizeof(name));
	/* libre adds ";lr" to the Route itself */
	snprintf(proxy, sizeof(proxy), "%s", core_cfg.outbound_proxy);
	if ((lr = strstr(proxy, ";lr")) && (!lr[3] || lr[3] == ';'))
		memmove(lr, lr + 3, strlen(lr + 3) + 1);
	if (!(desc = mbuf_alloc(strlen(p->sdp_offer) + 1))) {
		free(u);
		return ENOMEM;
	}
	err = mbuf_write_str(desc, p->sdp_offer);
	desc->pos = 0;
	if (!err)
		err = sipsess_connect(&u->sess, sess_sock, p->r_uri,
				      name[0] ? name : NULL, p->from_uri,
				      p->contact_user && p->contact_user[0] ?
				      p->contact_user : "sems",
				      routev, core_cfg.outbound_proxy[0] ? 1 : 0,
				      "application/sdp", desc, NULL, NULL, false,
				      uac_offer, uac_answer, uac_progress,
				      uac_established, uac_info, NULL,
				      uac_closed, u, "%s",
				      p->hdrs ? p->hdrs : "");
	mem_deref(desc);
	if (err) {
		free(u);
		return err;
	}
	tmr_start(&u->tmr, (uint64_t)u->timeout_s * 1000, uac_timeout, u);
	*up = u;
	return 0;
}

const char *sip_uac_callid(const struct sip_uac *u)
{
	if (u && u->ser)
		return ser_uac_callid(u->ser);
	return u && u->sess ? sip_dialog_callid(sipsess_dialog(u->sess)) : "";
}

bool sip_uac_answered(const struct sip_uac *u)
{
	if (u && u->ser)
		return ser_uac_answered(u->ser);
	return u && u->answered;
}

void sip_uac_hangup(struct sip_uac *u, const char *hdrs)
{
	if (!u)
		return;
	if (u->ser) {
		ser_uac_hangup(u->ser, hdrs);
		free(u);
		return;
	}
	tmr_cancel(&u->tmr);
	if (u->sess && hdrs && hdrs[0])
		(void)sipsess_set_close_headers(u->sess, "%s", hdrs);
	mem_deref(u->sess);     /* BYE, or CANCEL before the answer */
	free(u);
}

int sip_uac_info(struct sip_uac *u, const char *ctype, const char *body)
{
	struct mbuf *mb;
	int err;

	if (u && u->ser)
		return ser_uac_info(u->ser, ctype, body);
	if (!u || !u->sess || !u->answered || u->closed)
		return ENOTCONN;
	if (!(mb = mbuf_alloc(strlen(body) + 1)))
		return ENOMEM;
	err = mbuf_write_str(mb, body);
	mb->pos = 0;
	if (!err)
		err = sipsess_info(u->sess, ctype && ctype[0] ? ctype :
				   "application/dtmf-relay", mb, NULL, NULL);
	mem_deref(mb);
	return err;
}

int sip_uac_modify(struct sip_uac *u, const char *sdp)
{
	struct mbuf *mb;
	int err;

	if (u && u->ser)
		return ENOTSUP;
	if (!u || !u->sess || !u->answered || u->closed)
		return ENOTCONN;
	if (!(mb = mbuf_alloc(strlen(sdp) + 1)))
		return ENOMEM;
	err = mbuf_write_str(mb, sdp);
	mb->pos = 0;
	if (!err)     /* its 2xx: uac_answer (answered already), then ACK */
		err = sipsess_modify(u->sess, mb);
	mem_deref(mb);
	return err;
}
