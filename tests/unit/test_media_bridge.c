/* test_media_bridge.c: two RTP streams bridged (B2BUA media,
 * src/core/media/media_bridge.c) against UDP sockets the test owns: the
 * caller side talks PCMU at 8 kHz, the callee side G.722 at 16 kHz. */
#include <check.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <spandsp.h>
#include "media/codec.h"
#include "media/sdp_negotiate.h"
#include "media/rtp_stream.h"
#include "media/rtp_stream_internal.h"

enum { LOW_PORT = 32000, HIGH_PORT = 32099 };

static struct rtp_stream *caller, *callee;
static int pa = -1, pb = -1;     /* the caller's and the callee's phones */

static int udp_socket(void)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	ck_assert_int_ge(fd, 0);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	return fd;
}

static void params_for(struct media_params *p, int fd, const char *codec,
		       int pt)
{
	socklen_t len = sizeof(p->remote);

	memset(p, 0, sizeof(*p));
	p->payload_type = pt;
	p->codec = codec_find(codec, 8000);
	ck_assert_ptr_nonnull(p->codec);
	p->telev_pt = 101;
	p->telev_clock = 8000;
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&p->remote, &len), 0);
	p->remote_len = len;
}

static void send_to_stream(int fd, struct rtp_stream *rs, int pt, uint16_t seq,
			   uint32_t ts, const uint8_t *payload, size_t len,
			   bool marker)
{
	struct sockaddr_in to = { .sin_family = AF_INET };
	uint8_t pkt[12 + 400];

	to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	to.sin_port = htons(rtp_stream_local_port(rs));
	pkt[0] = 0x80;
	pkt[1] = (uint8_t)((marker ? 0x80 : 0) | pt);
	pkt[2] = (uint8_t)(seq >> 8); pkt[3] = (uint8_t)seq;
	pkt[4] = (uint8_t)(ts >> 24); pkt[5] = (uint8_t)(ts >> 16);
	pkt[6] = (uint8_t)(ts >> 8); pkt[7] = (uint8_t)ts;
	memset(pkt + 8, 0x42, 4);
	memcpy(pkt + 12, payload, len);
	ck_assert_int_eq(sendto(fd, pkt, 12 + len, 0, (struct sockaddr *)&to,
				sizeof(to)), (int)(12 + len));
}

static void setup(void)
{
	struct media_params p;

	ck_assert_int_eq(media_start(1, LOW_PORT, HIGH_PORT, 0), 0);
	ck_assert_int_eq(rtp_stream_alloc(&caller, NULL, "127.0.0.1"), 0);
	ck_assert_int_eq(rtp_stream_alloc(&callee, NULL, "127.0.0.1"), 0);
	pa = udp_socket();
	pb = udp_socket();
	params_for(&p, pa, "PCMU", 0);
	rtp_stream_set_params(caller, &p);
	params_for(&p, pb, "G722", 9);
	rtp_stream_set_params(callee, &p);
	rtp_stream_start(caller);
	ck_assert_int_eq(rtp_stream_bridge(caller, callee), 0);
}

static void teardown(void)
{
	rtp_stream_release(callee);
	rtp_stream_release(caller);
	media_stop();
	close(pa);
	close(pb);
}

/* Share of the energy at freq in samples (one Goertzel over all). */
static double tone_share(const int16_t *s, size_t n, double rate, double freq)
{
	double k = 2 * cos(2 * M_PI * freq / rate), s1 = 0, s2 = 0, total = 0;

	for (size_t i = 0; i < n; i++) {
		double v = s[i] - 0.0 + k * s1 - s2;
		s2 = s1;
		s1 = v;
		total += (double)s[i] * s[i];
	}
	return total ? (s1 * s1 + s2 * s2 - k * s1 * s2) / (total * n / 2) : 0;
}

struct heard {
	int16_t pcm[16000 * 2];
	size_t n;
	unsigned packets, pt_other, events;
	int last_event;
};

/* Reads what arrived on fd; decodes PT want_pt into h. */
static void drain(int fd, int want_pt, struct heard *h, g722_decode_state_t *g)
{
	uint8_t buf[600];
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	while (poll(&pfd, 1, 0) == 1) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		int pt;
		if (n < 12)
			continue;
		pt = buf[1] & 0x7f;
		if (pt == 101) {
			h->events++;
			h->last_event = buf[12];
			continue;
		}
		if (pt != want_pt) {
			h->pt_other++;
			continue;
		}
		h->packets++;
		size_t room = sizeof(h->pcm) / sizeof(h->pcm[0]) - h->n;
		if (want_pt == 0) {
			for (ssize_t i = 12; i < n && room; i++, room--)
				h->pcm[h->n++] = ulaw_to_linear(buf[i]);
		}
		else if (g && room >= 320) {
			h->n += (size_t)g722_decode(g, h->pcm + h->n, buf + 12,
						    (int)(n - 12));
		}
	}
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };
	nanosleep(&ts, NULL);
}

