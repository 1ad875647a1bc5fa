/* test_dtmf.c: key presses from RFC 4733 packets, in-band tones and SIP
 * INFO bodies (src/core/dtmf). */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <spandsp.h>
#include "dtmf/dtmf.h"

struct presses {
	size_t n;
	int key[32];
	unsigned ms[32];
};

static struct presses got;

static void on_press(void *arg, int key, unsigned duration_ms)
{
	struct presses *p = arg;

	ck_assert_uint_lt(p->n, 32);
	p->key[p->n] = key;
	p->ms[p->n] = duration_ms;
	p->n++;
}

static void reset(void)
{
	memset(&got, 0, sizeof(got));
}

/* ---- RFC 4733 ---- */

static struct dtmf_rfc4733 rx;

static void rfc_setup(void)
{
	reset();
	dtmf_rfc4733_init(&rx, 8000, on_press, &got);
}

static void send_event(uint32_t ts, int event, bool end, unsigned duration,
		       uint64_t now_ms)
{
	uint8_t p[4] = { (uint8_t)event, (uint8_t)((end ? 0x80 : 0) | 10),
			 (uint8_t)(duration >> 8), (uint8_t)duration };

	dtmf_rfc4733_packet(&rx, ts, p, sizeof(p), now_ms);
}

/* A whole key as senders send it: start, an update every 20 ms, three
 * end packets; `ms` long, starting at now_ms. */
static void send_key(uint32_t ts, int event, unsigned ms, uint64_t now_ms)
{
	unsigned units = ms * 8;

	for (unsigned d = 0; d < units; d += 160, now_ms += 20)
		send_event(ts, event, false, d, now_ms);
	for (int i = 0; i < 3; i++)
		send_event(ts, event, true, units, now_ms + (uint64_t)i * 5);
}

START_TEST(a_key_with_end_retransmissions_is_one_press)
{
	send_event(1000, 5, false, 0, 0);
	send_event(1000, 5, false, 0, 0);    /* start sent twice */
	send_event(1000, 5, false, 160, 20);
	send_event(1000, 5, false, 320, 40);
	send_event(1000, 5, false, 480, 60);
	ck_assert_uint_eq(got.n, 0);
	send_event(1000, 5, true, 640, 80);
	send_event(1000, 5, true, 640, 85);
	send_event(1000, 5, true, 640, 90);
	ck_assert_uint_eq(got.n, 1);
	ck_assert_int_eq(got.key[0], 5);
	ck_assert_uint_eq(got.ms[0], 80);
	dtmf_rfc4733_poll(&rx, 1000);
	ck_assert_uint_eq(got.n, 1);
}
END_TEST

START_TEST(star_hash_and_letters_map_to_sems_codes)
{
	send_key(100, 10, 100, 0);
	send_key(2000, 11, 100, 300);
	send_key(4000, 15, 100, 600);
	ck_assert_uint_eq(got.n, 3);
	ck_assert_int_eq(got.key[0], 10);
	ck_assert_int_eq(got.key[1], 11);
	ck_assert_int_eq(got.key[2], 15);
}
END_TEST

START_TEST(duplicate_packets_change_nothing)
{
	for (int i = 0; i < 3; i++)
		send_event(500, 1, false, 160, 20);
	send_event(500, 1, true, 800, 100);
	for (int i = 0; i < 5; i++) {
		send_event(500, 1, false, 160, 110);
		send_event(500, 1, true, 800, 110);
	}
	ck_assert_uint_eq(got.n, 1);
	ck_assert_uint_eq(got.ms[0], 100);
}
END_TEST

START_TEST(lost_end_is_reported_by_poll_after_120_ms)
{
	send_event(700, 3, false, 0, 1000);
	send_event(700, 3, false, 160, 1020);
	send_event(700, 3, false, 320, 1040);
	dtmf_rfc4733_poll(&rx, 1100);
	dtmf_rfc4733_poll(&rx, 1040 + DTMF_LOST_END_MS - 1);
	ck_assert_uint_eq(got.n, 0);
	dtmf_rfc4733_poll(&rx, 1040 + DTMF_LOST_END_MS);
	ck_assert_uint_eq(got.n, 1);
	ck_assert_int_eq(got.key[0], 3);
	ck_assert_uint_eq(got.ms[0], 40);
	/* the end arriving after all is a retransmission of a reported key */
	send_event(700, 3, true, 480, 1200);
	dtmf_rfc4733_poll(&rx, 5000);
	ck_assert_uint_eq(got.n, 1);
}
END_TEST

