/* ser_socket.c: binding the SER front's unix sockets without stealing one.
 *
 * A datagram socket file whose reader is gone refuses connect() with
 * ECONNREFUSED: that file is stale and can go.  If connect() succeeds a
 * live server reads it, and we must not unlink it from under it.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <re.h>
#include <sems/log.h>
#include "ser/ser_socket.h"

static bool socket_in_use(const struct sockaddr_un *addr)
{
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return false;
	bool used = connect(fd, (const struct sockaddr *)addr, sizeof(*addr)) == 0;
	close(fd);
	return used;
}

static int remove_stale(const struct sockaddr_un *addr)
{
	struct stat st;
	const char *path = addr->sun_path;
	if (lstat(path, &st))
		return 0;
	if (!S_ISSOCK(st.st_mode)) {
		SEMS_ERROR("ser: %s exists and is not a socket", path);
		return EEXIST;
	}
	if (socket_in_use(addr)) {
		SEMS_ERROR("ser: another server is listening on %s", path);
		return EADDRINUSE;
	}
	SEMS_INFO("ser: removing stale socket %s", path);
	return unlink(path) ? errno : 0;
}

int ser_socket_bind(const char *path, int *fdp)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int err, rcvbuf = 1 << 20;

	if (!path[0] || strlen(path) >= sizeof(addr.sun_path))
		return EINVAL;
	strcpy(addr.sun_path, path);
	err = remove_stale(&addr);
	if (err)
		return err;
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return errno;
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		err = errno;
		SEMS_ERROR("ser: cannot bind %s: %s", path, strerror(err));
		close(fd);
		return err;
	}
	*fdp = fd;
	return 0;
}

int ser_socket_open(struct ser_socket *sock, const char *path,
		    void (*readable)(int flags, void *arg), void *arg)
{
	int err = ser_socket_bind(path, &sock->fd);
	if (err) {
		sock->fd = -1;
		return err;
	}
	snprintf(sock->path, sizeof(sock->path), "%s", path);
	err = fd_listen(sock->fd, FD_READ, readable, arg);
	if (err)
		ser_socket_close(sock);
	return err;
}

void ser_socket_close(struct ser_socket *sock)
{
	if (sock->fd < 0)
		return;
	fd_close(sock->fd);
	close(sock->fd);
	sock->fd = -1;
	(void)unlink(sock->path);
}
