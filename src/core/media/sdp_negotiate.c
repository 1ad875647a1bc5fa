/* sdp_negotiate.c: SDP offer/answer with libre's SDP codec.
 *
 * libre aligns our local format list to the offer when decoding it: every
 * local format the offer also has is marked supported, takes the offer's
 * payload type and moves to the offer's position.  We pick one codec from
 * the supported ones (codec_order rank, then offer order) and one
 * telephone-event, and drop every other local format before encoding the
 * answer, so that the answer names exactly what we will send.
 *
 * libre fails the whole SDP on one attribute it cannot parse (an rtpmap
 * without a clock rate, say).  When that happens we decode again with the
 * non-audio m= sections reduced to their m= lines (those are rejected in
 * the answer anyway) and, in the rest, without the lines libre cannot
 * read: an unknown or broken attribute is ignored (RFC 4566 5.13), and a
 * format whose rtpmap was dropped is only usable by its static payload
 * type.  What is still unreadable (no v=0, a broken m= or c= line) fails
 * the offer (EPROTO).
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <stdint.h>
#include <re.h>
#include "media/codec.h"
#include "media/sdp_negotiate.h"

enum { TELEV_PT = 101, FIRST_DYN_PT = 111, TELEV_CLOCK = 8000, MAX_CODECS = 16 };

static const char telev_name[] = "telephone-event";
static const char order_seps[] = ",; \t";

/* Index of `name` among codec_order's names; INT_MAX when not there. */
static int order_rank(const char *order, const char *name)
{
	size_t nlen = strlen(name);
	int rank = 0;

	for (const char *p = order ? order : ""; *p; rank++) {
		p += strspn(p, order_seps);
		size_t len = strcspn(p, order_seps);

		if (!len)
			break;
		if (len == nlen && !strncasecmp(p, name, len))
			return rank;
		p += len;
	}
	return INT_MAX;
}

/* codec_all, those named in codec_order first (stable otherwise). */
static size_t codecs_ordered(const char *order, const struct codec **out,
			     size_t max)
{
	size_t n = 0;

	for (size_t i = 0; codec_all[i] && n < max; i++) {
		int rank = order_rank(order, codec_all[i]->name);
		size_t j = n++;

		for (; j > 0 && order_rank(order, out[j - 1]->name) > rank; j--)
			out[j] = out[j - 1];
		out[j] = codec_all[i];
	}
	return n;
}

static bool format_is_telev(const struct sdp_format *fmt)
{
	return fmt->name && !strcasecmp(fmt->name, telev_name);
}

/* Our codec for a format; static payload types may come without rtpmap. */
static const struct codec *format_codec(const struct sdp_format *fmt)
{
	if (fmt->name)
		return codec_find(fmt->name, fmt->srate);
	for (size_t i = 0; codec_all[i]; i++)
		if (codec_all[i]->static_pt >= 0 &&
		    codec_all[i]->static_pt == fmt->pt)
			return codec_all[i];
	return NULL;
}

static int format_add(struct sdp_media *m, int pt, const char *name,
		      unsigned clock, unsigned channels, const char *fmtp)
{
	char id[12];

	snprintf(id, sizeof(id), "%d", pt);
	return sdp_format_add(NULL, m, false, id, name, clock, (uint8_t)channels,
			      NULL, NULL, NULL, false, fmtp ? "%s" : NULL,
			      fmtp);
}

/* Our codecs in codec_order, then telephone-event/8000 and, when
 * answering, telephone-event at the other clock rates of our codecs. */
static int formats_add(struct sdp_media *m, const char *order, bool answer)
{
	const struct codec *codecs[MAX_CODECS];
	size_t n = codecs_ordered(order, codecs, MAX_CODECS);
	int dynpt = FIRST_DYN_PT, err = 0;

	for (size_t i = 0; i < n; i++) {
		const struct codec *c = codecs[i];
		int pt = c->static_pt >= 0 ? c->static_pt : dynpt++;

		err |= format_add(m, pt, c->name, c->clock_rate, c->channels,
				  c->fmtp);
	}
	err |= format_add(m, TELEV_PT, telev_name, TELEV_CLOCK, 1, "0-15");
	for (size_t i = 0; answer && i < n; i++)
		if (codecs[i]->clock_rate != TELEV_CLOCK)
			err |= format_add(m, dynpt++, telev_name,
					  codecs[i]->clock_rate, 1, "0-15");
	return err ? ENOMEM : 0;
}

