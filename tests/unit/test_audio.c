/* test_audio.c: opening, decoding, sharing and reading audio files
 * (src/core/audio). */
#include <check.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sndfile.h>
#include <sems/audio.h>
#include "audio/audio_cache.h"

static char dir[64];
static char path[256];

static void setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/sems_test_audio_XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

/* Writes `seconds` of a 440 Hz tone in the given libsndfile format. */
static const char *write_tone(const char *name, int format, int rate,
			      int channels, double seconds)
{
	SF_INFO info = { .samplerate = rate, .channels = channels,
			 .format = format };
	size_t frames = (size_t)(seconds * rate);
	short *buf = malloc(frames * (size_t)channels * sizeof(short));
	SNDFILE *sf;

	ck_assert_ptr_nonnull(buf);
	for (size_t i = 0; i < frames; i++)
		for (int c = 0; c < channels; c++)
			buf[i * (size_t)channels + (size_t)c] = (short)(8000 *
				sin(2 * M_PI * 440 * (double)i / rate));
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	sf = sf_open(path, SFM_WRITE, &info);
	ck_assert_msg(sf != NULL, "sf_open: %s", sf_strerror(NULL));
	ck_assert_int_eq(sf_writef_short(sf, buf, (sf_count_t)frames),
			 (sf_count_t)frames);
	sf_close(sf);
	free(buf);
	return path;
}

/* Reads a whole file; returns the sample count. */
static size_t read_all(struct sems_audio *a)
{
	short frame[160];
	size_t total = 0, n;

	while ((n = sems_audio_read(a, frame, 160)) > 0)
		total += n;
	return total;
}

/* GSM 6.10 in WAV pads to whole 320-sample blocks: allow 50 ms. */
static void assert_decodes_to(const char *file, double seconds)
{
	struct sems_audio *a;
	char err[256] = "";
	size_t n;

	ck_assert_msg(sems_audio_open(&a, file, SEMS_AUDIO_READ, err,
				      sizeof(err)) == 0, "%s", err);
	n = read_all(a);
	ck_assert_msg(fabs((double)n - seconds * 8000) <= 400,
		      "%zu samples for %.2f s", n, seconds);
	ck_assert_uint_eq(sems_audio_length_ms(a), n / 8);
	sems_audio_deref(a);
}

START_TEST(stereo_16khz_wav_is_resampled_to_8khz_mono)
{
	assert_decodes_to(write_tone("s16k.wav", SF_FORMAT_WAV |
				     SF_FORMAT_PCM_16, 16000, 2, 1.0), 1.0);
}
END_TEST

START_TEST(ulaw_wav_at_8khz_is_decoded)
{
	assert_decodes_to(write_tone("ulaw.wav", SF_FORMAT_WAV |
				     SF_FORMAT_ULAW, 8000, 1, 0.5), 0.5);
}
END_TEST

START_TEST(wav_at_44100hz_is_resampled)
{
	assert_decodes_to(write_tone("cd.WAV", SF_FORMAT_WAV |
				     SF_FORMAT_PCM_16, 44100, 1, 2.0), 2.0);
}
END_TEST

START_TEST(gsm_wav_is_decoded)
{
	assert_decodes_to(write_tone("gsm.wav", SF_FORMAT_WAV |
				     SF_FORMAT_GSM610, 8000, 1, 1.0), 1.0);
}
END_TEST

START_TEST(raw_pcma_file_is_decoded)
{
	assert_decodes_to(write_tone("tone.pcma", SF_FORMAT_RAW |
				     SF_FORMAT_ALAW, 8000, 1, 0.25), 0.25);
}
END_TEST

