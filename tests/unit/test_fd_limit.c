/* test_fd_limit.c: the file descriptor reserve (fd_limit.c) and a
 * recording refused at it. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>
#include <sems/audio.h>
#include "fd_limit.h"

/* Each test runs in its own process (Check's fork mode): the limit it
 * sets goes with it. */
static void set_soft_limit(rlim_t n)
{
	struct rlimit rl;

	ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &rl), 0);
	rl.rlim_cur = n;
	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &rl), 0);
}

/* Opens /dev/null until the next descriptor would be in the reserve;
 * returns the lowest free descriptor then. */
static int fill_to_reserve(void)
{
	int fd;

	while (!fd_reserve_reached())
		ck_assert_int_ge(open("/dev/null", O_RDONLY), 0);
	fd = open("/dev/null", O_RDONLY);
	close(fd);
	return fd;
}

START_TEST(the_reserve_is_an_eighth_of_the_limit_within_8_to_64)
{
	static const struct { rlim_t limit; unsigned reserve; } cases[] = {
		{ 40, 8 }, { 64, 8 }, { 200, 25 }, { 512, 64 }, { 4096, 64 },
	};
	unsigned limit, reserve;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		set_soft_limit(cases[i].limit);
		fd_limit_get(&limit, &reserve);
		ck_assert_uint_eq(limit, cases[i].limit);
		ck_assert_uint_eq(reserve, cases[i].reserve);
	}
}
END_TEST

START_TEST(descriptors_in_the_reserve_are_refused)
{
	set_soft_limit(64);
	ck_assert(!fd_in_reserve(3));
	ck_assert(!fd_in_reserve(55));
	ck_assert(fd_in_reserve(56));
	ck_assert(fd_in_reserve(63));
	ck_assert_int_eq(fill_to_reserve(), 56);
}
END_TEST

START_TEST(a_recording_at_the_reserve_fails_without_creating_its_file)
{
	char dir[] = "/tmp/sems_fd_limit_XXXXXX", path[64], err[256] = "";
	struct sems_audio *a = NULL;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/rec.wav", dir);
	set_soft_limit(64);
	fill_to_reserve();
	ck_assert_int_eq(sems_audio_open(&a, path, SEMS_AUDIO_WRITE, err,
					 sizeof(err)), EMFILE);
	ck_assert_ptr_null(a);
	ck_assert_msg(strstr(err, "Too many open files"), "message: %s", err);
	ck_assert_int_ne(access(path, F_OK), 0);
	ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

Suite *fd_limit_suite(void)
{
	Suite *s = suite_create("fd_limit");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, the_reserve_is_an_eighth_of_the_limit_within_8_to_64);
	tcase_add_test(tc, descriptors_in_the_reserve_are_refused);
	tcase_add_test(tc, a_recording_at_the_reserve_fails_without_creating_its_file);
	suite_add_tcase(s, tc);
	return s;
}
