/* fuzz_rtp.c: libFuzzer target for RTP from the network: the receive path
 * of a stream (media/media_rx.c, included for its static packet()): header
 * validation, RFC 4733 events (dtmf_rfc4733_packet), libre's jitter buffer,
 * codec_decode for the call's codec and concealment, in-band detection;
 * and codec_decode / dtmf_rfc4733_packet on raw payloads.
 *
 * Input: byte 0 picks the codec (low 4 bits, index into codec_all) and the
 * mode (bit 7: raw payloads); byte 1 is the telephone-event payload type;
 * the rest is packets, each a 2-byte length (little endian) and its bytes.
 * After each packet one 20 ms tick's frame is taken (media_rx_frame). */
#include "../../src/core/media/media_rx.c"
#include <stdlib.h>
#include "log_internal.h"

const struct rtp_session_ops *rtp_session_ops;   /* rs->sess stays NULL */
struct sems_metrics metrics;   /* the counters media_rx.c bumps */

void media_bridge_dtmf(struct rtp_stream *rs, int key, unsigned ms)
{
	(void)rs;
	(void)key;
	(void)ms;
}

static unsigned ncodecs;
static unsigned presses;

static void on_key(void *arg, int key, unsigned ms)
{
	(void)arg;
	(void)key;
	(void)ms;
	presses++;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_setup(-1, true);
	core_config_defaults(&core_cfg);
	strcpy(core_cfg.dtmf_inband, "always");   /* the tone detector too */
	while (codec_all[ncodecs])
		ncodecs++;
	return libre_init();
}

/* Next packet of the input: NULL at the end. */
static const uint8_t *next_packet(const uint8_t **p, const uint8_t *end,
				  size_t *len)
{
	const uint8_t *pkt;
	if (end - *p < 2)
		return NULL;
	*len = ((size_t)(*p)[0] | (size_t)(*p)[1] << 8) % (RX_BUF + 1);
	*p += 2;
	if ((size_t)(end - *p) < *len)
		*len = (size_t)(end - *p);
	pkt = *p;
	*p += *len;
	return pkt;
}

static void raw(const struct codec *c, const uint8_t *p, const uint8_t *end)
{
	struct codec_state *cs = NULL;
	struct dtmf_rfc4733 d;
	int16_t pcm[RTP_RX_FIFO];
	const uint8_t *pkt;
	uint64_t now = 1000;
	uint32_t ts = 0;
	size_t len;

	if (codec_state_alloc(&cs, c))
		return;
	dtmf_rfc4733_init(&d, 8000, on_key, NULL);
	while ((pkt = next_packet(&p, end, &len))) {
		(void)codec_decode(cs, pkt, len, pcm, RTP_RX_FIFO);
		(void)codec_conceal(cs, pcm, RTP_RX_FIFO);
		if (len >= 4)
			ts = pkt[0] & 1 ? ts : ts + 160 * pkt[1];
		dtmf_rfc4733_packet(&d, ts, pkt, len, now);
		now += 20;
		dtmf_rfc4733_poll(&d, now);
	}
	codec_state_free(cs);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *p = data + 2, *end = data + size, *pkt;
	struct rtp_stream *rs;
	const struct codec *c;
	uint64_t now = 1000;
	size_t len;

	if (size < 2)
		return 0;
	c = codec_all[(data[0] & 0x0f) % ncodecs];
	if (data[0] & 0x80) {
		raw(c, p, end);
		return 0;
	}
	rs = calloc(1, sizeof(*rs));
	if (!rs)
		return 0;
	pthread_mutex_init(&rs->lock, NULL);
	atomic_init(&rs->receiving, true);
	atomic_init(&rs->dtmf_receiving, (data[0] & 0x40) != 0);
	atomic_init(&rs->dtmf_detection, true);
	rs->codec = rs->cur_codec = c;
	rs->pt = c->static_pt >= 0 ? c->static_pt : 96;
	rs->telev_pt = data[1] & 0x80 ? -1 : data[1];
	rs->rate = c->rate;
	media_rx_init(rs);
	if (data[0] & 0x20)
		media_rx_set_telev_clock(rs, 48000);
	if (codec_state_alloc(&rs->cs, c))
		rs->cs = NULL;
	while ((pkt = next_packet(&p, end, &len))) {
		uint8_t buf[RX_BUF];
		int16_t pcm[RTP_FRAME_MAX];

		memcpy(buf, pkt, len);
		packet(rs, buf, len, now);
		dtmf_rfc4733_poll(&rs->rx.rfc4733, now);
		(void)media_rx_frame(rs, pcm, codec_samples_per_frame(c), now);
		now += 20;
	}
	media_rx_free(rs);
	codec_state_free(rs->cs);
	pthread_mutex_destroy(&rs->lock);
	free(rs);
	return 0;
}