static int session_create(struct sdp_session **sessp, struct sdp_media **mp,
			  const char *media_ip, uint16_t rtp_port,
			  const char *order, bool answer)
{
	struct sdp_session *sess = NULL;
	struct sa laddr;
	int err;

	if (sa_set_str(&laddr, media_ip, rtp_port))
		return EINVAL;
	err = sdp_session_alloc(&sess, &laddr);
	if (!err)
		err = sdp_media_add(mp, sess, sdp_media_audio, rtp_port,
				    sdp_proto_rtpavp);
	if (!err)
		err = formats_add(*mp, order, answer);
	if (err)
		sess = mem_deref(sess);
	*sessp = sess;
	return err ? ENOMEM : 0;
}

static int sdp_decode_str(struct sdp_session *sess, const char *sdp,
			  bool offer)
{
	struct mbuf *mb = mbuf_alloc(strlen(sdp) + 1);
	int err;

	if (!mb)
		return ENOMEM;
	err = mbuf_write_str(mb, sdp);
	mb->pos = 0;
	if (!err)
		err = sdp_decode(sess, mb, offer);
	mem_deref(mb);
	return err == ENOMEM ? ENOMEM : err ? EPROTO : 0;
}

/* libre's SDP decoder (1.1.0) fails the whole offer on one line it cannot
 * read: a line that is not "x=...", an a=rtpmap without "name/rate", an
 * a=fmtp without parameters, an a=rtcp without a port, a b= without
 * "type:number".  These checks mirror its patterns, so that what passes
 * them decodes. */
static bool is_digit_run(const char *p, const char *end, const char **after)
{
	const char *q = p;

	while (q < end && *q >= '0' && *q <= '9')
		q++;
	*after = q;
	return q > p;
}

static bool attr_readable(const char *v, const char *end)
{
	const char *p, *q;

	if (end - v > 7 && !strncmp(v, "rtpmap:", 7)) {
		p = memchr(v + 7, ' ', (size_t)(end - v - 7));
		if (!p || p == v + 7)
			return false;
		q = memchr(p + 1, '/', (size_t)(end - p - 1));
		return q && q > p + 1 && is_digit_run(q + 1, end, &q);
	}
	if (end - v >= 5 && !strncmp(v, "fmtp:", 5)) {
		p = memchr(v + 5, ' ', (size_t)(end - v - 5));
		return p && p > v + 5;
	}
	if (end - v >= 5 && !strncmp(v, "rtcp:", 5))
		return is_digit_run(v + 5, end, &q);
	return true;
}

static bool line_readable(const char *p, const char *end)
{
	const char *q;

	if (end - p < 2 || p[1] != '=')
		return false;
	if (p[0] == 'a')
		return attr_readable(p + 2, end);
	if (p[0] == 'b') {
		q = memchr(p + 2, ':', (size_t)(end - p - 2));
		return q && q > p + 2 && is_digit_run(q + 1, end, &q);
	}
	return true;
}

/* The SDP without what we do not use and libre cannot read: only the m=
 * line of each non-audio section, and no line libre would fail on (an
 * unknown or broken attribute is ignored, RFC 4566 5.13). */
static char *sdp_reduced(const char *sdp)
{
	char *out = malloc(strlen(sdp) + 1), *o = out;
	bool other = false;

	if (!out)
		return NULL;
	for (const char *p = sdp; *p;) {
		size_t n = strcspn(p, "\r\n");
		bool mline = !strncmp(p, "m=", 2);
		bool keep;

		if (mline)
			other = strncmp(p, "m=audio ", 8) != 0;
		keep = mline || (!other && n && line_readable(p, p + n));
		n += strspn(p + n, "\r\n");
		if (keep) {
			memcpy(o, p, n);
			o += n;
		}
		p += n;
	}
	*o = '\0';
	return out;
}

