/* ivr_dialog.c: type IvrDialogBase, the Python face of one call.
 *
 * Scripts subclass it as IvrDialog.  The server creates one instance per
 * call (ivr_dialog_create) bound to its struct sems_session; the binding
 * is dropped when the session ends (ivr_dialog_unbind), so an instance a
 * script kept, or one it made by hand, raises RuntimeError instead of
 * touching a call that is gone.
 */
#include "ivr.h"   /* Python.h comes first */
#include <errno.h>
#include <string.h>
#include <stdlib.h>
#include <sems/audio.h>

PyTypeObject *ivr_dialog_type;

/* Set while ivr_dialog_create() calls the class: tp_new binds the first
 * instance made to it, so __init__ already sees a live call.  Guarded by
 * the GIL. */
static struct sems_session *binding_session;

PyObject *ivr_dialog_create(PyObject *cls, struct sems_session *s)
{
	PyObject *dlg;

	binding_session = s;
	dlg = PyObject_CallNoArgs(cls);
	binding_session = NULL;
	if (dlg && !PyObject_TypeCheck(dlg, ivr_dialog_type)) {
		PyErr_Format(PyExc_TypeError,
			     "IvrDialog() returned %.100s, not an IvrDialogBase",
			     Py_TYPE(dlg)->tp_name);
		Py_CLEAR(dlg);
	}
	if (dlg && ((IvrDialogObject *)dlg)->session != s) {
		PyErr_SetString(PyExc_TypeError,
				"IvrDialog.__new__ did not call IvrDialogBase.__new__");
		Py_CLEAR(dlg);
	}
	return dlg;
}

void ivr_dialog_unbind(PyObject *dialog)
{
	((IvrDialogObject *)dialog)->session = NULL;
	ivr_digits_clear((IvrDialogObject *)dialog);
}

static PyObject *dialog_new(PyTypeObject *type, PyObject *Py_UNUSED(args),
			    PyObject *Py_UNUSED(kwds))
{
	IvrDialogObject *self = (IvrDialogObject *)type->tp_alloc(type, 0);

	if (!self)
		return NULL;
	self->session = binding_session;
	binding_session = NULL;
	return (PyObject *)self;
}

static void dialog_dealloc(IvrDialogObject *self)
{
	PyTypeObject *tp = Py_TYPE(self);

	Py_CLEAR(self->invite_req);
	ivr_digits_clear(self);
	tp->tp_free((PyObject *)self);
	Py_DECREF(tp);
}

struct sems_session *ivr_dialog_bound(IvrDialogObject *self,
				      const char *method)
{
	if (!self->session)
		PyErr_Format(PyExc_RuntimeError,
			     "IvrDialogBase.%s: this dialog is not attached to "
			     "a call (only the instance the server creates for "
			     "a call, while the call lasts, can control it)",
			     method);
	return self->session;
}

/* play: None, an open IvrAudioFile, an IvrNullAudio or an init()ed
 * IvrAudioMixIn; record: None, an IvrAudioFile opened with AUDIO_WRITE or
 * an IvrNullAudio. */
static int audio_arg(PyObject *obj, const char *what, struct sems_audio **ap)
{
	bool record = !strcmp(what, "record");
	char name[64];

	*ap = NULL;
	if (obj == Py_None)
		return 0;
	snprintf(name, sizeof(name), "IvrDialogBase.enqueue: %s", what);
	if (record && !PyObject_TypeCheck(obj, ivr_audio_file_type) &&
	    !PyObject_TypeCheck(obj, ivr_null_audio_type)) {
		PyErr_Format(PyExc_TypeError, "%s must be an IvrAudioFile, an "
			     "IvrNullAudio or None, not %.100s", name,
			     Py_TYPE(obj)->tp_name);
		return -1;
	}
	if (!(*ap = ivr_audio_item_get(obj, name)))
		return -1;
	if (record && PyObject_TypeCheck(obj, ivr_audio_file_type) &&
	    !sems_audio_is_recording(*ap)) {
		PyErr_Format(PyExc_ValueError, "%s: IvrAudioFile not opened "
			     "with AUDIO_WRITE", name);
		*ap = NULL;
		return -1;
	}
	return 0;
}

PyDoc_STRVAR(enqueue_doc,
"enqueue($self, play, record=None, /)\n--\n\n"
"Append to the call's playlist: `play` (an IvrAudioFile, rewound first, or\n"
"None) and `record` (an IvrAudioFile opened with AUDIO_WRITE, or None).\n"
"Items play in order; onEmptyQueue() runs when the playlist ran empty.");

