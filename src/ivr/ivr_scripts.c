/* ivr_scripts.c: preloading the scripts of script_path as applications.
 *
 * Every NAME.py (or NAME.pyc) is imported once at start-up as module NAME,
 * with its NAME.conf as the dict `config`, and registered as application
 * NAME running its class IvrDialog.  A script that fails is logged with its
 * traceback and skipped; the others still load.  Only registered names can
 * run, so a name taken from a request never becomes a file lookup.
 */
#include "ivr.h"   /* Python.h comes first */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sems/config.h>
#include <sems/log.h>

struct ivr_script {
	char name[SEMS_APP_NAME_MAX + 1];
	PyObject *cls;   /* the script's IvrDialog class */
};

static struct ivr_script *scripts;
static size_t n_scripts;

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

	util = PyImport_ImportModule("importlib.util");
	if (!util)
		return NULL;
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
		if (PyDict_DelItemString(modules, name) < 0)
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

static void load_script(const char *dir, const char *file, const char *name,
			const char *config_dir)
{
	struct ivr_script *sc = &scripts[n_scripts];
	PyObject *config, *mod = NULL, *cls = NULL;
	char path[4096];
	int err;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	SEMS_DBG("Ivr-Python: loading script %s", path);
	if (!(config = script_config(config_dir, name)))
		return;
	mod = import_script(name, path, config);
	if (!mod) {
		char context[4200];
		snprintf(context, sizeof(context), "cannot load script %s:", path);
		ivr_log_exception(context);
		goto out;
	}
	if (!(cls = dialog_class(mod, name)))
		goto out;
	err = sems_app_register(name, &ivr_call_ops, cls);
	if (err) {
		SEMS_ERROR("Ivr-Python: cannot register application '%s': %s",
			   name, strerror(err));
		goto out;
	}
	snprintf(sc->name, sizeof(sc->name), "%s", name);
	sc->cls = Py_NewRef(cls);
	n_scripts++;
	SEMS_INFO("Application script registered: %s.", name);
 out:
	Py_XDECREF(cls);
	Py_XDECREF(mod);
	Py_DECREF(config);
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

int ivr_scripts_load(const char *script_path, const char *config_dir)
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
	scripts = calloc((size_t)n + 1, sizeof(*scripts));
	for (int i = 0; i < n; i++) {
		const char *file = list[i]->d_name;
		/* NAME.py sorts before NAME.pyc: the source wins */
		if (scripts && script_name(file, name, sizeof(name)) &&
		    strcmp(name, prev) != 0) {
			snprintf(prev, sizeof(prev), "%s", name);
			if (!sems_app_name_valid(name))
				SEMS_ERROR("Ivr-Python: script %s/%s: '%s' is not "
					   "a valid application name: skipped",
					   script_path, file, name);
			else
				load_script(script_path, file, name, config_dir);
		}
		free(list[i]);
	}
	free(list);
	if (!scripts)
		return ENOMEM;
	if (!n_scripts)
		SEMS_WARN("Ivr-Python: no application script loaded from %s",
			  script_path);
	return 0;
}

void ivr_scripts_unload(void)
{
	for (size_t i = 0; i < n_scripts; i++)
		Py_CLEAR(scripts[i].cls);
	free(scripts);
	scripts = NULL;
	n_scripts = 0;
}
