/* test_mixin.c: silence (audio_null.c), mixing one item into another
 * (audio_mixin.c) and text to speech (audio_tts.c).
 *
 * Mix-in tests play constant signals, a = 1000 and b = 100, so the value
 * of each sample tells what is heard: 1000 a alone, 1000 + level * 100
 * both, 100 b alone (level 0).  Each runs at 8 and 16 kHz. */
#include <check.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sems/audio.h>
#include "audio/audio_internal.h"

enum { MAX_SECONDS = 20, MAX_RUNS = 16 };

struct run {
	int value;
	unsigned ms;
};

static unsigned test_rate(int i)
{
	return i ? 16000 : 8000;
}

static struct sems_audio *constant(int16_t value, unsigned ms, unsigned rate)
{
	size_t n = audio_ms_to_samples(ms, rate);
	int16_t *pcm = malloc((n ? n : 1) * sizeof(*pcm));
	struct sems_audio *a;

	ck_assert_ptr_nonnull(pcm);
	for (size_t i = 0; i < n; i++)
		pcm[i] = value;
	ck_assert_int_eq(audio_samples_item(&a, pcm, n, rate, NULL, 0), 0);
	return a;
}

/* Reads 20 ms frames until the item ends; *np gets the sample count. */
static int16_t *read_all(struct sems_audio *a, unsigned rate, size_t *np)
{
	size_t frame = rate / 50, max = (size_t)MAX_SECONDS * rate, n = 0, got;
	int16_t *buf = malloc(max * sizeof(*buf));

	ck_assert_ptr_nonnull(buf);
	ck_assert_int_eq(sems_audio_prepare(a, rate), 0);
	do {
		got = sems_audio_read_rate(a, buf + n, frame, rate);
		n += got;
	} while (got == frame && n + frame <= max);
	ck_assert_msg(n + frame <= max, "the item never ended");
	*np = n;
	return buf;
}

/* Splits samples into runs of one value, lengths in samples. */
static size_t runs_of(const int16_t *s, size_t n, int *value, size_t *len)
{
	size_t r = 0;

	for (size_t i = 0; i < n; i++) {
		if (r && value[r - 1] == s[i]) {
			len[r - 1]++;
			continue;
		}
		ck_assert_uint_lt(r, MAX_RUNS);
		value[r] = s[i];
		len[r++] = 1;
	}
	return r;
}

/* The item plays `want` (value, ms) runs, each within one 20 ms frame. */
static void assert_plays(struct sems_audio *a, unsigned rate,
			 const struct run *want, size_t nwant)
{
	int value[MAX_RUNS];
	size_t len[MAX_RUNS], n, r;
	int16_t *s = read_all(a, rate, &n);

	r = runs_of(s, n, value, len);
	free(s);
	ck_assert_uint_eq(r, nwant);
	for (size_t i = 0; i < r; i++) {
		long exp = (long)audio_ms_to_samples(want[i].ms, rate);

		ck_assert_int_eq(value[i], want[i].value);
		ck_assert_msg(labs((long)len[i] - exp) <= (long)rate / 50,
			      "run %zu of %d: %zu samples, want %ld", i,
			      value[i], len[i], exp);
	}
}

static struct sems_audio *mixin(unsigned a_ms, unsigned b_ms,
				unsigned interval, double level,
				unsigned flags, unsigned rate)
{
	struct sems_audio *a = constant(1000, a_ms, rate);
	struct sems_audio *b = constant(100, b_ms, rate);
	struct sems_audio *m;

	ck_assert_int_eq(sems_audio_mixin(&m, a, b, interval, level, flags), 0);
	sems_audio_deref(a);      /* the mix-in holds its own references */
	sems_audio_deref(b);
	return m;
}

#define PLAYS(m, rate, ...) do { \
	const struct run want_[] = { __VA_ARGS__ }; \
	assert_plays(m, rate, want_, sizeof(want_) / sizeof(want_[0])); \
} while (0)

