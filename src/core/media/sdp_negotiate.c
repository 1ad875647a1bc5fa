/* sdp_negotiate.c: answers an SDP offer with libre's SDP codec.
 *
 * libre aligns our local format list to the offer when decoding it: every
 * local format the offer also has is marked supported, takes the offer's
 * payload type and moves to the offer's position, so the answer's m= line
 * lists the common codecs in the caller's order.  We then pick the first
 * common audio codec (not telephone-event) as the one we send.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <stdint.h>
#include <re.h>
#include "media/codec.h"
#include "media/sdp_negotiate.h"

static const char telev_name[] = "telephone-event";

static int session_create(struct sdp_session **sessp, struct sdp_media **mp,
			  const char *media_ip, uint16_t rtp_port)
{
	struct sdp_session *sess = NULL;
	struct sa laddr;
	int err;

	err = sa_set_str(&laddr, media_ip, rtp_port);
	if (err)
		return EINVAL;
	err = sdp_session_alloc(&sess, &laddr);
	if (err)
		goto out;
	err = sdp_media_add(mp, sess, sdp_media_audio, rtp_port,
			    sdp_proto_rtpavp);
	err |= sdp_format_add(NULL, *mp, false, "0", "PCMU", 8000, 1,
			      NULL, NULL, NULL, false, NULL);
	err |= sdp_format_add(NULL, *mp, false, "8", "PCMA", 8000, 1,
			      NULL, NULL, NULL, false, NULL);
	err |= sdp_format_add(NULL, *mp, false, "101", telev_name, 8000, 1,
			      NULL, NULL, NULL, false, "0-15");
 out:
	if (err)
		sess = mem_deref(sess);
	*sessp = sess;
	return err ? ENOMEM : 0;
}

static int offer_decode(struct sdp_session *sess, const char *offer)
{
	struct mbuf *mb = mbuf_alloc(strlen(offer) + 1);
	int err;

	if (!mb)
		return ENOMEM;
	err = mbuf_write_str(mb, offer);
	mb->pos = 0;
	if (!err)
		err = sdp_decode(sess, mb, true);
	mem_deref(mb);
	return err == ENOMEM ? ENOMEM : err ? EPROTO : 0;
}

/* The negotiated codecs, from the aligned local list (offer order). */
static int choose_formats(const struct sdp_media *m, struct media_params *p)
{
	const struct list *lst = sdp_media_format_lst(m, true);

	p->payload_type = -1;
	p->telev_pt = -1;
	p->codec = NULL;
	p->telev_clock = 8000;
	for (struct le *le = list_head(lst); le; le = le->next) {
		const struct sdp_format *fmt = le->data;

		if (!fmt->sup)
			continue;
		if (!strcasecmp(fmt->name, telev_name)) {
			if (p->telev_pt < 0)
				p->telev_pt = fmt->pt;
		}
		else if (p->payload_type < 0) {
			p->payload_type = fmt->pt;
			p->codec = codec_find(fmt->name, fmt->srate);
		}
	}
	return p->payload_type < 0 ? ENOTSUP : 0;
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

static int answer_encode(struct sdp_session *sess, char **answerp)
{
	struct mbuf *mb = NULL;
	char *s;
	int err;

	err = sdp_encode(&mb, sess, false);
	if (err)
		goto out;
	s = malloc(mb->end + 1);
	if (!s) {
		err = ENOMEM;
		goto out;
	}
	memcpy(s, mb->buf, mb->end);
	s[mb->end] = '\0';
	*answerp = s;
 out:
	mem_deref(mb);
	return err;
}

int sdp_negotiate(const char *offer, const char *media_ip, uint16_t rtp_port,
		  char **answerp, struct media_params *params)
{
	struct sdp_session *sess = NULL;
	struct sdp_media *m = NULL;
	struct media_params p;
	int err;

	if (!offer || !media_ip || !answerp || !params)
		return EINVAL;
	err = session_create(&sess, &m, media_ip, rtp_port);
	if (err)
		goto out;
	err = offer_decode(sess, offer);
	if (err)
		goto out;
	/* an offer without an audio line leaves ours without a remote port */
	if (!sdp_media_rport(m) && !sdp_media_format_lst(m, false)->head) {
		err = EPROTO;
		goto out;
	}
	err = choose_formats(m, &p);
	if (!err)
		err = remote_addr(m, &p);
	if (!err)
		err = answer_encode(sess, answerp);
	if (!err)
		*params = p;
 out:
	mem_deref(sess);
	return err;
}
