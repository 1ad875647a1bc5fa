/* sip_check.c: requests a UAS must refuse, checked before libre acts on
 * them (RFC 3261 8.2, the RFC 4475 torture tests).
 *
 * libre's decoder (1.1.0) is lenient where a UAS must not be (two
 * Content-Lengths, a CSeq method that is not the request's, negative or
 * too large numbers, missing Call-ID/From/To) and strict where it must
 * not be: a request whose top Via has no branch (RFC 2543), or whose
 * request line or From/To/CSeq it cannot read, is dropped without an
 * answer.  sip_check_request() runs on every new decoded request (first
 * listener after libre's transaction layer); the UDP helper sees each
 * datagram before libre's decoder and answers what the decoder would
 * drop.  Over TCP such a request still closes the connection without an
 * answer (libre's connection decoder has no hook; see docs).
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <re.h>
#include <sems/log.h>
#include "sip/sip_check.h"

static bool is_lws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool is_token(char c)
{
	return isalnum((unsigned char)c) || (c && strchr("-.!%*_+`'~", c));
}

struct cur {
	const char *p, *end;
};

static void skip_lws(struct cur *c)
{
	while (c->p < c->end && is_lws(*c->p))
		c->p++;
}

static bool take_token(struct cur *c)
{
	const char *s = c->p;

	while (c->p < c->end && is_token(*c->p))
		c->p++;
	return c->p > s;
}

/* quoted-string with backslash escapes; c->p on the opening quote */
static bool take_quoted(struct cur *c)
{
	for (c->p++; c->p < c->end; c->p++) {
		if (*c->p == '\\') {
			if (++c->p == c->end)
				return false;
		} else if (*c->p == '"') {
			c->p++;
			return true;
		}
	}
	return false;
}

/* *( LWS ";" LWS token [ LWS "=" LWS ( token-ish | quoted ) ] ) LWS end:
 * no empty parameter, nothing after the last one. */
static bool params_ok(struct cur *c)
{
	for (;;) {
		skip_lws(c);
		if (c->p == c->end)
			return true;
		if (*c->p != ';')
			return false;
		c->p++;
		skip_lws(c);
		if (!take_token(c))
			return false;
		skip_lws(c);
		if (c->p < c->end && *c->p == '=') {
			c->p++;
			skip_lws(c);
			if (c->p < c->end && *c->p == '"') {
				if (!take_quoted(c))
					return false;
			} else {
				const char *s = c->p;

				while (c->p < c->end && !is_lws(*c->p) &&
				       *c->p != ';' && *c->p != ',' &&
				       *c->p != '"')
					c->p++;
				if (c->p == s)
					return false;
			}
		}
	}
}

/* name-addr or addr-spec, then parameters (From, To, Contact values). */
static bool addr_ok(const struct pl *v, bool contact)
{
	struct cur c = { v->p, v->p + v->l };
	const char *lt;

	skip_lws(&c);
	if (contact && c.end - c.p == 1 && *c.p == '*')
		return true;
	lt = memchr(c.p, '<', (size_t)(c.end - c.p));
	if (c.p < c.end && *c.p == '"') {
		if (!take_quoted(&c))
			return false;             /* unterminated display name */
		skip_lws(&c);
		if (c.p == c.end || *c.p != '<')
			return false;
	} else if (lt) {
		for (; c.p < lt; c.p++)           /* display name: tokens */
			if (!is_token(*c.p) && !is_lws(*c.p))
				return false;
	}
	if (c.p < c.end && *c.p == '<') {
		const char *gt = memchr(c.p, '>', (size_t)(c.end - c.p));

		if (!gt || gt == c.p + 1)
			return false;
		for (const char *q = c.p + 1; q < gt; q++)
			if (is_lws(*q))
				return false;     /* spaces within the addr-spec */
		c.p = gt + 1;
		return params_ok(&c);
	}
	/* addr-spec without <>: no ',', '?' (RFC 3261 20), no spaces */
	const char *s = c.p;

	while (c.p < c.end && *c.p != ';' && !is_lws(*c.p)) {
		if (*c.p == ',' || *c.p == '?' || *c.p == '<' || *c.p == '>' ||
		    *c.p == '"')
			return false;
		c.p++;
	}
	return c.p > s && params_ok(&c);
}

