/* ivr_dialog_sip.c: IvrDialogBase's signalling beyond accept/bye:
 * early media and answer control, requests and replies inside the
 * dialog, REFER and SEMS's redirect, dropSession.
 *
 * Each method is a thin call into the core's session API (session.h);
 * the table at the end is merged into IvrDialogBase by ivr_dialog.c.
 */
#include "ivr.h"   /* Python.h comes first */
#include <errno.h>
#include <string.h>
#include <stdlib.h>

/* RuntimeError "IvrDialogBase.<method>: <what>" for an errno value. */
static PyObject *fail(const char *method, int err, PyObject *type)
{
	const char *what = strerror(err);

	switch (err) {
	case EALREADY: what = "the call was already answered or rejected"; break;
	case ENOTCONN: what = "no dialog (not answered, ended or dropped)"; break;
	case ENOTSUP:  what = "not possible on this call"; break;
	default: break;
	}
	PyErr_Format(type ? type : PyExc_RuntimeError, "IvrDialogBase.%s: %s",
		     method, what);
	return NULL;
}

PyDoc_STRVAR(ring_doc,
"ring($self, /)\n--\n\n"
"Send 180 Ringing to the caller (before the answer; ours).");

static PyObject *dialog_ring(IvrDialogObject *self, PyObject *Py_UNUSED(a))
{
	struct sems_session *s = ivr_dialog_bound(self, "ring");
	int err;

	if (!s)
		return NULL;
	if ((err = sems_session_ring(s)))
		return fail("ring", err, NULL);
	Py_RETURN_NONE;
}

PyDoc_STRVAR(pre_answer_doc,
"preAnswer($self, /)\n--\n\n"
"Send 183 Session Progress with our SDP answer (early media): the\n"
"playlist plays and RTP flows from when this handler returns, before\n"
"the call is answered.  answer() sends the 200 later (ours).");

static PyObject *dialog_pre_answer(IvrDialogObject *self,
				   PyObject *Py_UNUSED(a))
{
	struct sems_session *s = ivr_dialog_bound(self, "preAnswer");
	int err;

	if (!s)
		return NULL;
	if ((err = sems_session_pre_answer(s)))
		return fail("preAnswer", err, NULL);
	Py_RETURN_NONE;
}

PyDoc_STRVAR(answer_doc,
"answer($self, /)\n--\n\n"
"Answer the call: 200 with our SDP (what onInvite returning True does;\n"
"onSessionStart is not called for it).  After ring()/preAnswer(), or\n"
"from any later handler when onInvite returned None (ours).");

static PyObject *dialog_answer(IvrDialogObject *self, PyObject *Py_UNUSED(a))
{
	struct sems_session *s = ivr_dialog_bound(self, "answer");
	int err;

	if (!s)
		return NULL;
	if ((err = sems_session_accept(s)))
		return fail("answer", err, NULL);
	self->answered = true;
	Py_RETURN_NONE;
}

PyDoc_STRVAR(send_request_doc,
"sendRequest($self, method, hdrs=\"\", body=\"\", content_type=\"\", /)\n--\n\n"
"Send request `method` (INFO, NOTIFY, OPTIONS, MESSAGE, ...) inside the\n"
"dialog, with the extra CRLF header lines `hdrs` and, ours, an optional\n"
"body.  Its replies reach onSipReply(req, reply).  RuntimeError when\n"
"there is no dialog; ValueError for INVITE, ACK, CANCEL, BYE.");

static PyObject *dialog_send_request(IvrDialogObject *self, PyObject *args)
{
	const char *method, *hdrs = "", *body = "", *ctype = "";
	struct sems_session *s;
	int err;

	if (!PyArg_ParseTuple(args, "s|sss:sendRequest", &method, &hdrs, &body,
			      &ctype) || !(s = ivr_dialog_bound(self, "sendRequest")))
		return NULL;
	err = sems_session_send_request(s, method, hdrs, ctype, body);
	if (err == EINVAL)
		return fail("sendRequest", err, PyExc_ValueError);
	if (err)
		return fail("sendRequest", err, NULL);
	Py_RETURN_NONE;
}

PyDoc_STRVAR(send_reply_doc,
"sendReply($self, code, reason, hdrs=\"\", /)\n--\n\n"
"Reply to the last request onSipRequest got (INFO, NOTIFY, MESSAGE,\n"
"UPDATE, REFER ...; the core answers INVITE, BYE, ACK, CANCEL itself).\n"
"Call it from onSipRequest: a request left unanswered when the handler\n"
"returns gets 200 (a REFER 501).  Raises semserror when there is no such\n"
"request or it was answered.");

static PyObject *dialog_send_reply(IvrDialogObject *self, PyObject *args)
{
	const char *reason, *hdrs = "";
	unsigned int code;
	struct sems_session *s;
	int err;

	if (!PyArg_ParseTuple(args, "Is|s:sendReply", &code, &reason, &hdrs) ||
	    !(s = ivr_dialog_bound(self, "sendReply")))
		return NULL;
	err = sems_session_reply_request(s, code, reason, hdrs);
	if (err == ENOENT)
		PyErr_SetString(ivr_semserror, "sendReply: no request to reply to");
	else if (err == EALREADY)
		PyErr_SetString(ivr_semserror,
				"sendReply: the request was already answered");
	else if (err == EINVAL)
		PyErr_SetString(ivr_semserror, "sendReply: code must be 100-699");
	else if (err)
		PyErr_Format(ivr_semserror, "sendReply: %s", strerror(err));
	if (err)
		return NULL;
	Py_RETURN_NONE;
}

