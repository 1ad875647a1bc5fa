/* ivr_module.c: the built-in Python module `ivr` (functions, constants, types).
 *
 * Scripts use it as `from ivr import *`.  It is registered with
 * PyImport_AppendInittab before the interpreter starts, so it exists in
 * every script without any file on sys.path.
 */
#include "ivr.h"   /* Python.h comes first */
#include <stdlib.h>
#include <string.h>
#include <sems/audio.h>
#include <sems/config.h>
#include <sems/log.h>
#include <sems/sip.h>

PyObject *ivr_module;
PyObject *ivr_semserror;

void ivr_log_python(int level, const char *msg)
{
	sems_log(level, "Ivr-Python: %s", msg);
}

/* Each line of traceback.format_exception(exc) becomes one log line. */
void ivr_log_exception_obj(PyObject *exc, const char *context)
{
	PyObject *tb_mod = NULL, *lines = NULL, *text = NULL;

	if (context)
		sems_log(SEMS_L_ERR, "Ivr-Python: %s", context);
	tb_mod = PyImport_ImportModule("traceback");
	if (tb_mod)
		lines = PyObject_CallMethod(tb_mod, "format_exception", "O", exc);
	if (lines) {
		PyObject *empty = PyUnicode_FromString("");
		if (empty) {
			text = PyUnicode_Join(empty, lines);
			Py_DECREF(empty);
		}
	}
	if (text) {
		const char *s = PyUnicode_AsUTF8(text);
		while (s && *s) {
			const char *nl = strchr(s, '\n');
			int len = nl ? (int)(nl - s) : (int)strlen(s);
			sems_log(SEMS_L_ERR, "Ivr-Python: %.*s", len, s);
			s = nl ? nl + 1 : NULL;
		}
	}
	else {
		/* formatting failed: at least say what it was */
		PyErr_Clear();
		PyObject *str = PyObject_Str(exc);
		const char *s = str ? PyUnicode_AsUTF8(str) : NULL;
		sems_log(SEMS_L_ERR, "Ivr-Python: %s: %s",
			 Py_TYPE(exc)->tp_name, s ? s : "?");
		Py_XDECREF(str);
	}
	PyErr_Clear();
	Py_XDECREF(text);
	Py_XDECREF(lines);
	Py_XDECREF(tb_mod);
}

void ivr_log_exception(const char *context)
{
	PyObject *type, *value, *tb;

	PyErr_Fetch(&type, &value, &tb);
	if (!type)
		return;
	PyErr_NormalizeException(&type, &value, &tb);
	if (tb && value)
		PyException_SetTraceback(value, tb);
	ivr_log_exception_obj(value ? value : type, context);
	Py_XDECREF(type);
	Py_XDECREF(value);
	Py_XDECREF(tb);
}

PyDoc_STRVAR(ivr_log_doc,
"log($module, level, msg, /)\n--\n\n"
"Write msg to the server log at level (0 error, 1 warning, 2 info, 3 debug).");

static PyObject *ivr_log(PyObject *Py_UNUSED(m), PyObject *args)
{
	int level;
	const char *msg;

	if (!PyArg_ParseTuple(args, "is:log", &level, &msg))
		return NULL;
	if (level < SEMS_L_ERR)
		level = SEMS_L_ERR;
	ivr_log_python(level, msg);
	Py_RETURN_NONE;
}

/* Calls one of the sip.h helpers fn(hdrs, name) and returns its result. */
static PyObject *header_lookup(PyObject *args, const char *fmt,
			       char *(*fn)(const char *, const char *))
{
	const char *hdrs, *name;
	char *value;
	PyObject *r;

	if (!PyArg_ParseTuple(args, fmt, &hdrs, &name))
		return NULL;
	value = fn(hdrs, name);
	if (!value)
		return PyErr_NoMemory();
	r = PyUnicode_DecodeUTF8(value, (Py_ssize_t)strlen(value), "replace");
	free(value);
	return r;
}

PyDoc_STRVAR(ivr_get_header_doc,
"getHeader($module, headers, name, /)\n--\n\n"
"First value of header `name` in the CRLF header block `headers`; the name\n"
"is case-insensitive and compact forms match (\"f\" == \"From\").\n"
"Returns \"\" when absent.");

static PyObject *ivr_get_header(PyObject *Py_UNUSED(m), PyObject *args)
{
	return header_lookup(args, "ss:getHeader", sems_header_get);
}

PyDoc_STRVAR(ivr_get_headers_doc,
"getHeaders($module, headers, name, /)\n--\n\n"
"All values of header `name` in `headers`, joined with \", \".");