static bool lit(struct cur *c, const char *s)
{
	size_t n = strlen(s);

	if ((size_t)(c->end - c->p) < n || strncasecmp(c->p, s, n))
		return false;
	c->p += n;
	return true;
}

/* SIP / 2.0 / transport sent-by *(params) */
static bool via_ok(const struct pl *v)
{
	struct cur c = { v->p, v->p + v->l };
	const char *s;

	skip_lws(&c);
	if (!lit(&c, "SIP"))
		return false;
	skip_lws(&c);
	if (!lit(&c, "/"))
		return false;
	skip_lws(&c);
	if (!lit(&c, "2.0"))
		return false;
	skip_lws(&c);
	if (!lit(&c, "/"))
		return false;
	skip_lws(&c);
	if (!take_token(&c))
		return false;
	skip_lws(&c);
	s = c.p;
	while (c.p < c.end && !is_lws(*c.p) && *c.p != ';')
		c.p++;
	return c.p > s && params_ok(&c);
}

/* 1*DIGIT not above max (and not overflowing on the way) */
static bool number_ok(struct cur *c, uint64_t max, uint64_t *valp)
{
	uint64_t v = 0;
	const char *s = c->p;

	while (c->p < c->end && isdigit((unsigned char)*c->p)) {
		v = v * 10 + (uint64_t)(*c->p - '0');
		if (v > max)
			return false;
		c->p++;
	}
	if (valp)
		*valp = v;
	return c->p > s;
}

static bool pl_number_ok(const struct pl *v, uint64_t max, uint64_t *valp)
{
	struct cur c = { v->p, v->p + v->l };

	skip_lws(&c);
	if (!number_ok(&c, max, valp))
		return false;
	skip_lws(&c);
	return c.p == c.end;
}

static bool cseq_ok(const struct sip_msg *msg, const struct pl *v)
{
	struct cur c = { v->p, v->p + v->l };
	const char *m;

	skip_lws(&c);
	if (!number_ok(&c, 0x7fffffffu, NULL) || c.p == c.end || !is_lws(*c.p))
		return false;
	skip_lws(&c);
	m = c.p;
	if (!take_token(&c))
		return false;
	struct pl met = { m, (size_t)(c.p - m) };
	skip_lws(&c);
	return c.p == c.end && !pl_cmp(&met, &msg->met);
}

struct apply_state {
	bool bad;
	bool contact;
	char unsupported[128];
	bool sdp_ok;
};

static bool apply_addr(const struct sip_hdr *hdr, const struct sip_msg *msg,
		       void *arg)
{
	struct apply_state *st = arg;

	(void)msg;
	if (!addr_ok(&hdr->val, st->contact))
		st->bad = true;
	return st->bad;
}

static bool apply_via(const struct sip_hdr *hdr, const struct sip_msg *msg,
		      void *arg)
{
	struct apply_state *st = arg;

	(void)msg;
	if (!via_ok(&hdr->val))
		st->bad = true;
	return st->bad;
}

static bool apply_require(const struct sip_hdr *hdr, const struct sip_msg *msg,
			  void *arg)
{
	struct apply_state *st = arg;
	struct pl v = hdr->val;

	(void)msg;
	while (v.l && is_lws(*v.p)) {
		v.p++;
		v.l--;
	}
	while (v.l && is_lws(v.p[v.l - 1]))
		v.l--;
	if (!v.l || !pl_strcasecmp(&v, "timer"))
		return false;
	size_t n = strlen(st->unsupported);

	(void)re_snprintf(st->unsupported + n, sizeof(st->unsupported) - n,
			  "%s%r", n ? ", " : "", &v);
	return false;
}

/* application/sdp, application/(any) or (any)/(any); parameters ignored */
static bool apply_accept(const struct sip_hdr *hdr, const struct sip_msg *msg,
			 void *arg)
{
	struct apply_state *st = arg;
	struct pl v = hdr->val;
	const char *semi = pl_strchr(&v, ';');

	(void)msg;
	if (semi)
		v.l = (size_t)(semi - v.p);
	while (v.l && is_lws(v.p[v.l - 1]))
		v.l--;
	if (!pl_strcasecmp(&v, "application/sdp") ||
	    !pl_strcasecmp(&v, "application/*") || !pl_strcasecmp(&v, "*/*"))
		st->sdp_ok = true;
	return st->sdp_ok;
}

