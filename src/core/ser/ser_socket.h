/* ser_socket.h: unix datagram sockets bound to a path, guarded. */
#ifndef CORE_SER_SOCKET_H
#define CORE_SER_SOCKET_H

/* Binds a non-blocking unix datagram socket to path and stores it in
 * *fdp.  A stale socket file is removed first; a socket another live
 * process reads is refused with EADDRINUSE, any other file with EEXIST. */
int ser_socket_bind(const char *path, int *fdp);

#endif
