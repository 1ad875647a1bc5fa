/* ivr_dialog_listen.c: the voice-bot methods of IvrDialogBase.
 *
 * startListen(url, mix="mono", rate=8000, bidirectional=False,
 * metadata=None) streams the call's audio to a WebSocket server
 * (sems/listen.h); stopListen() closes it; sendListenMessage(text) sends
 * a text frame.  The server's marks, other text frames and the end of the
 * stream come back as onListenMark(name), onListenMessage(text) and
 * onListenEnd(reason) (ivr_call.c).
 */
#include "ivr.h"   /* Python.h comes first */
#include <errno.h>
#include <string.h>
#include <sems/listen.h>

/* metadata -> JSON text (json.dumps), new reference to a str or NULL. */
static PyObject *metadata_json(PyObject *metadata)
{
	PyObject *json = PyImport_ImportModule("json"), *r = NULL;

	if (json) {
		r = PyObject_CallMethod(json, "dumps", "O", metadata);
		Py_DECREF(json);
	}
	return r;
}

static int bidir_arg(PyObject *o, enum sems_listen_bidir *b)
{
	if (o == Py_None || o == Py_False) {
		*b = SEMS_LISTEN_SEND_ONLY;
		return 0;
	}
	if (o == Py_True) {
		*b = SEMS_LISTEN_REPLACE;
		return 0;
	}
	if (PyUnicode_Check(o)) {
		const char *v = PyUnicode_AsUTF8(o);

		if (v && !strcmp(v, "replace")) {
			*b = SEMS_LISTEN_REPLACE;
			return 0;
		}
		if (v && !strcmp(v, "mix")) {
			*b = SEMS_LISTEN_MIX;
			return 0;
		}
		if (!v)
			return -1;
	}
	PyErr_SetString(PyExc_ValueError, "IvrDialogBase.startListen: "
			"bidirectional must be False, True, \"replace\" or "
			"\"mix\"");
	return -1;
}

PyDoc_STRVAR(start_listen_doc,
"startListen($self, url, mix=\"mono\", rate=8000, bidirectional=False,\n"
"            metadata=None)\n--\n\n"
"Stream the call's audio to the WebSocket server at `url` (ws:// or\n"
"wss://): a JSON text frame first (type \"start\", call_id, application,\n"
"from, to, rate, channels, encoding, metadata), then 20 ms binary frames\n"
"of L16 little-endian PCM at `rate` (8000 or 16000): the caller, or with\n"
"mix=\"stereo\" the caller (left) and what the caller hears (right).\n"
"bidirectional=True or \"replace\": binary frames from the server are\n"
"played instead of the playlist; \"mix\": over it.  Text frames\n"
"{\"type\": \"clear\"} stop that playback, {\"type\": \"mark\", \"name\": N}\n"
"come back as onListenMark(N) once played, others reach\n"
"onListenMessage(text).  Keys pressed are sent as {\"type\": \"dtmf\", ...}.\n"
"onListenEnd(reason) reports the end: \"stopped\", \"closed\" or\n"
"\"error: ...\".  `metadata`: anything json.dumps takes.");