START_TEST(overlapping_keys_end_the_older_first)
{
	send_event(1000, 1, false, 0, 0);
	send_event(1000, 1, false, 160, 20);
	send_event(1000, 1, false, 320, 40);
	send_event(1400, 2, false, 0, 50);    /* 1's end never came */
	ck_assert_uint_eq(got.n, 1);
	ck_assert_int_eq(got.key[0], 1);
	ck_assert_uint_eq(got.ms[0], 40);
	send_event(1000, 1, true, 480, 55);   /* late end of 1: ignored */
	send_event(1400, 2, false, 160, 70);
	send_event(1400, 2, true, 400, 100);
	ck_assert_uint_eq(got.n, 2);
	ck_assert_int_eq(got.key[1], 2);
	ck_assert_uint_eq(got.ms[1], 50);
}
END_TEST

START_TEST(same_key_twice_is_two_presses)
{
	send_key(8000, 7, 100, 0);
	send_key(9600, 7, 60, 200);
	ck_assert_uint_eq(got.n, 2);
	ck_assert_int_eq(got.key[0], 7);
	ck_assert_int_eq(got.key[1], 7);
	ck_assert_uint_eq(got.ms[0], 100);
	ck_assert_uint_eq(got.ms[1], 60);
}
END_TEST

START_TEST(timestamps_wrap_at_2_32)
{
	send_key(0xFFFFFF00u, 4, 100, 0);
	send_key(0x00000040u, 6, 100, 300);
	send_event(0xFFFFFF00u, 4, true, 800, 320);   /* older: ignored */
	ck_assert_uint_eq(got.n, 2);
	ck_assert_int_eq(got.key[0], 4);
	ck_assert_int_eq(got.key[1], 6);
}
END_TEST

START_TEST(late_packet_of_an_older_event_is_ignored)
{
	send_key(5000, 8, 100, 0);
	send_event(6000, 9, false, 0, 200);
	send_event(5000, 8, false, 320, 210);
	send_event(5000, 8, true, 800, 215);
	send_event(6000, 9, true, 480, 260);
	ck_assert_uint_eq(got.n, 2);
	ck_assert_int_eq(got.key[0], 8);
	ck_assert_int_eq(got.key[1], 9);
	ck_assert_uint_eq(got.ms[1], 60);
}
END_TEST

START_TEST(end_in_the_first_packet_is_one_press)
{
	send_event(300, 0, true, 400, 0);
	send_event(300, 0, true, 400, 5);
	send_event(300, 0, true, 400, 10);
	ck_assert_uint_eq(got.n, 1);
	ck_assert_int_eq(got.key[0], 0);
	ck_assert_uint_eq(got.ms[0], 50);
}
END_TEST

START_TEST(zero_duration_end_keeps_the_longest_duration)
{
	send_event(300, 2, false, 0, 0);
	send_event(300, 2, false, 720, 90);
	send_event(300, 2, true, 0, 100);
	ck_assert_uint_eq(got.n, 1);
	ck_assert_uint_eq(got.ms[0], 90);
}
END_TEST

START_TEST(short_payload_is_ignored)
{
	const uint8_t p[4] = { 5, 0x80, 0x03, 0x20 };

	dtmf_rfc4733_packet(&rx, 100, p, 3, 0);
	dtmf_rfc4733_packet(&rx, 100, p, 0, 0);
	dtmf_rfc4733_packet(&rx, 100, NULL, 4, 0);
	dtmf_rfc4733_poll(&rx, 1000);
	ck_assert_uint_eq(got.n, 0);
	dtmf_rfc4733_packet(&rx, 100, p, 4, 1000);   /* 4+ bytes: fine */
	ck_assert_uint_eq(got.n, 1);
	ck_assert_uint_eq(got.ms[0], 100);
}
END_TEST

START_TEST(events_above_15_are_ignored)
{
	send_event(100, 16, false, 0, 0);
	send_event(100, 32, true, 800, 100);    /* flash */
	send_event(200, 255, true, 800, 200);
	dtmf_rfc4733_poll(&rx, 1000);
	ck_assert_uint_eq(got.n, 0);
	send_key(300, 1, 100, 1000);
	ck_assert_uint_eq(got.n, 1);
}
END_TEST

START_TEST(other_clock_rates_scale_the_duration)
{
	dtmf_rfc4733_init(&rx, 48000, on_press, &got);
	send_event(1, 5, true, 4800, 0);
	ck_assert_uint_eq(got.n, 1);
	ck_assert_uint_eq(got.ms[0], 100);
}
END_TEST