static bool date_ok(const struct pl *v)
{
	struct pl d = *v;

	while (d.l && is_lws(d.p[d.l - 1]))
		d.l--;
	return d.l > 3 && !memcmp(d.p + d.l - 3, "GMT", 3);
}

/* the Request-URI: a scheme we serve; no headers after the host */
static unsigned ruri_check(const struct sip_msg *msg)
{
	const struct pl *s = &msg->uri.scheme;

	if (msg->ruri.l && msg->ruri.p[0] == '<')
		return 400;             /* RFC 4475 3.1.2.7 */
	if (pl_strcasecmp(s, "sip") && pl_strcasecmp(s, "sips") &&
	    pl_strcasecmp(s, "tel"))
		return 416;
	const char *host = msg->ruri.p, *at;

	for (at = msg->ruri.p; at < msg->ruri.p + msg->ruri.l; at++)
		if (*at == '@')
			host = at;
	if (memchr(host, '?', msg->ruri.l - (size_t)(host - msg->ruri.p)))
		return 400;
	return 0;
}

static const enum sip_hdrid single_hdrs[] = {
	SIP_HDR_CALL_ID, SIP_HDR_FROM, SIP_HDR_TO, SIP_HDR_CSEQ,
	SIP_HDR_CONTENT_LENGTH, SIP_HDR_CONTENT_TYPE, SIP_HDR_MAX_FORWARDS,
	SIP_HDR_EXPIRES, SIP_HDR_DATE,
};

/* 0, or the status to answer with: reason and header lines filled in. */
static unsigned check(const struct sip_msg *msg, const char **reason,
		      char *hdrs, size_t hlen)
{
	struct apply_state st = { .bad = false };
	const struct sip_hdr *h;
	bool invite = !pl_strcmp(&msg->met, "INVITE");

	*reason = "Bad Request";
	if (!pl_isset(&msg->callid) || !sip_msg_hdr(msg, SIP_HDR_FROM) ||
	    !sip_msg_hdr(msg, SIP_HDR_TO) || !sip_msg_hdr(msg, SIP_HDR_CSEQ)) {
		*reason = "Bad Request (missing Call-ID, From, To or CSeq)";
		return 400;
	}
	for (size_t i = 0; i < sizeof(single_hdrs) / sizeof(single_hdrs[0]); i++)
		if (sip_msg_hdr_count(msg, single_hdrs[i]) > 1) {
			*reason = "Bad Request (header repeated)";
			return 400;
		}
	if (!cseq_ok(msg, &sip_msg_hdr(msg, SIP_HDR_CSEQ)->val)) {
		*reason = "Bad Request (CSeq)";
		return 400;
	}
	h = sip_msg_hdr(msg, SIP_HDR_CONTENT_LENGTH);
	uint64_t clen = 0;
	if (h && !pl_number_ok(&h->val, 0x7fffffffu, &clen)) {
		*reason = "Bad Request (Content-Length)";
		return 400;
	}
	if (h && msg->tp == SIP_TRANSP_UDP && msg->mb) {
		if (clen > mbuf_get_left(msg->mb)) {
			*reason = "Bad Request (Content-Length beyond the message)";
			return 400;
		}
		msg->mb->end = msg->mb->pos + (size_t)clen;  /* RFC 3261 18.3 */
	}
	h = sip_msg_hdr(msg, SIP_HDR_MAX_FORWARDS);
	if (h && !pl_number_ok(&h->val, 255, NULL)) {
		*reason = "Bad Request (Max-Forwards)";
		return 400;
	}
	h = sip_msg_hdr(msg, SIP_HDR_EXPIRES);
	if (h && !pl_number_ok(&h->val, 0xffffffffu, NULL)) {
		*reason = "Bad Request (Expires)";
		return 400;
	}
	h = sip_msg_hdr(msg, SIP_HDR_DATE);
	if (h && !date_ok(&h->val)) {
		*reason = "Bad Request (Date not in GMT)";
		return 400;
	}
	(void)sip_msg_hdr_apply(msg, true, SIP_HDR_VIA, apply_via, &st);
	(void)sip_msg_hdr_apply(msg, true, SIP_HDR_FROM, apply_addr, &st);
	(void)sip_msg_hdr_apply(msg, true, SIP_HDR_TO, apply_addr, &st);
	st.contact = true;
	(void)sip_msg_hdr_apply(msg, true, SIP_HDR_CONTACT, apply_addr, &st);
	if (st.bad) {
		*reason = "Bad Request (Via, From, To or Contact)";
		return 400;
	}
	unsigned code = ruri_check(msg);
	if (code) {
		*reason = code == 416 ? "Unsupported URI Scheme" :
			"Bad Request (Request-URI)";
		return code;
	}
	if (!pl_strcmp(&msg->met, "CANCEL"))
		return 0;
	(void)sip_msg_hdr_apply(msg, true, SIP_HDR_REQUIRE, apply_require, &st);
	if (st.unsupported[0]) {
		(void)re_snprintf(hdrs, hlen, "Unsupported: %s\r\n",
				  st.unsupported);
		*reason = "Bad Extension";
		return 420;
	}
	if (!invite && pl_strcmp(&msg->met, "UPDATE"))
		return 0;
	if (msg->mb && mbuf_get_left(msg->mb)) {
		h = sip_msg_hdr(msg, SIP_HDR_CONTENT_ENCODING);
		bool sdp = !msg->ctyp.type.l ||
			(!pl_strcasecmp(&msg->ctyp.type, "application") &&
			 !pl_strcasecmp(&msg->ctyp.subtype, "sdp"));
		if (!sdp || (h && pl_strcasecmp(&h->val, "identity"))) {
			(void)re_snprintf(hdrs, hlen, "Accept: application/sdp\r\n"
					  "Accept-Encoding: identity\r\n");
			*reason = "Unsupported Media Type";
			return 415;
		}
	}
	if (invite && sip_msg_hdr(msg, SIP_HDR_ACCEPT)) {
		(void)sip_msg_hdr_apply(msg, true, SIP_HDR_ACCEPT, apply_accept,
					&st);
		if (!st.sdp_ok) {
			*reason = "Not Acceptable";
			return 406;
		}
	}
	return 0;
}