START_TEST(b_is_mixed_in_at_level_every_interval_after_its_end)
{
	unsigned rate = test_rate(_i);
	struct sems_audio *m = mixin(3000, 500, 1000, 0.5, 0, rate);

	ck_assert_uint_eq(sems_audio_length_ms(m), 3000);
	PLAYS(m, rate, { 1000, 1000 }, { 1050, 500 }, { 1000, 1000 },
	      { 1050, 500 });
	sems_audio_deref(m);
}
END_TEST

START_TEST(the_next_interval_counts_from_the_end_of_the_mix)
{
	unsigned rate = test_rate(_i);
	struct sems_audio *m = mixin(4000, 500, 1000, 1.0, 0, rate);

	PLAYS(m, rate, { 1000, 1000 }, { 1100, 500 }, { 1000, 1000 },
	      { 1100, 500 }, { 1000, 1000 });
	sems_audio_deref(m);
}
END_TEST

START_TEST(level_zero_pauses_a_while_b_plays)
{
	unsigned rate = test_rate(_i);
	struct sems_audio *m = mixin(3000, 500, 800, 0.0, 0, rate);

	/* 3 mixes: 3000 + 3 * 500 ms in all, none of a lost */
	PLAYS(m, rate, { 1000, 800 }, { 100, 500 }, { 1000, 800 },
	      { 100, 500 }, { 1000, 800 }, { 100, 500 }, { 1000, 600 });
	sems_audio_deref(m);
}
END_TEST

START_TEST(once_mixes_b_a_single_time)
{
	unsigned rate = test_rate(_i);
	struct sems_audio *m = mixin(3000, 500, 1000, 0.5,
				     SEMS_MIXIN_ONCE, rate);

	PLAYS(m, rate, { 1000, 1000 }, { 1050, 500 }, { 1000, 1500 });
	sems_audio_deref(m);
}
END_TEST

START_TEST(immediate_mixes_b_from_the_start)
{
	unsigned rate = test_rate(_i);
	struct sems_audio *m = mixin(3000, 500, 1000, 0.5,
				     SEMS_MIXIN_IMMEDIATE, rate);

	PLAYS(m, rate, { 1050, 500 }, { 1000, 1000 }, { 1050, 500 },
	      { 1000, 1000 });
	sems_audio_deref(m);
}
END_TEST

START_TEST(finish_lets_b_end_after_a_ended)
{
	unsigned rate = test_rate(_i);
	struct sems_audio *m = mixin(1200, 500, 1000, 0.5,
				     SEMS_MIXIN_FINISH, rate);

	PLAYS(m, rate, { 1000, 1000 }, { 1050, 200 }, { 50, 300 });
	sems_audio_deref(m);
}
END_TEST

START_TEST(without_finish_the_item_ends_with_a)
{
	unsigned rate = test_rate(_i);
	struct sems_audio *m = mixin(1200, 500, 1000, 0.5, 0, rate);

	PLAYS(m, rate, { 1000, 1000 }, { 1050, 200 });
	sems_audio_deref(m);
}
END_TEST

START_TEST(rewind_restarts_a_and_the_schedule)
{
	unsigned rate = test_rate(_i);
	struct sems_audio *m = mixin(2000, 500, 1000, 0.5,
				     SEMS_MIXIN_ONCE, rate);
	size_t n;

	free(read_all(m, rate, &n));
	sems_audio_rewind(m, 0);
	PLAYS(m, rate, { 1000, 1000 }, { 1050, 500 }, { 1000, 500 });
	sems_audio_deref(m);
}
END_TEST

START_TEST(mixing_saturates_instead_of_wrapping)
{
	struct sems_audio *a = constant(30000, 100, 8000);
	struct sems_audio *b = constant(30000, 100, 8000);
	struct sems_audio *m;
	int16_t frame[160];

	ck_assert_int_eq(sems_audio_mixin(&m, a, b, 0, 1.0,
					  SEMS_MIXIN_IMMEDIATE), 0);
	ck_assert_uint_eq(sems_audio_read_rate(m, frame, 160, 8000), 160);
	ck_assert_int_eq(frame[0], INT16_MAX);
	ck_assert_int_eq(frame[159], INT16_MAX);
	sems_audio_deref(m);
	sems_audio_deref(a);
	sems_audio_deref(b);
}
END_TEST

