/* plugin.h: what a plug-in exports, and how the core finds it.
 *
 * A plug-in is a shared object in `plugin_path` that defines one symbol,
 * `sems_plugin_export`, of type `struct sems_plugin`.  The core dlopen()s it
 * (RTLD_GLOBAL, so that a plug-in embedding an interpreter can load that
 * interpreter's own extension modules), checks `abi_version`, then calls
 * `init` once, on the main thread, before any call is accepted.  `close` is
 * called once at shutdown after every session has ended.
 *
 * Everything else a plug-in needs from the core is in the other headers of
 * this directory; the core exports those functions (the binary is linked
 * with --export-dynamic), so a plug-in links against nothing of the core.
 *
 *     // hello.c
 *     static int hello_init(const char *config_dir) { ... sems_app_register(...); }
 *     const struct sems_plugin sems_plugin_export = {
 *         SEMS_PLUGIN_ABI_VERSION, "hello", hello_init, NULL,
 *     };
 */
#ifndef SEMS_PLUGIN_H
#define SEMS_PLUGIN_H

#define SEMS_PLUGIN_ABI_VERSION 1
#define SEMS_PLUGIN_EXPORT_SYMBOL "sems_plugin_export"
/* Optional second symbol: `void sems_plugin_reload(void)`, called on
 * SIGHUP from a thread of its own (never the signalling or a media
 * thread), while calls go on: re-read what the plug-in loaded (ivr: every
 * script), with sems_app_replace/sems_app_unregister (app.h). */
#define SEMS_PLUGIN_RELOAD_SYMBOL "sems_plugin_reload"
typedef void (sems_plugin_reload_fn)(void);

struct sems_plugin {
	int abi_version;        /* SEMS_PLUGIN_ABI_VERSION at build time      */
	const char *name;       /* e.g. "ivr"; its config is name.conf         */
	/* config_dir: plugin_config_path from sems.conf (no trailing slash).
	 * Returns 0, or an errno value: the server then refuses to start. */
	int (*init)(const char *config_dir);
	void (*close)(void);    /* may be NULL */
};

#endif
