/* test_ser_parse.c: Kamailio t_write_unix datagrams, good and bad. */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "ser/ser_parse.h"

/* As captured from Kamailio 5.6 (t_write_unix(..., "sems/app_headers")). */
static const char invite_dgram[] =
	"0.3\n"
	"sip_request.sems\n"
	"INVITE\n"
	"announce\n"
	"127.0.0.1\n"
	"127.0.0.1\n"
	"5071\n"
	"sip:announce@127.0.0.1:5071\n"
	"sip:sipp@127.0.0.1:5072;transport=udp\n"
	"sipp <sip:sipp@127.0.0.1:5072>\n"
	"<sip:announce@127.0.0.1:5071>\n"
	"1-7172@127.0.0.1\n"
	"7172SIPpTag001\n"
	"\n"
	"1\n"
	"1658:897120517\n"
	".\n"
	".\n"
	"P-MsgFlags: 08\n"
	"P-App-Name: announce\n"
	".\n"
	"v=0\r\no=user1 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\n"
	"t=0 0\r\nm=audio 6000 RTP/AVP 0\r\n\n";

static const char bye_dgram[] =
	"0.3\nsip_request.ivr\nBYE\nannounce\n127.0.0.1\n127.0.0.1\n.\n"
	"sip:announce@127.0.0.1\nsip:sipp@127.0.0.1:5072\n"
	"sipp <sip:sipp@127.0.0.1:5072>\n"
	"announce <sip:announce@127.0.0.1>;tag=totag123\n"
	"1-5937@127.0.0.1\n5937SIPpTag001\ntotag123\n2\n13286:631268238\n"
	"<sip:10.0.0.1;lr>,<sip:10.0.0.2;lr>\nsip:10.0.0.1;lr\n"
	"P-MsgFlags: 08\n.\n.\n";

static int parse(struct ser_request *sr, const char *d, size_t len,
		 const char **why)
{
	return ser_parse_request(sr, d, len, why);
}

/* Parses a copy of the INVITE with `from` replaced by `to` (once). */
static int parse_edited(const char *from, const char *to, const char **why)
{
	const char *at = strstr(invite_dgram, from);
	ck_assert_ptr_nonnull(at);
	size_t pre = (size_t)(at - invite_dgram);
	size_t len = pre + strlen(to) + strlen(at + strlen(from));
	char *d = malloc(len + 1);
	memcpy(d, invite_dgram, pre);
	strcpy(d + pre, to);
	strcat(d, at + strlen(from));
	struct ser_request sr;
	int err = parse(&sr, d, len, why);
	if (!err)
		ser_request_reset(&sr);
	free(d);
	return err;
}

START_TEST(invite_fields_come_from_their_lines)
{
	struct ser_request sr;
	const char *why;
	ck_assert_int_eq(parse(&sr, invite_dgram, strlen(invite_dgram), &why), 0);
	ck_assert_str_eq(sr.cmd, "sems");
	ck_assert_str_eq(sr.hash_label, "1658:897120517");
	ck_assert_str_eq(sr.req.method, "INVITE");
	ck_assert_str_eq(sr.req.user, "announce");
	ck_assert_str_eq(sr.req.domain, "127.0.0.1");
	ck_assert_str_eq(sr.req.dstip, "127.0.0.1");
	ck_assert_str_eq(sr.req.port, "5071");
	ck_assert_str_eq(sr.req.r_uri, "sip:announce@127.0.0.1:5071");
	ck_assert_str_eq(sr.req.contact, "sip:sipp@127.0.0.1:5072;transport=udp");
	ck_assert_str_eq(sr.req.from, "sipp <sip:sipp@127.0.0.1:5072>");
	ck_assert_str_eq(sr.req.from_uri, "sip:sipp@127.0.0.1:5072");
	ck_assert_str_eq(sr.req.to, "<sip:announce@127.0.0.1:5071>");
	ck_assert_str_eq(sr.req.callid, "1-7172@127.0.0.1");
	ck_assert_str_eq(sr.req.from_tag, "7172SIPpTag001");
	ck_assert_str_eq(sr.req.to_tag, "");
	ck_assert_uint_eq(sr.req.cseq, 1);
	ck_assert_str_eq(sr.req.route, "");
	ck_assert_str_eq(sr.req.next_hop, "");
	ck_assert_str_eq(sr.req.hdrs,
			 "P-MsgFlags: 08\r\nP-App-Name: announce\r\n");
	ck_assert_str_eq(sr.req.content_type, "application/sdp");
	ck_assert(!strncmp(sr.req.body, "v=0\r\n", 5));
	ck_assert(strstr(sr.req.body, "RTP/AVP 0\r\n") != NULL);
	ck_assert_int_eq(sr.req.body[strlen(sr.req.body) - 1], '\n');
	ck_assert_int_eq(sr.req.body[strlen(sr.req.body) - 2], '\r');
	ser_request_reset(&sr);
}
END_TEST

