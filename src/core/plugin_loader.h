/* plugin_loader.h: loading plug-ins (dlopen) and closing them at exit. */
#ifndef CORE_PLUGIN_LOADER_H
#define CORE_PLUGIN_LOADER_H

/* load_plugins: ';'-separated names ("ivr;foo"), or "" for every *.so in
 * plugin_path.  Returns 0, or the first error (already logged). */
int  plugin_load_all(const char *plugin_path, const char *load_plugins,
		     const char *config_dir);
void plugin_close_all(void);
/* SIGHUP: each plug-in's sems_plugin_reload, if it has one (not on the
 * signalling thread; plug-ins are loaded and not closed yet). */
void plugin_reload_all(void);

#endif
