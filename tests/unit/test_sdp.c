/* test_sdp.c: answering SDP offers (src/core/media/sdp_negotiate.c). */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <re.h>
#include "media/codec.h"
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
				       NULL, &answer, &params), 0);
	ck_assert_int_eq(params.payload_type, 8);
	answer_fmts(fmts, sizeof(fmts));
	ck_assert_str_eq(fmts, "8 101");
}
END_TEST

START_TEST(answer_prefers_offered_pcmu_over_pcma)
{
	char fmts[64];

	ck_assert_int_eq(sdp_negotiate(offer_pcmu_first, "127.0.0.1", 10000,
				       NULL, &answer, &params), 0);
	ck_assert_int_eq(params.payload_type, 0);
	answer_fmts(fmts, sizeof(fmts));
	ck_assert_str_eq(fmts, "0");
}
END_TEST

START_TEST(telephone_event_uses_the_offered_payload_type)
{
	static const char offer[] = OFFER_HEAD
		"m=audio 40000 RTP/AVP 0 96\r\n"
		"a=rtpmap:96 telephone-event/8000\r\n";

	ck_assert_int_eq(sdp_negotiate(offer, "127.0.0.1", 10000,
				       NULL, &answer, &params), 0);
	ck_assert_int_eq(params.telev_pt, 96);
	ck_assert_ptr_nonnull(strstr(answer, "a=rtpmap:96 telephone-event/8000"));
}
END_TEST

START_TEST(telephone_event_absent_when_not_offered)
{
	ck_assert_int_eq(sdp_negotiate(offer_pcmu_first, "127.0.0.1", 10000,
				       NULL, &answer, &params), 0);
	ck_assert_int_eq(params.telev_pt, -1);
	ck_assert_ptr_null(strstr(answer, "telephone-event"));
}
END_TEST

START_TEST(offer_without_common_codec_is_not_supported)
{
	static const char offer[] = OFFER_HEAD
		"m=audio 40000 RTP/AVP 4 18\r\n"
		"a=rtpmap:4 G723/8000\r\na=rtpmap:18 G729/8000\r\n";

	ck_assert_int_eq(sdp_negotiate(offer, "127.0.0.1", 10000,
				       NULL, &answer, &params), ENOTSUP);
	ck_assert_ptr_null(answer);
}
END_TEST

START_TEST(garbage_offer_is_a_protocol_error)
{
	ck_assert_int_eq(sdp_negotiate("this is not SDP\r\n", "127.0.0.1",
				       10000, NULL, &answer, &params), EPROTO);
	ck_assert_ptr_null(answer);
}
END_TEST

START_TEST(offer_without_audio_has_no_media_type_for_us)
{
	static const char offer[] = OFFER_HEAD
		"m=video 40000 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n";
	int err = sdp_negotiate(offer, "127.0.0.1", 10000, NULL, &answer,
				&params);

	ck_assert_int_eq(err, EMEDIUMTYPE);
	ck_assert_ptr_null(answer);
}
END_TEST

START_TEST(answer_has_our_address_and_port)
{
	ck_assert_int_eq(sdp_negotiate(offer_pcmu_first, "127.0.0.2", 12346,
				       NULL, &answer, &params), 0);
	ck_assert_ptr_nonnull(strstr(answer, "c=IN IP4 127.0.0.2\r\n"));
	ck_assert_ptr_nonnull(strstr(answer, "m=audio 12346 RTP/AVP "));
}
END_TEST

START_TEST(remote_address_comes_from_the_offer)
{
	const struct sockaddr_in *sin = (const void *)&params.remote;
	char ip[INET_ADDRSTRLEN];

	ck_assert_int_eq(sdp_negotiate(offer_pcma_first, "127.0.0.1", 10000,
				       NULL, &answer, &params), 0);
	ck_assert_int_eq(sin->sin_family, AF_INET);
	ck_assert_int_eq(ntohs(sin->sin_port), 40000);
	inet_ntop(AF_INET, &sin->sin_addr, ip, sizeof(ip));
	ck_assert_str_eq(ip, "10.0.0.1");
	ck_assert_uint_eq(params.remote_len, sizeof(struct sockaddr_in));
}
END_TEST

static const char offer_g711_g722_gsm[] = OFFER_HEAD
	"m=audio 40000 RTP/AVP 0 8 9 3 101\r\n"
	"a=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\n"
	"a=rtpmap:9 G722/8000\r\na=rtpmap:3 GSM/8000\r\n"
	"a=rtpmap:101 telephone-event/8000\r\n";