START_TEST(bye_has_route_set_next_hop_and_no_body)
{
	struct ser_request sr;
	const char *why;
	ck_assert_int_eq(parse(&sr, bye_dgram, strlen(bye_dgram), &why), 0);
	ck_assert_str_eq(sr.cmd, "ivr");
	ck_assert_str_eq(sr.req.method, "BYE");
	ck_assert_str_eq(sr.req.port, "5060");
	ck_assert_str_eq(sr.req.to_tag, "totag123");
	ck_assert_uint_eq(sr.req.cseq, 2);
	ck_assert_str_eq(sr.route_set, "<sip:10.0.0.1;lr>,<sip:10.0.0.2;lr>");
	ck_assert_str_eq(sr.req.route,
			 "Route: <sip:10.0.0.1;lr>,<sip:10.0.0.2;lr>\r\n");
	ck_assert_str_eq(sr.req.next_hop, "sip:10.0.0.1;lr");
	ck_assert_str_eq(sr.req.body, "");
	ck_assert_str_eq(sr.req.content_type, "");
	ser_request_reset(&sr);
}
END_TEST

START_TEST(empty_invite_body_is_empty)
{
	const char *why;
	struct ser_request sr;
	char *d = strdup(invite_dgram);
	char *body = strstr(d, ".\nv=0") + 2;
	strcpy(body, "\n");
	ck_assert_int_eq(parse(&sr, d, strlen(d), &why), 0);
	ck_assert_str_eq(sr.req.body, "");
	ser_request_reset(&sr);
	free(d);
}
END_TEST

START_TEST(wrong_version_is_refused)
{
	const char *why;
	ck_assert_int_eq(parse_edited("0.3\n", "0.2\n", &why), EBADMSG);
	ck_assert(strstr(why, "version") != NULL);
}
END_TEST

START_TEST(bad_command_line_is_refused)
{
	const char *why;
	ck_assert_int_eq(parse_edited("sip_request.sems\n", "sems\n", &why), EBADMSG);
	ck_assert_int_eq(parse_edited("sip_request.sems\n", "sip_request.\n", &why),
			 EBADMSG);
	ck_assert(strstr(why, "command") != NULL);
}
END_TEST

START_TEST(bad_numbers_are_refused)
{
	const char *why;
	ck_assert_int_eq(parse_edited("\n1\n1658", "\nx1\n1658", &why), EBADMSG);
	ck_assert(strstr(why, "CSeq") != NULL);
	ck_assert_int_eq(parse_edited("1658:897120517", "1658-897120517", &why),
			 EBADMSG);
	ck_assert_int_eq(parse_edited("1658:897120517", "1658:", &why), EBADMSG);
	ck_assert(strstr(why, "hash:label") != NULL);
	ck_assert_int_eq(parse_edited("1-7172@127.0.0.1\n", "\n", &why), EBADMSG);
	ck_assert(strstr(why, "Call-ID") != NULL);
}
END_TEST

