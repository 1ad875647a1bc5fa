/* app_registry.h: application names -> the plug-in that runs them.
 *
 * Entries are reference counted: the registry holds one while the name is
 * registered, every session holds one for its life (session.c), so a
 * script replaced or unregistered at run time (ivr reload on SIGHUP)
 * keeps running its old code in the calls that started with it.  When the
 * last reference goes, ops->app_free(arg) is called (any thread).
 */
#ifndef CORE_APP_REGISTRY_H
#define CORE_APP_REGISTRY_H

#include <stdatomic.h>
#include <stdbool.h>
#include <sems/app.h>

struct app_stats;

struct app {
	char name[SEMS_APP_NAME_MAX + 1];
	const struct sems_app_ops *ops;
	void *arg;
	struct app_stats *stats;   /* metrics; NULL for unregistered ones */
	atomic_int refs;
	bool counted;              /* allocated by the registry */
};

/* A new reference to the application of that name, or NULL (unknown or
 * invalid name).  Release it with app_put(), or hand it to
 * session_alloc(), which keeps it for the session. */
const struct app *app_get(const char *name);
void app_put(const struct app *a);
/* Whether the name is registered now (no reference kept). */
bool app_exists(const char *name);
/* Same as app_exists, returning the entry: valid only until the name is
 * replaced or unregistered (start-up code and tests). */
const struct app *app_find(const char *name);
/* Unregisters every name (shutdown, tests). */
void app_registry_clear(void);

#endif