static const char *negotiated(const char *offer, const char *order)
{
	ck_assert_int_eq(sdp_negotiate(offer, "127.0.0.1", 10000, order,
				       &answer, &params), 0);
	ck_assert_ptr_nonnull(params.codec);
	return params.codec->name;
}

START_TEST(codec_order_chooses_g722_when_offered)
{
	char fmts[64];

	ck_assert_str_eq(negotiated(offer_g711_g722_gsm, "G722,PCMA"), "G722");
	ck_assert_int_eq(params.payload_type, 9);
	ck_assert_int_eq(params.telev_pt, 101);
	ck_assert_int_eq(params.telev_clock, 8000);
	answer_fmts(fmts, sizeof(fmts));
	ck_assert_str_eq(fmts, "9 101");
	ck_assert_ptr_nonnull(strstr(answer, "a=rtpmap:9 G722/8000\r\n"));
}
END_TEST

START_TEST(codec_order_is_case_insensitive_with_any_separator)
{
	ck_assert_str_eq(negotiated(offer_g711_g722_gsm, " gsm; pcma "), "GSM");
	free(answer);
	answer = NULL;
	ck_assert_str_eq(negotiated(offer_g711_g722_gsm, "pcma gsm"), "PCMA");
}
END_TEST

START_TEST(codec_order_without_an_offered_codec_keeps_the_offer_order)
{
	ck_assert_str_eq(negotiated(offer_g711_g722_gsm, "opus,G729"), "PCMU");
}
END_TEST

START_TEST(codecs_not_in_codec_order_still_follow_in_offer_order)
{
	static const char offer[] = OFFER_HEAD
		"m=audio 40000 RTP/AVP 18 3 8\r\n"
		"a=rtpmap:18 G729/8000\r\n";

	ck_assert_str_eq(negotiated(offer, "opus,PCMU"), "GSM");
}
END_TEST

START_TEST(offer_order_decides_without_codec_order)
{
	static const char offer[] = OFFER_HEAD
		"m=audio 40000 RTP/AVP 9 0 8\r\n";

	ck_assert_str_eq(negotiated(offer, NULL), "G722");
	free(answer);
	answer = NULL;
	ck_assert_str_eq(negotiated(offer, ""), "G722");
}
END_TEST

static const char offer_opus[] = OFFER_HEAD
	"m=audio 40000 RTP/AVP 111 0 101 110\r\n"
	"a=rtpmap:111 opus/48000/2\r\n"
	"a=fmtp:111 minptime=10;useinbandfec=1\r\n"
	"a=rtpmap:0 PCMU/8000\r\n"
	"a=rtpmap:101 telephone-event/48000\r\n"
	"a=rtpmap:110 telephone-event/8000\r\n";

START_TEST(opus_uses_the_offered_pt_and_telephone_event_at_48000)
{
	char fmts[64];

	ck_assert_str_eq(negotiated(offer_opus, NULL), "opus");
	ck_assert_int_eq(params.payload_type, 111);
	ck_assert_int_eq(params.telev_pt, 101);
	ck_assert_int_eq(params.telev_clock, 48000);
	answer_fmts(fmts, sizeof(fmts));
	ck_assert_str_eq(fmts, "111 101");
	ck_assert_ptr_nonnull(strstr(answer, "a=rtpmap:111 opus/48000/2\r\n"));
	ck_assert_ptr_nonnull(strstr(answer, "a=fmtp:111 useinbandfec=1\r\n"));
	ck_assert_ptr_null(strstr(answer, "telephone-event/8000"));
}
END_TEST

START_TEST(pcmu_takes_telephone_event_at_8000_when_both_are_offered)
{
	ck_assert_str_eq(negotiated(offer_opus, "PCMU"), "PCMU");
	ck_assert_int_eq(params.telev_pt, 110);
	ck_assert_int_eq(params.telev_clock, 8000);
	ck_assert_ptr_null(strstr(answer, "opus"));
	ck_assert_ptr_null(strstr(answer, "telephone-event/48000"));
}
END_TEST

START_TEST(opus_takes_telephone_event_at_8000_when_only_that_is_offered)
{
	static const char offer[] = OFFER_HEAD
		"m=audio 40000 RTP/AVP 96 97\r\n"
		"a=rtpmap:96 OPUS/48000/2\r\n"
		"a=rtpmap:97 telephone-event/8000\r\n";

	ck_assert_str_eq(negotiated(offer, NULL), "opus");
	ck_assert_int_eq(params.payload_type, 96);
	ck_assert_int_eq(params.telev_pt, 97);
	ck_assert_int_eq(params.telev_clock, 8000);
}
END_TEST

