/* ivr_scripts.c: the scripts of script_path as applications.
 *
 * Every NAME.py (or NAME.pyc) is imported at start-up as module NAME,
 * with its NAME.conf as the dict `config`, and registered as application
 * NAME running its class IvrDialog.  A script that fails is logged with its
 * traceback and skipped; the others still load.  Only registered names can
 * run, so a name taken from a request never becomes a file lookup.
 *
 * Reload (SIGHUP, ivr_scripts_reload): every script is imported again
 * (NAME.conf re-read too) and replaces its registration (sems_app_replace):
 * new calls run the new code, live calls keep the class they started with
 * (each registration is a `struct ivr_version` that the core's registry
 * reference counts; its class is released on a later reload or at exit,
 * with the GIL, once the core says the last call using it is gone).  A
 * script that fails to import now keeps its previous version (logged); new
 * files are registered, scripts whose file is gone are unregistered.
 */
#include "ivr.h"   /* Python.h comes first */
#include <dirent.h>
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sems/config.h>
#include <sems/log.h>

struct ivr_version {
	PyObject *cls;               /* the script's IvrDialog class */
	atomic_bool released;        /* the registry's last reference went */
	struct ivr_version *next;    /* every version not swept yet */
};

struct ivr_script {
	char name[SEMS_APP_NAME_MAX + 1];
	bool seen;                   /* reload: its file is still there */
};

/* All below under the GIL. */
static struct ivr_script *scripts;
static size_t n_scripts, cap_scripts;
static struct ivr_version *versions;
static char *saved_script_path, *saved_config_dir;

PyObject *ivr_version_class(void *version)
{
	return ((struct ivr_version *)version)->cls;
}

/* Any thread (even a media thread): only a flag; the class is released
 * by version_sweep() under the GIL. */
void ivr_version_release(void *version)
{
	atomic_store(&((struct ivr_version *)version)->released, true);
}

static void version_sweep(bool all)
{
	for (struct ivr_version **pp = &versions; *pp;) {
		struct ivr_version *v = *pp;
		if (!all && !atomic_load(&v->released)) {
			pp = &v->next;
			continue;
		}
		*pp = v->next;
		Py_CLEAR(v->cls);
		free(v);
	}
}

static struct ivr_script *script_find(const char *name)
{
	for (size_t i = 0; i < n_scripts; i++)
		if (!strcmp(scripts[i].name, name))
			return &scripts[i];
	return NULL;
}

static struct ivr_script *script_add(const char *name)
{
	if (n_scripts == cap_scripts) {
		size_t c = cap_scripts ? cap_scripts * 2 : 16;
		struct ivr_script *n = realloc(scripts, c * sizeof(*n));
		if (!n)
			return NULL;
		scripts = n;
		cap_scripts = c;
	}
	struct ivr_script *sc = &scripts[n_scripts++];
	snprintf(sc->name, sizeof(sc->name), "%s", name);
	sc->seen = true;
	return sc;
}

/* NAME.conf as a dict of str; a missing file is an empty dict.  New
 * reference, or NULL (logged) when the file is unreadable. */
static PyObject *script_config(const char *config_dir, const char *name)
{
	struct sems_config *cfg = NULL;
	char path[4096];
	unsigned line = 0;
	PyObject *dict;
	int err;

	snprintf(path, sizeof(path), "%s/%s.conf", config_dir, name);
	err = sems_config_load(&cfg, path, &line);
	if (err == ENOENT) {
		SEMS_WARN("Ivr-Python: no configuration for script '%s' "
			  "(%s not found): using an empty config", name, path);
		return PyDict_New();
	}
	if (err && line) {
		SEMS_ERROR("Ivr-Python: %s line %u: syntax error", path, line);
		return NULL;
	}
	if (err) {
		SEMS_ERROR("Ivr-Python: cannot read %s: %s", path, strerror(err));
		return NULL;
	}
	dict = PyDict_New();
	for (size_t i = 0; dict && i < sems_config_count(cfg); i++) {
		const char *k, *v;
		PyObject *value;

		sems_config_entry(cfg, i, &k, &v);
		value = PyUnicode_DecodeUTF8(v, (Py_ssize_t)strlen(v), "replace");
		if (!value || PyDict_SetItemString(dict, k, value) < 0)
			Py_CLEAR(dict);
		Py_XDECREF(value);
	}
	sems_config_free(cfg);
	if (!dict)
		ivr_log_exception("cannot build a script config:");
	return dict;
}

