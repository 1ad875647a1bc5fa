/* media_rx.c: the receive half of a stream's tick (media thread).
 *
 * Every packet waiting on the socket is read (unless the media thread has
 * parked the idle socket, see media_thread.c).  Where RTP comes from is
 * checked first (as Asterisk's strictrtp and rtpengine do): the caller's
 * address from the SDP is confirmed by its first packet; when the SDP
 * address cannot be used (0.0.0.0), the first source is taken (symmetric
 * RTP).  Packets from any other source are dropped and counted; a new
 * source replaces the confirmed one only after RTP_SOURCE_SWITCH_RUN
 * packets in a row with none from the old one, and once the old one has
 * been silent for RTP_SOURCE_SILENT_MS (NAT rebinding, or a caller behind
 * NAT whose SDP names its private address), so a third party sending to
 * our port cannot take the call's audio, even while the caller's packets
 * are late by a few frames.  Telephone-events go to the
 * RFC 4733 detector at once (they carry their own timestamps), audio of
 * the negotiated payload type goes into libre's jitter buffer, which
 * reorders by sequence number and drops duplicates.  Once per tick one
 * frame is taken out, decoded, and checked for in-band tones.  A call
 * whose peer sends RFC 4733 is not also searched for tones, so one key
 * press is never reported twice.
 */
#include <errno.h>
#include <string.h>
#include <netinet/in.h>
#include <re.h>
#include <sems/log.h>
#include "core_config.h"
#include "media/codec.h"
#include "media/rtp_stream_internal.h"

/* a flood must not starve the other streams of the thread */
enum { RX_BUF = 2048, RX_MAX_PER_TICK = 64, JBUF_MIN = 1, JBUF_MAX = 10,
       CONCEAL_MAX = 3 };

static void on_press(void *arg, int key, unsigned ms)
{
	struct rtp_stream *rs = arg;

	if (rs->sess && atomic_load(&rs->dtmf_detection))
		rtp_session_ops->post_dtmf(rs->sess, key, ms);
	if (rs->bridge && rs->rx.rfc4733_seen)
		media_bridge_dtmf(rs, key, ms);    /* B2BUA: on to the callee */
}

/* dtmf_inband=auto: a caller that negotiated telephone-event sends its
 * keys as RFC 4733 (as Asterisk's dtmfmode=auto assumes); the detector
 * was half of the media path's instructions on such calls.  Decided when
 * the parameters change, not per frame. */
static bool inband_allowed(bool telev)
{
	const char *mode = core_cfg.dtmf_inband;

	if (!strcmp(mode, "never"))
		return false;
	return !telev || !strcmp(mode, "always");
}

void media_rx_init(struct rtp_stream *rs)
{
	memset(&rs->rx, 0, sizeof(rs->rx));
	dtmf_rfc4733_init(&rs->rx.rfc4733, 8000, on_press, rs);
	rs->rx.inband_on = inband_allowed(false);
	if (jbuf_alloc(&rs->rx.jb, JBUF_MIN, JBUF_MAX))
		rs->rx.jb = NULL;   /* then packets are decoded as they come */
}

void media_rx_set_telev_clock(struct rtp_stream *rs, unsigned clock)
{
	rs->rx.inband_on = inband_allowed(clock != 0);
	if (!clock)
		clock = 8000;   /* a key could still come: keep the decoder */
	if (rs->rx.rfc4733.clock_rate != clock)
		dtmf_rfc4733_init(&rs->rx.rfc4733, clock, on_press, rs);
}

void media_rx_free(struct rtp_stream *rs)
{
	rs->rx.jb = mem_deref(rs->rx.jb);
	dtmf_inband_free(rs->rx.inband);
	rs->rx.inband = NULL;
}

static bool addr_same(const struct sockaddr_storage *a, socklen_t alen,
		      const struct sockaddr_storage *b, socklen_t blen)
{
	if (!alen || !blen || a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET) {
		const struct sockaddr_in *x = (const void *)a, *y = (const void *)b;

		return x->sin_port == y->sin_port &&
		       x->sin_addr.s_addr == y->sin_addr.s_addr;
	}
	if (a->ss_family == AF_INET6) {
		const struct sockaddr_in6 *x = (const void *)a, *y = (const void *)b;

		return x->sin6_port == y->sin6_port &&
		       !memcmp(&x->sin6_addr, &y->sin6_addr, sizeof(x->sin6_addr));
	}
	return alen == blen && !memcmp(a, b, alen);
}