START_TEST(a_broken_rtpmap_on_the_video_line_does_not_stop_audio)
{
	static const char offer[] = OFFER_HEAD
		"m=audio 40000 RTP/AVP 0\r\n"
		"a=rtpmap:0 PCMU/8000\r\n"
		"m=video 40002 RTP/AVP 31\r\n"
		"a=rtpmap:31 LPC\r\n";

	ck_assert_str_eq(negotiated(offer, NULL), "PCMU");
	ck_assert_ptr_nonnull(strstr(answer, "m=audio 10000 RTP/AVP 0\r\n"));
	ck_assert_ptr_nonnull(strstr(answer, "m=video 0 "));
}
END_TEST

START_TEST(a_broken_rtpmap_on_the_audio_line_is_ignored)
{
	static const char offer[] = OFFER_HEAD
		"m=audio 40000 RTP/AVP 98 0\r\n"
		"a=rtpmap:98 foo\r\n"
		"a=rtpmap:0 PCMU/8000\r\n";

	ck_assert_str_eq(negotiated(offer, NULL), "PCMU");
	ck_assert_int_eq(params.payload_type, 0);
	ck_assert_ptr_nonnull(strstr(answer, "m=audio 10000 RTP/AVP 0\r\n"));
	ck_assert_ptr_null(strstr(answer, "foo"));
}
END_TEST

START_TEST(unknown_and_broken_lines_anywhere_are_ignored)
{
	static const char offer[] = "v=0\r\no=alice 1 1 IN IP4 10.0.0.1\r\n"
		"s=-\r\nc=IN IP4 10.0.0.1\r\nb=AS:x\r\nt=0 0\r\n"
		"a=x-unknown-session-attribute:whatever\r\n"
		"this line is no SDP\r\n"
		"m=audio 40000 RTP/AVP 8 101\r\n"
		"b=TIAS\r\n"
		"a=rtpmap:8 PCMA/8000\r\n"
		"a=rtpmap:101 telephone-event/8000\r\n"
		"a=fmtp:101\r\n"
		"a=rtcp:abc\r\n"
		"a=rtpmap:\r\n"
		"a=x-foo\r\n"
		"a=ptime:20\r\n"
		"m=application 5000 udp wb\r\n"
		"a=rtpmap:1 junk\r\n"
		"m=text 5002 RTP/AVP 98\r\n"
		"a=fmtp:98\r\n";

	ck_assert_str_eq(negotiated(offer, NULL), "PCMA");
	ck_assert_int_eq(params.telev_pt, 101);
	ck_assert_ptr_nonnull(strstr(answer, "m=audio 10000 RTP/AVP 8 101\r\n"));
	ck_assert_ptr_nonnull(strstr(answer, "m=application 0 "));
	ck_assert_ptr_nonnull(strstr(answer, "m=text 0 "));
}
END_TEST

START_TEST(junk_around_an_unusable_codec_is_still_not_supported)
{
	static const char offer[] = OFFER_HEAD
		"m=audio 40000 RTP/AVP 18 98\r\n"
		"a=rtpmap:18 G729/8000\r\n"
		"a=rtpmap:98 foo\r\n";

	ck_assert_int_eq(sdp_negotiate(offer, "127.0.0.1", 10000, NULL,
				       &answer, &params), ENOTSUP);
	ck_assert_ptr_null(answer);
}
END_TEST

START_TEST(an_offer_with_video_first_answers_both_lines_in_order)
{
	static const char offer[] = OFFER_HEAD
		"m=video 40002 RTP/AVP 96\r\n"
		"a=rtpmap:96 H264/90000\r\n"
		"m=audio 40000 RTP/AVP 8\r\n";
	const char *video;

	ck_assert_str_eq(negotiated(offer, NULL), "PCMA");
	video = strstr(answer, "m=video 0 ");
	ck_assert_ptr_nonnull(video);
	ck_assert_ptr_nonnull(strstr(video, "m=audio 10000 RTP/AVP 8\r\n"));
}
END_TEST