/* A session with our formats aligned to the offer (see the top). */
static int offer_decode(struct sdp_session **sessp, struct sdp_media **mp,
			const char *offer, const char *media_ip,
			uint16_t rtp_port)
{
	char *reduced;
	int err;

	err = session_create(sessp, mp, media_ip, rtp_port, NULL, true);
	if (!err)
		err = sdp_decode_str(*sessp, offer, true);
	if (err != EPROTO)
		return err;
	*sessp = mem_deref(*sessp);
	if (strncmp(offer, "v=", 2))
		return EPROTO;          /* not SDP at all */
	reduced = sdp_reduced(offer);
	if (!reduced)
		return ENOMEM;
	err = session_create(sessp, mp, media_ip, rtp_port, NULL, true);
	if (!err)
		err = sdp_decode_str(*sessp, reduced, true);
	free(reduced);
	return err;
}

/* Our preferred common codec: lowest codec_order rank, then offer order. */
static struct sdp_format *codec_choose(const struct list *fmts,
				       const char *order,
				       const struct codec **codecp)
{
	struct sdp_format *best = NULL;
	int best_rank = INT_MAX;

	for (struct le *le = list_head(fmts); le; le = le->next) {
		struct sdp_format *fmt = le->data;
		const struct codec *c;
		int rank;

		if (!fmt->sup || format_is_telev(fmt))
			continue;
		c = format_codec(fmt);
		if (!c)
			continue;
		rank = order_rank(order, c->name);
		if (!best || rank < best_rank) {
			best = fmt;
			best_rank = rank;
			*codecp = c;
		}
	}
	return best;
}

/* telephone-event at the codec's clock rate, else at 8000. */
static struct sdp_format *telev_choose(const struct list *fmts,
				       unsigned clock)
{
	struct sdp_format *at8k = NULL;

	for (struct le *le = list_head(fmts); le; le = le->next) {
		struct sdp_format *fmt = le->data;

		if (!fmt->sup || !format_is_telev(fmt))
			continue;
		if (fmt->srate == clock)
			return fmt;
		if (fmt->srate == TELEV_CLOCK && !at8k)
			at8k = fmt;
	}
	return at8k;
}

static void params_set(struct media_params *p, const struct codec *c,
		       const struct sdp_format *fmt,
		       const struct sdp_format *telev)
{
	p->codec = c;
	p->payload_type = fmt->pt;
	p->telev_pt = telev ? telev->pt : -1;
	p->telev_clock = telev ? (int)telev->srate : 0;
	p->hold = false;
}

/* RFC 3264 hold, and RFC 2543's c=0.0.0.0: we must not send.  libre
 * answers ldir & rdir, so the answer says recvonly / inactive. */
static bool hold_apply(struct sdp_media *m)
{
	const struct sa *ra = sdp_media_raddr(m);

	if (ra && sa_af(ra) == AF_INET && sa_in(ra) == 0)
		sdp_media_set_ldir(m, SDP_RECVONLY);
	return !(sdp_media_dir(m) & SDP_SENDONLY);
}

/* Drops every local format but the chosen two (the list owns them). */
static void formats_keep(const struct list *fmts, const struct sdp_format *a,
			 const struct sdp_format *b)
{
	struct le *le = list_head(fmts);

	while (le) {
		struct sdp_format *fmt = le->data;

		le = le->next;
		if (fmt != a && fmt != b)
			mem_deref(fmt);
	}
}

static int remote_addr(const struct sdp_media *m, struct media_params *p)
{
	const struct sa *ra = sdp_media_raddr(m);

	/* 0.0.0.0 (hold) is kept: symmetric RTP learns the real source */
	if (!ra || !ra->len || sa_af(ra) == AF_UNSPEC)
		return EPROTO;
	memset(&p->remote, 0, sizeof(p->remote));
	memcpy(&p->remote, &ra->u, ra->len);
	p->remote_len = ra->len;
	return 0;
}