PyDoc_STRVAR(refer_doc,
"refer($self, refer_to, expires=-1, referred_by=\"\", extra_hdrs=\"\")\n--\n\n"
"Send a REFER (RFC 3515) with Refer-To: <refer_to>, Expires when\n"
"expires >= 0, Referred-By when given.  Replies reach onSipReply; the\n"
"NOTIFYs reach onSipRequest and, ours, onReferStatus(code) with the\n"
"status code of their message/sipfrag body (answered 200).");

static PyObject *dialog_refer(IvrDialogObject *self, PyObject *args,
			      PyObject *kw)
{
	static char *kwlist[] = {"refer_to", "expires", "referred_by",
				 "extra_hdrs", NULL};
	const char *to, *by = "", *hdrs = "";
	int expires = -1, err;
	struct sems_session *s;

	if (!PyArg_ParseTupleAndKeywords(args, kw, "s|iss:refer", kwlist, &to,
					 &expires, &by, &hdrs) ||
	    !(s = ivr_dialog_bound(self, "refer")))
		return NULL;
	err = sems_session_refer(s, to, expires, by, hdrs);
	if (err == EINVAL)
		return fail("refer", err, PyExc_ValueError);
	if (err)
		return fail("refer", err, NULL);
	Py_RETURN_NONE;
}

PyDoc_STRVAR(redirect_doc,
"redirect($self, uri, /)\n--\n\n"
"SEMS's transfer: only when connected, a REFER whose Request-URI is\n"
"`uri`, without Refer-To, with P-App-Param: Transfer-RR=\"<route set>\"\n"
"(for a proxy that turns it into the transfer).");

static PyObject *dialog_redirect(IvrDialogObject *self, PyObject *args)
{
	const char *uri;
	struct sems_session *s;
	int err;

	if (!PyArg_ParseTuple(args, "s:redirect", &uri) ||
	    !(s = ivr_dialog_bound(self, "redirect")))
		return NULL;
	err = sems_session_redirect(s, uri);
	if (err == EINVAL)
		return fail("redirect", err, PyExc_ValueError);
	if (err)
		return fail("redirect", err, NULL);
	Py_RETURN_NONE;
}

PyDoc_STRVAR(drop_session_doc,
"dropSession($self, /)\n--\n\n"
"Forget the dialog without sending anything (no BYE, no reply), then\n"
"stop the session once the handler returns.");

static PyObject *dialog_drop_session(IvrDialogObject *self,
				     PyObject *Py_UNUSED(a))
{
	struct sems_session *s = ivr_dialog_bound(self, "dropSession");

	if (!s)
		return NULL;
	sems_session_drop(s);
	Py_RETURN_NONE;
}

PyMethodDef ivr_dialog_sip_methods[] = {
	{"ring", (PyCFunction)dialog_ring, METH_NOARGS, ring_doc},
	{"preAnswer", (PyCFunction)dialog_pre_answer, METH_NOARGS,
	 pre_answer_doc},
	{"answer", (PyCFunction)dialog_answer, METH_NOARGS, answer_doc},
	{"sendRequest", (PyCFunction)dialog_send_request, METH_VARARGS,
	 send_request_doc},
	{"sendReply", (PyCFunction)dialog_send_reply, METH_VARARGS,
	 send_reply_doc},
	{"refer", (PyCFunction)(void (*)(void))dialog_refer,
	 METH_VARARGS | METH_KEYWORDS, refer_doc},
	{"redirect", (PyCFunction)dialog_redirect, METH_VARARGS, redirect_doc},
	{"dropSession", (PyCFunction)dialog_drop_session, METH_NOARGS,
	 drop_session_doc},
	{NULL, NULL, 0, NULL},
};

/* The status code of a NOTIFY's message/sipfrag body ("SIP/2.0 200 OK"),
 * or 0 when it is not one about a REFER. */
int ivr_refer_status(const struct sems_sip_request *req)
{
	char *event, *ctype;
	int code = 0;

	if (!req || strcmp(req->method, "NOTIFY"))
		return 0;
	event = sems_header_get(req->hdrs, "Event");
	ctype = req->content_type[0] ? NULL :
		sems_header_get(req->hdrs, "Content-Type");
	const char *ct = ctype ? ctype : req->content_type;
	if (event && !strncasecmp(event, "refer", 5) &&
	    (event[5] == '\0' || event[5] == ';' || event[5] == ' ') &&
	    (!ct[0] || !strncasecmp(ct, "message/sipfrag", 15)) &&
	    !strncmp(req->body, "SIP/2.0 ", 8)) {
		code = atoi(req->body + 8);
		if (code < 100 || code > 699)
			code = 0;
	}
	free(event);
	free(ctype);
	return code;
}
