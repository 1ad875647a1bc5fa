/* test_sdp.c: answering SDP offers (src/core/media/sdp_negotiate.c). */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include "media/sdp_negotiate.h"

#define OFFER_HEAD "v=0\r\no=alice 1 1 IN IP4 10.0.0.1\r\ns=-\r\n" \
	"c=IN IP4 10.0.0.1\r\nt=0 0\r\n"

static const char offer_pcma_first[] = OFFER_HEAD
	"m=audio 40000 RTP/AVP 8 0 101\r\n"
	"a=rtpmap:8 PCMA/8000\r\na=rtpmap:0 PCMU/8000\r\n"
	"a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\n";
static const char offer_pcmu_first[] = OFFER_HEAD
	"m=audio 40000 RTP/AVP 0 8\r\n"
	"a=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\n";

static char *answer;
static struct media_params params;

static void teardown(void)
{
	free(answer);
	answer = NULL;
}

/* The payload types of the answer's m= line, as "8 0 101". */
static void answer_fmts(char *buf, size_t len)
{
	const char *m = strstr(answer, "m=audio ");
	const char *p;
	size_t n;

	ck_assert_ptr_nonnull(m);
	p = strstr(m, "RTP/AVP ");
	ck_assert_ptr_nonnull(p);
	p += strlen("RTP/AVP ");
	n = strcspn(p, "\r\n");
	ck_assert_uint_lt(n, len);
	memcpy(buf, p, n);
	buf[n] = '\0';
}

START_TEST(answer_prefers_offered_pcma_over_pcmu)
{
	char fmts[64];

	ck_assert_int_eq(sdp_negotiate(offer_pcma_first, "127.0.0.1", 10000,
				       &answer, &params), 0);
	ck_assert_int_eq(params.payload_type, 8);
	answer_fmts(fmts, sizeof(fmts));
	ck_assert_str_eq(fmts, "8 0 101");
}
END_TEST

START_TEST(answer_prefers_offered_pcmu_over_pcma)
{
	char fmts[64];

	ck_assert_int_eq(sdp_negotiate(offer_pcmu_first, "127.0.0.1", 10000,
				       &answer, &params), 0);
	ck_assert_int_eq(params.payload_type, 0);
	answer_fmts(fmts, sizeof(fmts));
	ck_assert_str_eq(fmts, "0 8");
}
END_TEST

START_TEST(telephone_event_uses_the_offered_payload_type)
{
	static const char offer[] = OFFER_HEAD
		"m=audio 40000 RTP/AVP 0 96\r\n"
		"a=rtpmap:96 telephone-event/8000\r\n";

	ck_assert_int_eq(sdp_negotiate(offer, "127.0.0.1", 10000,
				       &answer, &params), 0);
	ck_assert_int_eq(params.telev_pt, 96);
	ck_assert_ptr_nonnull(strstr(answer, "a=rtpmap:96 telephone-event/8000"));
}
END_TEST

START_TEST(telephone_event_absent_when_not_offered)
{
	ck_assert_int_eq(sdp_negotiate(offer_pcmu_first, "127.0.0.1", 10000,
				       &answer, &params), 0);
	ck_assert_int_eq(params.telev_pt, -1);
	ck_assert_ptr_null(strstr(answer, "telephone-event"));
}
END_TEST

START_TEST(offer_without_common_codec_is_not_supported)
{
	static const char offer[] = OFFER_HEAD
		"m=audio 40000 RTP/AVP 9 18\r\n"
		"a=rtpmap:9 G722/8000\r\na=rtpmap:18 G729/8000\r\n";

	ck_assert_int_eq(sdp_negotiate(offer, "127.0.0.1", 10000,
				       &answer, &params), ENOTSUP);
	ck_assert_ptr_null(answer);
}
END_TEST

START_TEST(garbage_offer_is_a_protocol_error)
{
	ck_assert_int_eq(sdp_negotiate("this is not SDP\r\n", "127.0.0.1",
				       10000, &answer, &params), EPROTO);
	ck_assert_ptr_null(answer);
}
END_TEST

START_TEST(offer_without_audio_is_a_protocol_error)
{
	static const char offer[] = OFFER_HEAD
		"m=video 40000 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n";
	int err = sdp_negotiate(offer, "127.0.0.1", 10000, &answer, &params);

	ck_assert_int_eq(err, EPROTO);
	ck_assert_ptr_null(answer);
}
END_TEST

START_TEST(answer_has_our_address_and_port)
{
	ck_assert_int_eq(sdp_negotiate(offer_pcmu_first, "127.0.0.2", 12346,
				       &answer, &params), 0);
	ck_assert_ptr_nonnull(strstr(answer, "c=IN IP4 127.0.0.2\r\n"));
	ck_assert_ptr_nonnull(strstr(answer, "m=audio 12346 RTP/AVP "));
}
END_TEST

START_TEST(remote_address_comes_from_the_offer)
{
	const struct sockaddr_in *sin = (const void *)&params.remote;
	char ip[INET_ADDRSTRLEN];

	ck_assert_int_eq(sdp_negotiate(offer_pcma_first, "127.0.0.1", 10000,
				       &answer, &params), 0);
	ck_assert_int_eq(sin->sin_family, AF_INET);
	ck_assert_int_eq(ntohs(sin->sin_port), 40000);
	inet_ntop(AF_INET, &sin->sin_addr, ip, sizeof(ip));
	ck_assert_str_eq(ip, "10.0.0.1");
	ck_assert_uint_eq(params.remote_len, sizeof(struct sockaddr_in));
}
END_TEST

Suite *sdp_suite(void)
{
	Suite *s = suite_create("sdp");
	TCase *tc = tcase_create("negotiate");

	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, answer_prefers_offered_pcma_over_pcmu);
	tcase_add_test(tc, answer_prefers_offered_pcmu_over_pcma);
	tcase_add_test(tc, telephone_event_uses_the_offered_payload_type);
	tcase_add_test(tc, telephone_event_absent_when_not_offered);
	tcase_add_test(tc, offer_without_common_codec_is_not_supported);
	tcase_add_test(tc, garbage_offer_is_a_protocol_error);
	tcase_add_test(tc, offer_without_audio_is_a_protocol_error);
	tcase_add_test(tc, answer_has_our_address_and_port);
	tcase_add_test(tc, remote_address_comes_from_the_offer);
	suite_add_tcase(s, tc);
	return s;
}
