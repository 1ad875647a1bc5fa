/* fd_limit.c: a reserve of file descriptors kept for what is not per call.
 *
 * Calls (RTP sockets) and recordings stop at the reserve and fail cleanly
 * (503, IOError).  The reserve stays for libre's accept() of SIP TCP and
 * HTTP connections, whose EMFILE it does not handle: the listening socket
 * stays readable and its loop would spin; and for opening prompts, the
 * Kamailio sockets, the scripts' own files.
 */
#include <fcntl.h>
#include <stddef.h>
#include <unistd.h>
#include <sys/resource.h>
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
