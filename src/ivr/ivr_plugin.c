/* ivr_plugin.c: the ivr plug-in: embeds CPython and runs Python IVR scripts.
 *
 * Sample configuration, PLUGIN_CONFIG_PATH/ivr.conf:
 *
 *     # directory of the application scripts (required)
 *     script_path=/usr/local/lib/sems/ivr
 *
 * At init the interpreter starts (without signal handlers: the server owns
 * the signals), the scripts are preloaded (ivr_scripts.c), and the GIL is
 * released; from then on Python runs only on session workers, one handler
 * at a time holding the GIL.  sys.path starts with script_path, then the
 * directory of the plug-in's own modules (log.py): PLUGIN_DIR/../python.
 *
 * Scripts run inside the server, so what would end or reconfigure the
 * process is taken from them before any script loads (process_guards):
 * os._exit, os.abort, os.fork, os.forkpty and the os.exec* family raise
 * RuntimeError saying why; signal.signal logs a warning and changes
 * nothing (it returns the handler in place).  sys.exit() needs nothing:
 * SystemExit is an exception like any other for a handler (ivr_call.c),
 * it ends the call, not the server.
 */
#include "ivr.h"   /* Python.h comes first */
#include <dlfcn.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sems/config.h>
#include <sems/log.h>
#include <sems/plugin.h>
#include <sems/uac.h>

static PyThreadState *main_tstate;   /* saved while the GIL is released */

/* PLUGIN_DIR/../python, from where this object was loaded. */
static int helpers_dir(char *buf, size_t len)
{
	Dl_info info;
	char so[PATH_MAX], dir[PATH_MAX + 16];

	if (!dladdr((void *)&helpers_dir, &info) || !info.dli_fname)
		return ENOENT;
	snprintf(so, sizeof(so), "%s", info.dli_fname);
	snprintf(dir, sizeof(dir), "%s/../python", dirname(so));
	if (!realpath(dir, buf))   /* a missing one still goes on sys.path */
		snprintf(buf, len, "%s", dir);
	return 0;
}

static int sys_path_insert(Py_ssize_t pos, const char *dir)
{
	PyObject *path = PySys_GetObject("path");   /* borrowed */
	PyObject *item;
	int r;

	if (!path || !PyList_Check(path)) {
		PyErr_SetString(PyExc_RuntimeError, "sys.path is not a list");
		return -1;
	}
	if (!(item = PyUnicode_DecodeFSDefault(dir)))
		return -1;
	r = PyList_Insert(path, pos, item);
	Py_DECREF(item);
	return r;
}

/* The program name lets Python find its standard library: the server's
 * own path, not a `python3` of PATH, which may be another installation. */
static int python_start(void)
{
	PyConfig cfg;
	PyStatus st;
	char exe[PATH_MAX];

	if (PyImport_AppendInittab("ivr", PyInit_ivr) < 0)
		return ENOMEM;
	PyConfig_InitPythonConfig(&cfg);
	cfg.install_signal_handlers = 0;
	/* no __pycache__ next to the scripts: a script rewritten within the
	 * same second (and size) would be run from a stale .pyc on reload */
	cfg.write_bytecode = 0;
	cfg.parse_argv = 0;
	if (realpath("/proc/self/exe", exe)) {
		st = PyConfig_SetBytesString(&cfg, &cfg.program_name, exe);
		if (PyStatus_Exception(st))
			goto fail;
	}
	st = Py_InitializeFromConfig(&cfg);
	if (PyStatus_Exception(st))
		goto fail;
	PyConfig_Clear(&cfg);
	return 0;
 fail:
	SEMS_ERROR("ivr: cannot start Python: %s",
		   st.err_msg ? st.err_msg : "unknown error");
	PyConfig_Clear(&cfg);
	return EINVAL;
}

static const char process_guards[] =
"import os as _os, signal as _signal\n"
"import ivr as _ivr\n"
"def _refuse(name, why):\n"
"    def refused(*args, **kwargs):\n"
"        raise RuntimeError('%s() is not allowed in an IVR script: %s'\n"
"                           % (name, why))\n"
"    refused.__name__ = name.rsplit('.', 1)[-1]\n"
"    refused.__qualname__ = refused.__name__\n"
"    return refused\n"
"_end = 'it would end the whole server, not the call (end the call with '\\\n"
"       'bye() or stopSession(), or raise an exception)'\n"
"_os._exit = _refuse('os._exit', _end)\n"
"_os.abort = _refuse('os.abort', _end)\n"
"for _n in ('fork', 'forkpty'):\n"
"    if hasattr(_os, _n):\n"
"        setattr(_os, _n, _refuse('os.' + _n, 'forking the multi-threaded '\n"
"                'server is unsafe (subprocess works)'))\n"
"for _n in ('execl', 'execle', 'execlp', 'execlpe', 'execv', 'execve',\n"
"           'execvp', 'execvpe'):\n"
"    if hasattr(_os, _n):\n"
"        setattr(_os, _n, _refuse('os.' + _n, 'it would replace the server '\n"
"                'process (subprocess works)'))\n"
"def _no_signal(signalnum, handler):\n"
"    _ivr.log(1, 'signal.signal(%r, ...) ignored: the server owns the '\n"
"             'signals' % (signalnum,))\n"
"    return _signal.getsignal(signalnum)\n"
"_no_signal.__name__ = _no_signal.__qualname__ = 'signal'\n"
"_signal.signal = _no_signal\n";