static PyObject *dialog_enqueue(IvrDialogObject *self, PyObject *args)
{
	PyObject *play, *record = Py_None;
	struct sems_audio *pa, *ra;
	struct sems_session *s;
	int err;

	if (!PyArg_ParseTuple(args, "O|O:enqueue", &play, &record))
		return NULL;
	if (!(s = ivr_dialog_bound(self, "enqueue")) || audio_arg(play, "play", &pa) < 0 ||
	    audio_arg(record, "record", &ra) < 0)
		return NULL;
	if (pa)
		sems_audio_rewind(pa, 0);
	err = sems_session_enqueue(s, pa, ra);
	if (err) {
		PyErr_Format(PyExc_RuntimeError, "IvrDialogBase.enqueue: %s",
			     strerror(err));
		return NULL;
	}
	Py_RETURN_NONE;
}

PyDoc_STRVAR(flush_doc,
"flush($self, /)\n--\n\nEmpty the playlist (stops what is playing).");

static PyObject *dialog_flush(IvrDialogObject *self, PyObject *Py_UNUSED(a))
{
	struct sems_session *s = ivr_dialog_bound(self, "flush");

	if (!s)
		return NULL;
	sems_session_flush(s);
	Py_RETURN_NONE;
}

PyDoc_STRVAR(queue_is_empty_doc,
"queueIsEmpty($self, /)\n--\n\nTrue when the playlist is empty.");

static PyObject *dialog_queue_is_empty(IvrDialogObject *self,
				       PyObject *Py_UNUSED(a))
{
	struct sems_session *s = ivr_dialog_bound(self, "queueIsEmpty");

	if (!s)
		return NULL;
	return PyBool_FromLong(sems_session_queue_empty(s));
}

PyDoc_STRVAR(bye_doc,
"bye($self, hdrs=\"\", /)\n--\n\n"
"End the dialog: BYE once answered (extra headers `hdrs`, CRLF lines).\n"
"As in SEMS this does not end the session: call stopSession() too.");

static PyObject *dialog_bye(IvrDialogObject *self, PyObject *args)
{
	const char *hdrs = "";
	struct sems_session *s;
	int err;

	if (!PyArg_ParseTuple(args, "|s:bye", &hdrs) || !(s = ivr_dialog_bound(self, "bye")))
		return NULL;
	err = sems_session_bye(s, hdrs);
	if (err && err != EALREADY) {
		PyErr_Format(PyExc_RuntimeError, "IvrDialogBase.bye: %s",
			     strerror(err));
		return NULL;
	}
	Py_RETURN_NONE;
}

PyDoc_STRVAR(stop_session_doc,
"stopSession($self, /)\n--\n\n"
"End the session once the running handler returns.  Sends nothing by\n"
"itself, except that a call still up is ended cleanly by the server.");

static PyObject *dialog_stop_session(IvrDialogObject *self,
				     PyObject *Py_UNUSED(a))
{
	struct sems_session *s = ivr_dialog_bound(self, "stopSession");

	if (!s)
		return NULL;
	sems_session_stop(s);
	Py_RETURN_NONE;
}

PyDoc_STRVAR(get_app_param_doc,
"getAppParam($self, name, /)\n--\n\n"
"Parameter `name` of the initial INVITE's P-App-Param header\n"
"(`a=1;b=2`); \"\" when absent.");

static PyObject *dialog_get_app_param(IvrDialogObject *self, PyObject *args)
{
	const struct sems_sip_request *inv;
	struct sems_session *s;
	const char *name;
	char *hdr, *value;
	PyObject *r;

	if (!PyArg_ParseTuple(args, "s:getAppParam", &name) ||
	    !(s = ivr_dialog_bound(self, "getAppParam")))
		return NULL;
	inv = sems_session_initial_invite(s);
	hdr = sems_header_get(inv ? inv->hdrs : "", "P-App-Param");
	value = hdr ? sems_param_get(hdr, name) : NULL;
	free(hdr);
	if (!value)
		return PyErr_NoMemory();
	r = PyUnicode_DecodeUTF8(value, (Py_ssize_t)strlen(value), "replace");
	free(value);
	return r;
}

PyDoc_STRVAR(get_session_params_doc,
"getSessionParams($self, /)\n--\n\n"
"The session_params IvrUAC.dialout gave this call, or None.");

static PyObject *dialog_get_session_params(IvrDialogObject *self,
					   PyObject *Py_UNUSED(a))
{
	struct sems_session *s = ivr_dialog_bound(self, "getSessionParams");

	if (!s)
		return NULL;
	return ivr_session_params(s);
}

PyDoc_STRVAR(on_rtp_timeout_doc,
"onRtpTimeout($self, /)\n--\n\n"
"The default handler of an RTP timeout (no RTP for dead_rtp_time s):\n"
"BYE and stop.  A script's own onRtpTimeout may call it.");

static PyObject *dialog_on_rtp_timeout(IvrDialogObject *self,
				       PyObject *Py_UNUSED(a))
{
	struct sems_session *s = ivr_dialog_bound(self, "onRtpTimeout");

	if (!s)
		return NULL;
	sems_session_bye(s, "");
	sems_session_stop(s);
	Py_RETURN_NONE;
}

