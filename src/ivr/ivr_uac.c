/* ivr_uac.c: type IvrUAC (outbound calls) and getSessionParams().
 *
 * IvrUAC().dialout(user, app_name, r_uri, from, from_uri, to
 *                  [, local_tag, hdrs, session_params])
 * places a call that runs application `app_name` once answered
 * (sems_dialout, sems/uac.h) and returns the new session's id (its local
 * tag; SEMS returns None).  session_params (a dict or list of str, or any
 * JSON-encodable value) travels as JSON and comes back from
 * getSessionParams() in the new call.
 */
#include "ivr.h"   /* Python.h comes first */
#include <errno.h>
#include <string.h>
#include <sems/uac.h>

PyTypeObject *ivr_uac_type;

static PyObject *json_call(const char *fn, PyObject *arg)
{
	PyObject *json = PyImport_ImportModule("json"), *r = NULL;

	if (json) {
		r = PyObject_CallMethod(json, fn, "O", arg);
		Py_DECREF(json);
	}
	return r;
}

PyDoc_STRVAR(dialout_doc,
"dialout($self, user, app_name, r_uri, from_, from_uri, to, local_tag=\"\",\n"
"        hdrs=\"\", session_params=None, /)\n--\n\n"
"Call r_uri and run application app_name once the callee answers;\n"
"session_params reach it through getSessionParams().  Returns the new\n"
"session's local tag.");

static PyObject *uac_dialout(PyObject *Py_UNUSED(self), PyObject *args)
{
	const char *user, *app, *r_uri, *from, *from_uri, *to;
	const char *local_tag = "", *hdrs = "", *params = NULL;
	PyObject *sp = Py_None, *enc = NULL;
	char tag[64];
	int err;

	if (!PyArg_ParseTuple(args, "ssssss|zzO:dialout", &user, &app, &r_uri,
			      &from, &from_uri, &to, &local_tag, &hdrs, &sp))
		return NULL;
	if (sp != Py_None) {
		if (!(enc = json_call("dumps", sp)))
			return NULL;
		if (!(params = PyUnicode_AsUTF8(enc))) {
			Py_DECREF(enc);
			return NULL;
		}
	}
	Py_BEGIN_ALLOW_THREADS
	err = sems_dialout(app, user, r_uri, from, from_uri, to, local_tag,
			   hdrs, params, tag, sizeof(tag));
	Py_END_ALLOW_THREADS
	Py_XDECREF(enc);
	if (err == ENOENT) {
		PyErr_Format(PyExc_ValueError, "IvrUAC.dialout: unknown "
			     "application '%s'", app);
		return NULL;
	}
	if (err) {
		PyErr_Format(PyExc_RuntimeError, "IvrUAC.dialout: %s",
			     strerror(err));
		return NULL;
	}
	return PyUnicode_FromString(tag);
}

static PyMethodDef uac_methods[] = {
	{"dialout", uac_dialout, METH_VARARGS, dialout_doc},
	{NULL, NULL, 0, NULL},
};

PyDoc_STRVAR(uac_doc,
"IvrUAC: places outbound calls: IvrUAC().dialout(...).");

static PyType_Slot uac_slots[] = {
	{Py_tp_doc, (void *)uac_doc},
	{Py_tp_new, PyType_GenericNew},
	{Py_tp_methods, uac_methods},
	{0, NULL},
};

static PyType_Spec uac_spec = {
	.name = "ivr.IvrUAC",
	.basicsize = sizeof(PyObject),
	.flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
	.slots = uac_slots,
};

int ivr_uac_type_add(PyObject *m)
{
	ivr_uac_type = (PyTypeObject *)PyType_FromSpec(&uac_spec);
	if (!ivr_uac_type)
		return -1;
	return PyModule_AddType(m, ivr_uac_type);
}

PyObject *ivr_session_params(struct sems_session *s)
{
	const char *p = sems_session_params(s);
	PyObject *str, *r;

	if (!p)
		Py_RETURN_NONE;
	if (!(str = PyUnicode_FromString(p)))
		return NULL;
	r = json_call("loads", str);
	Py_DECREF(str);
	return r;
}