bool sip_check_request(struct sip *sip, const struct sip_msg *msg,
		       const char *server)
{
	char hdrs[192] = "";
	const char *reason;
	unsigned code;

	char what[96];

	(void)server;
	(void)re_snprintf(what, sizeof(what), "%r from %J", &msg->met, &msg->src);
	if (!sip_msg_hdr(msg, SIP_HDR_VIA)) {
		SEMS_INFO("sip: %s without Via: dropped", what);
		return true;
	}
	code = check(msg, &reason, hdrs, sizeof(hdrs));
	if (!code)
		return false;
	SEMS_INFO("sip: %s refused: %u %s", what, code, reason);
	if (!pl_strcmp(&msg->met, "ACK"))
		return true;       /* nothing can answer an ACK */
	(void)sip_treplyf(NULL, NULL, sip, msg, false, (uint16_t)code, reason,
			  "%sContent-Length: 0\r\n\r\n", hdrs);
	return true;
}

/* ---- before libre's decoder (UDP) ---- */

static struct udp_helper *helper;
static struct udp_sock *helper_sock;
static char helper_server[128];

static bool pl_has(const struct pl *pl, const char *s)
{
	size_t n = strlen(s);

	for (size_t i = 0; i + n <= pl->l; i++)
		if (!strncasecmp(pl->p + i, s, n))
			return true;
	return false;
}

/* One header field of the raw message, folded lines joined. */
struct raw_hdr {
	struct pl name, val;
};

/* Iterates the header fields after the start line; false at the end. */
static bool raw_next(struct cur *c, struct raw_hdr *h)
{
	const char *s = c->p, *e;

	if (c->p >= c->end || *c->p == '\r' || *c->p == '\n')
		return false;
	for (e = c->p; e < c->end; e++) {
		if (*e != '\n')
			continue;
		if (e + 1 < c->end && (e[1] == ' ' || e[1] == '\t'))
			continue;              /* folded */
		break;
	}
	c->p = e < c->end ? e + 1 : e;
	const char *colon = memchr(s, ':', (size_t)(e - s));
	if (!colon)
		return false;
	const char *ne = colon;
	while (ne > s && is_lws(ne[-1]))
		ne--;
	const char *v = colon + 1;
	while (v < e && is_lws(*v))
		v++;
	const char *ve = e;
	while (ve > v && is_lws(ve[-1]))
		ve--;
	h->name = (struct pl){ s, (size_t)(ne - s) };
	h->val = (struct pl){ v, (size_t)(ve - v) };
	return true;
}

