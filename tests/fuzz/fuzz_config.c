/* fuzz_config.c: libFuzzer target for the config reader: the bytes as a
 * file (a memfd, named through /proc/self/fd) read by sems_config_load()
 * (plug-in and script .conf files) and by core_config_load() (sems.conf,
 * typed and range-checked on top). */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sems/config.h>
#include "core_config.h"
#include "log_internal.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_setup(-1, true);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64], err[512];
	struct sems_config *cfg = NULL;
	struct core_config cc;
	unsigned line = 0;
	int fd = memfd_create("fuzz.conf", 0);

	if (fd < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (!sems_config_load(&cfg, path, &line)) {
		size_t n = sems_config_count(cfg);
		for (size_t i = 0; i < n; i++) {
			const char *k, *v;
			sems_config_entry(cfg, i, &k, &v);
			(void)sems_config_get(cfg, k);
		}
		sems_config_free(cfg);
	}
	(void)core_config_load(&cc, path, err, sizeof(err));
	close(fd);
	return 0;
}