static int sdp_encode_str(struct sdp_session *sess, bool offer, char **sdpp)
{
	struct mbuf *mb = NULL;
	char *s;
	int err;

	err = sdp_encode(&mb, sess, offer);
	if (err)
		goto out;
	s = malloc(mb->end + 1);
	if (!s) {
		err = ENOMEM;
		goto out;
	}
	memcpy(s, mb->buf, mb->end);
	s[mb->end] = '\0';
	*sdpp = s;
 out:
	mem_deref(mb);
	return err;
}

static int answer_choose(struct sdp_media *m, const char *order,
			 struct media_params *p)
{
	const struct list *fmts = sdp_media_format_lst(m, true);
	const struct codec *c = NULL;
	struct sdp_format *fmt, *telev;

	/* an offer without an audio line leaves ours without a remote port */
	if (!sdp_media_rport(m) && !sdp_media_format_lst(m, false)->head)
		return EMEDIUMTYPE;
	fmt = codec_choose(fmts, order, &c);
	if (!fmt)
		return ENOTSUP;
	telev = telev_choose(fmts, c->clock_rate);
	params_set(p, c, fmt, telev);
	formats_keep(fmts, fmt, telev);
	p->hold = hold_apply(m);
	return remote_addr(m, p);
}

int sdp_negotiate(const char *offer, const char *media_ip, uint16_t rtp_port,
		  const char *codec_order, char **answerp,
		  struct media_params *params)
{
	struct sdp_session *sess = NULL;
	struct sdp_media *m = NULL;
	struct media_params p;
	int err;

	if (!offer || !media_ip || !answerp || !params)
		return EINVAL;
	err = offer_decode(&sess, &m, offer, media_ip, rtp_port);
	if (!err)
		err = answer_choose(m, codec_order, &p);
	if (!err)
		err = sdp_encode_str(sess, false, answerp);
	if (!err)
		*params = p;
	mem_deref(sess);
	return err;
}

int sdp_offer_create(const char *media_ip, uint16_t rtp_port,
		     const char *codec_order, char **offerp)
{
	struct sdp_session *sess = NULL;
	struct sdp_media *m = NULL;
	int err;

	if (!media_ip || !offerp)
		return EINVAL;
	err = session_create(&sess, &m, media_ip, rtp_port, codec_order, false);
	if (!err)
		err = sdp_encode_str(sess, true, offerp);
	mem_deref(sess);
	return err;
}

/* The answer's first format we offered and support, in its order. */
static int answer_formats_read(const struct sdp_media *m,
			       struct media_params *p)
{
	const struct list *fmts = sdp_media_format_lst(m, false);
	const struct sdp_format *fmt = NULL, *telev;
	const struct codec *c = NULL;

	for (struct le *le = list_head(fmts); le && !c; le = le->next) {
		fmt = le->data;
		if (fmt->sup && !format_is_telev(fmt))
			c = format_codec(fmt);
	}
	if (!c)
		return ENOTSUP;
	telev = telev_choose(fmts, c->clock_rate);
	params_set(p, c, fmt, telev);
	return 0;
}

/* libre reads an answer only after encoding the offer it answers. */
static int offer_replay(struct sdp_session *sess)
{
	struct mbuf *mb = NULL;
	int err = sdp_encode(&mb, sess, true);

	mem_deref(mb);
	return err;
}

int sdp_answer_parse(const char *answer, struct media_params *params)
{
	struct sdp_session *sess = NULL;
	struct sdp_media *m = NULL;
	struct media_params p;
	int err;

	if (!answer || !params)
		return EINVAL;
	/* the local address is not used: only the formats must be ours */
	err = session_create(&sess, &m, "0.0.0.0", 0, NULL, false);
	if (!err)
		err = offer_replay(sess);
	if (!err)
		err = sdp_decode_str(sess, answer, false);
	if (!err)
		err = answer_formats_read(m, &p);
	if (!err)
		err = remote_addr(m, &p);
	if (!err)
		*params = p;
	mem_deref(sess);
	return err;
}