/* importlib: module NAME from `path`, `config` set before its code runs.
 * New reference, or NULL with an exception (sys.modules left clean). */
static PyObject *import_script(const char *name, const char *path,
			       PyObject *config)
{
	PyObject *util, *spec = NULL, *mod = NULL, *loader = NULL, *r = NULL;
	PyObject *modules = PyImport_GetModuleDict();   /* borrowed */
	PyObject *before = PyDict_GetItemString(modules, name);   /* borrowed */

	util = PyImport_ImportModule("importlib.util");
	if (!util)
		return NULL;
	Py_XINCREF(before);     /* a reload that fails puts it back */
	spec = PyObject_CallMethod(util, "spec_from_file_location", "ss",
				   name, path);
	if (spec == Py_None)
		PyErr_Format(PyExc_ImportError, "cannot import %s", path);
	if (PyErr_Occurred())
		goto out;
	mod = PyObject_CallMethod(util, "module_from_spec", "O", spec);
	if (!mod || PyObject_SetAttrString(mod, "config", config) < 0 ||
	    PyObject_SetAttrString(ivr_module, "config", config) < 0 ||
	    !(loader = PyObject_GetAttrString(spec, "loader")) ||
	    PyDict_SetItemString(modules, name, mod) < 0)
		goto out;
	r = PyObject_CallMethod(loader, "exec_module", "O", mod);
	if (!r) {
		PyObject *t, *v, *tb;
		PyErr_Fetch(&t, &v, &tb);
		if ((before ? PyDict_SetItemString(modules, name, before) :
		     PyDict_DelItemString(modules, name)) < 0)
			PyErr_Clear();
		PyErr_Restore(t, v, tb);
	}
 out:
	if (!r)
		Py_CLEAR(mod);
	Py_XDECREF(r);
	Py_XDECREF(loader);
	Py_XDECREF(spec);
	Py_DECREF(util);
	Py_XDECREF(before);
	return mod;
}

/* The module's IvrDialog class (new reference), or NULL, logged. */
static PyObject *dialog_class(PyObject *mod, const char *name)
{
	PyObject *cls = PyObject_GetAttrString(mod, "IvrDialog");

	if (!cls) {
		ivr_log_exception(NULL);
		SEMS_ERROR("Ivr-Python: script '%s' has no class IvrDialog: "
			   "not registered", name);
		return NULL;
	}
	if (!PyType_Check(cls) ||
	    !PyType_IsSubtype((PyTypeObject *)cls, ivr_dialog_type)) {
		SEMS_ERROR("Ivr-Python: in script '%s', IvrDialog is not a class "
			   "derived from IvrDialogBase: not registered", name);
		Py_DECREF(cls);
		return NULL;
	}
	return cls;
}

/* Imports one script and registers (reload: replaces) it.  Returns 0,
 * or -1 when it failed (logged; a script registered before stays). */
static int load_script(const char *dir, const char *file, const char *name,
		       const char *config_dir, bool reload)
{
	PyObject *config, *mod = NULL, *cls = NULL;
	struct ivr_version *v = NULL;
	struct ivr_script *sc = script_find(name);
	char path[4096];
	int err, rc = -1;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	SEMS_DBG("Ivr-Python: loading script %s", path);
	if (!(config = script_config(config_dir, name)))
		goto failed;
	mod = import_script(name, path, config);
	if (!mod) {
		char context[4200];
		snprintf(context, sizeof(context), "cannot load script %s:", path);
		ivr_log_exception(context);
		goto out;
	}
	if (!(cls = dialog_class(mod, name)))
		goto out;
	if (!(v = calloc(1, sizeof(*v))) || (!sc && !(sc = script_add(name)))) {
		SEMS_ERROR("Ivr-Python: script '%s': out of memory", name);
		free(v);
		goto out;
	}
	sc->seen = true;
	v->cls = Py_NewRef(cls);
	atomic_init(&v->released, false);
	v->next = versions;
	versions = v;
	err = reload ? sems_app_replace(name, &ivr_call_ops, v) :
		sems_app_register(name, &ivr_call_ops, v);
	if (err) {
		SEMS_ERROR("Ivr-Python: cannot register application '%s': %s",
			   name, strerror(err));
		atomic_store(&v->released, true);
		goto out;
	}
	rc = 0;
	if (reload)
		SEMS_INFO("Application script reloaded: %s.", name);
	else
		SEMS_INFO("Application script registered: %s.", name);
 out:
	Py_XDECREF(cls);
	Py_XDECREF(mod);
	Py_DECREF(config);
 failed:
	if (rc && reload && sc)
		SEMS_ERROR("Ivr-Python: reload: script '%s' failed: its calls keep "
			   "running the version loaded before", name);
	if (rc && sc)
		sc->seen = true;   /* registered, keep it */
	return rc;
}

