/* ser_socket.h: unix datagram sockets bound to a path, guarded. */
#ifndef CORE_SER_SOCKET_H
#define CORE_SER_SOCKET_H

/* Binds a non-blocking unix datagram socket to path and stores it in
 * *fdp.  A stale socket file is removed first; a socket another live
 * process reads is refused with EADDRINUSE, any other file with EEXIST. */
int ser_socket_bind(const char *path, int *fdp);

/* A bound socket watched by the signalling loop. */
struct ser_socket {
	int fd;                 /* -1 when closed */
	char path[108];
};

/* ser_socket_bind(), then `readable(flags, arg)` on the signalling thread
 * whenever a datagram waits.  Returns 0 or an errno value (sock closed). */
int  ser_socket_open(struct ser_socket *sock, const char *path,
		     void (*readable)(int flags, void *arg), void *arg);
/* Stops watching, closes and removes the socket file; idempotent. */
void ser_socket_close(struct ser_socket *sock);

#endif