START_TEST(decoded_samples_keep_the_tone)
{
	struct sems_audio *a;
	short s[400];

	write_tone("t.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_16, 8000, 1, 0.1);
	ck_assert_int_eq(sems_audio_open(&a, path, SEMS_AUDIO_READ, NULL, 0), 0);
	ck_assert_uint_eq(sems_audio_read(a, s, 400), 400);
	for (int i = 0; i < 400; i++)
		ck_assert_int_lt(abs(s[i] - (int)(8000 * sin(2 * M_PI * 440 *
							      i / 8000.0))), 4);
	sems_audio_deref(a);
}
END_TEST

START_TEST(two_opens_of_one_file_share_one_decoded_copy)
{
	struct sems_audio *a, *b;
	unsigned before = audio_cache_count();
	short s[160];

	write_tone("shared.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_16, 8000, 1, 1);
	ck_assert_int_eq(sems_audio_open(&a, path, SEMS_AUDIO_READ, NULL, 0), 0);
	ck_assert_int_eq(sems_audio_open(&b, path, SEMS_AUDIO_READ, NULL, 0), 0);
	ck_assert_uint_eq(audio_cache_count(), before + 1);
	/* positions stay separate */
	ck_assert_uint_eq(sems_audio_read(a, s, 160), 160);
	ck_assert_uint_eq(read_all(b), 8000);
	sems_audio_deref(a);
	ck_assert_uint_eq(audio_cache_count(), before + 1);
	sems_audio_deref(b);
	ck_assert_uint_eq(audio_cache_count(), before);
}
END_TEST

START_TEST(a_changed_file_is_decoded_again)
{
	struct sems_audio *a, *b;

	write_tone("edit.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_16, 8000, 1, 1);
	ck_assert_int_eq(sems_audio_open(&a, path, SEMS_AUDIO_READ, NULL, 0), 0);
	write_tone("edit.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_16, 8000, 1, 0.5);
	ck_assert_int_eq(sems_audio_open(&b, path, SEMS_AUDIO_READ, NULL, 0), 0);
	ck_assert_uint_eq(sems_audio_length_ms(a), 1000);
	ck_assert_uint_eq(sems_audio_length_ms(b), 500);
	sems_audio_deref(a);
	sems_audio_deref(b);
}
END_TEST

START_TEST(looping_audio_wraps_to_the_start)
{
	struct sems_audio *a;
	short first[10], s[160];

	write_tone("loop.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_16, 8000, 1, 0.1);
	ck_assert_int_eq(sems_audio_open(&a, path, SEMS_AUDIO_READ, NULL, 0), 0);
	sems_audio_set_loop(a, true);
	ck_assert(sems_audio_loop(a));
	ck_assert_uint_eq(sems_audio_read(a, first, 10), 10);
	sems_audio_rewind(a, 0);
	for (int i = 0; i < 20; i++)      /* 3200 samples from 800 */
		ck_assert_uint_eq(sems_audio_read(a, s, 160), 160);
	/* 3200 = 4 * 800: back at the start */
	ck_assert_uint_eq(sems_audio_read(a, s, 10), 10);
	ck_assert_mem_eq(s, first, sizeof(first));
	sems_audio_set_loop(a, false);
	ck_assert_uint_eq(read_all(a), 790);
	sems_audio_deref(a);
}
END_TEST

START_TEST(rewind_moves_back_by_milliseconds)
{
	struct sems_audio *a;
	short s[800];

	write_tone("rew.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_16, 8000, 1, 0.1);
	ck_assert_int_eq(sems_audio_open(&a, path, SEMS_AUDIO_READ, NULL, 0), 0);
	ck_assert_uint_eq(sems_audio_read(a, s, 800), 800);
	ck_assert_uint_eq(sems_audio_read(a, s, 800), 0);
	sems_audio_rewind(a, 30);
	ck_assert_uint_eq(sems_audio_read(a, s, 800), 240);
	sems_audio_rewind(a, 1000);       /* further than the start */
	ck_assert_uint_eq(sems_audio_read(a, s, 800), 800);
	sems_audio_rewind(a, 0);
	ck_assert_uint_eq(sems_audio_read(a, s, 800), 800);
	sems_audio_deref(a);
}
END_TEST

START_TEST(missing_file_fails_with_enoent_and_a_message)
{
	struct sems_audio *a = (void *)1;
	char err[256] = "";

	ck_assert_int_eq(sems_audio_open(&a, "/nonexistent/x.wav",
					 SEMS_AUDIO_READ, err, sizeof(err)),
			 ENOENT);
	ck_assert_ptr_null(a);
	ck_assert_str_eq(err, "cannot open '/nonexistent/x.wav': "
			 "No such file or directory");
}
END_TEST

START_TEST(unknown_extension_is_rejected)
{
	struct sems_audio *a;
	char err[256] = "";

	ck_assert_int_eq(sems_audio_open(&a, "x.mp3", SEMS_AUDIO_READ, err,
					 sizeof(err)), EINVAL);
	ck_assert_str_eq(err, "unknown audio format 'x.mp3'");
}
END_TEST

START_TEST(a_file_that_is_not_audio_is_rejected)
{
	struct sems_audio *a;
	char err[256] = "";
	FILE *f;

	snprintf(path, sizeof(path), "%s/bad.wav", dir);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("not a RIFF file at all", f);
	fclose(f);
	ck_assert_int_eq(sems_audio_open(&a, path, SEMS_AUDIO_READ, err,
					 sizeof(err)), EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "cannot decode"));
}
END_TEST

Suite *audio_suite(void)
{
	Suite *s = suite_create("audio");
	TCase *tc = tcase_create("file");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, stereo_16khz_wav_is_resampled_to_8khz_mono);
	tcase_add_test(tc, ulaw_wav_at_8khz_is_decoded);
	tcase_add_test(tc, wav_at_44100hz_is_resampled);
	tcase_add_test(tc, gsm_wav_is_decoded);
	tcase_add_test(tc, raw_pcma_file_is_decoded);
	tcase_add_test(tc, decoded_samples_keep_the_tone);
	tcase_add_test(tc, two_opens_of_one_file_share_one_decoded_copy);
	tcase_add_test(tc, a_changed_file_is_decoded_again);
	tcase_add_test(tc, looping_audio_wraps_to_the_start);
	tcase_add_test(tc, rewind_moves_back_by_milliseconds);
	tcase_add_test(tc, missing_file_fails_with_enoent_and_a_message);
	tcase_add_test(tc, unknown_extension_is_rejected);
	tcase_add_test(tc, a_file_that_is_not_audio_is_rejected);
	suite_add_tcase(s, tc);
	return s;
}
