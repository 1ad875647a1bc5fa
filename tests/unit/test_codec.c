/* test_codec.c: the call codecs (src/core/media/codec.c). */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <opus.h>
#include "media/codec.h"

enum { SECOND_FRAMES = 1000 / CODEC_FRAME_MS, SKIP_MS = 100 };

static const struct codec *codec_named(const char *name)
{
	const struct codec *c = NULL;

	for (size_t i = 0; codec_all[i] && !c; i++)
		if (!strcmp(codec_all[i]->name, name))
			c = codec_all[i];
	ck_assert_msg(c != NULL, "no codec %s", name);
	return c;
}

static void tone_frame(int16_t *pcm, size_t n, size_t first, unsigned freq,
		       unsigned rate)
{
	for (size_t i = 0; i < n; i++)
		pcm[i] = (int16_t)(8000.0 * sin(2 * M_PI * freq *
						(double)(first + i) / rate));
}

/* Share of the signal's energy at `freq` (1 for a pure tone of a whole
 * number of cycles): Goertzel power against the total energy. */
static double tone_share(const int16_t *pcm, size_t n, unsigned freq,
			 unsigned rate)
{
	double coeff = 2 * cos(2 * M_PI * freq / rate);
	double s1 = 0, s2 = 0, energy = 0;

	for (size_t i = 0; i < n; i++) {
		double s0 = pcm[i] + coeff * s1 - s2;

		s2 = s1;
		s1 = s0;
		energy += (double)pcm[i] * pcm[i];
	}
	if (energy < n * 1e4)    /* silence or nearly so */
		return 0;
	return 2 * (s1 * s1 + s2 * s2 - coeff * s1 * s2) / (n * energy);
}

/* Encodes a second of tone frame by frame and decodes it back into out;
 * returns the decoded sample count. */
static size_t tone_round_trip(const struct codec *c, unsigned freq,
			      int16_t *out, size_t max)
{
	size_t spf = codec_samples_per_frame(c), got = 0;
	struct codec_state *cs = NULL;
	uint8_t payload[CODEC_MAX_PAYLOAD];
	int16_t pcm[960];

	ck_assert_int_eq(codec_state_alloc(&cs, c), 0);
	for (size_t f = 0; f < SECOND_FRAMES; f++) {
		tone_frame(pcm, spf, f * spf, freq, c->rate);
		int len = codec_encode(cs, pcm, payload);
		ck_assert_int_gt(len, 0);
		ck_assert_int_le(len, CODEC_MAX_PAYLOAD);
		int n = codec_decode(cs, payload, (size_t)len, out + got,
				     max - got);
		ck_assert_int_eq(n, (int)spf);
		got += (size_t)n;
	}
	codec_state_free(cs);
	return got;
}

static void check_tone(const char *name, unsigned freq)
{
	const struct codec *c = codec_named(name);
	size_t skip = c->rate * SKIP_MS / 1000;
	size_t n = c->rate, got;
	int16_t *out = calloc(n, sizeof(*out));
	double share;

	ck_assert_ptr_nonnull(out);
	got = tone_round_trip(c, freq, out, n);
	ck_assert_uint_eq(got, n);
	/* 900 ms: a whole number of cycles of either tone at either rate */
	share = tone_share(out + skip, n - skip, freq, c->rate);
	ck_assert_msg(share > 0.8, "%s %u Hz: %.2f of the energy at the tone",
		      name, freq, share);
	free(out);
}

START_TEST(pcmu_carries_a_1khz_tone) { check_tone("PCMU", 1000); }
END_TEST
START_TEST(pcma_carries_a_1khz_tone) { check_tone("PCMA", 1000); }
END_TEST
START_TEST(g722_carries_a_1khz_tone) { check_tone("G722", 1000); }
END_TEST
START_TEST(g722_carries_a_5khz_tone) { check_tone("G722", 5000); }
END_TEST
START_TEST(gsm_carries_a_1khz_tone) { check_tone("GSM", 1000); }
END_TEST
START_TEST(opus_carries_a_1khz_tone) { check_tone("opus", 1000); }
END_TEST
START_TEST(opus_carries_a_5khz_tone) { check_tone("opus", 5000); }
END_TEST

