/* sip_msg_convert.c: libre's struct sip_msg -> struct sems_sip_request. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <re.h>
#include <sems/sip.h>
#include "sip_request.h"
#include "sip/sip_msg_convert.h"

/* Strings built for one conversion; freed together. */
struct str_pool {
	char *items[24];
	size_t n;
	bool failed;
};

static const char *pool_add(struct str_pool *p, char *s)
{
	if (!s || p->n == sizeof(p->items) / sizeof(p->items[0])) {
		free(s);
		p->failed = true;
		return "";
	}
	p->items[p->n++] = s;
	return s;
}

static const char *pool_pl(struct str_pool *p, const struct pl *pl)
{
	if (!pl->p || !pl->l)
		return pool_add(p, strdup(""));
	char *s = malloc(pl->l + 1);
	if (s) {
		memcpy(s, pl->p, pl->l);
		s[pl->l] = '\0';
	}
	return pool_add(p, s);
}

static void pool_free(struct str_pool *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->items[i]);
}

/* Headers that have fields of their own are not repeated in `hdrs`. */
static bool header_has_field(enum sip_hdrid id)
{
	switch (id) {
	case SIP_HDR_FROM: case SIP_HDR_TO: case SIP_HDR_CALL_ID:
	case SIP_HDR_CSEQ: case SIP_HDR_VIA: case SIP_HDR_ROUTE:
	case SIP_HDR_RECORD_ROUTE: case SIP_HDR_CONTACT:
	case SIP_HDR_MAX_FORWARDS: case SIP_HDR_CONTENT_TYPE:
	case SIP_HDR_CONTENT_LENGTH:
		return true;
	default:
		return false;
	}
}

/* "Name: value\r\n" lines of the other headers; or only the values of
 * header `only` joined with ", " when only != SIP_HDR_NONE. */
static char *headers_text(const struct sip_msg *msg, enum sip_hdrid only)
{
	struct mbuf *mb = mbuf_alloc(256);
	char *out = NULL;
	if (!mb)
		return NULL;
	int err = 0;
	for (struct le *le = msg->hdrl.head; le; le = le->next) {
		const struct sip_hdr *h = le->data;
		if (only != SIP_HDR_NONE) {
			if (h->id == only)
				err |= mbuf_printf(mb, "%s%r", mb->end ? ", " : "", &h->val);
		} else if (!header_has_field(h->id)) {
			err |= mbuf_printf(mb, "%r: %r\r\n", &h->name, &h->val);
		}
	}
	if (!err) {
		out = malloc(mb->end + 1);
		if (out) {
			memcpy(out, mb->buf, mb->end);
			out[mb->end] = '\0';
		}
	}
	mem_deref(mb);
	return out;
}

static char *contact_uri(const struct sip_msg *msg)
{
	const struct sip_hdr *h = sip_msg_hdr(msg, SIP_HDR_CONTACT);
	struct sip_addr addr;
	if (!h || sip_addr_decode(&addr, &h->val))
		return strdup("");
	char *s = malloc(addr.auri.l + 1);
	if (s) {
		memcpy(s, addr.auri.p, addr.auri.l);
		s[addr.auri.l] = '\0';
	}
	return s;
}

static char *fmt_dup(const char *fmt, ...)
{
	char *s = NULL;
	va_list ap;
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	return s;
}

/* The route set as sip.h shows it (as the Kamailio front does): one
 * "Route: " line with the Record-Route values, or "". */
static char *route_text(const struct sip_msg *msg)
{
	char *rr = headers_text(msg, SIP_HDR_RECORD_ROUTE), *s;
	if (!rr || !rr[0])
		return rr;
	s = fmt_dup("Route: %s\r\n", rr);
	free(rr);
	return s;
}

struct sems_sip_request *sip_msg_to_request(const struct sip_msg *msg)
{
	struct str_pool p = { .n = 0 };
	struct pl body = PL_INIT;
	char ip[64] = "";

	if (msg->mb)
		pl_set_mbuf(&body, msg->mb);
	(void)sa_ntop(&msg->dst, ip, sizeof(ip));

	struct sems_sip_request r = {
		.method = pool_pl(&p, &msg->met),
		.user = pool_pl(&p, &msg->uri.user),
		.domain = pool_pl(&p, &msg->uri.host),
		.dstip = pool_add(&p, strdup(ip)),
		.port = pool_add(&p, fmt_dup("%u", sa_port(&msg->dst))),
		.r_uri = pool_pl(&p, &msg->ruri),
		.from_uri = pool_pl(&p, &msg->from.auri),
		.from = pool_pl(&p, &msg->from.val),
		.to = pool_pl(&p, &msg->to.val),
		.callid = pool_pl(&p, &msg->callid),
		.from_tag = pool_pl(&p, &msg->from.tag),
		.to_tag = pool_pl(&p, &msg->to.tag),
		.route = pool_add(&p, route_text(msg)),
		.next_hop = "",
		.contact = pool_add(&p, contact_uri(msg)),
		.content_type = pool_add(&p, msg->ctyp.type.l ?
			fmt_dup("%.*s/%.*s", (int)msg->ctyp.type.l, msg->ctyp.type.p,
				(int)msg->ctyp.subtype.l, msg->ctyp.subtype.p) : strdup("")),
		.body = pool_pl(&p, &body),
		.hdrs = pool_add(&p, headers_text(msg, SIP_HDR_NONE)),
		.cseq = msg->cseq.num,
	};
	struct sems_sip_request *copy = p.failed ? NULL : sip_request_dup(&r);
	pool_free(&p);
	return copy;
}

struct sems_sip_reply *sip_msg_to_reply(const struct sip_msg *msg)
{
	struct str_pool p = { .n = 0 };
	struct pl body = PL_INIT;

	if (msg->mb)
		pl_set_mbuf(&body, msg->mb);
	const char *contact = pool_add(&p, contact_uri(msg));
	struct sems_sip_reply r = {
		.code = msg->scode,
		.reason = pool_pl(&p, &msg->reason),
		.next_request_uri = contact,
		.contact = contact,
		.next_hop = "",
		.route = pool_add(&p, route_text(msg)),
		.hdrs = pool_add(&p, headers_text(msg, SIP_HDR_NONE)),
		.body = pool_pl(&p, &body),
		.from_tag = pool_pl(&p, &msg->from.tag),
		.to_tag = pool_pl(&p, &msg->to.tag),
		.remote_tag = pool_pl(&p, &msg->to.tag),
		.local_tag = pool_pl(&p, &msg->from.tag),
		.cseq = msg->cseq.num,
	};
	struct sems_sip_reply *copy = p.failed ? NULL : sip_reply_dup(&r);
	pool_free(&p);
	return copy;
}
