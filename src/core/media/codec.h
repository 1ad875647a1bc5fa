/* codec.h: the audio codecs of a call's RTP stream.
 *
 * Every codec turns 20 ms of PCM16 mono at its `rate` (the rate our media
 * runs at for this call: 8000 or 16000) into one RTP payload and back.
 * The RTP clock rate can differ from the sample rate (G.722: 8000 on the
 * wire for 16 kHz audio, RFC 3551; Opus: 48000 for any rate, RFC 7587).
 *
 *   PCMU/8000 (0), PCMA/8000 (8)   spandsp G.711
 *   G722/8000 (9)                  spandsp, 16 kHz audio
 *   GSM/8000 (3)                   spandsp GSM 06.10, 33-byte frames
 *   opus/48000/2 (dynamic)         libopus, run at 16 kHz mono
 *
 * A codec state is per stream and per direction pair (encoder + decoder)
 * and is used by one media thread at a time; codec_state_alloc runs on the
 * signalling thread.  Encode and decode never block.
 */
#ifndef CORE_CODEC_H
#define CORE_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { CODEC_MAX_PAYLOAD = 1500, CODEC_FRAME_MS = 20 };

struct codec {
	const char *name;        /* SDP encoding name: "PCMU", "G722", "opus" */
	int static_pt;           /* 0, 8, 9, 3; -1 for dynamic (opus) */
	unsigned clock_rate;     /* SDP/RTP clock: 8000, 48000 */
	unsigned channels;       /* SDP channel count (opus: 2) */
	unsigned rate;           /* PCM sample rate we run at: 8000, 16000 */
	const char *fmtp;        /* our a=fmtp, or NULL */
};

/* Every codec we support, in our default preference order; NULL-ended. */
extern const struct codec *const codec_all[];
/* By SDP name (case-insensitive) and clock rate; NULL if unknown. */
const struct codec *codec_find(const char *name, unsigned clock_rate);

/* RTP timestamp increment for one 20 ms frame. */
static inline uint32_t codec_ts_per_frame(const struct codec *c)
{
	return c->clock_rate / 50;
}
/* PCM samples in one 20 ms frame. */
static inline size_t codec_samples_per_frame(const struct codec *c)
{
	return c->rate / 50;
}

struct codec_state;
/* 0, ENOMEM, or EINVAL (the library refused). */
int  codec_state_alloc(struct codec_state **csp, const struct codec *c);
void codec_state_free(struct codec_state *cs);   /* NULL is fine */

/* Encodes codec_samples_per_frame() samples; returns the payload length
 * (<= CODEC_MAX_PAYLOAD), or -1 on error. */
int codec_encode(struct codec_state *cs, const int16_t *pcm, uint8_t *out);
/* Decodes one payload into at most `max` samples; returns the count (a
 * payload may hold several frames), or -1 for a payload it cannot read. */
int codec_decode(struct codec_state *cs, const uint8_t *payload, size_t len,
		 int16_t *pcm, size_t max);
/* Concealment for one lost frame (codec PLC where it has one, else
 * silence); returns the count written (samples_per_frame), or -1 when
 * `max` is less than a frame. */
int codec_conceal(struct codec_state *cs, int16_t *pcm, size_t max);

#endif