START_TEST(every_truncation_is_refused)
{
	const char *why;
	struct ser_request sr;
	size_t full = strlen(invite_dgram);
	/* cut anywhere before the body's final newline: never accepted except
	 * when the cut falls at the end of the body, which loses SDP lines
	 * but is still a well-formed datagram only if it ends in '\n' */
	for (size_t len = 0; len < full; len++) {
		int err = parse(&sr, invite_dgram, len, &why);
		const char *body = strstr(invite_dgram, ".\nv=0") + 2;
		if ((size_t)(body - invite_dgram) < len &&
		    invite_dgram[len - 1] == '\n') {
			if (!err)
				ser_request_reset(&sr);
			continue;
		}
		ck_assert_msg(err == EBADMSG, "length %zu accepted", len);
		ck_assert(why[0] != '\0');
	}
}
END_TEST

START_TEST(missing_header_terminator_is_refused)
{
	const char *why;
	const char d[] = "0.3\nsip_request.ivr\nBYE\nu\nh\n1.2.3.4\n.\nsip:u@h\n"
		"sip:c@h\n<sip:c@h>\n<sip:u@h>;tag=b\ncid\na\nb\n2\n1:2\n.\n.\n"
		"P-MsgFlags: 0\n";
	struct ser_request sr;
	ck_assert_int_eq(parse(&sr, d, strlen(d), &why), EBADMSG);
	ck_assert(strstr(why, "header block") != NULL);
}
END_TEST

START_TEST(garbage_in_header_block_is_refused)
{
	const char *why;
	ck_assert_int_eq(parse_edited("P-App-Name: announce\n", "garbage\n", &why),
			 EBADMSG);
}
END_TEST

START_TEST(oversized_and_nul_datagrams_are_refused)
{
	const char *why;
	struct ser_request sr;
	size_t big = SER_DGRAM_MAX + 1;
	char *d = malloc(big);
	memset(d, 'a', big);
	memcpy(d, invite_dgram, strlen(invite_dgram));
	ck_assert_int_eq(parse(&sr, d, big, &why), EMSGSIZE);
	ck_assert_int_eq(parse(&sr, "0.3\n\0x\n", 7, &why), EBADMSG);
	ck_assert_int_eq(parse(&sr, "", 0, &why), EBADMSG);
	free(d);
}
END_TEST

START_TEST(random_garbage_never_crashes)
{
	const char *why;
	struct ser_request sr;
	char d[512];
	srand(7);
	for (int i = 0; i < 2000; i++) {
		size_t len = (size_t)(rand() % (int)sizeof(d));
		memcpy(d, invite_dgram, len < sizeof(invite_dgram) ? len : 0);
		for (size_t j = 0; j < len; j++)
			if (rand() % 8 == 0)
				d[j] = (char)(rand() % 256);
		if (!parse(&sr, d, len, &why))
			ser_request_reset(&sr);
	}
}
END_TEST

Suite *ser_parse_suite(void)
{
	Suite *s = suite_create("ser_parse");
	TCase *tc = tcase_create("datagram");
	tcase_add_test(tc, invite_fields_come_from_their_lines);
	tcase_add_test(tc, bye_has_route_set_next_hop_and_no_body);
	tcase_add_test(tc, empty_invite_body_is_empty);
	tcase_add_test(tc, wrong_version_is_refused);
	tcase_add_test(tc, bad_command_line_is_refused);
	tcase_add_test(tc, bad_numbers_are_refused);
	tcase_add_test(tc, every_truncation_is_refused);
	tcase_add_test(tc, missing_header_terminator_is_refused);
	tcase_add_test(tc, garbage_in_header_block_is_refused);
	tcase_add_test(tc, oversized_and_nul_datagrams_are_refused);
	tcase_add_test(tc, random_garbage_never_crashes);
	suite_add_tcase(s, tc);
	return s;
}
