/* plugin_loader.c: dlopen()s plug-ins and calls their init.
 *
 * Plug-ins are opened RTLD_GLOBAL: a plug-in that embeds Python (ivr.so)
 * pulls in libpython, whose own extension modules (_socket, _json ...) need
 * its Py* symbols globally visible, as SEMS's load_plugins_rtld_global.
 */
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sems/log.h>
#include <sems/plugin.h>
#include "plugin_loader.h"
#include "session/worker_pool.h"

#define MAX_PLUGINS 32

struct loaded_plugin {
	void *handle;
	const struct sems_plugin *export;
	sems_plugin_reload_fn *reload;     /* NULL: nothing to reload */
};

static struct loaded_plugin plugins[MAX_PLUGINS];
static unsigned plugin_count;

static int plugin_load(const char *path, const char *config_dir)
{
	if (plugin_count == MAX_PLUGINS) {
		SEMS_ERROR("too many plug-ins (at most %d)", MAX_PLUGINS);
		return E2BIG;
	}
	void *h = dlopen(path, RTLD_NOW | RTLD_GLOBAL);
	if (!h) {
		SEMS_ERROR("cannot load plug-in %s: %s", path, dlerror());
		return ENOENT;
	}
	const struct sems_plugin *exp = dlsym(h, SEMS_PLUGIN_EXPORT_SYMBOL);
	if (!exp) {
		SEMS_ERROR("%s is not a sems plug-in (no %s)", path,
			   SEMS_PLUGIN_EXPORT_SYMBOL);
		dlclose(h);
		return EINVAL;
	}
	if (exp->abi_version != SEMS_PLUGIN_ABI_VERSION) {
		SEMS_ERROR("plug-in %s was built for ABI %d, this server has %d",
			   path, exp->abi_version, SEMS_PLUGIN_ABI_VERSION);
		dlclose(h);
		return EINVAL;
	}
	sems_plugin_reload_fn *reload;
	*(void **)&reload = dlsym(h, SEMS_PLUGIN_RELOAD_SYMBOL);
	plugins[plugin_count++] = (struct loaded_plugin){ h, exp, reload };
	SEMS_INFO("loading plug-in '%s' from %s", exp->name, path);
	int err = exp->init ? exp->init(config_dir) : 0;
	if (err)
		SEMS_ERROR("plug-in '%s' failed to start: %s", exp->name,
			   strerror(err));
	return err;
}

static int plugin_load_dir(const char *dir, const char *config_dir)
{
	struct dirent **names;
	int n = scandir(dir, &names, NULL, alphasort), err = 0;
	if (n < 0) {
		err = errno;   /* logging may change errno */
		SEMS_ERROR("cannot read plugin_path %s: %s", dir, strerror(err));
		return err;
	}
	for (int i = 0; i < n; i++) {
		const char *name = names[i]->d_name;
		size_t len = strlen(name);
		if (!err && len > 3 && !strcmp(name + len - 3, ".so")) {
			char path[1024];
			snprintf(path, sizeof(path), "%s/%s", dir, name);
			err = plugin_load(path, config_dir);
		}
		free(names[i]);
	}
	free(names);
	return err;
}

int plugin_load_all(const char *plugin_path, const char *load_plugins,
		    const char *config_dir)
{
	if (!load_plugins[0])
		return plugin_load_dir(plugin_path, config_dir);

	char *list = strdup(load_plugins), *save = NULL;
	int err = list ? 0 : ENOMEM;
	for (char *name = list ? strtok_r(list, ";", &save) : NULL; name && !err;
	     name = strtok_r(NULL, ";", &save)) {
		while (*name == ' ')
			name++;
		if (!*name)
			continue;
		char path[1024];
		snprintf(path, sizeof(path), "%s/%s.so", plugin_path, name);
		err = plugin_load(path, config_dir);
	}
	free(list);
	return err;
}

void plugin_reload_all(void)
{
	for (unsigned i = 0; i < plugin_count; i++) {
		if (!plugins[i].reload) {
			SEMS_INFO("plug-in '%s' has nothing to reload",
				  plugins[i].export->name);
			continue;
		}
		SEMS_INFO("reloading plug-in '%s'", plugins[i].export->name);
		plugins[i].reload();
	}
}

void plugin_close_all(void)
{
	/* a worker still runs a handler in a plug-in (e.g. a Python script
	 * that loops): closing the plug-in (finalizing Python) under it could
	 * hang or crash; the process exits instead */
	if (worker_pool_left_behind()) {
		SEMS_WARN("handlers still running: plug-ins are not closed");
		return;
	}
	while (plugin_count > 0) {
		struct loaded_plugin *p = &plugins[--plugin_count];
		if (p->export->close)
			p->export->close();
		/* not dlclose()d: an embedded interpreter may leave threads
		 * or atexit handlers pointing into it */
	}
}