START_TEST(a_sender_restarting_its_timestamps_lower_is_heard)
{
	send_key(900000, 1, 100, 0);
	send_key(1000, 2, 100, 10000);
	ck_assert_uint_eq(got.n, 2);
	ck_assert_int_eq(got.key[1], 2);
}
END_TEST

/* Replayed captures (sipp's pcaps) carry fixed timestamps, going back. */
START_TEST(events_with_lower_timestamps_soon_after_are_heard)
{
	send_key(13280, 1, 100, 0);
	send_key(92640, 11, 100, 600);
	send_key(43200, 5, 100, 1200);
	send_event(43200, 5, true, 800, 1260);    /* end retransmission */
	ck_assert_uint_eq(got.n, 3);
	ck_assert_int_eq(got.key[0], 1);
	ck_assert_int_eq(got.key[1], 11);
	ck_assert_int_eq(got.key[2], 5);
}
END_TEST

/* ---- in-band ---- */

static void feed(struct dtmf_inband *d, const int16_t *pcm, size_t n)
{
	for (size_t i = 0; i < n; i += 160)
		dtmf_inband_audio(d, pcm + i, n - i < 160 ? n - i : 160);
}

START_TEST(inband_tones_are_keys_with_their_durations)
{
	enum { MAX = 8000 * 2 };
	int16_t *pcm = calloc(MAX, sizeof(*pcm));
	dtmf_tx_state_t *tx = dtmf_tx_init(NULL);
	struct dtmf_inband *d;
	int n = 0, k;

	ck_assert_ptr_nonnull(pcm);
	ck_assert_ptr_nonnull(tx);
	dtmf_tx_set_timing(tx, 100, 100);
	dtmf_tx_put(tx, "123#", -1);   /* its return value differs by version */
	while ((k = dtmf_tx(tx, pcm + n, 160)) > 0 && n + 160 <= MAX)
		n += k;
	ck_assert_int_ge(n, 8 * 700);
	n += 8 * 200;   /* silence after the last tone */
	ck_assert_int_eq(dtmf_inband_alloc(&d, on_press, &got), 0);
	feed(d, pcm, (size_t)n);
	ck_assert_uint_eq(got.n, 4);
	ck_assert_int_eq(got.key[0], 1);
	ck_assert_int_eq(got.key[1], 2);
	ck_assert_int_eq(got.key[2], 3);
	ck_assert_int_eq(got.key[3], 11);
	for (size_t i = 0; i < got.n; i++)
		ck_assert_msg(got.ms[i] >= 70 && got.ms[i] <= 130,
			      "tone %zu: %u ms", i, got.ms[i]);
	dtmf_inband_free(d);
	dtmf_tx_free(tx);
	free(pcm);
}
END_TEST

START_TEST(white_noise_is_no_key)
{
	enum { N = 8000 * 5 };
	int16_t *pcm = malloc(N * sizeof(*pcm));
	awgn_state_t *noise = awgn_init_dbm0(NULL, 1234, -10.0f);
	struct dtmf_inband *d;

	ck_assert_ptr_nonnull(pcm);
	ck_assert_ptr_nonnull(noise);
	for (size_t i = 0; i < N; i++)
		pcm[i] = awgn(noise);
	ck_assert_int_eq(dtmf_inband_alloc(&d, on_press, &got), 0);
	feed(d, pcm, N);
	ck_assert_uint_eq(got.n, 0);
	dtmf_inband_free(d);
	awgn_free(noise);
	free(pcm);
}
END_TEST

/* A formant resonance: gain of harmonic f near centre fc, bandwidth bw. */
static double formant(double f, double fc, double bw)
{
	double x = (f - fc) / bw;

	return 1.0 / (1.0 + x * x);
}

/* Voiced, speech-like sound: harmonics of a fundamental gliding between
 * 120 and 200 Hz, shaped by three moving formants and a syllable rate
 * envelope. */
static void speech_like(int16_t *pcm, size_t n)
{
	double phase = 0;

	for (size_t i = 0; i < n; i++) {
		double t = (double)i / 8000;
		double f0 = 160 + 40 * sin(2 * M_PI * 0.7 * t);
		double f1 = 500 + 250 * sin(2 * M_PI * 1.3 * t);
		double f2 = 1500 + 600 * sin(2 * M_PI * 0.9 * t + 1);
		double f3 = 2500 + 300 * sin(2 * M_PI * 0.5 * t + 2);
		double env = 0.55 + 0.45 * sin(2 * M_PI * 4 * t);
		double s = 0;

		phase += 2 * M_PI * f0 / 8000;
		for (int h = 1; h * f0 < 3800; h++) {
			double f = h * f0;
			double g = formant(f, f1, 90) + 0.6 * formant(f, f2, 120)
				   + 0.3 * formant(f, f3, 180);
			s += g * sin(h * phase) / h;
		}
		pcm[i] = (int16_t)(20000 * env * s);   /* peaks near 16000 */
	}
}