/* NAME of NAME.py / NAME.pyc into name[], or false for other files. */
static bool script_name(const char *file, char *name, size_t len)
{
	const char *dot = strrchr(file, '.');
	size_t n;

	if (file[0] == '.' || !dot || (strcmp(dot, ".py") && strcmp(dot, ".pyc")))
		return false;
	n = (size_t)(dot - file);
	if (n >= len)
		n = len - 1;
	memcpy(name, file, n);
	name[n] = '\0';
	return true;
}

/* Every script of script_path; counts what happened. */
static int scan_scripts(const char *script_path, const char *config_dir,
			bool reload, unsigned *loaded, unsigned *failed)
{
	struct dirent **list;
	char name[256], prev[256] = "";
	int n = scandir(script_path, &list, NULL, alphasort);

	if (n < 0) {
		int err = errno;   /* logging may change errno */
		SEMS_ERROR("Ivr-Python: cannot read script_path %s: %s",
			   script_path, strerror(err));
		return err;
	}
	for (int i = 0; i < n; i++) {
		const char *file = list[i]->d_name;
		/* NAME.py sorts before NAME.pyc: the source wins */
		if (script_name(file, name, sizeof(name)) &&
		    strcmp(name, prev) != 0) {
			snprintf(prev, sizeof(prev), "%s", name);
			if (!sems_app_name_valid(name))
				SEMS_ERROR("Ivr-Python: script %s/%s: '%s' is not "
					   "a valid application name: skipped",
					   script_path, file, name);
			else if (load_script(script_path, file, name, config_dir,
					     reload))
				(*failed)++;
			else
				(*loaded)++;
		}
		free(list[i]);
	}
	free(list);
	return 0;
}

int ivr_scripts_load(const char *script_path, const char *config_dir)
{
	unsigned loaded = 0, failed = 0;
	int err;

	free(saved_script_path);
	free(saved_config_dir);
	saved_script_path = strdup(script_path);
	saved_config_dir = strdup(config_dir);
	if (!saved_script_path || !saved_config_dir)
		return ENOMEM;
	err = scan_scripts(script_path, config_dir, false, &loaded, &failed);
	if (err)
		return err;
	if (!n_scripts)
		SEMS_WARN("Ivr-Python: no application script loaded from %s",
			  script_path);
	return 0;
}

void ivr_scripts_reload(void)
{
	PyGILState_STATE gil = PyGILState_Ensure();
	unsigned loaded = 0, failed = 0, removed = 0;

	for (size_t i = 0; i < n_scripts; i++)
		scripts[i].seen = false;
	if (scan_scripts(saved_script_path, saved_config_dir, true, &loaded,
			 &failed)) {
		SEMS_ERROR("Ivr-Python: reload failed: every script keeps its "
			   "version");
		for (size_t i = 0; i < n_scripts; i++)
			scripts[i].seen = true;
		goto out;
	}
	for (size_t i = 0; i < n_scripts;) {
		if (scripts[i].seen) {
			i++;
			continue;
		}
		(void)sems_app_unregister(scripts[i].name);
		SEMS_INFO("Application script unregistered: %s (its file is "
			  "gone).", scripts[i].name);
		scripts[i] = scripts[--n_scripts];
		removed++;
	}
	SEMS_INFO("Ivr-Python: reload done: %u scripts loaded, %u failed "
		  "(previous version kept), %u removed", loaded, failed, removed);
 out:
	version_sweep(false);
	PyGILState_Release(gil);
}

void ivr_scripts_unload(void)
{
	for (size_t i = 0; i < n_scripts; i++)
		(void)sems_app_unregister(scripts[i].name);
	version_sweep(true);    /* every session has ended by now */
	free(scripts);
	scripts = NULL;
	n_scripts = cap_scripts = 0;
	free(saved_script_path);
	free(saved_config_dir);
	saved_script_path = saved_config_dir = NULL;
}
