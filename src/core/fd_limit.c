/* fd_limit.c: a reserve of file descriptors kept for what is not per call.
 *
 * Calls (RTP sockets) and recordings stop at the reserve and fail cleanly
 * (503, IOError).  TCP connections (SIP over TCP, HTTP) may take the lower
 * half of the reserve, never the upper half: that stays for opening
 * prompts, the Kamailio sockets, the scripts' own files.
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <re.h>
#include "sems/log.h"
#include "metrics/metrics.h"
#include "fd_limit.h"

enum { RESERVE_MIN = 8, RESERVE_MAX = 64 };

void fd_limit_get(unsigned *limit, unsigned *reserve)
{
	struct rlimit rl;
	rlim_t n = 1024, r;

	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur != RLIM_INFINITY)
		n = rl.rlim_cur;
	else if (!getrlimit(RLIMIT_NOFILE, &rl))
		n = 1u << 20;
	r = n / 8;
	r = r < RESERVE_MIN ? RESERVE_MIN : r > RESERVE_MAX ? RESERVE_MAX : r;
	*limit = n > (1u << 20) ? 1u << 20 : (unsigned)n;
	*reserve = (unsigned)r;
}

bool fd_in_reserve(int fd)
{
	unsigned limit, reserve;

	fd_limit_get(&limit, &reserve);
	return fd >= 0 && (unsigned)fd + reserve >= limit;
}

/* The descriptor the next open() would get is the lowest free one. */
bool fd_reserve_reached(void)
{
	int fd = open("/", O_PATH | O_CLOEXEC);
	bool reached = fd < 0 || fd_in_reserve(fd);

	if (fd >= 0)
		close(fd);
	return reached;
}

/* libre (1.1.0) accepts SIP TCP and HTTP connections with accept() and,
 * when it fails (EMFILE), returns and leaves the connection queued: the
 * listening socket stays readable and libre's loop wakes on it again and
 * again.  This definition in the executable takes the place of libc's for
 * libre (the dynamic linker binds a library's calls to the executable's
 * symbol first; nm -D build/sems shows it exported).  It never leaves a
 * connection queued: one that would get a descriptor in the upper half of
 * the reserve is closed at once, and when accept4() fails for want of
 * descriptors, the spare one kept here is freed to take the connection
 * and close it.  Either way the caller sees ECONNABORTED, which libre
 * treats as no connection.  Refusals are counted (/metrics) and logged:
 * the first, then at most one line per REFUSED_LOG_MS with the count. */
enum { REFUSED_LOG_MS = 10000 };
static int spare_fd = -1;
static struct {
	uint64_t unlogged;        /* refusals since the last line */
	uint64_t log_at;          /* tmr_jiffies() of the last line */
} refused;

void fd_limit_init(void)
{
	if (spare_fd < 0)
		spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
}

static void log_refused(int sock)
{
	unsigned limit, reserve;
	uint64_t now = tmr_jiffies();
	struct sa local;
	socklen_t len = sizeof(local.u);
	char where[64] = "?";

	metric_add(&metrics.tcp_refused, 1);
	refused.unlogged++;
	if (refused.log_at && now - refused.log_at < REFUSED_LOG_MS)
		return;
	fd_limit_get(&limit, &reserve);
	sa_init(&local, AF_UNSPEC);
	if (!getsockname(sock, &local.u.sa, &len)) {
		local.len = len;
		(void)re_snprintf(where, sizeof(where), "%J", &local);
	}
	if (!refused.log_at)
		SEMS_WARN("TCP connection to %s refused at the open file limit"
			  " (%u, %u kept in reserve); further refusals are"
			  " counted", where, limit, reserve);
	else
		SEMS_WARN("%llu TCP connections refused at the open file limit"
			  " (%u, %u kept in reserve) in the last %llu s, the"
			  " last to %s", (unsigned long long)refused.unlogged,
			  limit, reserve,
			  (unsigned long long)(now - refused.log_at) / 1000,
			  where);
	refused.unlogged = 0;
	refused.log_at = now;
}

/* No descriptor for the connection: take it with the spare one, close it
 * and keep the spare again. */
static int accept_with_spare(int sock)
{
	int fd, err;

	close(spare_fd);
	fd = accept4(sock, NULL, NULL, SOCK_CLOEXEC);
	err = errno;
	if (fd >= 0)
		close(fd);
	spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	errno = err;
	return fd;
}

int accept(int sock, struct sockaddr *addr, socklen_t *len)
{
	unsigned limit, reserve;
	int fd = accept4(sock, addr, len, SOCK_CLOEXEC);

	if (fd < 0) {
		if ((errno != EMFILE && errno != ENFILE) || spare_fd < 0 ||
		    accept_with_spare(sock) < 0)
			return -1;
	}
	else {
		fd_limit_get(&limit, &reserve);
		if ((unsigned)fd + reserve / 2 < limit)
			return fd;
		close(fd);
	}
	log_refused(sock);
	errno = ECONNABORTED;
	return -1;
}
