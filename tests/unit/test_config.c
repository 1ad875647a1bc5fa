/* test_config.c: sems.conf and plug-in config files. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sems/config.h>
#include "core_config.h"

static char conf_path[64];

static const char *write_conf(const char *text)
{
	strcpy(conf_path, "/tmp/sems-test-confXXXXXX");
	int fd = mkstemp(conf_path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return conf_path;
}

static void teardown(void)
{
	if (conf_path[0])
		unlink(conf_path);
	conf_path[0] = '\0';
}

START_TEST(comments_blank_lines_quotes_and_spaces_are_handled)
{
	struct sems_config *cfg;
	const char *p = write_conf("# comment\n\n  key1 = value one  \nkey2=\"quoted # not comment\"\n"
				   "key1=again\nempty=\n");
	ck_assert_int_eq(sems_config_load(&cfg, p, NULL), 0);
	ck_assert_str_eq(sems_config_get(cfg, "key1"), "again");
	ck_assert_str_eq(sems_config_get(cfg, "key2"), "quoted # not comment");
	ck_assert_str_eq(sems_config_get(cfg, "empty"), "");
	ck_assert_ptr_null(sems_config_get(cfg, "missing"));
	ck_assert_uint_eq(sems_config_count(cfg), 3);
	sems_config_free(cfg);
}
END_TEST

START_TEST(a_line_without_equals_is_an_error_with_its_line_number)
{
	struct sems_config *cfg = NULL;
	unsigned line = 0;
	const char *p = write_conf("a=1\n# fine\nthis is wrong\n");
	ck_assert_int_eq(sems_config_load(&cfg, p, &line), EINVAL);
	ck_assert_uint_eq(line, 3);
	ck_assert_ptr_null(cfg);
}
END_TEST

START_TEST(a_missing_file_is_enoent)
{
	struct sems_config *cfg = NULL;
	ck_assert_int_eq(sems_config_load(&cfg, "/nonexistent/x.conf", NULL), ENOENT);
}
END_TEST

START_TEST(core_keys_are_parsed_and_media_ip_defaults_to_sip_ip)
{
	struct core_config c;
	char err[256] = "";
	const char *p = write_conf("sip_ip=127.0.0.2\nsip_port=5070\nrtp_low_port=20000\n"
				   "rtp_high_port=20100\nloglevel=3\nstderr=yes\nfork=no\n"
				   "application=$(apphdr)\nsession_processor_threads=8\n"
				   "media_processor_threads=2\ndead_rtp_time=0\nload_plugins=ivr;foo\n"
				   "codec_order=opus,G722;PCMU\n");
	ck_assert_int_eq(core_config_load(&c, p, err, sizeof(err)), 0);
	ck_assert_str_eq(c.sip_ip, "127.0.0.2");
	ck_assert_str_eq(c.media_ip, "127.0.0.2");
	ck_assert_uint_eq(c.sip_port, 5070);
	ck_assert_uint_eq(c.rtp_low_port, 20000);
	ck_assert_uint_eq(c.rtp_high_port, 20100);
	ck_assert_uint_eq(c.loglevel, 3);
	ck_assert(c.log_stderr);
	ck_assert(!c.daemonize);
	ck_assert_str_eq(c.application, "$(apphdr)");
	ck_assert_uint_eq(c.session_threads, 8);
	ck_assert_uint_eq(c.media_threads, 2);
	ck_assert_uint_eq(c.dead_rtp_time, 0);
	ck_assert_str_eq(c.load_plugins, "ivr;foo");
	ck_assert_str_eq(c.codec_order, "opus,G722;PCMU");
}
END_TEST

START_TEST(outbound_proxy_and_dialout_timeout)
{
	struct core_config c;
	char err[256] = "";
	const char *p = write_conf("sip_ip=127.0.0.1\n");
	ck_assert_int_eq(core_config_load(&c, p, err, sizeof(err)), 0);
	ck_assert_str_eq(c.outbound_proxy, "");
	ck_assert_uint_eq(c.dialout_timeout, 60);
	teardown();
	p = write_conf("outbound_proxy=sip:proxy.example.com:5070;lr\n"
		       "dialout_timeout=5\n");
	ck_assert_int_eq(core_config_load(&c, p, err, sizeof(err)), 0);
	ck_assert_str_eq(c.outbound_proxy, "sip:proxy.example.com:5070;lr");
	ck_assert_uint_eq(c.dialout_timeout, 5);
	teardown();
	p = write_conf("dialout_timeout=0\n");
	ck_assert_int_eq(core_config_load(&c, p, err, sizeof(err)), EINVAL);
}
END_TEST

START_TEST(bad_values_name_the_file_line_and_key)
{
	static const char *const bad[] = {
		"sip_port=70000\n", "sip_port=abc\n", "loglevel=7\n",
		"sip_ip=not-an-ip\n", "fork=maybe\n", "rtp_low_port=-5\n",
		"session_processor_threads=0\n",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct core_config c;
		char err[256] = "", want[128];
		char text[128];
		snprintf(text, sizeof(text), "# first\n%s", bad[i]);
		const char *p = write_conf(text);
		ck_assert_int_eq(core_config_load(&c, p, err, sizeof(err)), EINVAL);
		snprintf(want, sizeof(want), "%s:2: bad value", p);
		ck_assert_msg(strstr(err, want), "'%s' gave '%s'", bad[i], err);
		teardown();
	}
}
END_TEST

START_TEST(rtp_range_must_not_be_inverted)
{
	struct core_config c;
	char err[256] = "";
	const char *p = write_conf("rtp_low_port=30000\nrtp_high_port=20000\n");
	ck_assert_int_eq(core_config_load(&c, p, err, sizeof(err)), EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "rtp_low_port"));
}
END_TEST

START_TEST(dtmf_inband_is_auto_always_or_never)
{
	struct core_config c;
	char err[256] = "";

	ck_assert_int_eq(core_config_load(&c, write_conf("sip_port=5099\n"), err,
					  sizeof(err)), 0);
	ck_assert_str_eq(c.dtmf_inband, "auto");
	ck_assert_int_eq(core_config_load(&c, write_conf("dtmf_inband=never\n"),
					  err, sizeof(err)), 0);
	ck_assert_str_eq(c.dtmf_inband, "never");
	ck_assert_int_eq(core_config_load(&c, write_conf("dtmf_inband=on\n"),
					  err, sizeof(err)), EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "dtmf_inband must be auto, always or never"));
}
END_TEST

START_TEST(unknown_keys_are_only_warned_about)
{
	struct core_config c;
	char err[256] = "";
	const char *p = write_conf("no_such_key=1\nsip_port=5099\n");
	ck_assert_int_eq(core_config_load(&c, p, err, sizeof(err)), 0);
	ck_assert_uint_eq(c.sip_port, 5099);
}
END_TEST

Suite *config_suite(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("config");
	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, comments_blank_lines_quotes_and_spaces_are_handled);
	tcase_add_test(tc, a_line_without_equals_is_an_error_with_its_line_number);
	tcase_add_test(tc, a_missing_file_is_enoent);
	tcase_add_test(tc, core_keys_are_parsed_and_media_ip_defaults_to_sip_ip);
	tcase_add_test(tc, bad_values_name_the_file_line_and_key);
	tcase_add_test(tc, outbound_proxy_and_dialout_timeout);
	tcase_add_test(tc, rtp_range_must_not_be_inverted);
	tcase_add_test(tc, dtmf_inband_is_auto_always_or_never);
	tcase_add_test(tc, unknown_keys_are_only_warned_about);
	suite_add_tcase(s, tc);
	return s;
}
