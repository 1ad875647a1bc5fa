/* test_rtp_stream.c: RTP streams on media threads (src/core/media), against
 * UDP sockets the test owns on 127.0.0.1. */
#include <check.h>
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <spandsp.h>
#include <sems/audio.h>
#include "media/codec.h"
#include "media/sdp_negotiate.h"
#include "media/rtp_stream.h"
#include "media/rtp_stream_internal.h"

enum { LOW_PORT = 31000, HIGH_PORT = 31999 };

/* Events go to counters instead of a session. */
static atomic_int ev_queue_empty, ev_rtp_timeout, session_refs;
static struct sems_session *fake_session = (struct sems_session *)&session_refs;

static struct sems_session *fake_ref(struct sems_session *s)
{
	atomic_fetch_add(&session_refs, 1);
	return s;
}

static void fake_deref(struct sems_session *s)
{
	(void)s;
	atomic_fetch_sub(&session_refs, 1);
}

static int fake_post(struct sems_session *s, enum sems_event_type type)
{
	ck_assert_ptr_eq(s, fake_session);
	if (type == SEMS_EV_AUDIO_QUEUE_EMPTY)
		atomic_fetch_add(&ev_queue_empty, 1);
	else if (type == SEMS_EV_RTP_TIMEOUT)
		atomic_fetch_add(&ev_rtp_timeout, 1);
	return 0;
}

static int fake_post_dtmf(struct sems_session *s, int key, unsigned ms)
{
	(void)s;
	(void)key;
	(void)ms;
	return 0;
}

static const struct rtp_session_ops fake_ops = {
	fake_ref, fake_deref, fake_post, fake_post_dtmf
};

struct packet {
	int len;
	uint8_t buf[512];
};

static const struct rtp_session_ops *core_ops;
static struct rtp_stream *rs;
static int peer = -1, peer2 = -1;
static char tone_path[64];

static int udp_socket(void)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	ck_assert_int_ge(fd, 0);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	return fd;
}

static void params_for(struct media_params *p, int fd, int pt)
{
	socklen_t len = sizeof(p->remote);

	memset(p, 0, sizeof(*p));
	p->payload_type = pt;
	p->codec = codec_find(pt == 8 ? "PCMA" : "PCMU", 8000);
	p->telev_clock = 8000;
	p->telev_pt = 101;
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&p->remote, &len), 0);
	p->remote_len = len;
}

static int recv_packet(int fd, struct packet *pk, int timeout_ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	if (poll(&pfd, 1, timeout_ms) != 1)
		return -1;
	pk->len = (int)recv(fd, pk->buf, sizeof(pk->buf), 0);
	return pk->len;
}

static uint16_t pk_seq(const struct packet *p)
{
	return (uint16_t)(p->buf[2] << 8 | p->buf[3]);
}

