/* config.c: SEMS-style `key=value` files (sems.conf, ivr.conf, NAME.conf). */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sems/config.h>
#include "config_internal.h"

struct config_entry {
	char *key;
	char *value;
	unsigned line;
};

struct sems_config {
	struct config_entry *entries;
	size_t count, cap;
};

static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	char *end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

static int config_set(struct sems_config *cfg, const char *key, const char *value,
		      unsigned line)
{
	for (size_t i = 0; i < cfg->count; i++) {
		if (strcmp(cfg->entries[i].key, key))
			continue;
		char *v = strdup(value);
		if (!v)
			return ENOMEM;
		free(cfg->entries[i].value);
		cfg->entries[i].value = v;
		cfg->entries[i].line = line;
		return 0;
	}
	if (cfg->count == cfg->cap) {
		size_t cap = cfg->cap ? cfg->cap * 2 : 16;
		struct config_entry *e = realloc(cfg->entries, cap * sizeof(*e));
		if (!e)
			return ENOMEM;
		cfg->entries = e;
		cfg->cap = cap;
	}
	struct config_entry *e = &cfg->entries[cfg->count];
	e->key = strdup(key);
	e->value = strdup(value);
	e->line = line;
	if (!e->key || !e->value) {
		free(e->key);
		free(e->value);
		return ENOMEM;
	}
	cfg->count++;
	return 0;
}

/* One line; returns 0, EINVAL for a syntax error, ENOMEM. */
static int config_parse_line(struct sems_config *cfg, char *line, unsigned lineno)
{
	char *s = trim(line);
	if (!*s || *s == '#')
		return 0;
	char *eq = strchr(s, '=');
	if (!eq)
		return EINVAL;
	*eq = '\0';
	char *key = trim(s), *value = trim(eq + 1);
	if (!*key)
		return EINVAL;
	size_t vlen = strlen(value);
	if (vlen >= 2 && value[0] == '"' && value[vlen - 1] == '"') {
		value[vlen - 1] = '\0';
		value++;
	}
	return config_set(cfg, key, value, lineno);
}

int sems_config_load(struct sems_config **cfgp, const char *path,
		     unsigned *err_line)
{
	char *line = NULL;
	size_t linecap = 0;
	unsigned lineno = 0;
	int err = 0;

	FILE *f = fopen(path, "r");
	if (!f)
		return errno;
	struct sems_config *cfg = calloc(1, sizeof(*cfg));
	if (!cfg) {
		err = ENOMEM;
		goto out;
	}
	while (getline(&line, &linecap, f) >= 0) {
		lineno++;
		err = config_parse_line(cfg, line, lineno);
		if (err) {
			if (err_line)
				*err_line = lineno;
			goto out;
		}
	}
	if (ferror(f))
		err = EIO;
 out:
	free(line);
	fclose(f);
	if (err)
		sems_config_free(cfg);
	else
		*cfgp = cfg;
	return err;
}

void sems_config_free(struct sems_config *cfg)
{
	if (!cfg)
		return;
	for (size_t i = 0; i < cfg->count; i++) {
		free(cfg->entries[i].key);
		free(cfg->entries[i].value);
	}
	free(cfg->entries);
	free(cfg);
}

const char *sems_config_get(const struct sems_config *cfg, const char *key)
{
	for (size_t i = 0; cfg && i < cfg->count; i++)
		if (!strcmp(cfg->entries[i].key, key))
			return cfg->entries[i].value;
	return NULL;
}

size_t sems_config_count(const struct sems_config *cfg)
{
	return cfg ? cfg->count : 0;
}

void sems_config_entry(const struct sems_config *cfg, size_t i,
		       const char **key, const char **value)
{
	*key = cfg->entries[i].key;
	*value = cfg->entries[i].value;
}

unsigned config_entry_line(const struct sems_config *cfg, size_t i)
{
	return cfg->entries[i].line;
}