START_TEST(speech_like_audio_is_no_key)
{
	enum { N = 8000 * 5 };
	int16_t *pcm = malloc(N * sizeof(*pcm));
	struct dtmf_inband *d;

	ck_assert_ptr_nonnull(pcm);
	speech_like(pcm, N);
	ck_assert_int_eq(dtmf_inband_alloc(&d, on_press, &got), 0);
	feed(d, pcm, N);
	ck_assert_uint_eq(got.n, 0);
	dtmf_inband_free(d);
	free(pcm);
}
END_TEST

START_TEST(inband_free_takes_null)
{
	dtmf_inband_free(NULL);
}
END_TEST

/* ---- SIP INFO ---- */

static bool info(const char *type, const char *body)
{
	int key = -7;
	unsigned ms = 0;
	bool ok = dtmf_info_parse(type, body, &key, &ms);

	got.n = ok ? 1 : 0;
	got.key[0] = key;
	got.ms[0] = ms;
	return ok;
}

#define RELAY "application/dtmf-relay"

START_TEST(info_relay_body_gives_key_and_duration)
{
	ck_assert(info(RELAY, "Signal=5\r\nDuration=160\r\n"));
	ck_assert_int_eq(got.key[0], 5);
	ck_assert_uint_eq(got.ms[0], 160);
	ck_assert(info(RELAY, "Signal=#\nDuration=90\n"));
	ck_assert_int_eq(got.key[0], 11);
	ck_assert_uint_eq(got.ms[0], 90);
	ck_assert(info(RELAY, "Signal=*\r\nDuration=100"));
	ck_assert_int_eq(got.key[0], 10);
	ck_assert(info(RELAY, "Signal=d\r\nDuration=100\r\n"));
	ck_assert_int_eq(got.key[0], 15);
}
END_TEST

START_TEST(info_relay_tolerates_spaces_case_and_numeric_codes)
{
	ck_assert(info(RELAY, "Signal= 11\r\nDuration= 200\r\n"));
	ck_assert_int_eq(got.key[0], 11);
	ck_assert_uint_eq(got.ms[0], 200);
	ck_assert(info(RELAY, "  signal = 10 \r\n DURATION\t=\t120 \r\n"));
	ck_assert_int_eq(got.key[0], 10);
	ck_assert_uint_eq(got.ms[0], 120);
	ck_assert(info(RELAY, "\r\nSignal=0\r\n\r\n"));
	ck_assert_int_eq(got.key[0], 0);
}
END_TEST

START_TEST(info_relay_without_duration_is_250_ms)
{
	ck_assert(info(RELAY, "Signal=9\r\n"));
	ck_assert_int_eq(got.key[0], 9);
	ck_assert_uint_eq(got.ms[0], 250);
}
END_TEST

START_TEST(info_content_type_ignores_case_and_parameters)
{
	ck_assert(info("Application/DTMF-Relay", "Signal=1\r\n"));
	ck_assert(info("application/dtmf-relay; charset=utf-8", "Signal=1"));
	ck_assert(info(" application/dtmf-relay ;x=y", "Signal=1"));
	ck_assert(info("APPLICATION/DTMF;foo", "2"));
	ck_assert_int_eq(got.key[0], 2);
}
END_TEST

START_TEST(info_dtmf_body_is_a_single_key)
{
	ck_assert(info("application/dtmf", "5"));
	ck_assert_int_eq(got.key[0], 5);
	ck_assert_uint_eq(got.ms[0], 250);
	ck_assert(info("application/dtmf", "#\r\n"));
	ck_assert_int_eq(got.key[0], 11);
	ck_assert(info("application/dtmf", "11"));
	ck_assert_int_eq(got.key[0], 11);
	ck_assert(info("application/dtmf", " b "));
	ck_assert_int_eq(got.key[0], 13);
}
END_TEST