START_TEST(each_side_hears_the_other_transcoded_and_resampled)
{
	static struct heard at_a, at_b;
	g722_encode_state_t *enc = g722_encode_init(NULL, 64000, 0);
	g722_decode_state_t *dec = g722_decode_init(NULL, 64000, 0);
	int16_t a_pcm[160], b_pcm[320];
	uint8_t a_pay[160], b_pay[160];

	memset(&at_a, 0, sizeof(at_a));
	memset(&at_b, 0, sizeof(at_b));
	for (unsigned f = 0; f < 75; f++) {      /* 1.5 s */
		for (int i = 0; i < 160; i++)
			a_pcm[i] = (int16_t)(8000 * sin(2 * M_PI * 700 *
						 (f * 160 + i) / 8000.0));
		for (int i = 0; i < 320; i++)
			b_pcm[i] = (int16_t)(8000 * sin(2 * M_PI * 1500 *
						 (f * 320 + i) / 16000.0));
		for (int i = 0; i < 160; i++)
			a_pay[i] = linear_to_ulaw(a_pcm[i]);
		ck_assert_int_eq(g722_encode(enc, b_pay, b_pcm, 320), 160);
		send_to_stream(pa, caller, 0, (uint16_t)f, f * 160, a_pay, 160, !f);
		send_to_stream(pb, callee, 9, (uint16_t)f, f * 160, b_pay, 160, !f);
		sleep_ms(20);
		drain(pa, 0, &at_a, NULL);
		drain(pb, 9, &at_b, dec);
	}
	sleep_ms(100);
	drain(pa, 0, &at_a, NULL);
	drain(pb, 9, &at_b, dec);
	ck_assert_uint_gt(at_a.packets, 60);
	ck_assert_uint_gt(at_b.packets, 60);
	ck_assert_uint_eq(at_a.pt_other, 0);
	ck_assert_uint_eq(at_b.pt_other, 0);
	/* skip the first 0.3 s (jitter buffer, converter start-up) */
	ck_assert_uint_gt(at_a.n, 8000);
	ck_assert_uint_gt(at_b.n, 16000);
	double a1500 = tone_share(at_a.pcm + 2400, at_a.n - 2400, 8000, 1500);
	double a700 = tone_share(at_a.pcm + 2400, at_a.n - 2400, 8000, 700);
	double b700 = tone_share(at_b.pcm + 4800, at_b.n - 4800, 16000, 700);
	double b1500 = tone_share(at_b.pcm + 4800, at_b.n - 4800, 16000, 1500);
	ck_assert_msg(a1500 > 0.5 && a700 < 0.1, "caller: 1500 Hz %.2f 700 Hz %.2f",
		      a1500, a700);
	ck_assert_msg(b700 > 0.5 && b1500 < 0.1, "callee: 700 Hz %.2f 1500 Hz %.2f",
		      b700, b1500);
	g722_encode_free(enc);
	g722_decode_free(dec);
}
END_TEST

START_TEST(caller_keys_go_on_to_the_callee_as_rfc4733)
{
	static struct heard at_b;
	uint8_t ev[4] = { 5, 10, 0, 0 }, silence[160];

	memset(&at_b, 0, sizeof(at_b));
	memset(silence, 0xff, sizeof(silence));
	for (unsigned f = 0; f < 40; f++) {
		if (f >= 5 && f < 15) {       /* key 5 for 200 ms, 3 end packets */
			unsigned dur = (f - 4) * 160;
			bool end = f == 14;
			ev[1] = (uint8_t)((end ? 0x80 : 0) | 10);
			ev[2] = (uint8_t)(dur >> 8);
			ev[3] = (uint8_t)dur;
			for (int i = 0; i < (end ? 3 : 1); i++)
				send_to_stream(pa, caller, 101, (uint16_t)(f * 4 + i),
					       5 * 160, ev, 4, f == 5);
		}
		else {
			send_to_stream(pa, caller, 0, (uint16_t)(f * 4), f * 160,
				       silence, 160, !f);
		}
		sleep_ms(20);
		drain(pb, 9, &at_b, NULL);
	}
	sleep_ms(300);
	drain(pb, 9, &at_b, NULL);
	ck_assert_uint_ge(at_b.events, 3);    /* at least the end packets */
	ck_assert_int_eq(at_b.last_event, 5);
}
END_TEST

START_TEST(released_callee_ends_the_bridge)
{
	static struct heard at_b;
	struct pollfd pfd = { .fd = pb, .events = POLLIN };

	sleep_ms(200);
	rtp_stream_release(callee);
	callee = NULL;
	sleep_ms(100);
	memset(&at_b, 0, sizeof(at_b));
	drain(pb, 9, &at_b, NULL);
	sleep_ms(200);
	ck_assert_int_eq(poll(&pfd, 1, 0), 0);    /* nothing more to the callee */
	/* the caller stream goes on (its playlist: silence) */
	struct heard *at_a = calloc(1, sizeof(*at_a));
	drain(pa, 0, at_a, NULL);
	sleep_ms(100);
	drain(pa, 0, at_a, NULL);
	ck_assert_uint_gt(at_a->packets, 0);
	free(at_a);
}
END_TEST

static void teardown_released(void)
{
	if (callee)
		rtp_stream_release(callee);
	callee = NULL;
	rtp_stream_release(caller);
	media_stop();
	close(pa);
	close(pb);
}

Suite *media_bridge_suite(void)
{
	Suite *s = suite_create("media_bridge");
	TCase *tc = tcase_create("bridge");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, each_side_hears_the_other_transcoded_and_resampled);
	tcase_add_test(tc, caller_keys_go_on_to_the_callee_as_rfc4733);
	suite_add_tcase(s, tc);
	TCase *rel = tcase_create("release");
	tcase_add_checked_fixture(rel, setup, teardown_released);
	tcase_add_test(rel, released_callee_ends_the_bridge);
	suite_add_tcase(s, rel);
	return s;
}
