/* listen_media.c: a listen tap's part of the media tick (media thread).
 *
 * After the playlist (or the bridge) produced the frame to send: the
 * server's audio, if the tap is bidirectional, is taken from the `down`
 * ring through a small jitter buffer (playback starts with 60 ms queued,
 * or once audio waited 3 ticks) and replaces or is mixed into the frame;
 * then the caller's frame (and, for stereo, the frame sent) is pushed into
 * the `up` ring.  No lock but the stream's, taken only when a new tap is
 * handed over; a full ring loses audio (counted), never waits.
 */
#include <string.h>
#include <sems/log.h>
#include "media/rtp_stream_internal.h"
#include "listen/listen_tap.h"

enum { JB_START_FRAMES = 3, JB_WAIT_TICKS = 3 };

static void pick(struct rtp_stream *rs)
{
	struct listen_tap *t;

	pthread_mutex_lock(&rs->lock);
	t = rs->listen_pending;
	rs->listen_pending = NULL;
	atomic_store(&rs->listen_changed, false);
	pthread_mutex_unlock(&rs->lock);
	listen_tap_deref(rs->listen);
	rs->listen = t;
}

/* `clear`: the signalling thread asked to drop what is queued. */
static void down_skip(struct listen_tap *t)
{
	size_t upto = atomic_load_explicit(&t->clear_upto, memory_order_acquire);
	size_t tail = atomic_load_explicit(&t->down.tail, memory_order_relaxed);
	size_t head = atomic_load_explicit(&t->down.head, memory_order_acquire);

	if (upto <= tail || upto - tail > LISTEN_DOWN_RING)
		return;
	if (upto > head)
		upto = head;
	atomic_store_explicit(&t->down.tail, upto, memory_order_release);
	t->playing = false;
	t->waited = 0;
}

static inline int16_t sat_add(int a, int b)
{
	int v = a + b;

	return (int16_t)(v > 32767 ? 32767 : v < -32768 ? -32768 : v);
}

static void play_down(struct listen_tap *t, int16_t *out, size_t n)
{
	int16_t buf[RTP_FRAME_MAX];
	size_t used, got = 0;

	down_skip(t);
	used = audio_ring_used(&t->down);
	if (!t->playing) {
		if (used >= JB_START_FRAMES * n ||
		    (used && ++t->waited >= JB_WAIT_TICKS)) {
			t->playing = true;
			t->waited = 0;
		}
	}
	if (t->playing) {
		got = audio_ring_pop(&t->down, buf, n);
		if (got < n)
			t->playing = false;    /* ran dry: buffer again */
	}
	memset(buf + got, 0, (n - got) * sizeof(*buf));
	if (t->bidir == SEMS_LISTEN_REPLACE)
		memcpy(out, buf, n * sizeof(*out));
	else if (got)
		for (size_t i = 0; i < got; i++)
			out[i] = sat_add(out[i], buf[i]);
}

void media_listen_tick(struct rtp_stream *rs, const int16_t *in,
		       int16_t *out, size_t n)
{
	static const int16_t zeros[RTP_FRAME_MAX];
	int16_t st[RTP_FRAME_MAX * 2];
	struct listen_tap *t;

	if (atomic_load_explicit(&rs->listen_changed, memory_order_acquire))
		pick(rs);
	if (!(t = rs->listen))
		return;
	if (atomic_load(&t->dead)) {
		rs->listen = NULL;
		listen_tap_deref(t);
		return;
	}
	if (rs->rate != t->call_rate) {      /* renegotiated: not ours */
		if (!t->rate_warned)
			SEMS_WARN("listen: port %u: call rate changed to %u Hz, "
				  "audio not streamed", rs->port, rs->rate);
		t->rate_warned = true;
		return;
	}
	if (!atomic_load_explicit(&t->open, memory_order_acquire))
		return;              /* connecting: nothing goes out yet */
	if (t->bidir != SEMS_LISTEN_SEND_ONLY)
		play_down(t, out, n);
	if (!in)
		in = zeros;
	if (t->channels == 2) {
		for (size_t i = 0; i < n; i++) {
			st[2 * i] = in[i];
			st[2 * i + 1] = out[i];
		}
		in = st;
	}
	if (audio_ring_space(&t->up) >= t->channels * n)
		audio_ring_push(&t->up, in, t->channels * n);
	else        /* the signalling thread is stalled: whole frames only */
		audio_ring_drop(&t->up, t->channels * n);
}

void media_listen_free_all(struct rtp_stream *rs)
{
	listen_tap_deref(rs->listen_pending);
	rs->listen_pending = NULL;
	listen_tap_deref(rs->listen);
	rs->listen = NULL;
}
