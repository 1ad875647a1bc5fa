/* test_config_doc.c: docs/configuration.md lists exactly the keys the
 * code reads: sems.conf against core_keys[] (core_config.c), ivr.conf
 * against the sems_config_get() calls of src/ivr/ivr_plugin.c.  Run from
 * the top of the tree (make unit). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core_config.h"

#define MAX_KEYS 128

/* The `key` cells of the table under "## SECTION". */
static size_t doc_keys(const char *section, char keys[][64])
{
	FILE *f = fopen("docs/configuration.md", "r");
	char line[1024];
	bool in = false;
	size_t n = 0;

	ck_assert_msg(f != NULL, "docs/configuration.md not found (run from the top dir)");
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "## ", 3))
			in = !strncmp(line + 3, section, strlen(section)) &&
			     line[3 + strlen(section)] == '\n';
		if (!in || strncmp(line, "| `", 3))
			continue;
		char *end = strchr(line + 3, '`');
		ck_assert_ptr_nonnull(end);
		*end = '\0';
		ck_assert_msg(strstr(end + 1, "| ") != NULL, "no default for %s", line + 3);
		ck_assert(n < MAX_KEYS);
		snprintf(keys[n++], 64, "%.63s", line + 3);
	}
	fclose(f);
	return n;
}

static bool listed(char keys[][64], size_t n, const char *k)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(keys[i], k))
			return true;
	return false;
}

START_TEST(sems_conf_keys_match_the_code)
{
	char keys[MAX_KEYS][64];
	size_t n = doc_keys("sems.conf", keys);

	ck_assert_uint_eq(n, core_config_key_count());
	for (size_t i = 0; i < core_config_key_count(); i++)
		ck_assert_msg(listed(keys, n, core_config_key_name(i)),
			      "sems.conf key %s is not in docs/configuration.md",
			      core_config_key_name(i));
}
END_TEST

START_TEST(ivr_conf_keys_match_the_code)
{
	char keys[MAX_KEYS][64], code[MAX_KEYS][64], line[1024];
	size_t n = doc_keys("ivr.conf", keys), m = 0;
	FILE *f = fopen("src/ivr/ivr_plugin.c", "r");

	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof(line), f)) {
		char *p = strstr(line, "sems_config_get(cfg, \"");
		if (!p)
			continue;
		p += strlen("sems_config_get(cfg, \"");
		char *q = strchr(p, '"');
		ck_assert_ptr_nonnull(q);
		*q = '\0';
		if (!listed(code, m, p))
			snprintf(code[m++], 64, "%.63s", p);
	}
	fclose(f);
	ck_assert_uint_eq(n, m);
	for (size_t i = 0; i < m; i++)
		ck_assert_msg(listed(keys, n, code[i]),
			      "ivr.conf key %s is not in docs/configuration.md", code[i]);
}
END_TEST

Suite *config_doc_suite(void)
{
	Suite *s = suite_create("config_doc");
	TCase *tc = tcase_create("keys");
	tcase_add_test(tc, sems_conf_keys_match_the_code);
	tcase_add_test(tc, ivr_conf_keys_match_the_code);
	suite_add_tcase(s, tc);
	return s;
}
