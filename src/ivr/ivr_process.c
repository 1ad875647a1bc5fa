/* ivr_process.c: module `ivr` functions between calls and the process:
 * sendMessage, createThread, setIgnoreSigchld, getAppParam (module form),
 * monitorLog/monitorLogAdd/monitorFinish.
 *
 * The monitor store is a dict {callid: {prop: value or [values]}} kept in
 * the plug-in; each call's record is written to the log when the call ends
 * (or at monitorFinish) and dropped.
 */
#include "ivr.h"   /* Python.h comes first */
#include <string.h>
#include <sems/log.h>
#include <sems/metrics.h>

static PyObject *monitor;              /* dict, created on first use */
static PyObject *pending_threads;      /* list of callables, import time */
static bool scripts_loaded;
/* The dialog whose handler runs on this thread (module getAppParam). */
static _Thread_local PyObject *current_dialog;

void ivr_set_current_dialog(PyObject *dialog)
{
	current_dialog = dialog;
}

PyDoc_STRVAR(send_message_doc,
"sendMessage($module, dest, msg, /)\n--\n\n"
"Post `msg` to the live call whose local tag is `dest`; it arrives there as\n"
"onIvrMessage(msg).  An unknown dest is ignored.");

static PyObject *ivr_send_message(PyObject *Py_UNUSED(m), PyObject *args)
{
	const char *dest, *msg;

	if (!PyArg_ParseTuple(args, "ss:sendMessage", &dest, &msg))
		return NULL;
	(void)sems_session_post_message(dest, msg);
	Py_RETURN_NONE;
}

PyDoc_STRVAR(create_thread_doc,
"createThread($module, callable, /)\n--\n\n"
"Run `callable` in its own thread once every script is loaded.  Only\n"
"while scripts are imported; later calls are logged and ignored.");

static PyObject *ivr_create_thread(PyObject *Py_UNUSED(m), PyObject *fn)
{
	if (!PyCallable_Check(fn)) {
		PyErr_Format(PyExc_TypeError, "createThread: %.100s is not "
			     "callable", Py_TYPE(fn)->tp_name);
		return NULL;
	}
	if (scripts_loaded) {
		SEMS_WARN("Ivr-Python: createThread() after start-up ignored");
		Py_RETURN_NONE;
	}
	if (!pending_threads && !(pending_threads = PyList_New(0)))
		return NULL;
	if (PyList_Append(pending_threads, fn) < 0)
		return NULL;
	Py_RETURN_NONE;
}

/* After the scripts are loaded: each callable in a daemon thread. */
void ivr_start_threads(void)
{
	PyObject *threading = NULL;

	scripts_loaded = true;
	if (!pending_threads)
		return;
	threading = PyImport_ImportModule("threading");
	for (Py_ssize_t i = 0; threading &&
	     i < PyList_GET_SIZE(pending_threads); i++) {
		PyObject *t = PyObject_CallMethod(threading, "Thread", "()");
		PyObject *r = NULL;

		if (t && PyObject_SetAttrString(t, "daemon", Py_True) == 0 &&
		    PyObject_SetAttrString(t, "run", PyList_GET_ITEM(
			    pending_threads, i)) == 0)
			r = PyObject_CallMethod(t, "start", NULL);
		if (!r)
			ivr_log_exception("createThread: cannot start a thread:");
		Py_XDECREF(r);
		Py_XDECREF(t);
	}
	if (!threading)
		ivr_log_exception("createThread: no threading module:");
	Py_XDECREF(threading);
	Py_CLEAR(pending_threads);
}

PyDoc_STRVAR(set_ignore_sigchld_doc,
"setIgnoreSigchld($module, flag, /)\n--\n\n"
"Accepted for SEMS scripts; this server never treats SIGCHLD as shutdown.");

static PyObject *ivr_set_ignore_sigchld(PyObject *Py_UNUSED(m),
					PyObject *Py_UNUSED(flag))
{
	Py_RETURN_NONE;
}

PyDoc_STRVAR(get_app_param_doc,
"getAppParam($module, name, /)\n--\n\n"
"Old scripts' form of IvrDialogBase.getAppParam: the parameter of the call\n"
"whose handler is running; \"\" outside a handler.");

static PyObject *ivr_get_app_param(PyObject *Py_UNUSED(m), PyObject *args)
{
	const char *name;

	if (!PyArg_ParseTuple(args, "s:getAppParam", &name))
		return NULL;
	if (!current_dialog)
		return PyUnicode_FromString("");
	return PyObject_CallMethod(current_dialog, "getAppParam", "s", name);
}

/* The record of `callid`, created if asked. */
static PyObject *monitor_record(PyObject *callid, bool create)
{
	PyObject *rec;

	if (!monitor && !(monitor = PyDict_New()))
		return NULL;
	rec = PyDict_GetItemWithError(monitor, callid);   /* borrowed */
	if (rec || PyErr_Occurred() || !create)
		return rec;
	rec = PyDict_New();
	if (rec && PyDict_SetItem(monitor, callid, rec) < 0)
		Py_CLEAR(rec);
	Py_XDECREF(rec);     /* the store holds it */
	return rec;
}

