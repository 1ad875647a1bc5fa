/* test_routing.c: choosing the application of a call, and which names
 * can ever be an application. */
#include <check.h>
#include <errno.h>
#include <string.h>
#include <sems/app.h>
#include <sems/sip.h>
#include "app_registry.h"
#include "routing.h"

static struct sems_sip_request request(const char *user, const char *r_uri,
				       const char *hdrs)
{
	return (struct sems_sip_request){ .user = user, .r_uri = r_uri, .hdrs = hdrs };
}

START_TEST(ruri_user_selects_the_script)
{
	char name[66];
	struct sems_sip_request r = request("announce", "sip:announce@h", "");
	ck_assert_int_eq(routing_select_app("$(ruri.user)", &r, name, sizeof(name)), 0);
	ck_assert_str_eq(name, "announce");
}
END_TEST

START_TEST(app_header_selects_the_script)
{
	char name[66];
	struct sems_sip_request r = request("123", "sip:123@h",
					    "X-A: b\r\np-app-name: menu\r\n");
	ck_assert_int_eq(routing_select_app("$(apphdr)", &r, name, sizeof(name)), 0);
	ck_assert_str_eq(name, "menu");
	r.hdrs = "X-A: b\r\n";
	ck_assert_int_eq(routing_select_app("$(apphdr)", &r, name, sizeof(name)), ENOENT);
}
END_TEST

START_TEST(ruri_param_selects_the_script)
{
	char name[66];
	struct sems_sip_request r = request("123", "sip:123@h;x=1;app=pin;y=2", "");
	ck_assert_int_eq(routing_select_app("$(ruri.param)", &r, name, sizeof(name)), 0);
	ck_assert_str_eq(name, "pin");
	r.r_uri = "sip:123@h";
	ck_assert_int_eq(routing_select_app("$(ruri.param)", &r, name, sizeof(name)), ENOENT);
}
END_TEST

START_TEST(a_fixed_name_always_wins)
{
	char name[66];
	struct sems_sip_request r = request("other", "sip:other@h", "");
	ck_assert_int_eq(routing_select_app("voicemail", &r, name, sizeof(name)), 0);
	ck_assert_str_eq(name, "voicemail");
}
END_TEST

START_TEST(an_overlong_name_is_refused_not_truncated)
{
	char name[66], user[201];
	memset(user, 'a', 200);
	user[200] = '\0';
	struct sems_sip_request r = request(user, "sip:x@h", "");
	ck_assert_int_eq(routing_select_app("$(ruri.user)", &r, name, sizeof(name)),
			 ENAMETOOLONG);
}
END_TEST

START_TEST(names_that_could_reach_the_file_system_are_invalid)
{
	static const char *const bad[] = {
		"", "../x", "..", "/etc/passwd", "a/b", "a.b", "a b", "x\n",
		"%2e%2e", "name;rm",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(!sems_app_name_valid(bad[i]), "'%s' accepted", bad[i]);
	char longest[66];
	memset(longest, 'a', 65);
	longest[65] = '\0';
	ck_assert(!sems_app_name_valid(longest));
	longest[64] = '\0';
	ck_assert(sems_app_name_valid(longest));
	ck_assert(sems_app_name_valid("announce"));
	ck_assert(sems_app_name_valid("my-app_2"));
}
END_TEST

static int dummy_new(void *arg, struct sems_session *s, void **state)
{
	(void)arg; (void)s; *state = NULL;
	return 0;
}
static void dummy_event(void *state, struct sems_session *s,
			const struct sems_event *ev)
{
	(void)state; (void)s; (void)ev;
}
static const struct sems_app_ops dummy_ops = { dummy_new, dummy_event, NULL, NULL };

START_TEST(registered_names_are_found_and_others_are_not)
{
	app_registry_clear();
	ck_assert_int_eq(sems_app_register("announce", &dummy_ops, NULL), 0);
	ck_assert_int_eq(sems_app_register("announce", &dummy_ops, NULL), EEXIST);
	ck_assert_int_eq(sems_app_register("../x", &dummy_ops, NULL), EINVAL);
	ck_assert_ptr_nonnull(app_find("announce"));
	ck_assert_ptr_null(app_find("Announce"));
	ck_assert_ptr_null(app_find("../announce"));
	ck_assert_ptr_null(app_find(""));
	app_registry_clear();
	ck_assert_ptr_null(app_find("announce"));
}
END_TEST

Suite *routing_suite(void)
{
	Suite *s = suite_create("routing");
	TCase *tc = tcase_create("routing");
	tcase_add_test(tc, ruri_user_selects_the_script);
	tcase_add_test(tc, app_header_selects_the_script);
	tcase_add_test(tc, ruri_param_selects_the_script);
	tcase_add_test(tc, a_fixed_name_always_wins);
	tcase_add_test(tc, an_overlong_name_is_refused_not_truncated);
	tcase_add_test(tc, names_that_could_reach_the_file_system_are_invalid);
	tcase_add_test(tc, registered_names_are_found_and_others_are_not);
	suite_add_tcase(s, tc);
	return s;
}
