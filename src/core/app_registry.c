/* app_registry.c: the applications plug-ins registered, by name.
 *
 * Filled on the main thread while plug-ins load, read-only afterwards, so
 * lookups from the signalling thread need no lock.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sems/app.h>
#include <sems/log.h>
#include "app_registry.h"

static struct app *apps;
static size_t app_count;

bool sems_app_name_valid(const char *name)
{
	size_t len = name ? strlen(name) : 0;
	if (len == 0 || len > SEMS_APP_NAME_MAX)
		return false;
	for (const char *p = name; *p; p++) {
		char c = *p;
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			  (c >= '0' && c <= '9') || c == '_' || c == '-';
		if (!ok)
			return false;
	}
	return true;
}

const struct app *app_find(const char *name)
{
	if (!sems_app_name_valid(name))
		return NULL;
	for (size_t i = 0; i < app_count; i++)
		if (!strcmp(apps[i].name, name))
			return &apps[i];
	return NULL;
}

int sems_app_register(const char *name, const struct sems_app_ops *ops,
		      void *arg)
{
	if (!sems_app_name_valid(name) || !ops || !ops->session_new ||
	    !ops->session_event)
		return EINVAL;
	if (app_find(name))
		return EEXIST;
	struct app *a = realloc(apps, (app_count + 1) * sizeof(*a));
	if (!a)
		return ENOMEM;
	apps = a;
	strcpy(apps[app_count].name, name);
	apps[app_count].ops = ops;
	apps[app_count].arg = arg;
	app_count++;
	SEMS_DBG("application '%s' registered", name);
	return 0;
}

void app_registry_clear(void)
{
	free(apps);
	apps = NULL;
	app_count = 0;
}
