/* ivr_dialog_media.c: IvrDialogBase's media switches, timers and sendDtmf.
 *
 * Each method is a thin call into the core's session API (session.h);
 * the table at the end is merged into IvrDialogBase by ivr_dialog.c.
 */
#include "ivr.h"   /* Python.h comes first */
#include <errno.h>
#include <string.h>

static PyObject *set_flag(IvrDialogObject *self, const char *method,
			  enum sems_media_flag flag, bool on)
{
	struct sems_session *s = ivr_dialog_bound(self, method);

	if (!s)
		return NULL;
	sems_session_set_media(s, flag, on);
	Py_RETURN_NONE;
}

#define FLAG_METHOD(fn, pyname, flag, on, doc)				\
	PyDoc_STRVAR(fn##_doc, pyname "($self, /)\n--\n\n" doc);	\
	static PyObject *fn(IvrDialogObject *self, PyObject *Py_UNUSED(a)) \
	{								\
		return set_flag(self, pyname, flag, on);		\
	}

FLAG_METHOD(dialog_mute, "mute", SEMS_MEDIA_MUTED, true,
	    "Stop sending RTP (the playlist goes on).")
FLAG_METHOD(dialog_unmute, "unmute", SEMS_MEDIA_MUTED, false,
	    "Send RTP again after mute().")
FLAG_METHOD(dialog_enable_rx, "enableReceiving", SEMS_MEDIA_RECEIVING, true,
	    "Process the caller's audio again (recording, in-band DTMF).")
FLAG_METHOD(dialog_disable_rx, "disableReceiving", SEMS_MEDIA_RECEIVING,
	    false, "Ignore the caller's audio (RFC 4733 keys only if\n"
	    "enableDTMFReceiving() was called).")
FLAG_METHOD(dialog_enable_dtmf_rx, "enableDTMFReceiving",
	    SEMS_MEDIA_DTMF_RECEIVING, true,
	    "Take RFC 4733 keys even while receiving is disabled.")
FLAG_METHOD(dialog_disable_dtmf_rx, "disableDTMFReceiving",
	    SEMS_MEDIA_DTMF_RECEIVING, false,
	    "Take RFC 4733 keys only while receiving (the default).")
FLAG_METHOD(dialog_enable_dtmf, "enableDTMFDetection",
	    SEMS_MEDIA_DTMF_DETECTION, true,
	    "Deliver key presses to onDtmf() (the default).")
FLAG_METHOD(dialog_disable_dtmf, "disableDTMFDetection",
	    SEMS_MEDIA_DTMF_DETECTION, false,
	    "Deliver no key presses at all.")
FLAG_METHOD(dialog_connect_media, "connectMedia", SEMS_MEDIA_CONNECTED, true,
	    "Attach the call to media processing again.")
FLAG_METHOD(dialog_disconnect_media, "disconnectMedia", SEMS_MEDIA_CONNECTED,
	    false, "Detach the call from media processing: nothing is\n"
	    "played, recorded or sent until connectMedia().")

PyDoc_STRVAR(set_timer_doc,
"setTimer($self, id, seconds, /)\n--\n\n"
"Start timer `id` (an int > 0); onTimer(id) runs after `seconds` (a\n"
"float, ms accuracy).  Setting an id again restarts it.");

static PyObject *dialog_set_timer(IvrDialogObject *self, PyObject *args)
{
	struct sems_session *s;
	double seconds;
	int id, err;

	if (!PyArg_ParseTuple(args, "id:setTimer", &id, &seconds) ||
	    !(s = ivr_dialog_bound(self, "setTimer")))
		return NULL;
	if (id <= 0 || id >= IVR_TIMER_RESERVED) {
		PyErr_Format(PyExc_ValueError, "IvrDialogBase.setTimer: id must "
			     "be from 1 to %d, not %d", IVR_TIMER_RESERVED - 1, id);
		return NULL;
	}
	if (!(seconds >= 0)) {
		PyErr_SetString(PyExc_ValueError,
				"IvrDialogBase.setTimer: seconds must be >= 0");
		return NULL;
	}
	err = sems_session_set_timer(s, id, seconds);
	if (err) {
		PyErr_Format(PyExc_RuntimeError, "IvrDialogBase.setTimer: %s",
			     strerror(err));
		return NULL;
	}
	Py_RETURN_NONE;
}

PyDoc_STRVAR(remove_timer_doc,
"removeTimer($self, id, /)\n--\n\nCancel timer `id`; it will not fire.");

static PyObject *dialog_remove_timer(IvrDialogObject *self, PyObject *args)
{
	struct sems_session *s;
	int id;

	if (!PyArg_ParseTuple(args, "i:removeTimer", &id) ||
	    !(s = ivr_dialog_bound(self, "removeTimer")))
		return NULL;
	if (id > 0 && id < IVR_TIMER_RESERVED)
		sems_session_remove_timer(s, id);
	Py_RETURN_NONE;
}

PyDoc_STRVAR(dialog_remove_timers_doc,
"removeTimers($self, /)\n--\n\nCancel every timer of this call.");

static PyObject *dialog_remove_timers(IvrDialogObject *self,
				      PyObject *Py_UNUSED(a))
{
	struct sems_session *s = ivr_dialog_bound(self, "removeTimers");

	if (!s)
		return NULL;
	sems_session_remove_timers(s);
	/* the plug-in's own collectDigits timer goes too: set it again */
	if (self->collect.active && !self->collect.after_prompt)
		sems_session_set_timer(s, IVR_TIMER_COLLECT,
				       self->collect.digits[0] ?
				       self->collect.inter_digit :
				       self->collect.timeout);
	Py_RETURN_NONE;
}

PyDoc_STRVAR(send_dtmf_doc,
"sendDtmf($self, digits, duration_ms=100)\n--\n\n"
"Send `digits` (0-9 * # A-D) to the caller as RFC 4733 events.\n"
"ValueError for another character; RuntimeError if the call has no\n"
"telephone-event.");

static PyObject *dialog_send_dtmf(IvrDialogObject *self, PyObject *args,
				  PyObject *kwds)
{
	static char *kwlist[] = {"digits", "duration_ms", NULL};
	const char *digits;
	int duration = 100, err;
	struct sems_session *s;

	if (!PyArg_ParseTupleAndKeywords(args, kwds, "s|i:sendDtmf", kwlist,
					 &digits, &duration) ||
	    !(s = ivr_dialog_bound(self, "sendDtmf")))
		return NULL;
	if (duration < 40 || duration > 5000) {
		PyErr_SetString(PyExc_ValueError, "IvrDialogBase.sendDtmf: "
				"duration_ms must be from 40 to 5000");
		return NULL;
	}
	err = sems_session_send_dtmf(s, digits, (unsigned)duration);
	if (err == EINVAL) {
		PyErr_Format(PyExc_ValueError, "IvrDialogBase.sendDtmf: '%s' "
			     "has a character that is not a key (0-9 * # A-D)",
			     digits);
		return NULL;
	}
	if (err) {
		PyErr_Format(PyExc_RuntimeError, "IvrDialogBase.sendDtmf: %s",
			     err == ENOTSUP ? "the call did not negotiate "
			     "telephone-event" : strerror(err));
		return NULL;
	}
	Py_RETURN_NONE;
}

#define NOARGS(name, fn) {name, (PyCFunction)fn, METH_NOARGS, fn##_doc}

PyMethodDef ivr_dialog_media_methods[] = {
	NOARGS("mute", dialog_mute),
	NOARGS("unmute", dialog_unmute),
	NOARGS("enableReceiving", dialog_enable_rx),
	NOARGS("disableReceiving", dialog_disable_rx),
	NOARGS("enableDTMFReceiving", dialog_enable_dtmf_rx),
	NOARGS("disableDTMFReceiving", dialog_disable_dtmf_rx),
	NOARGS("enableDTMFDetection", dialog_enable_dtmf),
	NOARGS("disableDTMFDetection", dialog_disable_dtmf),
	NOARGS("connectMedia", dialog_connect_media),
	NOARGS("disconnectMedia", dialog_disconnect_media),
	{"setTimer", (PyCFunction)dialog_set_timer, METH_VARARGS,
	 set_timer_doc},
	{"removeTimer", (PyCFunction)dialog_remove_timer, METH_VARARGS,
	 remove_timer_doc},
	NOARGS("removeTimers", dialog_remove_timers),
	{"sendDtmf", (PyCFunction)(void (*)(void))dialog_send_dtmf,
	 METH_VARARGS | METH_KEYWORDS, send_dtmf_doc},
	{NULL, NULL, 0, NULL},
};