static PyObject *dialog_start_listen(IvrDialogObject *self, PyObject *args,
				     PyObject *kwds)
{
	static char *kwlist[] = { "url", "mix", "rate", "bidirectional",
				  "metadata", NULL };
	const char *url, *mix = "mono";
	unsigned rate = 8000;
	PyObject *bidir = Py_False, *metadata = Py_None, *meta = NULL;
	struct sems_listen_params p = { 0 };
	struct sems_session *s;
	int err;

	if (!PyArg_ParseTupleAndKeywords(args, kwds, "s|sIOO:startListen",
					 kwlist, &url, &mix, &rate, &bidir,
					 &metadata) ||
	    !(s = ivr_dialog_bound(self, "startListen")) ||
	    bidir_arg(bidir, &p.bidir) < 0)
		return NULL;
	if (strcmp(mix, "mono") && strcmp(mix, "stereo")) {
		PyErr_SetString(PyExc_ValueError, "IvrDialogBase.startListen: "
				"mix must be \"mono\" or \"stereo\"");
		return NULL;
	}
	if (rate != 8000 && rate != 16000) {
		PyErr_SetString(PyExc_ValueError, "IvrDialogBase.startListen: "
				"rate must be 8000 or 16000");
		return NULL;
	}
	if (metadata != Py_None) {
		if (!(meta = metadata_json(metadata)) ||
		    !(p.metadata_json = PyUnicode_AsUTF8(meta))) {
			Py_XDECREF(meta);
			return NULL;
		}
	}
	p.url = url;
	p.rate = rate;
	p.stereo = !strcmp(mix, "stereo");
	Py_BEGIN_ALLOW_THREADS
	err = sems_session_listen_start(s, &p);
	Py_END_ALLOW_THREADS
	Py_XDECREF(meta);
	if (err) {
		PyErr_Format(err == EINVAL ? PyExc_ValueError
					   : PyExc_RuntimeError,
			     "IvrDialogBase.startListen: %s",
			     err == EBUSY ? "already listening" :
			     err == EINVAL ? "url must be ws://host[:port][/path] "
					     "or wss://..." :
			     err == ENOTCONN ? "the call has no media" :
			     strerror(err));
		return NULL;
	}
	Py_RETURN_NONE;
}

PyDoc_STRVAR(stop_listen_doc,
"stopListen($self, /)\n--\n\n"
"Close the WebSocket of startListen; onListenEnd(\"stopped\") follows.\n"
"Returns False when not listening.");

static PyObject *dialog_stop_listen(IvrDialogObject *self,
				    PyObject *Py_UNUSED(a))
{
	struct sems_session *s = ivr_dialog_bound(self, "stopListen");

	if (!s)
		return NULL;
	return PyBool_FromLong(sems_session_listen_stop(s) == 0);
}

PyDoc_STRVAR(send_listen_message_doc,
"sendListenMessage($self, text, /)\n--\n\n"
"Send `text` to the WebSocket server as a text frame (queued until the\n"
"socket is open).  RuntimeError when not listening.");

static PyObject *dialog_send_listen_message(IvrDialogObject *self,
					    PyObject *args)
{
	const char *text;
	struct sems_session *s;
	int err;

	if (!PyArg_ParseTuple(args, "s:sendListenMessage", &text) ||
	    !(s = ivr_dialog_bound(self, "sendListenMessage")))
		return NULL;
	err = sems_session_listen_send(s, text);
	if (err) {
		PyErr_Format(PyExc_RuntimeError,
			     "IvrDialogBase.sendListenMessage: %s",
			     err == ENOENT ? "not listening" : strerror(err));
		return NULL;
	}
	Py_RETURN_NONE;
}

PyDoc_STRVAR(is_listening_doc,
"isListening($self, /)\n--\n\nTrue while a startListen stream is up.");

static PyObject *dialog_is_listening(IvrDialogObject *self,
				     PyObject *Py_UNUSED(a))
{
	struct sems_session *s = ivr_dialog_bound(self, "isListening");

	if (!s)
		return NULL;
	return PyBool_FromLong(sems_session_listening(s));
}

PyMethodDef ivr_dialog_listen_methods[] = {
	{"startListen", (PyCFunction)(void (*)(void))dialog_start_listen,
	 METH_VARARGS | METH_KEYWORDS, start_listen_doc},
	{"stopListen", (PyCFunction)dialog_stop_listen, METH_NOARGS,
	 stop_listen_doc},
	{"sendListenMessage", (PyCFunction)dialog_send_listen_message,
	 METH_VARARGS, send_listen_message_doc},
	{"isListening", (PyCFunction)dialog_is_listening, METH_NOARGS,
	 is_listening_doc},
	{NULL, NULL, 0, NULL},
};