/* Our offer as libre reads it: "pt name/rate" of each format, in order. */
static void offer_formats(const char *offer, char *buf, size_t len)
{
	struct mbuf *mb = mbuf_alloc(strlen(offer));
	struct sdp_session *sess = NULL;
	struct sa laddr;
	const struct sdp_media *m;

	ck_assert_ptr_nonnull(mb);
	mbuf_write_str(mb, offer);
	mb->pos = 0;
	sa_set_str(&laddr, "127.0.0.9", 5004);
	ck_assert_int_eq(sdp_session_alloc(&sess, &laddr), 0);
	ck_assert_int_eq(sdp_decode(sess, mb, true), 0);
	m = list_ledata(list_head(sdp_session_medial(sess, false)));
	ck_assert_ptr_nonnull(m);
	ck_assert_str_eq(sdp_media_name(m), "audio");
	ck_assert_uint_eq(sdp_media_rport(m), 12000);
	buf[0] = '\0';
	for (struct le *le = list_head(sdp_media_format_lst(m, false)); le;
	     le = le->next) {
		const struct sdp_format *fmt = le->data;
		size_t n = strlen(buf);

		snprintf(buf + n, len - n, "%s%d %s/%u", n ? ", " : "",
			 fmt->pt, fmt->name, fmt->srate);
	}
	mem_deref(sess);
	mem_deref(mb);
}

START_TEST(our_offer_lists_every_codec_in_codec_order)
{
	char fmts[256];

	ck_assert_int_eq(sdp_offer_create("127.0.0.1", 12000, "GSM,opus",
					  &answer), 0);
	offer_formats(answer, fmts, sizeof(fmts));
	ck_assert_str_eq(fmts, "3 GSM/8000, 111 opus/48000, 0 PCMU/8000, "
			 "8 PCMA/8000, 9 G722/8000, 101 telephone-event/8000");
	ck_assert_ptr_nonnull(strstr(answer, "a=rtpmap:111 opus/48000/2\r\n"));
	ck_assert_ptr_nonnull(strstr(answer, "a=fmtp:101 0-15\r\n"));
}
END_TEST

START_TEST(our_offer_without_codec_order_is_in_our_default_order)
{
	char fmts[256];

	ck_assert_int_eq(sdp_offer_create("127.0.0.1", 12000, NULL, &answer), 0);
	offer_formats(answer, fmts, sizeof(fmts));
	ck_assert_str_eq(fmts, "0 PCMU/8000, 8 PCMA/8000, 9 G722/8000, "
			 "111 opus/48000, 3 GSM/8000, 101 telephone-event/8000");
}
END_TEST

START_TEST(our_offer_answered_by_ourselves_agrees_on_the_codec)
{
	char *offer = NULL;
	struct media_params mine;

	ck_assert_int_eq(sdp_offer_create("127.0.0.1", 12000, NULL, &offer), 0);
	ck_assert_str_eq(negotiated(offer, "opus"), "opus");
	ck_assert_int_eq(sdp_answer_parse(answer, &mine), 0);
	free(offer);
	ck_assert_ptr_eq(mine.codec, params.codec);
	ck_assert_int_eq(mine.payload_type, 111);
	ck_assert_int_eq(mine.telev_pt, 101);
	ck_assert_int_eq(mine.telev_clock, 8000);
}
END_TEST

START_TEST(answer_parse_takes_the_answers_first_codec)
{
	static const char ans[] = OFFER_HEAD
		"m=audio 40000 RTP/AVP 8 0 101\r\n"
		"a=rtpmap:8 PCMA/8000\r\na=rtpmap:0 PCMU/8000\r\n"
		"a=rtpmap:101 telephone-event/8000\r\n";
	const struct sockaddr_in *sin = (const void *)&params.remote;

	ck_assert_int_eq(sdp_answer_parse(ans, &params), 0);
	ck_assert_str_eq(params.codec->name, "PCMA");
	ck_assert_int_eq(params.payload_type, 8);
	ck_assert_int_eq(params.telev_pt, 101);
	ck_assert_int_eq(params.telev_clock, 8000);
	ck_assert_int_eq(ntohs(sin->sin_port), 40000);
}
END_TEST

START_TEST(answer_parse_takes_the_answers_opus_payload_type)
{
	static const char ans[] = OFFER_HEAD
		"m=audio 40000 RTP/AVP 96\r\na=rtpmap:96 opus/48000/2\r\n";

	ck_assert_int_eq(sdp_answer_parse(ans, &params), 0);
	ck_assert_str_eq(params.codec->name, "opus");
	ck_assert_int_eq(params.payload_type, 96);
	ck_assert_int_eq(params.telev_pt, -1);
	ck_assert_int_eq(params.telev_clock, 0);
}
END_TEST

