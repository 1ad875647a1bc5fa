/* fd_limit.h: a reserve of file descriptors below RLIMIT_NOFILE. */
#ifndef SEMS_FD_LIMIT_H
#define SEMS_FD_LIMIT_H

#include <stdbool.h>

/* True when `fd` (just opened) lies in the reserve: the caller closes it
 * and fails with EMFILE.  Descriptors are handed out lowest first, so fd N
 * means N are open. */
bool fd_in_reserve(int fd);

/* True when the next descriptor opened would be in the reserve: for an
 * open() with side effects (O_CREAT, O_TRUNC), checked before it. */
bool fd_reserve_reached(void);

/* Keeps the spare descriptor that lets accept() take and close a
 * connection at the limit (see fd_limit.c); call once at start. */
void fd_limit_init(void);

/* The soft RLIMIT_NOFILE and the reserve below it, for messages. */
void fd_limit_get(unsigned *limit, unsigned *reserve);

#endif