static bool addr_usable(const struct sockaddr_storage *a, socklen_t len)
{
	if (a->ss_family == AF_INET && len >= sizeof(struct sockaddr_in))
		return ((const struct sockaddr_in *)a)->sin_addr.s_addr != 0 &&
		       ((const struct sockaddr_in *)a)->sin_port != 0;
	if (a->ss_family == AF_INET6 && len >= sizeof(struct sockaddr_in6))
		return !IN6_IS_ADDR_UNSPECIFIED(
			&((const struct sockaddr_in6 *)a)->sin6_addr) &&
		       ((const struct sockaddr_in6 *)a)->sin6_port != 0;
	return false;
}

static void source_take(struct rtp_stream *rs,
			const struct sockaddr_storage *src, socklen_t len)
{
	memcpy(&rs->remote, src, len);
	rs->remote_len = len;
	rs->remote_learned = true;
	rs->rx.cand_run = 0;
}

/* Whether a packet from src is the caller's (see the top). */
static bool source_ok(struct rtp_stream *rs,
		      const struct sockaddr_storage *src, socklen_t len,
		      uint64_t now)
{
	struct media_rx *rx = &rs->rx;
	bool ok = false, switched = false;
	char from[INET6_ADDRSTRLEN + 8] = "";

	pthread_mutex_lock(&rs->lock);
	if (rs->remote_learned) {
		ok = addr_same(&rs->remote, rs->remote_len, src, len);
	} else if (!addr_usable(&rs->sdp_remote, rs->sdp_remote_len)) {
		source_take(rs, src, len);      /* symmetric RTP */
		ok = true;
	} else if (addr_same(&rs->sdp_remote, rs->sdp_remote_len, src, len)) {
		source_take(rs, src, len);      /* the SDP's, confirmed */
		ok = true;
	}
	if (ok) {
		rx->cand_run = 0;
		rx->src_last_ms = now;
	} else {
		if (rx->cand_run && addr_same(&rx->cand, rx->cand_len, src, len)) {
			rx->cand_run++;
		} else {
			memcpy(&rx->cand, src, len);
			rx->cand_len = len;
			rx->cand_run = 1;
		}
		if (rx->cand_run >= RTP_SOURCE_SWITCH_RUN &&
		    now - rx->src_last_ms >= RTP_SOURCE_SILENT_MS) {
			source_take(rs, src, len);
			rx->src_last_ms = now;
			ok = switched = true;
		}
	}
	pthread_mutex_unlock(&rs->lock);
	if (!ok)
		atomic_fetch_add(&rs->rx_foreign, 1);
	if (switched) {
		struct sa sa;

		if (!sa_set_sa(&sa, (const struct sockaddr *)src))
			(void)re_snprintf(from, sizeof(from), "%J", &sa);
		SEMS_INFO("rtp: port %u: the caller's RTP now comes from %s "
			  "(%u packets in a row)", rs->port, from,
			  RTP_SOURCE_SWITCH_RUN);
	}
	return ok;
}

static void fifo_put(struct media_rx *rx, const int16_t *pcm, size_t n)
{
	size_t room = RTP_RX_FIFO - rx->fifo_n;

	if (n > room)
		n = room;
	memcpy(rx->fifo + rx->fifo_n, pcm, n * sizeof(*pcm));
	rx->fifo_n += n;
}

static void decode_into_fifo(struct rtp_stream *rs, const uint8_t *p,
			     size_t len)
{
	int16_t pcm[RTP_RX_FIFO];
	int n;

	if (!rs->cs)
		return;
	n = codec_decode(rs->cs, p, len, pcm, RTP_RX_FIFO - rs->rx.fifo_n);
	if (n > 0) {
		fifo_put(&rs->rx, pcm, (size_t)n);
		rs->rx.audio_seen = true;
	}
}

static void audio_packet(struct rtp_stream *rs, const struct rtp_header *hdr,
			 struct mbuf *mb)
{
	if (!rs->rx.jb) {
		decode_into_fifo(rs, mbuf_buf(mb), mbuf_get_left(mb));
		return;
	}
	struct mbuf *copy = mbuf_alloc(mbuf_get_left(mb));

	if (!copy)
		return;
	(void)mbuf_write_mem(copy, mbuf_buf(mb), mbuf_get_left(mb));
	copy->pos = 0;
	(void)jbuf_put(rs->rx.jb, hdr, copy);
	mem_deref(copy);    /* the jitter buffer holds its own reference */
}

