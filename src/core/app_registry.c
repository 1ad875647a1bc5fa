/* app_registry.c: the applications plug-ins registered, by name.
 *
 * A small array of pointers under a mutex: lookups come from the
 * signalling thread (one per new call), changes from the main thread at
 * start-up and from the reload thread (SIGHUP).  Each entry is allocated
 * on its own and reference counted (app_registry.h), so replacing a name
 * never moves or frees an entry a live session uses.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sems/app.h>
#include <sems/log.h>
#include "app_registry.h"
#include "metrics/metrics.h"

static struct app **apps;
static size_t app_count;
static pthread_mutex_t reg_lock = PTHREAD_MUTEX_INITIALIZER;

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

/* Under reg_lock: the index of name, or -1. */
static long find_locked(const char *name)
{
	for (size_t i = 0; i < app_count; i++)
		if (!strcmp(apps[i]->name, name))
			return (long)i;
	return -1;
}

const struct app *app_get(const char *name)
{
	struct app *a = NULL;
	long i;

	if (!sems_app_name_valid(name))
		return NULL;
	pthread_mutex_lock(&reg_lock);
	if ((i = find_locked(name)) >= 0) {
		a = apps[i];
		atomic_fetch_add(&a->refs, 1);
	}
	pthread_mutex_unlock(&reg_lock);
	return a;
}

void app_put(const struct app *ca)
{
	struct app *a = (struct app *)ca;

	if (!a || !a->counted || atomic_fetch_sub(&a->refs, 1) != 1)
		return;
	if (a->ops->app_free)
		a->ops->app_free(a->arg);
	free(a);
}

const struct app *app_find(const char *name)
{
	const struct app *a = NULL;
	long i;

	if (!sems_app_name_valid(name))
		return NULL;
	pthread_mutex_lock(&reg_lock);
	if ((i = find_locked(name)) >= 0)
		a = apps[i];
	pthread_mutex_unlock(&reg_lock);
	return a;
}

bool app_exists(const char *name)
{
	return app_find(name) != NULL;
}

static struct app *app_new(const char *name, const struct sems_app_ops *ops,
			   void *arg)
{
	struct app *a = calloc(1, sizeof(*a));

	if (!a)
		return NULL;
	strcpy(a->name, name);
	a->ops = ops;
	a->arg = arg;
	a->stats = metrics_app(name);
	a->counted = true;
	atomic_init(&a->refs, 1);     /* the registry's */
	return a;
}

static int app_add(const char *name, const struct sems_app_ops *ops,
		   void *arg, bool replace)
{
	struct app *a, *old = NULL;
	long i;

	if (!sems_app_name_valid(name) || !ops || !ops->session_new ||
	    !ops->session_event)
		return EINVAL;
	if (!(a = app_new(name, ops, arg)))
		return ENOMEM;
	pthread_mutex_lock(&reg_lock);
	i = find_locked(name);
	if (i >= 0 && !replace) {
		pthread_mutex_unlock(&reg_lock);
		a->arg = NULL;     /* still the caller's */
		a->counted = false;
		free(a);
		return EEXIST;
	}
	if (i >= 0) {
		old = apps[i];
		apps[i] = a;
	}
	else {
		struct app **n = realloc(apps, (app_count + 1) * sizeof(*n));
		if (!n) {
			pthread_mutex_unlock(&reg_lock);
			free(a);
			return ENOMEM;
		}
		apps = n;
		apps[app_count++] = a;
	}
	pthread_mutex_unlock(&reg_lock);
	SEMS_DBG("application '%s' %s", name, old ? "replaced" : "registered");
	app_put(old);
	return 0;
}

int sems_app_register(const char *name, const struct sems_app_ops *ops,
		      void *arg)
{
	return app_add(name, ops, arg, false);
}

int sems_app_replace(const char *name, const struct sems_app_ops *ops,
		     void *arg)
{
	return app_add(name, ops, arg, true);
}

int sems_app_unregister(const char *name)
{
	struct app *old = NULL;
	long i;

	if (!sems_app_name_valid(name))
		return EINVAL;
	pthread_mutex_lock(&reg_lock);
	if ((i = find_locked(name)) >= 0) {
		old = apps[i];
		apps[i] = apps[--app_count];
	}
	pthread_mutex_unlock(&reg_lock);
	if (!old)
		return ENOENT;
	SEMS_DBG("application '%s' unregistered", name);
	app_put(old);
	return 0;
}

void app_registry_clear(void)
{
	struct app **list;
	size_t n;

	pthread_mutex_lock(&reg_lock);
	list = apps;
	n = app_count;
	apps = NULL;
	app_count = 0;
	pthread_mutex_unlock(&reg_lock);
	for (size_t i = 0; i < n; i++)
		app_put(list[i]);
	free(list);
}