static bool raw_is(const struct raw_hdr *h, const char *name, const char *cmp)
{
	return !pl_strcasecmp(&h->name, name) || !pl_strcasecmp(&h->name, cmp);
}

/* The start line's end (after its line break), NULL if there is none. */
static const char *start_line_end(const char *p, size_t len, size_t *llen)
{
	const char *nl = memchr(p, '\n', len);

	if (!nl)
		return NULL;
	*llen = (size_t)(nl - p);
	if (*llen && p[*llen - 1] == '\r')
		(*llen)--;
	return nl + 1;
}

static bool decodes(struct mbuf *mb)
{
	struct sip_msg *msg = NULL;
	size_t pos = mb->pos;
	int err = sip_msg_decode(&msg, mb);

	mb->pos = pos;
	mem_deref(msg);
	return !err;
}

/* What the request line says: 505, 416, 400 or 0 (looks fine). */
static unsigned start_line_check(const char *p, size_t n)
{
	const char *sp1 = memchr(p, ' ', n), *sp2;

	if (!sp1 || sp1 == p)
		return 400;
	sp2 = memchr(sp1 + 1, ' ', n - (size_t)(sp1 + 1 - p));
	if (!sp2 || sp2 == sp1 + 1)
		return 400;
	struct pl ver = { sp2 + 1, n - (size_t)(sp2 + 1 - p) };
	struct pl uri = { sp1 + 1, (size_t)(sp2 - sp1 - 1) };

	if (memchr(ver.p, ' ', ver.l) || memchr(ver.p, '\t', ver.l))
		return 400;
	if (pl_strcmp(&ver, "SIP/2.0")) {
		if (ver.l > 4 && !strncmp(ver.p, "SIP/", 4))
			return 505;
		return 400;
	}
	if (uri.p[0] == '<')
		return 400;
	const char *colon = pl_strchr(&uri, ':');
	struct pl scheme = { uri.p, colon ? (size_t)(colon - uri.p) : 0 };
	if (!colon || (pl_strcasecmp(&scheme, "sip") &&
		       pl_strcasecmp(&scheme, "sips") &&
		       pl_strcasecmp(&scheme, "tel")))
		return 416;
	return 0;
}

static const char *status_reason(unsigned code)
{
	switch (code) {
	case 505: return "Version Not Supported";
	case 416: return "Unsupported URI Scheme";
	default:  return "Bad Request";
	}
}

/* A stateless answer made of the request's Via, From, To, Call-ID and
 * CSeq as they are.  No Via: nothing can be sent. */
static void raw_reply(const struct sa *src, const char *p, size_t len,
		      const char *hstart, unsigned code)
{
	struct cur c = { hstart, p + len };
	struct raw_hdr h;
	struct mbuf *mb = mbuf_alloc(512);
	bool via = false;

	if (!mb)
		return;
	int err = mbuf_printf(mb, "SIP/2.0 %u %s\r\n", code, status_reason(code));
	while (!err && raw_next(&c, &h)) {
		if (raw_is(&h, "Via", "v")) {
			via = true;
			err = mbuf_printf(mb, "Via: %r\r\n", &h.val);
		} else if (raw_is(&h, "From", "f")) {
			err = mbuf_printf(mb, "From: %r\r\n", &h.val);
		} else if (raw_is(&h, "To", "t")) {
			err = mbuf_printf(mb, "To: %r%s%08x\r\n", &h.val,
					  pl_has(&h.val, "tag") ? "" : ";tag=",
					  pl_has(&h.val, "tag") ? 0 : rand_u32());
		} else if (raw_is(&h, "Call-ID", "i")) {
			err = mbuf_printf(mb, "Call-ID: %r\r\n", &h.val);
		} else if (raw_is(&h, "CSeq", "CSeq")) {
			err = mbuf_printf(mb, "CSeq: %r\r\n", &h.val);
		}
	}
	err |= mbuf_printf(mb, "Server: %s\r\nContent-Length: 0\r\n\r\n",
			   helper_server);
	if (!err && via) {
		mb->pos = 0;
		(void)udp_send(helper_sock, src, mb);
	}
	mem_deref(mb);
}

