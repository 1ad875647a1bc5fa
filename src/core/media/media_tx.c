/* media_tx.c: the send half of a stream's tick (media thread).
 *
 * One packet per 20 ms: the frame from the playlist, encoded with the
 * call's codec, or, while a key queued by sems_session_send_dtmf() is being
 * sent, an RFC 4733 telephone-event packet instead (audio pauses for the
 * event, as RFC 4733 section 2.5.1.3 recommends).  An event keeps the
 * timestamp of its first packet, grows its duration every packet, and
 * ends with three packets carrying the E bit; keys are 60 ms apart.
 */
#include <errno.h>
#include <string.h>
#include <re.h>
#include <sems/log.h>
#include "media/codec.h"
#include "media/rtp_stream_internal.h"

enum { DTMF_END_PACKETS = 3, DTMF_GAP_TICKS = 3, DTMF_VOLUME = 10 };

static void packet_send(struct rtp_stream *rs, int pt, bool marker,
			uint32_t ts, const uint8_t *payload, size_t len)
{
	uint8_t pkt[RTP_HEADER_SIZE + CODEC_MAX_PAYLOAD];
	struct mbuf mb = { .buf = pkt, .size = sizeof(pkt) };
	struct rtp_header hdr = {
		.ver = RTP_VERSION, .m = marker, .pt = (uint8_t)pt,
		.seq = rs->seq, .ts = ts, .ssrc = rs->ssrc,
	};
	struct sockaddr_storage dst;
	socklen_t dstlen;

	if (len > CODEC_MAX_PAYLOAD || rtp_hdr_encode(&mb, &hdr))
		return;
	memcpy(pkt + RTP_HEADER_SIZE, payload, len);
	pthread_mutex_lock(&rs->lock);
	dstlen = rs->remote_len;
	memcpy(&dst, &rs->remote, dstlen);
	pthread_mutex_unlock(&rs->lock);
	if (!dstlen)
		return;
	if (sendto(rs->fd, pkt, RTP_HEADER_SIZE + len, MSG_DONTWAIT,
		   (const struct sockaddr *)&dst, dstlen) < 0 &&
	    errno != EAGAIN && errno != EWOULDBLOCK)
		SEMS_DBG("rtp: send from port %u: %s", rs->port,
			 strerror(errno));
	else
		rtp_counters_tx(&rs->counters);
	rs->seq++;
}

/* Takes the next queued key, if any (under the stream lock). */
static bool dtmf_next_key(struct rtp_stream *rs)
{
	struct media_dtmf_tx *tx = &rs->dtmf_tx;
	bool got = false;

	pthread_mutex_lock(&rs->lock);
	if (tx->queue[0] && rs->telev_pt >= 0) {
		tx->key = dtmf_char_to_key(tx->queue[0]);
		memmove(tx->queue, tx->queue + 1, strlen(tx->queue));
		tx->ticks_left = tx->duration_ms / RTP_FRAME_MS;
		if (!tx->ticks_left)
			tx->ticks_left = 1;
		got = tx->key >= 0;
	}
	pthread_mutex_unlock(&rs->lock);
	return got;
}

/* Sends this tick's telephone-event packet(s); false when no key is on. */
static bool dtmf_tick(struct rtp_stream *rs)
{
	struct media_dtmf_tx *tx = &rs->dtmf_tx;
	unsigned clock = rs->telev_clock ? rs->telev_clock : 8000;
	unsigned duration;
	uint8_t ev[4];
	bool start = false, end;

	if (!tx->active) {
		if (tx->pause_ticks) {
			tx->pause_ticks--;
			return false;
		}
		if (!dtmf_next_key(rs))
			return false;
		tx->active = start = true;
		tx->ts = rs->ts;
		tx->ticks_sent = 0;
	}
	tx->ticks_sent++;
	duration = tx->ticks_sent * (clock / 50);
	end = tx->ticks_sent >= tx->ticks_left;
	ev[0] = (uint8_t)tx->key;
	ev[1] = (uint8_t)((end ? 0x80 : 0) | DTMF_VOLUME);
	ev[2] = (uint8_t)(duration >> 8);
	ev[3] = (uint8_t)duration;
	for (int i = 0; i < (end ? DTMF_END_PACKETS : 1); i++)
		packet_send(rs, rs->telev_pt, start && !i, tx->ts, ev, sizeof(ev));
	if (end) {
		tx->active = false;
		tx->pause_ticks = DTMF_GAP_TICKS;
	}
	return true;
}

void media_tx_send(struct rtp_stream *rs, const int16_t *pcm)
{
	uint8_t payload[CODEC_MAX_PAYLOAD];
	int len;

	if (!rs->cur_codec || !rs->cs || atomic_load(&rs->held))
		return;
	if (dtmf_tick(rs) || atomic_load(&rs->muted))
		return;
	len = codec_encode(rs->cs, pcm, payload);
	if (len <= 0)
		return;
	packet_send(rs, rs->pt, rs->marker, rs->ts, payload, (size_t)len);
	rs->marker = false;
}
