/* test_sip_headers.c: header block and parameter list lookups (sip.h). */
#include <check.h>
#include <stdlib.h>
#include <sems/sip.h>

Suite *sip_headers_suite(void);

static const char *const HDRS =
	"P-App-Name: announce\r\n"
	"X-Multi: one\r\n"
	"subject: hello\r\n"
	"X-Multi:two \r\n"
	"X-Folded: first\r\n second\r\n"
	"P-Iptel-Param: Dialout-User=alice;Mode=\"a b\";flag\r\n"
	"X-Empty:\r\n";

#define ck_result(expr, want) do { \
	char *got_ = (expr); \
	ck_assert_ptr_nonnull(got_); \
	ck_assert_str_eq(got_, (want)); \
	free(got_); \
} while (0)

START_TEST(header_name_is_case_insensitive)
{
	ck_result(sems_header_get(HDRS, "p-app-name"), "announce");
	ck_result(sems_header_get(HDRS, "P-APP-NAME"), "announce");
}
END_TEST

START_TEST(compact_form_matches_long_name_both_ways)
{
	ck_result(sems_header_get(HDRS, "s"), "hello");
	ck_result(sems_header_get(HDRS, "Subject"), "hello");
	ck_result(sems_header_get("f: <sip:a@b>;tag=1\r\n", "From"),
		  "<sip:a@b>;tag=1");
	ck_result(sems_header_get("i: abc\r\n", "call-id"), "abc");
}
END_TEST

START_TEST(absent_header_is_empty_string)
{
	ck_result(sems_header_get(HDRS, "X-None"), "");
	ck_result(sems_header_get_all(HDRS, "X-None"), "");
	ck_result(sems_header_get("", "X"), "");
	ck_result(sems_header_get(NULL, "X"), "");
	ck_result(sems_header_get(HDRS, "X-Empty"), "");
}
END_TEST

START_TEST(first_value_and_all_values_joined)
{
	ck_result(sems_header_get(HDRS, "X-Multi"), "one");
	ck_result(sems_header_get_all(HDRS, "x-multi"), "one, two");
}
END_TEST

START_TEST(folded_header_continues_on_next_line)
{
	ck_result(sems_header_get(HDRS, "X-Folded"), "first\r\n second");
	ck_result(sems_header_get(HDRS, "P-Iptel-Param"),
		  "Dialout-User=alice;Mode=\"a b\";flag");
}
END_TEST

START_TEST(bare_lf_lines_and_no_final_crlf)
{
	ck_result(sems_header_get("A: 1\nB: 2", "b"), "2");
}
END_TEST

START_TEST(session_param_from_p_iptel_param)
{
	ck_result(sems_header_session_param(HDRS, "Dialout-User"), "alice");
	ck_result(sems_header_session_param(HDRS, "Mode"), "a b");
	ck_result(sems_header_session_param(HDRS, "flag"), "");
	ck_result(sems_header_session_param(HDRS, "none"), "");
	ck_result(sems_header_session_param("", "x"), "");
}
END_TEST

START_TEST(param_list_lookup)
{
	ck_result(sems_param_get("a=1;b=2", "b"), "2");
	ck_result(sems_param_get(" a = 1 ; b=2", "a"), "1");
	ck_result(sems_param_get("a=1", "c"), "");
	ck_result(sems_param_get("", "c"), "");
	ck_result(sems_param_get("ab=1;a=2", "a"), "2");
}
END_TEST

START_TEST(dialog_status_names_match_sems)
{
	ck_assert_str_eq(sems_dialog_status_str(SEMS_DLG_DISCONNECTED),
			 "Disconnected");
	ck_assert_str_eq(sems_dialog_status_str(SEMS_DLG_CONNECTED),
			 "Connected");
	ck_assert_str_eq(sems_dialog_status_str(SEMS_DLG_DISCONNECTING),
			 "Disconnecting");
	ck_assert_str_eq(sems_dialog_status_str((enum sems_dialog_status)99),
			 "Unknown");
}
END_TEST

Suite *sip_headers_suite(void)
{
	Suite *s = suite_create("sip_headers");
	TCase *tc = tcase_create("lookups");

	tcase_add_test(tc, header_name_is_case_insensitive);
	tcase_add_test(tc, compact_form_matches_long_name_both_ways);
	tcase_add_test(tc, absent_header_is_empty_string);
	tcase_add_test(tc, first_value_and_all_values_joined);
	tcase_add_test(tc, folded_header_continues_on_next_line);
	tcase_add_test(tc, bare_lf_lines_and_no_final_crlf);
	tcase_add_test(tc, session_param_from_p_iptel_param);
	tcase_add_test(tc, param_list_lookup);
	tcase_add_test(tc, dialog_status_names_match_sems);
	suite_add_tcase(s, tc);
	return s;
}