static int encoded_size(const char *name)
{
	const struct codec *c = codec_named(name);
	struct codec_state *cs = NULL;
	uint8_t payload[CODEC_MAX_PAYLOAD];
	int16_t pcm[960];
	int len;

	tone_frame(pcm, codec_samples_per_frame(c), 0, 1000, c->rate);
	ck_assert_int_eq(codec_state_alloc(&cs, c), 0);
	len = codec_encode(cs, pcm, payload);
	codec_state_free(cs);
	return len;
}

START_TEST(payload_sizes_follow_rfc_3551)
{
	ck_assert_int_eq(encoded_size("PCMU"), 160);
	ck_assert_int_eq(encoded_size("PCMA"), 160);
	ck_assert_int_eq(encoded_size("G722"), 160);
	ck_assert_int_eq(encoded_size("GSM"), 33);
}
END_TEST

/* Two frames encoded separately, sent as one payload. */
static void check_two_frame_payload(const char *name)
{
	const struct codec *c = codec_named(name);
	size_t spf = codec_samples_per_frame(c);
	struct codec_state *cs = NULL;
	uint8_t payload[2 * 160 + 2 * 33];
	int16_t pcm[2 * 320];
	int a, b;

	tone_frame(pcm, 2 * spf, 0, 1000, c->rate);
	ck_assert_int_eq(codec_state_alloc(&cs, c), 0);
	a = codec_encode(cs, pcm, payload);
	ck_assert_int_gt(a, 0);
	b = codec_encode(cs, pcm + spf, payload + a);
	ck_assert_int_eq(b, a);
	ck_assert_int_eq(codec_decode(cs, payload, (size_t)(a + b), pcm,
				      2 * spf), (int)(2 * spf));
	/* room for one frame: one frame */
	ck_assert_int_eq(codec_decode(cs, payload, (size_t)(a + b), pcm, spf),
			 (int)spf);
	codec_state_free(cs);
}

START_TEST(a_40ms_payload_decodes_to_two_frames)
{
	check_two_frame_payload("PCMU");
	check_two_frame_payload("PCMA");
	check_two_frame_payload("G722");
	check_two_frame_payload("GSM");
}
END_TEST

START_TEST(a_40ms_opus_packet_decodes_to_640_samples)
{
	/* a 40 ms Opus packet comes from an encoder with 40 ms frames */
	OpusEncoder *enc;
	struct codec_state *cs = NULL;
	uint8_t packet[CODEC_MAX_PAYLOAD];
	int16_t pcm[640];
	int err, len;

	enc = opus_encoder_create(16000, 1, OPUS_APPLICATION_VOIP, &err);
	ck_assert_ptr_nonnull(enc);
	tone_frame(pcm, 640, 0, 1000, 16000);
	len = opus_encode(enc, pcm, 640, packet, sizeof(packet));
	opus_encoder_destroy(enc);
	ck_assert_int_gt(len, 0);
	ck_assert_int_eq(codec_state_alloc(&cs, codec_named("opus")), 0);
	ck_assert_int_eq(codec_decode(cs, packet, (size_t)len, pcm, 640), 640);
	/* too little room is an error, not a truncation */
	ck_assert_int_eq(codec_decode(cs, packet, (size_t)len, pcm, 320), -1);
	codec_state_free(cs);
}
END_TEST

START_TEST(gsm_rejects_a_partial_frame)
{
	struct codec_state *cs = NULL;
	uint8_t payload[40] = { 0xd0 };
	int16_t pcm[320];

	ck_assert_int_eq(codec_state_alloc(&cs, codec_named("GSM")), 0);
	ck_assert_int_eq(codec_decode(cs, payload, 40, pcm, 320), -1);
	ck_assert_int_eq(codec_decode(cs, payload, 0, pcm, 320), -1);
	codec_state_free(cs);
}
END_TEST

