/* app_registry.h: application names -> the plug-in that runs them. */
#ifndef CORE_APP_REGISTRY_H
#define CORE_APP_REGISTRY_H

#include <sems/app.h>

struct app {
	char name[SEMS_APP_NAME_MAX + 1];
	const struct sems_app_ops *ops;
	void *arg;
};

/* NULL when no application has that name (or the name is invalid). */
const struct app *app_find(const char *name);
void app_registry_clear(void);

#endif
