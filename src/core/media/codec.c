/* codec.c: the codecs of codec.h over spandsp (G.711, G.722, GSM 06.10)
 * and libopus.
 *
 * Each codec is one row of `codec_defs` (end of file): its public
 * description and the operations that run it.  A codec_state holds the
 * library's encoder and decoder; G.711 keeps a spandsp PLC fed with every
 * decoded frame so that a lost one can be filled from the recent pitch.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <spandsp.h>
#include <opus.h>
#include "media/codec.h"

enum { GSM_FRAME_BYTES = 33, G722_BITRATE = 64000 };

struct codec_state;

struct codec_ops {
	int  (*init)(struct codec_state *cs);
	void (*fini)(struct codec_state *cs);
	int  (*encode)(struct codec_state *cs, const int16_t *pcm, uint8_t *out);
	int  (*decode)(struct codec_state *cs, const uint8_t *payload,
		       size_t len, int16_t *pcm, size_t max);
	/* NULL: a lost frame is silence */
	int  (*conceal)(struct codec_state *cs, int16_t *pcm, size_t n);
};

struct codec_def {
	struct codec codec;
	const struct codec_ops *ops;
	int variant;             /* G.711: G711_ULAW or G711_ALAW */
};

struct codec_state {
	const struct codec_def *def;
	void *enc, *dec;         /* the library's states (G.711: enc only) */
	plc_state_t *plc;
};

static size_t min_size(size_t a, size_t b)
{
	return a < b ? a : b;
}

/* G.711 */

static int g711_start(struct codec_state *cs)
{
	cs->enc = g711_init(NULL, cs->def->variant);
	cs->plc = plc_init(NULL);
	return cs->enc && cs->plc ? 0 : ENOMEM;
}

static void g711_stop(struct codec_state *cs)
{
	if (cs->enc)
		g711_free(cs->enc);
	if (cs->plc)
		plc_free(cs->plc);
}

static int g711_enc(struct codec_state *cs, const int16_t *pcm, uint8_t *out)
{
	return g711_encode(cs->enc, out, pcm,
			   (int)codec_samples_per_frame(&cs->def->codec));
}

static int g711_dec(struct codec_state *cs, const uint8_t *payload,
		    size_t len, int16_t *pcm, size_t max)
{
	int n = (int)min_size(min_size(len, max), INT_MAX);

	n = g711_decode(cs->enc, pcm, payload, n);
	return plc_rx(cs->plc, pcm, n);
}

static int g711_conceal(struct codec_state *cs, int16_t *pcm, size_t n)
{
	return plc_fillin(cs->plc, pcm, (int)n);
}

/* G.722: two bits per 16 kHz sample at 64 kbit/s */

static int g722_start(struct codec_state *cs)
{
	cs->enc = g722_encode_init(NULL, G722_BITRATE, 0);
	cs->dec = g722_decode_init(NULL, G722_BITRATE, 0);
	return cs->enc && cs->dec ? 0 : ENOMEM;
}

static void g722_stop(struct codec_state *cs)
{
	if (cs->enc)
		g722_encode_free(cs->enc);
	if (cs->dec)
		g722_decode_free(cs->dec);
}

static int g722_enc(struct codec_state *cs, const int16_t *pcm, uint8_t *out)
{
	return g722_encode(cs->enc, out, pcm,
			   (int)codec_samples_per_frame(&cs->def->codec));
}

static int g722_dec(struct codec_state *cs, const uint8_t *payload,
		    size_t len, int16_t *pcm, size_t max)
{
	size_t bytes = min_size(min_size(len, max / 2), INT_MAX / 2);

	return g722_decode(cs->dec, pcm, payload, (int)bytes);
}

/* GSM 06.10, RFC 3551 packing: 33 bytes per 160 samples */

static int gsm_start(struct codec_state *cs)
{
	cs->enc = gsm0610_init(NULL, GSM0610_PACKING_VOIP);
	cs->dec = gsm0610_init(NULL, GSM0610_PACKING_VOIP);
	return cs->enc && cs->dec ? 0 : ENOMEM;
}

static void gsm_stop(struct codec_state *cs)
{
	if (cs->enc)
		gsm0610_free(cs->enc);
	if (cs->dec)
		gsm0610_free(cs->dec);
}

static int gsm_enc(struct codec_state *cs, const int16_t *pcm, uint8_t *out)
{
	return gsm0610_encode(cs->enc, out, pcm,
			      (int)codec_samples_per_frame(&cs->def->codec));
}

static int gsm_dec(struct codec_state *cs, const uint8_t *payload,
		   size_t len, int16_t *pcm, size_t max)
{
	size_t spf = codec_samples_per_frame(&cs->def->codec);
	size_t frames = min_size(len / GSM_FRAME_BYTES, max / spf);

	if (!len || len % GSM_FRAME_BYTES || !frames)
		return -1;
	return gsm0610_decode(cs->dec, pcm, payload,
			      (int)(frames * GSM_FRAME_BYTES));
}

/* Opus, run at 16 kHz mono whatever the peer sends */

static int opus_error(int err)
{
	return err == OPUS_ALLOC_FAIL ? ENOMEM : EINVAL;
}