START_TEST(answer_parse_without_a_codec_of_ours_is_not_supported)
{
	static const char g729[] = OFFER_HEAD
		"m=audio 40000 RTP/AVP 18\r\na=rtpmap:18 G729/8000\r\n";
	static const char rejected[] = OFFER_HEAD
		"m=audio 0 RTP/AVP 0\r\n";

	ck_assert_int_eq(sdp_answer_parse(g729, &params), ENOTSUP);
	ck_assert_int_eq(sdp_answer_parse(rejected, &params), ENOTSUP);
	ck_assert_int_eq(sdp_answer_parse("junk\r\n", &params), EPROTO);
}
END_TEST

static const char *direction_of(const char *offer_tail, bool *hold)
{
	char offer[512];
	snprintf(offer, sizeof(offer), "%s", offer_tail);
	ck_assert_int_eq(sdp_negotiate(offer, "192.0.2.1", 20000, NULL, &answer,
				       &params), 0);
	*hold = params.hold;
	if (strstr(answer, "a=recvonly"))
		return "recvonly";
	if (strstr(answer, "a=inactive"))
		return "inactive";
	if (strstr(answer, "a=sendonly"))
		return "sendonly";
	return "sendrecv";
}

START_TEST(hold_offers_are_answered_recvonly_or_inactive)
{
	bool hold;
	ck_assert_str_eq(direction_of(OFFER_HEAD "m=audio 40000 RTP/AVP 0\r\n"
				      "a=sendonly\r\n", &hold), "recvonly");
	ck_assert(hold);
	teardown();
	ck_assert_str_eq(direction_of(OFFER_HEAD "m=audio 40000 RTP/AVP 0\r\n"
				      "a=inactive\r\n", &hold), "inactive");
	ck_assert(hold);
	teardown();
	ck_assert_str_eq(direction_of("v=0\r\no=a 1 1 IN IP4 10.0.0.1\r\ns=-\r\n"
				      "c=IN IP4 0.0.0.0\r\nt=0 0\r\n"
				      "m=audio 40000 RTP/AVP 0\r\n", &hold),
			 "recvonly");
	ck_assert(hold);
	teardown();
	ck_assert_str_eq(direction_of(OFFER_HEAD "m=audio 40000 RTP/AVP 0\r\n"
				      "a=sendrecv\r\n", &hold), "sendrecv");
	ck_assert(!hold);
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
	tcase_add_test(tc, offer_without_audio_has_no_media_type_for_us);
	tcase_add_test(tc, answer_has_our_address_and_port);
	tcase_add_test(tc, remote_address_comes_from_the_offer);
	tcase_add_test(tc, codec_order_chooses_g722_when_offered);
	tcase_add_test(tc, codec_order_is_case_insensitive_with_any_separator);
	tcase_add_test(tc, codec_order_without_an_offered_codec_keeps_the_offer_order);
	tcase_add_test(tc, codecs_not_in_codec_order_still_follow_in_offer_order);
	tcase_add_test(tc, offer_order_decides_without_codec_order);
	tcase_add_test(tc, opus_uses_the_offered_pt_and_telephone_event_at_48000);
	tcase_add_test(tc, hold_offers_are_answered_recvonly_or_inactive);
	tcase_add_test(tc, pcmu_takes_telephone_event_at_8000_when_both_are_offered);
	tcase_add_test(tc, opus_takes_telephone_event_at_8000_when_only_that_is_offered);
	tcase_add_test(tc, a_broken_rtpmap_on_the_video_line_does_not_stop_audio);
	tcase_add_test(tc, a_broken_rtpmap_on_the_audio_line_is_ignored);
	tcase_add_test(tc, unknown_and_broken_lines_anywhere_are_ignored);
	tcase_add_test(tc, junk_around_an_unusable_codec_is_still_not_supported);
	tcase_add_test(tc, an_offer_with_video_first_answers_both_lines_in_order);
	suite_add_tcase(s, tc);
	tc = tcase_create("offer");
	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, our_offer_lists_every_codec_in_codec_order);
	tcase_add_test(tc, our_offer_without_codec_order_is_in_our_default_order);
	tcase_add_test(tc, our_offer_answered_by_ourselves_agrees_on_the_codec);
	tcase_add_test(tc, answer_parse_takes_the_answers_first_codec);
	tcase_add_test(tc, answer_parse_takes_the_answers_opus_payload_type);
	tcase_add_test(tc, answer_parse_without_a_codec_of_ours_is_not_supported);
	suite_add_tcase(s, tc);
	return s;
}