/* The copy GET /calls shows (sems_monitor_set): value as JSON text,
 * repr() for what JSON cannot hold.  Errors are cleared: monitoring must
 * never fail a script. */
static void monitor_export(PyObject *callid, PyObject *prop, PyObject *value,
			   bool append)
{
	static PyObject *dumps;
	PyObject *text = NULL;

	if (!dumps) {
		PyObject *json = PyImport_ImportModule("json");
		dumps = json ? PyObject_GetAttrString(json, "dumps") : NULL;
		Py_XDECREF(json);
	}
	if (dumps) {
		PyObject *args = PyTuple_Pack(1, value);
		PyObject *kw = Py_BuildValue("{sO}", "default",
					     (PyObject *)&PyUnicode_Type);
		if (args && kw)
			text = PyObject_Call(dumps, args, kw);
		Py_XDECREF(args);
		Py_XDECREF(kw);
	}
	if (text && PyUnicode_Check(text))
		sems_monitor_set(PyUnicode_AsUTF8(callid), PyUnicode_AsUTF8(prop),
				 PyUnicode_AsUTF8(text), append);
	Py_XDECREF(text);
	PyErr_Clear();
}

PyDoc_STRVAR(monitor_log_doc,
"monitorLog($module, callid, prop, value, /)\n--\n\n"
"Set property `prop` of call `callid`'s record to `value`.");

static PyObject *ivr_monitor_log(PyObject *Py_UNUSED(m), PyObject *args)
{
	PyObject *callid, *prop, *value, *rec;

	if (!PyArg_ParseTuple(args, "UUO:monitorLog", &callid, &prop, &value) ||
	    !(rec = monitor_record(callid, true)) ||
	    PyDict_SetItem(rec, prop, value) < 0)
		return NULL;
	monitor_export(callid, prop, value, false);
	Py_RETURN_NONE;
}

PyDoc_STRVAR(monitor_log_add_doc,
"monitorLogAdd($module, callid, prop, value, /)\n--\n\n"
"Append `value` to the list property `prop` of call `callid`'s record.");

static PyObject *ivr_monitor_log_add(PyObject *Py_UNUSED(m), PyObject *args)
{
	PyObject *callid, *prop, *value, *rec, *list;

	if (!PyArg_ParseTuple(args, "UUO:monitorLogAdd", &callid, &prop,
			      &value) || !(rec = monitor_record(callid, true)))
		return NULL;
	list = PyDict_GetItemWithError(rec, prop);
	if (!list && PyErr_Occurred())
		return NULL;
	if (!list || !PyList_Check(list)) {
		PyObject *fresh = list ? PyList_New(1) : PyList_New(0);
		if (!fresh)
			return NULL;
		if (list)
			PyList_SET_ITEM(fresh, 0, Py_NewRef(list));
		if (PyDict_SetItem(rec, prop, fresh) < 0) {
			Py_DECREF(fresh);
			return NULL;
		}
		Py_DECREF(fresh);
		list = fresh;
	}
	if (PyList_Append(list, value) < 0)
		return NULL;
	monitor_export(callid, prop, value, true);
	Py_RETURN_NONE;
}

/* Logs the record of callid (a str) and drops it. */
void ivr_monitor_finish(PyObject *callid)
{
	PyObject *rec = monitor ? monitor_record(callid, false) : NULL;
	PyObject *text;

	if (!rec) {
		PyErr_Clear();
		return;
	}
	text = PyObject_Repr(rec);
	if (text)
		SEMS_INFO("Ivr-Python: monitor %s: %s", PyUnicode_AsUTF8(callid),
			  PyUnicode_AsUTF8(text));
	Py_XDECREF(text);
	if (PyDict_DelItem(monitor, callid) < 0 || PyErr_Occurred())
		PyErr_Clear();
	sems_monitor_forget(PyUnicode_AsUTF8(callid));
}

PyDoc_STRVAR(monitor_finish_doc,
"monitorFinish($module, callid, /)\n--\n\n"
"Write call `callid`'s record to the log now and forget it (it is also\n"
"written when the call ends).");

static PyObject *ivr_monitor_finish_py(PyObject *Py_UNUSED(m), PyObject *args)
{
	PyObject *callid;

	if (!PyArg_ParseTuple(args, "U:monitorFinish", &callid))
		return NULL;
	ivr_monitor_finish(callid);
	Py_RETURN_NONE;
}

PyMethodDef ivr_process_methods[] = {
	{"sendMessage", ivr_send_message, METH_VARARGS, send_message_doc},
	{"createThread", ivr_create_thread, METH_O, create_thread_doc},
	{"setIgnoreSigchld", ivr_set_ignore_sigchld, METH_O,
	 set_ignore_sigchld_doc},
	{"getAppParam", ivr_get_app_param, METH_VARARGS, get_app_param_doc},
	{"monitorLog", ivr_monitor_log, METH_VARARGS, monitor_log_doc},
	{"monitorLogAdd", ivr_monitor_log_add, METH_VARARGS,
	 monitor_log_add_doc},
	{"monitorFinish", ivr_monitor_finish_py, METH_VARARGS,
	 monitor_finish_doc},
	{NULL, NULL, 0, NULL},
};
