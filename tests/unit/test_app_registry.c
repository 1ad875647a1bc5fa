/* test_app_registry.c: replace/unregister keep what live sessions use. */
#include <check.h>
#include <errno.h>
#include "app_registry.h"

static int freed[3];

static int n_new(void *arg, struct sems_session *s, void **st)
{
	(void)arg; (void)s; *st = NULL;
	return 0;
}
static void n_event(void *st, struct sems_session *s, const struct sems_event *e)
{
	(void)st; (void)s; (void)e;
}
static void n_free_arg(void *arg)
{
	freed[(int)(long)arg]++;
}
static const struct sems_app_ops ops = {
	.session_new = n_new, .session_event = n_event, .app_free = n_free_arg,
};

START_TEST(replace_keeps_old_until_put)
{
	app_registry_clear();
	freed[0] = freed[1] = freed[2] = 0;
	ck_assert_int_eq(sems_app_register("a", &ops, (void *)0L), 0);
	const struct app *live = app_get("a");          /* a live session */
	ck_assert_ptr_nonnull(live);
	ck_assert_int_eq(sems_app_replace("a", &ops, (void *)1L), 0);
	ck_assert_int_eq(freed[0], 0);                  /* still in use */
	const struct app *now = app_get("a");
	ck_assert_ptr_eq(now->arg, (void *)1L);
	ck_assert_ptr_eq(live->arg, (void *)0L);
	ck_assert_str_eq(live->name, "a");
	app_put(live);
	ck_assert_int_eq(freed[0], 1);
	ck_assert_int_eq(sems_app_unregister("a"), 0);
	ck_assert_ptr_null(app_get("a"));
	ck_assert_int_eq(freed[1], 0);                  /* `now` holds it */
	app_put(now);
	ck_assert_int_eq(freed[1], 1);
	ck_assert_int_eq(sems_app_unregister("a"), ENOENT);
	ck_assert_int_eq(sems_app_replace("b", &ops, (void *)2L), 0);
	ck_assert(app_exists("b"));
	app_registry_clear();
	ck_assert_int_eq(freed[2], 1);
	ck_assert(!app_exists("b"));
}
END_TEST

Suite *app_registry_suite(void)
{
	Suite *s = suite_create("app_registry");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, replace_keeps_old_until_put);
	suite_add_tcase(s, tc);
	return s;
}