static void packet(struct rtp_stream *rs, uint8_t *buf, size_t len,
		   uint64_t now)
{
	struct mbuf mb = { .buf = buf, .size = len, .pos = 0, .end = len };
	struct rtp_header hdr;
	bool receiving = atomic_load(&rs->receiving);

	if (len < RTP_HEADER_SIZE || (buf[0] >> 6) != RTP_VERSION ||
	    rtp_hdr_decode(&hdr, &mb))
		return;
	rs->last_rx_ms = now;
	rtp_counters_rx(&rs->counters, hdr.seq);
	if (rs->telev_pt >= 0 && hdr.pt == rs->telev_pt) {
		if (receiving || atomic_load(&rs->dtmf_receiving)) {
			rs->rx.rfc4733_seen = true;
			dtmf_rfc4733_packet(&rs->rx.rfc4733, hdr.ts, mbuf_buf(&mb),
					    mbuf_get_left(&mb), now);
		}
		return;
	}
	if (receiving && hdr.pt == rs->pt)
		audio_packet(rs, &hdr, &mb);
}

/* Reads until the socket is empty (EAGAIN), at most RX_MAX_PER_TICK
 * packets.  recvmmsg() would save the empty read but costs more than it:
 * 1.15-1.2 us per packet against 1.03 us for the two recvfrom() calls
 * (one packet per socket and tick, docs/performance.md). */
static unsigned socket_read(struct rtp_stream *rs, uint64_t now)
{
	uint8_t buf[RX_BUF];
	struct sockaddr_storage src;
	socklen_t srclen;
	ssize_t n;
	unsigned got = 0;

	for (; got < RX_MAX_PER_TICK; got++) {
		srclen = sizeof(src);
		n = recvfrom(rs->fd, buf, sizeof(buf), MSG_DONTWAIT,
			     (struct sockaddr *)&src, &srclen);
		if (n < 0)
			break;
		if (n < RTP_HEADER_SIZE || (buf[0] >> 6) != RTP_VERSION ||
		    srclen > sizeof(src) || !source_ok(rs, &src, srclen, now))
			continue;
		packet(rs, buf, (size_t)n, now);
	}
	return got;
}

unsigned media_rx_drain(struct rtp_stream *rs, uint64_t now, bool read)
{
	unsigned got = read ? socket_read(rs, now) : 0;

	dtmf_rfc4733_poll(&rs->rx.rfc4733, now);
	return got;
}

/* Pulls frames out of the jitter buffer until one tick's worth is there. */
static void jbuf_pull(struct rtp_stream *rs, size_t n)
{
	for (int i = 0; i < 4 && rs->rx.fifo_n < n; i++) {
		struct rtp_header hdr;
		struct mbuf *mb = NULL;
		int err = jbuf_get(rs->rx.jb, &hdr, (void **)&mb);

		if (err && err != EAGAIN)
			break;
		if (mb)
			decode_into_fifo(rs, mbuf_buf(mb), mbuf_get_left(mb));
		mem_deref(mb);
	}
}

static void inband_detect(struct rtp_stream *rs, const int16_t *pcm, size_t n)
{
	if (!rs->rx.inband_on || rs->rx.rfc4733_seen || rs->rate != 8000 ||
	    !atomic_load(&rs->dtmf_detection))
		return;
	if (!rs->rx.inband &&
	    dtmf_inband_alloc(&rs->rx.inband, on_press, rs))
		return;
	dtmf_inband_audio(rs->rx.inband, pcm, n);
}

bool media_rx_frame(struct rtp_stream *rs, int16_t *pcm, size_t n,
		    uint64_t now)
{
	struct media_rx *rx = &rs->rx;

	(void)now;
	if (!atomic_load(&rs->receiving)) {
		rx->fifo_n = 0;
		return false;
	}
	if (rx->jb)
		jbuf_pull(rs, n);
	if (rx->fifo_n >= n) {
		memcpy(pcm, rx->fifo, n * sizeof(*pcm));
		rx->fifo_n -= n;
		memmove(rx->fifo, rx->fifo + n, rx->fifo_n * sizeof(*pcm));
		rx->concealed = 0;
	}
	else if (rs->cs && rx->concealed < CONCEAL_MAX &&
		 rx->audio_seen && codec_conceal(rs->cs, pcm, n) == (int)n) {
		rx->concealed++;
	}
	else {
		memset(pcm, 0, n * sizeof(*pcm));
	}
	inband_detect(rs, pcm, n);
	return true;
}