static PyMethodDef dialog_core_methods[] = {
	{"onRtpTimeout", (PyCFunction)dialog_on_rtp_timeout, METH_NOARGS,
	 on_rtp_timeout_doc},
	{"getAppParam", (PyCFunction)dialog_get_app_param, METH_VARARGS,
	 get_app_param_doc},
	{"getSessionParams", (PyCFunction)dialog_get_session_params,
	 METH_NOARGS, get_session_params_doc},
	{"enqueue", (PyCFunction)dialog_enqueue, METH_VARARGS, enqueue_doc},
	{"flush", (PyCFunction)dialog_flush, METH_NOARGS, flush_doc},
	{"queueIsEmpty", (PyCFunction)dialog_queue_is_empty, METH_NOARGS,
	 queue_is_empty_doc},
	{"bye", (PyCFunction)dialog_bye, METH_VARARGS, bye_doc},
	{"stopSession", (PyCFunction)dialog_stop_session, METH_NOARGS,
	 stop_session_doc},
	{NULL, NULL, 0, NULL},
};

static PyObject *dialog_get_dialog(IvrDialogObject *self, void *Py_UNUSED(c))
{
	struct sems_session *s = ivr_dialog_bound(self, "dialog");
	struct sems_dialog dlg;

	if (!s)
		return NULL;
	sems_session_dialog(s, &dlg);
	return ivr_sip_dialog_new(&dlg, (PyObject *)self);
}

static PyObject *dialog_get_invite_req(IvrDialogObject *self,
				       void *Py_UNUSED(c))
{
	if (!self->invite_req) {
		struct sems_session *s = ivr_dialog_bound(self, "invite_req");
		const struct sems_sip_request *req;

		if (!s)
			return NULL;
		req = sems_session_invite(s);
		if (!req) {
			PyErr_SetString(PyExc_RuntimeError,
					"IvrDialogBase.invite_req: no INVITE");
			return NULL;
		}
		self->invite_req = ivr_sip_request_new(req);
		if (!self->invite_req)
			return NULL;
	}
	return Py_NewRef(self->invite_req);
}

static PyGetSetDef dialog_getset[] = {
	{"dialog", (getter)dialog_get_dialog, NULL,
	 "The call's dialog (IvrSipDialog, a snapshot taken now).", NULL},
	{"invite_req", (getter)dialog_get_invite_req, NULL,
	 "The INVITE (IvrSipRequest; its hdrs may be edited); a re-INVITE\n"
	 "replaces it.", NULL},
	{NULL, NULL, NULL, NULL, NULL},
};

/* One table for the type, from the tables of the files that define them. */
static PyMethodDef dialog_methods[128];

static int dialog_methods_merge(void)
{
	PyMethodDef *tables[] = { dialog_core_methods, ivr_dialog_media_methods,
				  ivr_dialog_digits_methods,
				  ivr_dialog_b2b_methods,
				  ivr_dialog_sip_methods,
				  ivr_dialog_listen_methods };
	size_t n = 0;

	for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++) {
		for (PyMethodDef *m = tables[t]; m->ml_name; m++) {
			if (n + 1 >= sizeof(dialog_methods) / sizeof(*m)) {
				PyErr_SetString(PyExc_SystemError,
						"IvrDialogBase: too many methods");
				return -1;
			}
			dialog_methods[n++] = *m;
		}
	}
	return 0;
}

PyDoc_STRVAR(dialog_doc,
"IvrDialogBase: base class of a script's IvrDialog, one instance per call.\n\n"
"Define handlers (all optional): onInvite(hdrs), onStart(),\n"
"onSessionStart([hdrs]), onEmptyQueue(), onBye(), onCancel(),\n"
"onSipRequest(req), onSipReply([req,] reply), onRtpTimeout(),\n"
"onServerShutdown(), onDtmf(key, duration), onTimer(id),\n"
"onAudioCleared(), onDigits(digits, reason),\n"
"onRecordDone(reason, duration_ms), onOtherReply(code, reason),\n"
"onOtherBye(), onListenEnd(reason), onListenMark(name),\n"
"onListenMessage(text).");

static PyType_Slot dialog_slots[] = {
	{Py_tp_doc, (void *)dialog_doc},
	{Py_tp_new, dialog_new},
	{Py_tp_dealloc, dialog_dealloc},
	{Py_tp_methods, dialog_methods},
	{Py_tp_getset, dialog_getset},
	{0, NULL},
};

static PyType_Spec dialog_spec = {
	.name = "ivr.IvrDialogBase",
	.basicsize = sizeof(IvrDialogObject),
	.flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
	.slots = dialog_slots,
};

int ivr_dialog_type_add(PyObject *m)
{
	if (dialog_methods_merge() < 0)
		return -1;
	ivr_dialog_type = (PyTypeObject *)PyType_FromSpec(&dialog_spec);
	if (!ivr_dialog_type)
		return -1;
	if (PyObject_SetAttrString((PyObject *)ivr_dialog_type, "B2BMode",
				   Py_False) < 0)
		return -1;
	return PyModule_AddType(m, ivr_dialog_type);
}
