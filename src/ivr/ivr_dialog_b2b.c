/* ivr_dialog_b2b.c: the B2BUA methods of IvrDialogBase.
 *
 * connectCallee(remote_party, remote_uri[, local_party, local_uri]) or
 * connectCallee(None): INVITE the callee with invite_req.hdrs; replies
 * come to onOtherReply(code, reason), the callee's BYE to onOtherBye().
 * Media is relayed through the server (sems/uac.h, media_bridge.c), or
 * flows end to end with ivr.conf b2b_media=reinvite or media="reinvite".
 * terminateLeg(): BYE this leg (the caller) and stop; the callee leg
 * ends with the session.  terminateOtherLeg(): BYE/CANCEL the callee.
 * setRelayonly()/setNoRelayonly(): relay the caller's in-dialog INFO.
 */
#include "ivr.h"   /* Python.h comes first */
#include <errno.h>
#include <string.h>
#include <sems/uac.h>

int ivr_b2b_media = SEMS_B2B_MEDIA_RELAY;

/* The hdrs of invite_req (scripts edit them before connectCallee). */
static PyObject *invite_hdrs(IvrDialogObject *self)
{
	PyObject *req = PyObject_GetAttrString((PyObject *)self, "invite_req"),
		 *h = NULL;

	if (req) {
		h = PyObject_GetAttrString(req, "hdrs");
		Py_DECREF(req);
	}
	if (h && !PyUnicode_Check(h)) {
		Py_DECREF(h);
		PyErr_SetString(PyExc_TypeError, "invite_req.hdrs must be a str");
		return NULL;
	}
	return h;
}

PyDoc_STRVAR(connect_callee_doc,
"connectCallee($self, remote_party, remote_uri=None, local_party=None,\n"
"              local_uri=None, /, *, media=None)\n--\n\n"
"Call the callee (None: the original To and R-URI) with invite_req.hdrs;\n"
"From is the caller unless local_party and local_uri are both given.\n"
"Replies reach onOtherReply(code, reason); once answered both parties\n"
"hear each other.  media: \"relay\" or \"reinvite\" (None: ivr.conf's\n"
"b2b_media).");

static PyObject *dialog_connect_callee(IvrDialogObject *self, PyObject *args,
				       PyObject *kwargs)
{
	static char *kw[] = { "", "", "", "", "media", NULL };
	const char *rp = NULL, *ru = NULL, *lp = NULL, *lu = NULL, *hdrs,
		   *media = NULL;
	enum sems_b2b_media mode = (enum sems_b2b_media)ivr_b2b_media;
	struct sems_session *s;
	PyObject *h;
	int err;

	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "z|zzz$z:connectCallee",
					 kw, &rp, &ru, &lp, &lu, &media))
		return NULL;
	if (media && !strcmp(media, "relay"))
		mode = SEMS_B2B_MEDIA_RELAY;
	else if (media && !strcmp(media, "reinvite"))
		mode = SEMS_B2B_MEDIA_REINVITE;
	else if (media) {
		PyErr_Format(PyExc_ValueError, "IvrDialogBase.connectCallee: "
			     "media must be \"relay\" or \"reinvite\", not "
			     "\"%s\"", media);
		return NULL;
	}
	if (!(s = ivr_dialog_bound(self, "connectCallee")))
		return NULL;
	if (rp && !ru) {
		PyErr_SetString(PyExc_TypeError, "IvrDialogBase.connectCallee: "
				"remote_uri is needed with remote_party");
		return NULL;
	}
	if (!rp)
		ru = NULL;
	if (!(h = invite_hdrs(self)) || !(hdrs = PyUnicode_AsUTF8(h))) {
		Py_XDECREF(h);
		return NULL;
	}
	err = sems_b2b_connect_callee_media(s, rp, ru, lp, lu, hdrs, mode);
	Py_DECREF(h);
	if (err) {
		PyErr_Format(PyExc_RuntimeError, "IvrDialogBase.connectCallee: %s",
			     err == EBUSY ? "a callee leg exists already"
					  : strerror(err));
		return NULL;
	}
	Py_RETURN_NONE;
}

PyDoc_STRVAR(terminate_leg_doc,
"terminateLeg($self, /)\n--\n\n"
"End this (the caller's) leg: BYE, and stop the session; the callee leg\n"
"is ended with it.");

static PyObject *dialog_terminate_leg(IvrDialogObject *self,
				      PyObject *Py_UNUSED(a))
{
	struct sems_session *s = ivr_dialog_bound(self, "terminateLeg");

	if (!s)
		return NULL;
	sems_session_bye(s, "");
	sems_session_stop(s);
	Py_RETURN_NONE;
}

PyDoc_STRVAR(terminate_other_leg_doc,
"terminateOtherLeg($self, /)\n--\n\n"
"End the callee leg: BYE once answered, CANCEL before.");

static PyObject *dialog_terminate_other_leg(IvrDialogObject *self,
					    PyObject *Py_UNUSED(a))
{
	struct sems_session *s = ivr_dialog_bound(self, "terminateOtherLeg");

	if (!s)
		return NULL;
	(void)sems_b2b_terminate_other(s);
	Py_RETURN_NONE;
}

PyDoc_STRVAR(set_relayonly_doc,
"setRelayonly($self, /)\n--\n\n"
"Relay the caller's in-dialog requests (INFO) to the callee.");

static PyObject *dialog_set_relayonly(IvrDialogObject *self,
				      PyObject *Py_UNUSED(a))
{
	struct sems_session *s = ivr_dialog_bound(self, "setRelayonly");

	if (!s)
		return NULL;
	sems_b2b_set_relay_only(s, true);
	Py_RETURN_NONE;
}

PyDoc_STRVAR(set_no_relayonly_doc,
"setNoRelayonly($self, /)\n--\n\nStop relaying in-dialog requests.");

static PyObject *dialog_set_no_relayonly(IvrDialogObject *self,
					 PyObject *Py_UNUSED(a))
{
	struct sems_session *s = ivr_dialog_bound(self, "setNoRelayonly");

	if (!s)
		return NULL;
	sems_b2b_set_relay_only(s, false);
	Py_RETURN_NONE;
}

PyMethodDef ivr_dialog_b2b_methods[] = {
	{"connectCallee", (PyCFunction)(void (*)(void))dialog_connect_callee,
	 METH_VARARGS | METH_KEYWORDS, connect_callee_doc},
	{"terminateLeg", (PyCFunction)dialog_terminate_leg, METH_NOARGS,
	 terminate_leg_doc},
	{"terminateOtherLeg", (PyCFunction)dialog_terminate_other_leg,
	 METH_NOARGS, terminate_other_leg_doc},
	{"setRelayonly", (PyCFunction)dialog_set_relayonly, METH_NOARGS,
	 set_relayonly_doc},
	{"setNoRelayonly", (PyCFunction)dialog_set_no_relayonly, METH_NOARGS,
	 set_no_relayonly_doc},
	{NULL, NULL, 0, NULL},
};