/* RFC 2543 (no branch in the top Via): one made of Call-ID, CSeq number
 * and the top Via, so retransmissions, its ACK and CANCEL find the same
 * transaction.  The replies carry the added parameter. */
static bool branch_add(struct mbuf *mb, const char *hstart)
{
	const char *p = (const char *)mbuf_buf(mb);
	struct cur c = { hstart, p + mbuf_get_left(mb) };
	struct raw_hdr h, via = { PL_INIT, PL_INIT };
	uint32_t hash = 5381;
	bool have_via = false;

	while (raw_next(&c, &h)) {
		if (raw_is(&h, "Via", "v") && !have_via) {
			via = h;
			have_via = true;
		} else if (raw_is(&h, "Call-ID", "i") || raw_is(&h, "CSeq", "CSeq")) {
			for (size_t i = 0; i < h.val.l; i++)
				if (isdigit((unsigned char)h.val.p[i]) ||
				    !raw_is(&h, "CSeq", "CSeq"))
					hash = hash * 33 + (uint8_t)h.val.p[i];
		}
	}
	if (!have_via)
		return false;
	const char *comma = pl_strchr(&via.val, ',');
	size_t vlen = comma ? (size_t)(comma - via.val.p) : via.val.l;
	struct pl top = { via.val.p, vlen };
	if (pl_has(&top, "branch"))
		return false;
	for (size_t i = 0; i < vlen; i++)
		hash = hash * 33 + (uint8_t)top.p[i];
	while (vlen && is_lws(top.p[vlen - 1]))
		vlen--;

	struct mbuf *copy = mbuf_alloc(mbuf_get_left(mb) + 64);
	size_t at = (size_t)(top.p + vlen - p);
	if (!copy)
		return false;
	int err = mbuf_write_mem(copy, (const uint8_t *)p, at);
	err |= mbuf_printf(copy, ";branch=sems-rfc2543-%08x", hash);
	err |= mbuf_write_mem(copy, (const uint8_t *)p + at,
			      mbuf_get_left(mb) - at);
	copy->pos = 0;
	bool ok = !err && decodes(copy);
	if (ok) {
		size_t start = mb->pos;

		mb->end = start;
		err = mbuf_write_mem(mb, copy->buf, copy->end);   /* at pos */
		mb->pos = start;
		ok = !err;
	}
	mem_deref(copy);
	return ok;
}

static bool udp_recv(struct sa *src, struct mbuf *mb, void *arg)
{
	const char *p = (const char *)mbuf_buf(mb), *hstart;
	size_t len = mbuf_get_left(mb), llen;

	(void)arg;
	if (len < 8 || !is_token(p[0]) || !strncmp(p, "SIP/", 4) ||
	    decodes(mb))
		return false;          /* libre's */
	hstart = start_line_end(p, len, &llen);
	if (!hstart)
		return false;
	/* garbage: a start line of printable text with a method token */
	for (size_t i = 0; i < llen; i++)
		if (!isprint((unsigned char)p[i]) && p[i] != '\t')
			return false;
	unsigned code = start_line_check(p, llen);
	char from[64];

	(void)re_snprintf(from, sizeof(from), "%J", src);
	if (!code && branch_add(mb, hstart)) {
		SEMS_DBG("sip: RFC 2543 request from %s: branch added", from);
		return false;
	}
	if (!code)
		code = 400;
	SEMS_INFO("sip: unreadable request from %s (%.*s): %u", from,
		  (int)(llen > 60 ? 60 : llen), p, code);
	raw_reply(src, p, len, hstart, code);
	return true;
}

void sip_check_udp_install(void *udp_sock, const char *server)
{
	if (helper || !udp_sock)
		return;
	snprintf(helper_server, sizeof(helper_server), "%s", server);
	if (udp_register_helper(&helper, udp_sock, 0, NULL, udp_recv, NULL)) {
		helper = NULL;
		return;
	}
	helper_sock = udp_sock;
}

void sip_check_close(void)
{
	helper = mem_deref(helper);
	helper_sock = NULL;
}
