/* malloc_setup.c: glibc's per-thread malloc caches (tcache) turned off.
 *
 * Each thread's tcache keeps up to 7 freed chunks of each of 64 sizes for
 * itself.  For glibc they are in use, so malloc_trim(0) (main.c, every
 * 10 s when idle) cannot give their pages back; after a busy period the
 * signalling thread's cache holds chunks spread over the heap the calls
 * grew, and they pin its pages.  `make soak` with 3000 calls: RSS +5.5 %
 * over the baseline 60 s after the last call with the caches, +0.3 %
 * (back within 29 s) without (docs/performance.md, "Soak").
 *
 * The caches can only be sized by the GLIBC_TUNABLES environment variable,
 * which the dynamic loader reads when a program starts, so the server
 * re-executes itself once with glibc.malloc.tcache_count=0 added (same
 * PID, arguments and descriptors; nothing has been opened or started yet).
 * An environment that already sets glibc.malloc.tcache_count is left
 * alone (=7 is glibc's default), as are runs under ASan (its own malloc)
 * and valgrind (the new image would run outside it).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "malloc_setup.h"

#define TCACHE_TUNABLE "glibc.malloc.tcache_count"

#if defined(__SANITIZE_ADDRESS__)
#define OWN_MALLOC 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define OWN_MALLOC 1
#endif
#endif

void malloc_setup_reexec(char **argv)
{
#ifndef OWN_MALLOC
	const char *tunables = getenv("GLIBC_TUNABLES");
	const char *preload = getenv("LD_PRELOAD");
	char *saved = tunables ? strdup(tunables) : NULL, *set = NULL;

	if ((tunables && strstr(tunables, TCACHE_TUNABLE)) ||
	    (preload && strstr(preload, "vgpreload")) ||
	    (tunables && !saved))
		goto out;
	if (asprintf(&set, "%s%s" TCACHE_TUNABLE "=0", saved ? saved : "",
		     saved && *saved ? ":" : "") < 0) {
		set = NULL;
		goto out;
	}
	if (setenv("GLIBC_TUNABLES", set, 1))
		goto out;
	execv("/proc/self/exe", argv);
	fprintf(stderr, "sems: cannot re-execute with " TCACHE_TUNABLE
		"=0: %s (going on with glibc's per-thread caches)\n",
		strerror(errno));
	if (saved)
		(void)setenv("GLIBC_TUNABLES", saved, 1);
	else
		(void)unsetenv("GLIBC_TUNABLES");
 out:
	free(set);
	free(saved);
#else
	(void)argv;
#endif
}