START_TEST(conceal_returns_one_frame_for_every_codec)
{
	uint8_t payload[CODEC_MAX_PAYLOAD];
	int16_t pcm[960];

	for (size_t i = 0; codec_all[i]; i++) {
		const struct codec *c = codec_all[i];
		size_t spf = codec_samples_per_frame(c);
		struct codec_state *cs = NULL;

		ck_assert_int_eq(codec_state_alloc(&cs, c), 0);
		tone_frame(pcm, spf, 0, 1000, c->rate);
		int len = codec_encode(cs, pcm, payload);
		ck_assert_int_gt(codec_decode(cs, payload, (size_t)len, pcm,
					      960), 0);
		ck_assert_int_eq(codec_conceal(cs, pcm, 960), (int)spf);
		ck_assert_int_eq(codec_conceal(cs, pcm, spf - 1), -1);
		codec_state_free(cs);
	}
}
END_TEST

START_TEST(codecs_are_found_by_name_and_clock_rate)
{
	ck_assert_ptr_eq(codec_find("pcmu", 8000), codec_named("PCMU"));
	ck_assert_ptr_eq(codec_find("G722", 8000), codec_named("G722"));
	ck_assert_ptr_eq(codec_find("OPUS", 48000), codec_named("opus"));
	ck_assert_ptr_eq(codec_find("gsm", 8000), codec_named("GSM"));
	ck_assert_ptr_null(codec_find("opus", 16000));
	ck_assert_ptr_null(codec_find("G729", 8000));
	ck_assert_ptr_null(codec_find(NULL, 8000));
}
END_TEST

START_TEST(default_order_and_clocks)
{
	static const char *const order[] = { "PCMU", "PCMA", "G722", "opus",
					     "GSM" };

	for (size_t i = 0; i < 5; i++)
		ck_assert_str_eq(codec_all[i]->name, order[i]);
	ck_assert_ptr_null(codec_all[5]);
	ck_assert_uint_eq(codec_ts_per_frame(codec_named("opus")), 960);
	ck_assert_uint_eq(codec_samples_per_frame(codec_named("opus")), 320);
	ck_assert_uint_eq(codec_ts_per_frame(codec_named("G722")), 160);
	ck_assert_uint_eq(codec_samples_per_frame(codec_named("G722")), 320);
}
END_TEST

START_TEST(an_unknown_codec_has_no_state)
{
	struct codec fake = *codec_named("PCMU");
	struct codec_state *cs = NULL;

	ck_assert_int_ne(codec_state_alloc(&cs, &fake), 0);
	ck_assert_ptr_null(cs);
	codec_state_free(NULL);
}
END_TEST

Suite *codec_suite(void)
{
	Suite *s = suite_create("codec");
	TCase *tc = tcase_create("round trip");

	tcase_add_test(tc, pcmu_carries_a_1khz_tone);
	tcase_add_test(tc, pcma_carries_a_1khz_tone);
	tcase_add_test(tc, g722_carries_a_1khz_tone);
	tcase_add_test(tc, g722_carries_a_5khz_tone);
	tcase_add_test(tc, gsm_carries_a_1khz_tone);
	tcase_add_test(tc, opus_carries_a_1khz_tone);
	tcase_add_test(tc, opus_carries_a_5khz_tone);
	tcase_add_test(tc, payload_sizes_follow_rfc_3551);
	tcase_add_test(tc, a_40ms_payload_decodes_to_two_frames);
	tcase_add_test(tc, a_40ms_opus_packet_decodes_to_640_samples);
	tcase_add_test(tc, gsm_rejects_a_partial_frame);
	tcase_add_test(tc, conceal_returns_one_frame_for_every_codec);
	suite_add_tcase(s, tc);
	tc = tcase_create("table");
	tcase_add_test(tc, codecs_are_found_by_name_and_clock_rate);
	tcase_add_test(tc, default_order_and_clocks);
	tcase_add_test(tc, an_unknown_codec_has_no_state);
	suite_add_tcase(s, tc);
	return s;
}