static int opus_start(struct codec_state *cs)
{
	opus_int32 rate = (opus_int32)cs->def->codec.rate;
	int err;

	cs->enc = opus_encoder_create(rate, 1, OPUS_APPLICATION_VOIP, &err);
	if (!cs->enc)
		return opus_error(err);
	cs->dec = opus_decoder_create(rate, 1, &err);
	return cs->dec ? 0 : opus_error(err);
}

static void opus_stop(struct codec_state *cs)
{
	if (cs->enc)
		opus_encoder_destroy(cs->enc);
	if (cs->dec)
		opus_decoder_destroy(cs->dec);
}

static int opus_enc(struct codec_state *cs, const int16_t *pcm, uint8_t *out)
{
	int n = opus_encode(cs->enc, pcm,
			    (int)codec_samples_per_frame(&cs->def->codec),
			    out, CODEC_MAX_PAYLOAD);

	return n < 0 ? -1 : n;
}

static int opus_dec(struct codec_state *cs, const uint8_t *payload,
		    size_t len, int16_t *pcm, size_t max)
{
	int n;

	/* an empty payload would mean "lost" to libopus */
	if (!len || len > INT_MAX)
		return -1;
	n = opus_decode(cs->dec, payload, (opus_int32)len, pcm,
			(int)min_size(max, INT_MAX), 0);
	return n < 0 ? -1 : n;
}

static int opus_conceal(struct codec_state *cs, int16_t *pcm, size_t n)
{
	int r = opus_decode(cs->dec, NULL, 0, pcm, (int)n, 0);

	return r < 0 ? -1 : r;
}

/* The table */

static const struct codec_ops g711_ops = {
	g711_start, g711_stop, g711_enc, g711_dec, g711_conceal,
};
static const struct codec_ops g722_ops = {
	g722_start, g722_stop, g722_enc, g722_dec, NULL,
};
static const struct codec_ops gsm_ops = {
	gsm_start, gsm_stop, gsm_enc, gsm_dec, NULL,
};
static const struct codec_ops opus_ops = {
	opus_start, opus_stop, opus_enc, opus_dec, opus_conceal,
};

static const struct codec_def codec_defs[] = {
	{ { "PCMU", 0, 8000, 1, 8000, NULL }, &g711_ops, G711_ULAW },
	{ { "PCMA", 8, 8000, 1, 8000, NULL }, &g711_ops, G711_ALAW },
	{ { "G722", 9, 8000, 1, 16000, NULL }, &g722_ops, 0 },
	{ { "opus", -1, 48000, 2, 16000, "useinbandfec=1" }, &opus_ops, 0 },
	{ { "GSM", 3, 8000, 1, 8000, NULL }, &gsm_ops, 0 },
};
enum { CODEC_COUNT = sizeof(codec_defs) / sizeof(codec_defs[0]) };

const struct codec *const codec_all[] = {
	&codec_defs[0].codec, &codec_defs[1].codec, &codec_defs[2].codec,
	&codec_defs[3].codec, &codec_defs[4].codec, NULL,
};

const struct codec *codec_find(const char *name, unsigned clock_rate)
{
	if (!name)
		return NULL;
	for (size_t i = 0; codec_all[i]; i++)
		if (!strcasecmp(codec_all[i]->name, name) &&
		    codec_all[i]->clock_rate == clock_rate)
			return codec_all[i];
	return NULL;
}

static const struct codec_def *codec_def_of(const struct codec *c)
{
	for (size_t i = 0; i < CODEC_COUNT; i++)
		if (&codec_defs[i].codec == c)
			return &codec_defs[i];
	return NULL;
}

/* The state API */

int codec_state_alloc(struct codec_state **csp, const struct codec *c)
{
	const struct codec_def *def = codec_def_of(c);
	struct codec_state *cs;
	int err;

	if (!csp || !def)
		return EINVAL;
	cs = calloc(1, sizeof(*cs));
	if (!cs)
		return ENOMEM;
	cs->def = def;
	err = def->ops->init(cs);
	if (err) {
		codec_state_free(cs);
		return err;
	}
	*csp = cs;
	return 0;
}

void codec_state_free(struct codec_state *cs)
{
	if (!cs)
		return;
	cs->def->ops->fini(cs);
	free(cs);
}

int codec_encode(struct codec_state *cs, const int16_t *pcm, uint8_t *out)
{
	if (!cs || !pcm || !out)
		return -1;
	return cs->def->ops->encode(cs, pcm, out);
}

int codec_decode(struct codec_state *cs, const uint8_t *payload, size_t len,
		 int16_t *pcm, size_t max)
{
	if (!cs || !payload || !pcm || !len)
		return -1;
	return cs->def->ops->decode(cs, payload, len, pcm, max);
}

int codec_conceal(struct codec_state *cs, int16_t *pcm, size_t max)
{
	size_t n;

	if (!cs || !pcm)
		return -1;
	n = codec_samples_per_frame(&cs->def->codec);
	if (max < n)
		return -1;
	if (!cs->def->ops->conceal) {
		memset(pcm, 0, n * sizeof(*pcm));
		return (int)n;
	}
	return cs->def->ops->conceal(cs, pcm, n);
}
