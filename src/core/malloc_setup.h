/* malloc_setup.h: glibc's malloc set up for a long-running server. */
#ifndef SEMS_MALLOC_SETUP_H
#define SEMS_MALLOC_SETUP_H

/* First thing in main(): re-executes the server once with glibc's
 * per-thread caches off (see malloc_setup.c).  Returns when it need not
 * (or cannot) re-execute. */
void malloc_setup_reexec(char **argv);

#endif