START_TEST(info_rejects_what_is_not_dtmf)
{
	ck_assert(!info("application/sdp", "Signal=5\r\n"));
	ck_assert(!info("text/plain", "5"));
	ck_assert(!info("application/dtmf-relayx", "Signal=5"));
	ck_assert(!info("", "5"));
	ck_assert(!info(NULL, "5"));
	ck_assert(!info(RELAY, NULL));
	ck_assert(!info(RELAY, ""));
	ck_assert(!info(RELAY, "\r\n"));
	ck_assert(!info(RELAY, "hello world"));
	ck_assert(!info(RELAY, "Signal=X\r\nDuration=100\r\n"));
	ck_assert(!info(RELAY, "Signal=\r\n"));
	ck_assert(!info(RELAY, "Signal=16\r\n"));
	ck_assert(!info(RELAY, "Signal=5x\r\n"));
	ck_assert(!info(RELAY, "Duration=100\r\n"));
	ck_assert(!info(RELAY, "Signal=5\r\nDuration=abc\r\n"));
	ck_assert(!info("application/dtmf", ""));
	ck_assert(!info("application/dtmf", "55"));
	ck_assert(!info("application/dtmf", "5 5"));
	ck_assert(!info("application/dtmf", "Signal=5"));
	ck_assert_int_eq(got.key[0], -7);    /* outputs untouched */
}
END_TEST

START_TEST(key_characters_round_trip)
{
	const char *chars = "0123456789*#ABCD";

	for (int k = 0; k <= DTMF_KEY_MAX; k++) {
		ck_assert_int_eq(dtmf_key_to_char(k), chars[k]);
		ck_assert_int_eq(dtmf_char_to_key(chars[k]), k);
	}
	ck_assert_int_eq(dtmf_char_to_key('a'), 12);
	ck_assert_int_eq(dtmf_char_to_key('E'), -1);
	ck_assert_int_eq(dtmf_char_to_key('\0'), -1);
	ck_assert_int_eq(dtmf_key_to_char(16), '?');
	ck_assert_int_eq(dtmf_key_to_char(-1), '?');
}
END_TEST

Suite *dtmf_suite(void)
{
	Suite *s = suite_create("dtmf");
	TCase *rfc = tcase_create("rfc4733");
	TCase *inband = tcase_create("inband");
	TCase *sip = tcase_create("info");

	tcase_add_checked_fixture(rfc, rfc_setup, NULL);
	tcase_add_test(rfc, a_key_with_end_retransmissions_is_one_press);
	tcase_add_test(rfc, star_hash_and_letters_map_to_sems_codes);
	tcase_add_test(rfc, duplicate_packets_change_nothing);
	tcase_add_test(rfc, lost_end_is_reported_by_poll_after_120_ms);
	tcase_add_test(rfc, overlapping_keys_end_the_older_first);
	tcase_add_test(rfc, same_key_twice_is_two_presses);
	tcase_add_test(rfc, timestamps_wrap_at_2_32);
	tcase_add_test(rfc, late_packet_of_an_older_event_is_ignored);
	tcase_add_test(rfc, end_in_the_first_packet_is_one_press);
	tcase_add_test(rfc, zero_duration_end_keeps_the_longest_duration);
	tcase_add_test(rfc, short_payload_is_ignored);
	tcase_add_test(rfc, events_above_15_are_ignored);
	tcase_add_test(rfc, other_clock_rates_scale_the_duration);
	tcase_add_test(rfc, a_sender_restarting_its_timestamps_lower_is_heard);
	tcase_add_test(rfc, events_with_lower_timestamps_soon_after_are_heard);
	suite_add_tcase(s, rfc);

	tcase_add_checked_fixture(inband, reset, NULL);
	tcase_add_test(inband, inband_tones_are_keys_with_their_durations);
	tcase_add_test(inband, white_noise_is_no_key);
	tcase_add_test(inband, speech_like_audio_is_no_key);
	tcase_add_test(inband, inband_free_takes_null);
	suite_add_tcase(s, inband);

	tcase_add_checked_fixture(sip, reset, NULL);
	tcase_add_test(sip, info_relay_body_gives_key_and_duration);
	tcase_add_test(sip, info_relay_tolerates_spaces_case_and_numeric_codes);
	tcase_add_test(sip, info_relay_without_duration_is_250_ms);
	tcase_add_test(sip, info_content_type_ignores_case_and_parameters);
	tcase_add_test(sip, info_dtmf_body_is_a_single_key);
	tcase_add_test(sip, info_rejects_what_is_not_dtmf);
	tcase_add_test(sip, key_characters_round_trip);
	suite_add_tcase(s, sip);
	return s;
}