START_TEST(bad_mixin_arguments_are_rejected)
{
	struct sems_audio *a = constant(1, 100, 8000);
	struct sems_audio *b = constant(1, 100, 8000);
	struct sems_audio *m = a;

	ck_assert_int_eq(sems_audio_mixin(&m, NULL, b, 0, 0.5, 0), EINVAL);
	ck_assert_ptr_null(m);
	ck_assert_int_eq(sems_audio_mixin(&m, a, NULL, 0, 0.5, 0), EINVAL);
	ck_assert_int_eq(sems_audio_mixin(&m, a, a, 0, 0.5, 0), EINVAL);
	ck_assert_int_eq(sems_audio_mixin(&m, a, b, 0, 1.5, 0), EINVAL);
	ck_assert_int_eq(sems_audio_mixin(&m, a, b, 0, -0.1, 0), EINVAL);
	ck_assert_int_eq(sems_audio_mixin(&m, a, b, 0, NAN, 0), EINVAL);
	ck_assert_int_eq(sems_audio_mixin(NULL, a, b, 0, 0.5, 0), EINVAL);
	sems_audio_deref(a);
	sems_audio_deref(b);
}
END_TEST

START_TEST(null_audio_reads_silence_for_read_ms)
{
	unsigned rate = test_rate(_i);
	struct sems_audio *z;
	int16_t *s;
	size_t n;

	ck_assert_int_eq(sems_audio_null(&z, 500, -1), 0);
	ck_assert_uint_eq(sems_audio_length_ms(z), 500);
	s = read_all(z, rate, &n);
	ck_assert_uint_eq(n, audio_ms_to_samples(500, rate));
	for (size_t i = 0; i < n; i++)
		ck_assert_int_eq(s[i], 0);
	free(s);
	sems_audio_rewind(z, 100);
	free(read_all(z, rate, &n));
	ck_assert_uint_eq(n, audio_ms_to_samples(100, rate));
	sems_audio_rewind(z, 0);
	free(read_all(z, rate, &n));
	ck_assert_uint_eq(n, audio_ms_to_samples(500, rate));
	sems_audio_deref(z);
}
END_TEST

START_TEST(null_audio_without_read_ms_never_ends)
{
	unsigned rate = test_rate(_i);
	int16_t frame[SEMS_AUDIO_RATE_MAX / 50];
	struct sems_audio *z;

	ck_assert_int_eq(sems_audio_null(&z, -1, -1), 0);
	for (int i = 0; i < 50 * 60; i++)     /* a minute */
		ck_assert_uint_eq(sems_audio_read_rate(z, frame, rate / 50,
						       rate), rate / 50);
	sems_audio_deref(z);
}
END_TEST

START_TEST(null_audio_takes_write_ms_of_recording)
{
	unsigned rate = test_rate(_i);
	int16_t frame[SEMS_AUDIO_RATE_MAX / 50] = { 0 };
	struct sems_audio *z;

	ck_assert_int_eq(sems_audio_null(&z, -1, 100), 0);
	for (int i = 0; i < 4; i++)
		ck_assert(sems_audio_write(z, frame, rate / 50, rate));
	ck_assert(!sems_audio_write(z, frame, rate / 50, rate));
	sems_audio_null_set(z, -1, -1);
	for (int i = 0; i < 500; i++)
		ck_assert(sems_audio_write(z, frame, rate / 50, rate));
	sems_audio_deref(z);
}
END_TEST

START_TEST(null_set_restarts_the_count_and_ignores_other_kinds)
{
	struct sems_audio *z, *a = constant(7, 300, 8000);
	size_t n;

	ck_assert_int_eq(sems_audio_null(&z, 100, -1), 0);
	free(read_all(z, 8000, &n));
	sems_audio_null_set(z, 200, -1);
	free(read_all(z, 8000, &n));
	ck_assert_uint_eq(n, 1600);
	sems_audio_null_set(a, 100, 100);
	ck_assert_uint_eq(sems_audio_length_ms(a), 300);
	sems_audio_deref(z);
	sems_audio_deref(a);
}
END_TEST

