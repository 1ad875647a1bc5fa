/* config.h: SEMS-style `key=value` files, and the core settings plug-ins read.
 *
 * Syntax: one `key=value` per line; blank lines and lines starting with `#`
 * are ignored; white space around key and value is trimmed; a value may be
 * wrapped in double quotes.  A later key replaces an earlier one.
 */
#ifndef SEMS_CONFIG_H
#define SEMS_CONFIG_H

#include <stddef.h>

struct sems_config;

/* Reads `path`.  Returns 0, ENOENT when the file does not exist, or another
 * errno value; on a syntax error *err_line (if not NULL) gets its line. */
int sems_config_load(struct sems_config **cfgp, const char *path,
		     unsigned *err_line);
void sems_config_free(struct sems_config *cfg);

/* The value of `key`, or NULL.  Valid until sems_config_free(). */
const char *sems_config_get(const struct sems_config *cfg, const char *key);
size_t sems_config_count(const struct sems_config *cfg);
/* Entry i in file order (0 <= i < count). */
void sems_config_entry(const struct sems_config *cfg, size_t i,
		       const char **key, const char **value);

/* Core settings a plug-in may want (valid after start-up). */
const char *sems_core_sip_ip(void);
unsigned sems_core_sip_port(void);

#endif