static uint32_t pk_ts(const struct packet *p)
{
	return (uint32_t)p->buf[4] << 24 | (uint32_t)p->buf[5] << 16 |
	       (uint32_t)p->buf[6] << 8 | p->buf[7];
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

static void use_fake_session_ops(void)
{
	core_ops = rtp_session_ops;
	rtp_session_ops = &fake_ops;
}

static void setup_with_dead_time(unsigned dead)
{
	use_fake_session_ops();
	atomic_store(&ev_queue_empty, 0);
	atomic_store(&ev_rtp_timeout, 0);
	ck_assert_int_eq(media_start(1, LOW_PORT, HIGH_PORT, dead), 0);
	ck_assert_int_eq(rtp_stream_alloc(&rs, fake_session, "127.0.0.1"), 0);
	peer = udp_socket();
	peer2 = udp_socket();
}

static void setup(void)
{
	setup_with_dead_time(0);
}

static void setup_dead_1s(void)
{
	setup_with_dead_time(1);
}

static void teardown(void)
{
	rtp_stream_release(rs);
	rs = NULL;
	media_stop();
	rtp_session_ops = core_ops;
	ck_assert_int_eq(atomic_load(&session_refs), 0);
	close(peer);
	close(peer2);
	if (tone_path[0])
		unlink(tone_path);
	tone_path[0] = '\0';
}

/* A raw .l16 file (8 kHz host-order PCM16) with a 1 kHz tone. */
static struct sems_audio *tone(unsigned ms, int16_t *samples)
{
	struct sems_audio *a;
	size_t n = ms * 8;
	int16_t *buf = samples ? samples : malloc(n * sizeof(*buf));
	FILE *f;

	for (size_t i = 0; i < n; i++)
		buf[i] = (int16_t)(10000 * sin(2 * M_PI * 1000 * i / 8000.0));
	snprintf(tone_path, sizeof(tone_path), "/tmp/sems_rtp_tone_%d.l16",
		 getpid());
	f = fopen(tone_path, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(buf, sizeof(*buf), n, f), n);
	fclose(f);
	if (!samples)
		free(buf);
	ck_assert_int_eq(sems_audio_open(&a, tone_path, SEMS_AUDIO_READ,
					 NULL, 0), 0);
	return a;
}

START_TEST(local_port_is_even_and_in_the_range)
{
	uint16_t port = rtp_stream_local_port(rs);

	ck_assert_uint_eq(port % 2, 0);
	ck_assert_uint_ge(port, LOW_PORT);
	ck_assert_uint_le(port, HIGH_PORT);
}
END_TEST

START_TEST(started_stream_sends_50_packets_a_second)
{
	struct media_params p;
	struct packet pk, prev;
	struct timespec t0, t;
	int count = 0;

	params_for(&p, peer, 0);
	rtp_stream_set_params(rs, &p);
	rtp_stream_start(rs);
	rtp_stream_start(rs);       /* idempotent */
	ck_assert_int_eq(recv_packet(peer, &prev, 500), 12 + 160);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ck_assert_int_eq(prev.buf[0], 0x80);          /* version 2 */
	ck_assert_int_eq(prev.buf[1], 0x80 | 0);      /* marker, PCMU */
	do {
		ck_assert_int_eq(recv_packet(peer, &pk, 500), 12 + 160);
		ck_assert_int_eq(pk.buf[1], 0);       /* no marker, PCMU */
		ck_assert_uint_eq(pk_seq(&pk), (uint16_t)(pk_seq(&prev) + 1));
		ck_assert_uint_eq(pk_ts(&pk), pk_ts(&prev) + 160);
		ck_assert_mem_eq(pk.buf + 8, prev.buf + 8, 4);  /* SSRC */
		prev = pk;
		count++;
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while ((t.tv_sec - t0.tv_sec) * 1000 +
		 (t.tv_nsec - t0.tv_nsec) / 1000000 < 1000);
	ck_assert_msg(count >= 45 && count <= 55, "%d packets in 1 s", count);
}
END_TEST

START_TEST(enqueued_tone_is_sent_as_pcma_and_then_silence)
{
	int16_t samples[800];
	struct sems_audio *a = tone(100, samples);
	struct media_params p;
	struct packet pk;

	params_for(&p, peer, 8);
	rtp_stream_set_params(rs, &p);
	ck_assert_int_eq(rtp_stream_enqueue(rs, a, NULL), 0);
	sems_audio_deref(a);          /* the playlist keeps its own */
	ck_assert(!rtp_stream_queue_empty(rs));
	rtp_stream_start(rs);
	for (int f = 0; f < 5; f++) {
		ck_assert_int_eq(recv_packet(peer, &pk, 500), 12 + 160);
		ck_assert_int_eq(pk.buf[1] & 0x7f, 8);
		for (int i = 0; i < 160; i++) {
			int want = alaw_to_linear(linear_to_alaw(samples[f * 160 + i]));
			ck_assert_int_eq(alaw_to_linear(pk.buf[12 + i]), want);
		}
	}
	for (int f = 0; f < 5; f++) {      /* silence keeps flowing */
		ck_assert_int_eq(recv_packet(peer, &pk, 500), 12 + 160);
		for (int i = 0; i < 160; i++)
			ck_assert_int_lt(abs(alaw_to_linear(pk.buf[12 + i])), 16);
	}
	ck_assert(rtp_stream_queue_empty(rs));
	ck_assert_int_eq(atomic_load(&ev_queue_empty), 1);
}
END_TEST

START_TEST(playlist_items_play_back_to_back)
{
	struct sems_audio *a = tone(30, NULL), *b = tone(30, NULL);
	struct media_params p;

	params_for(&p, peer, 0);
	rtp_stream_set_params(rs, &p);
	rtp_stream_enqueue(rs, a, NULL);
	rtp_stream_enqueue(rs, b, NULL);
	sems_audio_deref(a);
	sems_audio_deref(b);
	rtp_stream_start(rs);
	sleep_ms(60);                      /* 60 ms of audio: 3 frames */
	for (int i = 0; i < 50 && atomic_load(&ev_queue_empty) == 0; i++)
		sleep_ms(10);
	ck_assert_int_eq(atomic_load(&ev_queue_empty), 1);
	ck_assert(rtp_stream_queue_empty(rs));
}
END_TEST

START_TEST(flush_empties_the_queue_without_an_event)
{
	struct sems_audio *a = tone(5000, NULL);
	struct media_params p;

	params_for(&p, peer, 0);
	rtp_stream_set_params(rs, &p);
	rtp_stream_enqueue(rs, a, NULL);
	sems_audio_deref(a);
	rtp_stream_start(rs);
	sleep_ms(100);
	rtp_stream_flush(rs);
	ck_assert(rtp_stream_queue_empty(rs));
	sleep_ms(100);
	ck_assert_int_eq(atomic_load(&ev_queue_empty), 0);
}
END_TEST

static void send_rtp(int from, unsigned n)
{
	struct sockaddr_in to = { .sin_family = AF_INET };
	uint8_t rtp[12 + 160] = { 0x80, 0 };

	to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	to.sin_port = htons(rtp_stream_local_port(rs));
	for (unsigned i = 0; i < n; i++) {
		rtp[3] = (uint8_t)i;
		ck_assert_int_eq(sendto(from, rtp, sizeof(rtp), 0,
					(struct sockaddr *)&to, sizeof(to)),
				 (ssize_t)sizeof(rtp));
	}
}

static void drain(int fd)
{
	struct packet pk;

	while (recv_packet(fd, &pk, 0) > 0)
		;
}

/* The stream started, sending PCMU to peer (the SDP's address). */
static void start_to_peer(void)
{
	struct media_params p;

	params_for(&p, peer, 0);
	rtp_stream_set_params(rs, &p);
	rtp_stream_start(rs);
}

/* NAT: the SDP names an address nothing comes from; a source sending
 * RTP_SOURCE_SWITCH_RUN packets in a row becomes where we send, fewer
 * do not. */
START_TEST(a_new_source_takes_over_after_five_packets_in_a_row)
{
	struct packet pk;

	start_to_peer();
	ck_assert_int_gt(recv_packet(peer, &pk, 500), 0);
	send_rtp(peer2, RTP_SOURCE_SWITCH_RUN - 1);
	sleep_ms(80);
	ck_assert_int_eq(recv_packet(peer2, &pk, 100), -1);
	ck_assert_uint_eq(rtp_stream_rx_foreign(rs), RTP_SOURCE_SWITCH_RUN - 1);
	send_rtp(peer2, 1);
	ck_assert_int_eq(recv_packet(peer2, &pk, 500), 12 + 160);
	sleep_ms(60);
	drain(peer);
	ck_assert_int_eq(recv_packet(peer, &pk, 100), -1);
}
END_TEST

/* The caller (the SDP's address) sends; a third party sending to our
 * port as much does not take the audio: its packets are dropped. */
START_TEST(third_party_rtp_does_not_redirect_the_stream)
{
	struct packet pk;

	start_to_peer();
	for (int i = 0; i < 10; i++) {
		send_rtp(peer, 1);
		send_rtp(peer2, 3);
		sleep_ms(5);
	}
	sleep_ms(80);
	ck_assert_int_eq(recv_packet(peer2, &pk, 100), -1);
	ck_assert_uint_eq(rtp_stream_rx_foreign(rs), 30);
	drain(peer);
	ck_assert_int_gt(recv_packet(peer, &pk, 200), 0);
}
END_TEST

/* More packets than one tick reads (64): the rest is read at the next
 * ticks, none is left in the socket; once idle (parked, media_thread.c)
 * the socket is still read when packets come again. */
START_TEST(a_burst_longer_than_a_tick_is_read_over_the_next_ticks)
{
	struct packet pk;
	int other = udp_socket();

	start_to_peer();
	ck_assert_int_gt(recv_packet(peer, &pk, 500), 0);
	send_rtp(peer, 1);       /* confirms the caller: peer2 is foreign */
	sleep_ms(60);
	send_rtp(peer2, 120);
	sleep_ms(200);
	ck_assert_uint_eq(rtp_stream_rx_foreign(rs), 120);
	sleep_ms(300);           /* 10 empty reads: parked */
	send_rtp(other, 3);      /* a third source: not enough to take over */
	sleep_ms(80);
	close(other);
	ck_assert_uint_eq(rtp_stream_rx_foreign(rs), 123);
}
END_TEST

/* c=0.0.0.0 (or no usable address): the first source is taken at once
 * (symmetric RTP); moving on from it needs the run of packets. */
START_TEST(without_a_usable_sdp_address_the_first_source_is_taken)
{
	struct media_params p;
	struct packet pk;

	params_for(&p, peer, 0);
	((struct sockaddr_in *)&p.remote)->sin_addr.s_addr = 0;
	rtp_stream_set_params(rs, &p);
	rtp_stream_start(rs);
	send_rtp(peer2, 1);
	ck_assert_int_eq(recv_packet(peer2, &pk, 500), 12 + 160);
	ck_assert_uint_eq(rtp_stream_rx_foreign(rs), 0);
	send_rtp(peer, 2);
	sleep_ms(60);
	drain(peer2);
	ck_assert_int_gt(recv_packet(peer2, &pk, 200), 0);
	ck_assert_int_eq(recv_packet(peer, &pk, 100), -1);
	ck_assert_uint_eq(rtp_stream_rx_foreign(rs), 2);
}
END_TEST

START_TEST(non_rtp_packets_do_not_move_the_stream)
{
	struct media_params p;
	struct sockaddr_in to = { .sin_family = AF_INET };
	static const char junk[] = "hello";
	struct packet pk;

	params_for(&p, peer, 0);
	rtp_stream_set_params(rs, &p);
	rtp_stream_start(rs);
	to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	to.sin_port = htons(rtp_stream_local_port(rs));
	sendto(peer2, junk, sizeof(junk), 0, (struct sockaddr *)&to, sizeof(to));
	sleep_ms(60);
	ck_assert_int_eq(recv_packet(peer2, &pk, 100), -1);
	ck_assert_int_gt(recv_packet(peer, &pk, 100), 0);
}
END_TEST

START_TEST(silent_peer_times_out_once)
{
	struct media_params p;

	params_for(&p, peer, 0);
	rtp_stream_set_params(rs, &p);
	rtp_stream_start(rs);
	sleep_ms(700);
	ck_assert_int_eq(atomic_load(&ev_rtp_timeout), 0);
	sleep_ms(800);
	ck_assert_int_eq(atomic_load(&ev_rtp_timeout), 1);
	sleep_ms(1100);
	ck_assert_int_eq(atomic_load(&ev_rtp_timeout), 1);
}
END_TEST

START_TEST(released_stream_stops_sending)
{
	struct media_params p;
	struct packet pk;

	params_for(&p, peer, 0);
	rtp_stream_set_params(rs, &p);
	rtp_stream_start(rs);
	ck_assert_int_gt(recv_packet(peer, &pk, 500), 0);
	rtp_stream_release(rs);
	rs = NULL;
	sleep_ms(60);
	while (recv_packet(peer, &pk, 0) > 0)
		;
	ck_assert_int_eq(recv_packet(peer, &pk, 100), -1);
	ck_assert_int_eq(atomic_load(&session_refs), 0);
}
END_TEST

/* true if 127.0.0.1:port can be bound (the stream's socket is closed) */
static bool port_free(uint16_t port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	bool ok;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ok = fd >= 0 && !bind(fd, (struct sockaddr *)&a, sizeof(a));
	if (fd >= 0)
		close(fd);
	return ok;
}

/* rtp_stream_close (a session abandoned to a handler that does not
 * return): the socket goes, the owner keeps a usable object. */
START_TEST(closed_stream_frees_its_port_while_its_owner_keeps_it)
{
	struct rtp_stream *idle = NULL;
	struct media_params p;
	struct packet pk;
	uint16_t port = rtp_stream_local_port(rs), idle_port;
	int i;

	/* never started: closed at once, and never starts later */
	ck_assert_int_eq(rtp_stream_alloc(&idle, fake_session, "127.0.0.1"), 0);
	idle_port = rtp_stream_local_port(idle);
	ck_assert(!port_free(idle_port));
	rtp_stream_close(idle);
	ck_assert(port_free(idle_port));
	rtp_stream_start(idle);
	ck_assert_int_eq(rtp_stream_enqueue(idle, NULL, NULL), 0);
	rtp_stream_close(idle);                 /* idempotent */
	rtp_stream_release(idle);

	/* on a media thread: it lets go within a tick or two */
	params_for(&p, peer, 0);
	rtp_stream_set_params(rs, &p);
	rtp_stream_start(rs);
	ck_assert_int_gt(recv_packet(peer, &pk, 500), 0);
	ck_assert(!port_free(port));
	rtp_stream_close(rs);
	for (i = 0; i < 20 && !port_free(port); i++)
		sleep_ms(10);
	ck_assert_msg(port_free(port), "port %u still bound 200 ms after close",
		      port);
	while (recv_packet(peer, &pk, 0) > 0)
		;
	ck_assert_int_eq(recv_packet(peer, &pk, 100), -1);
	ck_assert(rtp_stream_queue_empty(rs));
	/* teardown releases rs: the owner's reference */
}
END_TEST

/* Four free ports from an even one: tests and peers running at the same
 * time hold ports anywhere, so a fixed range made this test flaky. */
static uint16_t free_even_block(void)
{
	for (uint16_t base = 20000; base < 32000; base += 4) {
		uint16_t i = 0;

		while (i < 4 && port_free(base + i))
			i++;
		if (i == 4)
			return base;
	}
	ck_abort_msg("no 4 free ports in 20000-32000");
	return 0;
}

START_TEST(port_range_exhaustion_is_eaddrinuse)
{
	struct rtp_stream *a = NULL, *b = NULL, *c = NULL;
	uint16_t base = free_even_block();

	rtp_ports_set_range(base, base + 3);  /* two even ports */
	ck_assert_int_eq(rtp_stream_alloc(&a, NULL, "127.0.0.1"), 0);
	ck_assert_int_eq(rtp_stream_alloc(&b, NULL, "127.0.0.1"), 0);
	ck_assert_uint_ne(rtp_stream_local_port(a), rtp_stream_local_port(b));
	ck_assert_int_eq(rtp_stream_alloc(&c, NULL, "127.0.0.1"), EADDRINUSE);
	ck_assert_ptr_null(c);
	rtp_stream_release(a);            /* never started */
	ck_assert_int_eq(rtp_stream_alloc(&c, NULL, "127.0.0.1"), 0);
	rtp_stream_release(b);
	rtp_stream_release(c);
}
END_TEST

Suite *rtp_stream_suite(void)
{
	Suite *s = suite_create("rtp_stream");
	TCase *tc = tcase_create("media thread");
	TCase *dead = tcase_create("dead rtp");
	TCase *ports = tcase_create("ports");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, local_port_is_even_and_in_the_range);
	tcase_add_test(tc, started_stream_sends_50_packets_a_second);
	tcase_add_test(tc, enqueued_tone_is_sent_as_pcma_and_then_silence);
	tcase_add_test(tc, playlist_items_play_back_to_back);
	tcase_add_test(tc, flush_empties_the_queue_without_an_event);
	tcase_add_test(tc, a_new_source_takes_over_after_five_packets_in_a_row);
	tcase_add_test(tc, third_party_rtp_does_not_redirect_the_stream);
	tcase_add_test(tc, a_burst_longer_than_a_tick_is_read_over_the_next_ticks);
	tcase_add_test(tc, without_a_usable_sdp_address_the_first_source_is_taken);
	tcase_add_test(tc, non_rtp_packets_do_not_move_the_stream);
	tcase_add_test(tc, released_stream_stops_sending);
	tcase_add_test(tc, closed_stream_frees_its_port_while_its_owner_keeps_it);
	suite_add_tcase(s, tc);

	tcase_add_checked_fixture(dead, setup_dead_1s, teardown);
	tcase_set_timeout(dead, 10);
	tcase_add_test(dead, silent_peer_times_out_once);
	suite_add_tcase(s, dead);

	tcase_add_test(ports, port_range_exhaustion_is_eaddrinuse);
	suite_add_tcase(s, ports);
	return s;
}