static double rms(const int16_t *s, size_t n)
{
	double sum = 0;

	for (size_t i = 0; i < n; i++)
		sum += (double)s[i] * s[i];
	return n ? sqrt(sum / (double)n) : 0;
}

START_TEST(tts_speaks_text)
{
	unsigned rate = test_rate(_i);
	char err[256] = "";
	struct sems_audio *a;
	int16_t *s;
	size_t n;

	ck_assert_msg(sems_audio_tts(&a, "hello world", err, sizeof(err)) == 0,
		      "%s", err);
	s = read_all(a, rate, &n);
	ck_assert_msg(n >= rate / 2 && n <= 3 * rate, "%zu samples", n);
	ck_assert_msg(rms(s, n) > 300, "rms %.0f", rms(s, n));
	free(s);
	sems_audio_deref(a);
}
END_TEST

START_TEST(tts_of_empty_text_fails_with_a_message)
{
	const char *texts[] = { "", " \t\n ", NULL };
	struct sems_audio *a = NULL;

	for (size_t i = 0; i < 3; i++) {
		char err[256] = "";

		ck_assert_int_eq(sems_audio_tts(&a, texts[i], err, sizeof(err)),
				 EINVAL);
		ck_assert_ptr_null(a);
		ck_assert_str_ne(err, "");
	}
}
END_TEST

static void *synth_thread(void *arg)
{
	int16_t *pcm = NULL;
	size_t n = 0;
	unsigned rate = 0;
	int err = audio_tts_synth(arg, &pcm, &n, &rate, NULL, 0);

	free(pcm);
	return (void *)(long)(err ? -1 : (long)n);
}

START_TEST(two_threads_can_speak_at_once)
{
	pthread_t t[2];
	void *res;

	ck_assert_int_eq(pthread_create(&t[0], NULL, synth_thread,
					"the first caller"), 0);
	ck_assert_int_eq(pthread_create(&t[1], NULL, synth_thread,
					"and the second one"), 0);
	for (int i = 0; i < 2; i++) {
		ck_assert_int_eq(pthread_join(t[i], &res), 0);
		ck_assert_int_gt((long)res, 0);
	}
}
END_TEST

Suite *mixin_suite(void)
{
	Suite *s = suite_create("mixin");
	TCase *null = tcase_create("null");
	TCase *mix = tcase_create("mixin");
	TCase *tts = tcase_create("tts");

	tcase_add_loop_test(null, null_audio_reads_silence_for_read_ms, 0, 2);
	tcase_add_loop_test(null, null_audio_without_read_ms_never_ends, 0, 2);
	tcase_add_loop_test(null, null_audio_takes_write_ms_of_recording, 0, 2);
	tcase_add_test(null, null_set_restarts_the_count_and_ignores_other_kinds);
	suite_add_tcase(s, null);

	tcase_add_loop_test(mix, b_is_mixed_in_at_level_every_interval_after_its_end, 0, 2);
	tcase_add_loop_test(mix, the_next_interval_counts_from_the_end_of_the_mix, 0, 2);
	tcase_add_loop_test(mix, level_zero_pauses_a_while_b_plays, 0, 2);
	tcase_add_loop_test(mix, once_mixes_b_a_single_time, 0, 2);
	tcase_add_loop_test(mix, immediate_mixes_b_from_the_start, 0, 2);
	tcase_add_loop_test(mix, finish_lets_b_end_after_a_ended, 0, 2);
	tcase_add_loop_test(mix, without_finish_the_item_ends_with_a, 0, 2);
	tcase_add_loop_test(mix, rewind_restarts_a_and_the_schedule, 0, 2);
	tcase_add_test(mix, mixing_saturates_instead_of_wrapping);
	tcase_add_test(mix, bad_mixin_arguments_are_rejected);
	suite_add_tcase(s, mix);

	tcase_add_loop_test(tts, tts_speaks_text, 0, 2);
	tcase_add_test(tts, tts_of_empty_text_fails_with_a_message);
	tcase_add_test(tts, two_threads_can_speak_at_once);
	suite_add_tcase(s, tts);
	return s;
}
