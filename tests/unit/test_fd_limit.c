/* test_fd_limit.c: the file descriptor reserve (fd_limit.c), a recording
 * refused at it, and accept() at the limit. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
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

/* A listening socket on 127.0.0.1 and n clients connected to it (the
 * kernel completes their handshakes; accept() takes them in order). */
static int listen_with_clients(int *clients, int n)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sin);
	int l = socket(AF_INET, SOCK_STREAM, 0);

	ck_assert_int_ge(l, 0);
	ck_assert_int_eq(bind(l, (struct sockaddr *)&sin, sizeof(sin)), 0);
	ck_assert_int_eq(listen(l, 8), 0);
	ck_assert_int_eq(getsockname(l, (struct sockaddr *)&sin, &len), 0);
	for (int i = 0; i < n; i++) {
		clients[i] = socket(AF_INET, SOCK_STREAM, 0);
		ck_assert_int_eq(connect(clients[i], (struct sockaddr *)&sin,
					 sizeof(sin)), 0);
	}
	return l;
}

/* The server closed the client's connection: EOF or a reset. */
static bool closed_by_server(int client)
{
	char c;
	struct timeval tv = { .tv_sec = 2 };

	setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return recv(client, &c, 1, 0) <= 0 && errno != EAGAIN;
}

START_TEST(tcp_connections_stop_at_the_upper_half_of_the_reserve)
{
	int clients[2], l, fd;

	set_soft_limit(64);                  /* reserve 8: 56-63, upper 60-63 */
	l = listen_with_clients(clients, 2);
	while ((fd = open("/dev/null", O_RDONLY)) < 59)
		ck_assert_int_ge(fd, 0);
	close(fd);                           /* 59 is the next one */
	ck_assert_int_eq(accept(l, NULL, NULL), 59);
	errno = 0;
	ck_assert_int_eq(accept(l, NULL, NULL), -1);
	ck_assert_int_eq(errno, ECONNABORTED);
	ck_assert(closed_by_server(clients[1]));
	ck_assert_int_eq(fcntl(60, F_GETFD), -1);  /* not left open */
}
END_TEST

START_TEST(a_connection_at_emfile_is_taken_and_closed_not_left_queued)
{
	int clients[2], l, fd, first = -1, last = -1;

	set_soft_limit(64);
	fd_limit_init();
	l = listen_with_clients(clients, 2);
	while ((fd = open("/dev/null", O_RDONLY)) >= 0) {
		if (first < 0)
			first = fd;
		last = fd;
	}
	ck_assert_int_eq(errno, EMFILE);
	ck_assert_int_eq(last, 63);
	for (int i = 0; i < 2; i++) {
		errno = 0;
		ck_assert_int_eq(accept(l, NULL, NULL), -1);
		ck_assert_int_eq(errno, ECONNABORTED);
		ck_assert(closed_by_server(clients[i]));
	}
	/* the spare is kept again: the table is still full */
	ck_assert_int_eq(open("/dev/null", O_RDONLY), -1);
	/* LeakSanitizer reads /proc at the test process's exit */
	for (fd = first; fd <= last; fd++)
		close(fd);
}
END_TEST

Suite *fd_limit_suite(void)
{
	Suite *s = suite_create("fd_limit");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, the_reserve_is_an_eighth_of_the_limit_within_8_to_64);
	tcase_add_test(tc, descriptors_in_the_reserve_are_refused);
	tcase_add_test(tc, a_recording_at_the_reserve_fails_without_creating_its_file);
	tcase_add_test(tc, tcp_connections_stop_at_the_upper_half_of_the_reserve);
	tcase_add_test(tc, a_connection_at_emfile_is_taken_and_closed_not_left_queued);
	suite_add_tcase(s, tc);
	return s;
}