/* Runs process_guards (see the top of the file). */
static int python_guard_process(void)
{
	PyObject *globals = PyDict_New(), *r = NULL;

	if (globals && !PyDict_SetItemString(globals, "__builtins__",
					     PyEval_GetBuiltins()))
		r = PyRun_String(process_guards, Py_file_input, globals, globals);
	Py_XDECREF(globals);
	if (!r)
		return -1;
	Py_DECREF(r);
	return 0;
}

static int python_setup(const char *script_path)
{
	char helpers[PATH_MAX + 16];
	PyObject *m;

	if (helpers_dir(helpers, sizeof(helpers)) == 0 &&
	    sys_path_insert(0, helpers) < 0)
		goto fail;
	if (sys_path_insert(0, script_path) < 0)
		goto fail;
	if (!(m = PyImport_ImportModule("ivr")))
		goto fail;
	Py_DECREF(m);
	if (python_guard_process() < 0)
		goto fail;
	SEMS_INFO("Ivr-Python: Python %s", Py_GetVersion());
	SEMS_INFO("Ivr-Python: script path: %s (helpers: %s)", script_path,
		  helpers);
	return 0;
 fail:
	ivr_log_exception("ivr: cannot set up Python:");
	return EINVAL;
}

static int ivr_init(const char *config_dir)
{
	struct sems_config *cfg = NULL;
	char path[PATH_MAX], *script_path = NULL;
	const char *v;
	unsigned line = 0;
	int err;

	snprintf(path, sizeof(path), "%s/ivr.conf", config_dir);
	err = sems_config_load(&cfg, path, &line);
	if (err) {
		SEMS_ERROR("ivr: cannot read %s%s: %s", path,
			   line ? " (syntax error)" : "", strerror(err));
		goto out;
	}
	v = sems_config_get(cfg, "script_path");
	if (!v || !*v) {
		SEMS_ERROR("ivr: %s: script_path is not set: it must name the "
			   "directory of the IVR scripts", path);
		err = EINVAL;
		goto out;
	}
	/* B2BUA media: relay (default) through the server, or SEMS's
	 * re-INVITE of the caller with the callee's SDP (end to end) */
	v = sems_config_get(cfg, "b2b_media");
	ivr_b2b_media = SEMS_B2B_MEDIA_RELAY;
	if (v && !strcmp(v, "reinvite"))
		ivr_b2b_media = SEMS_B2B_MEDIA_REINVITE;
	else if (v && *v && strcmp(v, "relay"))
		SEMS_WARN("ivr: %s: b2b_media=%s is not one of relay, reinvite: "
			  "B2BUA media is relayed (b2b_media=relay)", path, v);
	v = sems_config_get(cfg, "script_path");
	if (!(script_path = strdup(v))) {
		err = ENOMEM;
		goto out;
	}
	if ((err = python_start()))
		goto out;
	err = python_setup(script_path);
	if (!err)
		err = ivr_scripts_load(script_path, config_dir);
	if (!err)
		ivr_start_threads();
	main_tstate = PyEval_SaveThread();
 out:
	free(script_path);
	sems_config_free(cfg);
	return err;
}

static void ivr_close(void)
{
	if (!main_tstate)
		return;
	PyEval_RestoreThread(main_tstate);
	main_tstate = NULL;
	ivr_scripts_unload();
	if (Py_FinalizeEx() < 0)
		SEMS_WARN("ivr: Python finalization reported an error");
}

/* SIGHUP: the core's reload thread (plugin.h, SEMS_PLUGIN_RELOAD_SYMBOL). */
void sems_plugin_reload(void);
void sems_plugin_reload(void)
{
	if (main_tstate)
		ivr_scripts_reload();
}

const struct sems_plugin sems_plugin_export = {
	SEMS_PLUGIN_ABI_VERSION, "ivr", ivr_init, ivr_close,
};
