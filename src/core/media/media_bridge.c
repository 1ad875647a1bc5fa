/* media_bridge.c: the audio of a B2BUA call, relayed through the server.
 *
 * The caller's stream (on a media thread) gets a bridge to the callee's
 * stream, which is never attached to a media thread itself: the caller's
 * tick runs the callee's receive and send halves too, so both legs live
 * on one thread and no lock is needed between them.  Per 20 ms tick:
 *
 *   caller rx (decoded, caller rate) -> resample -> callee encode, tx
 *   callee rx (decoded, callee rate) -> resample -> caller encode, tx
 *
 * Transcoding falls out of decode -> PCM -> encode; rates differ for
 * G.711 (8 kHz) against G.722/Opus (16 kHz) and are converted with
 * libsamplerate (one converter per direction, so it keeps its state
 * across frames).  RFC 4733 keys of the caller are re-sent as RFC 4733
 * events on the callee stream.  The bridge ends when the callee stream is
 * released (detached): the caller's playlist plays again.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <samplerate.h>
#include <re.h>
#include <sems/log.h>
#include "media/codec.h"
#include "media/rtp_stream.h"
#include "media/rtp_stream_internal.h"

enum { BRIDGE_FIFO = RTP_FRAME_MAX * 4 };

struct conv {
	SRC_STATE *src;
	int16_t fifo[BRIDGE_FIFO];    /* converted, not yet used */
	size_t n;
};

struct media_bridge {
	struct rtp_stream *peer;      /* reference */
	struct conv to_peer, from_peer;
};

static void conv_free(struct conv *c)
{
	if (c->src)
		src_delete(c->src);
	c->src = NULL;
}

static void bridge_free(struct media_bridge *b)
{
	if (!b)
		return;
	conv_free(&b->to_peer);
	conv_free(&b->from_peer);
	rtp_stream_deref(b->peer);
	free(b);
}

int rtp_stream_bridge(struct rtp_stream *rs, struct rtp_stream *peer)
{
	struct media_bridge *b, *old;
	int err;

	if (!rs || !peer || rs == peer)
		return EINVAL;
	if (!(b = calloc(1, sizeof(*b))))
		return ENOMEM;
	b->to_peer.src = src_new(SRC_SINC_FASTEST, 1, &err);
	b->from_peer.src = src_new(SRC_SINC_FASTEST, 1, &err);
	if (!b->to_peer.src || !b->from_peer.src) {
		conv_free(&b->to_peer);
		conv_free(&b->from_peer);
		free(b);
		return ENOMEM;
	}
	b->peer = rtp_stream_ref(peer);
	pthread_mutex_lock(&rs->lock);
	old = rs->bridge_pending;
	rs->bridge_pending = b;
	rs->bridge_changed = true;
	pthread_mutex_unlock(&rs->lock);
	bridge_free(old);
	return 0;
}

void media_bridge_free_all(struct rtp_stream *rs)
{
	bridge_free(rs->bridge_pending);
	rs->bridge_pending = NULL;
	bridge_free(rs->bridge);
	rs->bridge = NULL;
}

/* n_in samples at rate_in (NULL: silence) -> n_out samples at rate_out. */
static void convert(struct conv *c, const int16_t *in, size_t n_in,
		    unsigned rate_in, int16_t *out, size_t n_out,
		    unsigned rate_out)
{
	float fin[RTP_FRAME_MAX], fout[RTP_FRAME_MAX * 2];
	static const int16_t zeros[RTP_FRAME_MAX];

	if (!in)
		in = zeros;
	if (rate_in == rate_out && n_in == n_out) {
		memcpy(out, in, n_out * sizeof(*out));
		return;
	}
	src_short_to_float_array(in, fin, (int)n_in);
	SRC_DATA d = {
		.data_in = fin, .data_out = fout,
		.input_frames = (long)n_in,
		.output_frames = (long)(sizeof(fout) / sizeof(fout[0])),
		.src_ratio = (double)rate_out / rate_in,
	};
	if (!src_process(c->src, &d) && d.output_frames_gen > 0) {
		size_t gen = (size_t)d.output_frames_gen;
		if (c->n + gen > BRIDGE_FIFO) {     /* drift: drop the oldest */
			size_t drop = c->n + gen - BRIDGE_FIFO;
			if (drop > c->n)
				drop = c->n;
			memmove(c->fifo, c->fifo + drop,
				(c->n - drop) * sizeof(*c->fifo));
			c->n -= drop;
		}
		src_float_to_short_array(fout, c->fifo + c->n, (int)gen);
		c->n += gen;
	}
	if (c->n >= n_out) {
		memcpy(out, c->fifo, n_out * sizeof(*out));
		c->n -= n_out;
		memmove(c->fifo, c->fifo + n_out, c->n * sizeof(*c->fifo));
	}
	else {      /* the converter's start-up delay: silence */
		memset(out, 0, n_out * sizeof(*out));
	}
}

static void bridge_pick(struct rtp_stream *rs)
{
	struct media_bridge *b = NULL;
	bool changed;

	pthread_mutex_lock(&rs->lock);
	changed = rs->bridge_changed;
	if (changed) {
		b = rs->bridge_pending;
		rs->bridge_pending = NULL;
		rs->bridge_changed = false;
	}
	pthread_mutex_unlock(&rs->lock);
	if (!changed)
		return;
	bridge_free(rs->bridge);
	rs->bridge = b;
}

bool media_bridge_tick(struct rtp_stream *rs, const int16_t *in,
		       int16_t *out, size_t n, uint64_t now)
{
	int16_t pin[RTP_FRAME_MAX], pout[RTP_FRAME_MAX];
	struct media_bridge *b;
	struct rtp_stream *peer;
	size_t pn;
	bool pgot;

	bridge_pick(rs);
	if (!(b = rs->bridge))
		return false;
	peer = b->peer;
	if (atomic_load(&peer->detached)) {
		rs->bridge = NULL;
		bridge_free(b);
		return false;
	}
	if (peer->params_changed)
		media_stream_pick_params(peer);
	(void)media_rx_drain(peer, now, true);
	pn = peer->rate / 50;
	pgot = media_rx_frame(peer, pin, pn, now);
	convert(&b->to_peer, in, n, rs->rate, pout, pn, peer->rate);
	media_tx_send(peer, pout);
	peer->ts += peer->cur_codec ? codec_ts_per_frame(peer->cur_codec)
				    : RTP_FRAME_MAX / 2;
	convert(&b->from_peer, pgot ? pin : NULL, pn, peer->rate, out, n,
		rs->rate);
	return true;
}

void media_bridge_dtmf(struct rtp_stream *rs, int key, unsigned ms)
{
	char digit[2] = { dtmf_key_to_char(key), '\0' };

	if (rs->bridge && digit[0] != '?' &&
	    rtp_stream_send_dtmf(rs->bridge->peer, digit, ms ? ms : 100))
		SEMS_DBG("rtp: port %u: key %s not sent on to port %u", rs->port,
			 digit, rs->bridge->peer->port);
}