static PyObject *ivr_get_headers(PyObject *Py_UNUSED(m), PyObject *args)
{
	return header_lookup(args, "ss:getHeaders", sems_header_get_all);
}

PyDoc_STRVAR(ivr_get_session_param_doc,
"getSessionParam($module, headers, name, /)\n--\n\n"
"Value of `name` in the P-App-Param header (`a=1;b=2`), else the value of\n"
"a header named P-<name>; \"\" when absent.");

/* SEMS 2.1: `name` in P-App-Param, else a header named P-<name>. */
static char *session_param(const char *hdrs, const char *name)
{
	char *app = sems_header_get(hdrs, "P-App-Param"), *v, *hname;

	v = app ? sems_param_get(app, name) : NULL;
	free(app);
	if (!v || *v)
		return v;
	free(v);
	if (!(hname = malloc(strlen(name) + 3)))
		return NULL;
	sprintf(hname, "P-%s", name);
	v = sems_header_get(hdrs, hname);
	free(hname);
	return v;
}

static PyObject *ivr_get_session_param(PyObject *Py_UNUSED(m), PyObject *args)
{
	return header_lookup(args, "ss:getSessionParam", session_param);
}

static PyMethodDef ivr_methods[] = {
	{"log", ivr_log, METH_VARARGS, ivr_log_doc},
	{"getHeader", ivr_get_header, METH_VARARGS, ivr_get_header_doc},
	{"getHeaders", ivr_get_headers, METH_VARARGS, ivr_get_headers_doc},
	{"getSessionParam", ivr_get_session_param, METH_VARARGS,
	 ivr_get_session_param_doc},
	{NULL, NULL, 0, NULL},
};

PyDoc_STRVAR(ivr_module_doc,
"The SEMS ivr API: write an application as a class IvrDialog derived from\n"
"IvrDialogBase in a script of script_path (see ivr.conf).");

static struct PyModuleDef ivr_moduledef = {
	PyModuleDef_HEAD_INIT, "ivr", ivr_module_doc, -1, ivr_methods,
	NULL, NULL, NULL, NULL,
};

PyDoc_STRVAR(semserror_doc,
"Raise semserror({'code': int, 'reason': str, 'hdrs': str}) from a handler\n"
"before the call is answered to end it with that SIP reply.");

static int add_constants(PyObject *m)
{
	const char *ip = sems_core_sip_ip();

	if (PyModule_AddIntConstant(m, "AUDIO_READ", SEMS_AUDIO_READ) < 0 ||
	    PyModule_AddIntConstant(m, "AUDIO_WRITE", SEMS_AUDIO_WRITE) < 0 ||
	    PyModule_AddIntConstant(m, "SEMS_LOG_LEVEL", sems_log_level()) < 0 ||
	    PyModule_AddStringConstant(m, "LOCAL_SIP_IP", ip ? ip : "") < 0 ||
	    PyModule_AddIntConstant(m, "LOCAL_SIP_PORT",
				    (long)sems_core_sip_port()) < 0)
		return -1;
	return 0;
}

static int add_types(PyObject *m)
{
	if (ivr_dialog_type_add(m) < 0 || ivr_audio_file_type_add(m) < 0 ||
	    ivr_null_audio_type_add(m) < 0 || ivr_mixin_type_add(m) < 0 ||
	    ivr_sip_dialog_type_add(m) < 0 || ivr_sip_request_type_add(m) < 0 ||
	    ivr_sip_reply_type_add(m) < 0 || ivr_uac_type_add(m) < 0)
		return -1;
	return 0;
}

PyObject *PyInit_ivr(void)
{
	PyObject *m = PyModule_Create(&ivr_moduledef);
	PyObject *config;

	if (!m)
		return NULL;
	ivr_semserror = PyErr_NewExceptionWithDoc("ivr.semserror",
						  semserror_doc, NULL, NULL);
	if (!ivr_semserror || PyModule_AddObjectRef(m, "semserror",
						    ivr_semserror) < 0)
		goto fail;
	config = PyDict_New();
	if (!config || PyModule_AddObject(m, "config", config) < 0) {
		Py_XDECREF(config);
		goto fail;
	}
	if (add_constants(m) < 0 || add_types(m) < 0 ||
	    PyModule_AddFunctions(m, ivr_process_methods) < 0)
		goto fail;
	ivr_module = m;   /* sys.modules keeps it alive */
	return m;
fail:
	Py_DECREF(m);
	return NULL;
}
