/* config_internal.h: what the core needs of a config file beyond the ABI. */
#ifndef CORE_CONFIG_INTERNAL_H
#define CORE_CONFIG_INTERNAL_H
#include <stddef.h>
struct sems_config;
/* Line number of entry i, for error messages. */
unsigned config_entry_line(const struct sems_config *cfg, size_t i);
#endif
