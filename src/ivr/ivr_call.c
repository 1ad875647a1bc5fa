/* ivr_call.c: drives a script's IvrDialog from the events of one call.
 *
 * The core calls these ops on session workers; each takes the GIL for the
 * time of one event only.  Handlers are looked up on the instance, are all
 * optional, and get as many arguments as they declare (old scripts define
 * onSessionStart(self, hdrs), new ones onSessionStart(self)).  Where SEMS
 * has a default behaviour, it runs when the handler is missing or returns
 * True.  An exception is logged with its traceback and ends the call: with
 * the reply a `semserror` asks for, else 500 before the answer and BYE
 * after it.  Nothing a script does reaches the server or other calls.
 */
#include "ivr.h"   /* Python.h comes first */
#include <errno.h>
#include <string.h>
#include <sems/log.h>
#include <sems/metrics.h>

enum handler_result {
	H_MISSING,    /* no such handler */
	H_TRUE,       /* returned True: the default should run too */
	H_DONE,       /* returned anything else */
	H_FAILED,     /* raised; already handled */
};

/* Positional arguments the handler takes besides self; -1 when unknown
 * (not a plain Python function, or *args): it then gets all of them. */
static int handler_arity(PyObject *handler)
{
	PyObject *func = handler, *code, *v;
	long argc, flags;
	int self_arg = 0;

	if (PyMethod_Check(handler)) {
		func = PyMethod_GET_FUNCTION(handler);
		self_arg = 1;
	}
	if (!PyFunction_Check(func))
		return -1;
	code = PyFunction_GET_CODE(func);   /* borrowed */
	v = PyObject_GetAttrString(code, "co_argcount");
	argc = v ? PyLong_AsLong(v) : -1;
	Py_XDECREF(v);
	v = PyObject_GetAttrString(code, "co_flags");
	flags = v ? PyLong_AsLong(v) : 0;
	Py_XDECREF(v);
	if (PyErr_Occurred()) {
		PyErr_Clear();
		return -1;
	}
	if (argc < 0 || (flags & CO_VARARGS))
		return -1;
	return (int)argc - self_arg;
}

/* Fails the call the way SEMS would: see the top of the file. */
static void handle_exception(PyObject *dialog, struct sems_session *s,
			     const char *handler)
{
	IvrDialogObject *dlg = (IvrDialogObject *)dialog;
	PyObject *type, *value, *tb;
	char context[128];
	unsigned code = 500;
	const char *reason = "Server Internal Error", *hdrs = "";
	PyObject *arg = NULL;

	PyErr_Fetch(&type, &value, &tb);
	PyErr_NormalizeException(&type, &value, &tb);
	if (tb && value)
		PyException_SetTraceback(value, tb);
	snprintf(context, sizeof(context), "%s.%s raised an exception:",
		 Py_TYPE(dialog)->tp_name, handler);
	ivr_log_exception_obj(value ? value : type, context);
	sems_metric_script_exception(sems_session_app_name(s));

	if (value && PyErr_GivenExceptionMatches(value, ivr_semserror)) {
		PyObject *args = PyObject_GetAttrString(value, "args");
		if (args && PyTuple_Check(args) && PyTuple_GET_SIZE(args) > 0)
			arg = Py_NewRef(PyTuple_GET_ITEM(args, 0));
		Py_XDECREF(args);
		PyErr_Clear();
	}
	if (arg && PyDict_Check(arg)) {
		PyObject *c = PyDict_GetItemString(arg, "code"); /* borrowed */
		PyObject *r = PyDict_GetItemString(arg, "reason");
		PyObject *h = PyDict_GetItemString(arg, "hdrs");
		long lc = c && PyLong_Check(c) ? PyLong_AsLong(c) : -1;
		if (lc >= 300 && lc <= 699) {
			code = (unsigned)lc;
			reason = r && PyUnicode_Check(r) ? PyUnicode_AsUTF8(r) : "";
			hdrs = h && PyUnicode_Check(h) ? PyUnicode_AsUTF8(h) : "";
			if (!reason || !hdrs) {
				PyErr_Clear();
				reason = reason ? reason : "";
				hdrs = hdrs ? hdrs : "";
			}
		}
		else
			SEMS_ERROR("Ivr-Python: semserror needs a \"code\" "
				   "300-699; replying 500");
	}

	if (!dlg->answered)
		sems_session_reply(s, code, reason, hdrs);
	else
		sems_session_bye(s, "");
	sems_session_stop(s);

	Py_XDECREF(arg);
	Py_XDECREF(type);
	Py_XDECREF(value);
	Py_XDECREF(tb);
}

/* Calls dialog.<name> with the first `nargs` of args[] that it accepts;
 * `last_first`: a handler taking fewer gets the last ones instead
 * (onSipReply(self, reply) of old scripts). */
static enum handler_result call_handler(PyObject *dialog,
					struct sems_session *s,
					const char *name, PyObject *const *args,
					int nargs, bool last_first)
{
	PyObject *handler, *ret;
	enum handler_result res;
	int n;

	handler = PyObject_GetAttrString(dialog, name);
	if (!handler) {
		if (!PyErr_ExceptionMatches(PyExc_AttributeError)) {
			handle_exception(dialog, s, name);
			return H_FAILED;
		}
		PyErr_Clear();
		return H_MISSING;
	}
	n = handler_arity(handler);
	if (n < 0 || n > nargs)
		n = nargs;
	sems_session_set_activity(s, name);   /* for handler_warn_time */
	ret = PyObject_Vectorcall(handler, last_first ? args + nargs - n : args,
				  (size_t)n, NULL);
	Py_DECREF(handler);
	if (!ret) {
		handle_exception(dialog, s, name);
		return H_FAILED;
	}
	res = ret == Py_True ? H_TRUE : H_DONE;
	Py_DECREF(ret);
	return res;
}

bool ivr_call_handler(PyObject *dialog, struct sems_session *s,
		      const char *name, PyObject *const *args, int nargs)
{
	return call_handler(dialog, s, name, args, nargs, false) != H_FAILED;
}

static enum handler_result call_handler0(PyObject *dialog,
					 struct sems_session *s,
					 const char *name)
{
	return call_handler(dialog, s, name, NULL, 0, false);
}

/* Builds the handler argument from a C struct; NULL arg -> None. */
static PyObject *request_arg(const struct sems_sip_request *req)
{
	return req ? ivr_sip_request_new(req) : Py_NewRef(Py_None);
}

static PyObject *reply_arg(const struct sems_sip_reply *reply)
{
	return reply ? ivr_sip_reply_new(reply) : Py_NewRef(Py_None);
}

static PyObject *hdrs_arg(const struct sems_sip_request *req)
{
	return PyUnicode_DecodeUTF8(req && req->hdrs ? req->hdrs : "",
				    req && req->hdrs ? (Py_ssize_t)strlen(req->hdrs)
						     : 0, "replace");
}

/* Argument building failed (out of memory): treat as a handler failure. */
static enum handler_result with_arg(PyObject *dialog, struct sems_session *s,
				    const char *name, PyObject *arg)
{
	enum handler_result r;

	if (!arg) {
		handle_exception(dialog, s, name);
		return H_FAILED;
	}
	r = call_handler(dialog, s, name, &arg, 1, false);
	Py_DECREF(arg);
	return r;
}

static void on_invite(PyObject *dialog, struct sems_session *s,
		      const struct sems_event *ev)
{
	IvrDialogObject *dlg = (IvrDialogObject *)dialog;
	PyObject *hdrs;
	enum handler_result r;

	if (with_arg(dialog, s, "onSipRequest", request_arg(ev->req)) == H_FAILED)
		return;
	r = with_arg(dialog, s, "onInvite", hdrs_arg(ev->req));
	if (r == H_FAILED || (r != H_MISSING && r != H_TRUE))
		return;
	if (sems_session_accept(s) != 0)
		return;
	dlg->answered = true;
	if (call_handler0(dialog, s, "onStart") == H_FAILED)
		return;
	hdrs = hdrs_arg(ev->req);
	if (!hdrs) {
		handle_exception(dialog, s, "onSessionStart");
		return;
	}
	call_handler(dialog, s, "onSessionStart", &hdrs, 1, false);
	Py_DECREF(hdrs);
}

static void on_sip_request(PyObject *dialog, struct sems_session *s,
			   const struct sems_event *ev)
{
	IvrDialogObject *dlg = (IvrDialogObject *)dialog;
	int code;

	/* a re-INVITE is the session's INVITE now: invite_req follows */
	if (ev->req && !strcmp(ev->req->method, "INVITE"))
		Py_CLEAR(dlg->invite_req);
	if (with_arg(dialog, s, "onSipRequest", request_arg(ev->req)) == H_FAILED)
		return;
	code = ivr_refer_status(ev->req);
	if (code)
		with_arg(dialog, s, "onReferStatus", PyLong_FromLong(code));
}

static void on_sip_reply(PyObject *dialog, struct sems_session *s,
			 const struct sems_event *ev)
{
	PyObject *args[2] = {request_arg(ev->req), reply_arg(ev->reply)};

	if (!args[0] || !args[1])
		handle_exception(dialog, s, "onSipReply");
	else
		call_handler(dialog, s, "onSipReply", args, 2, true);
	Py_XDECREF(args[0]);
	Py_XDECREF(args[1]);
}

static void on_dtmf(PyObject *dialog, struct sems_session *s,
		    const struct sems_event *ev)
{
	PyObject *args[2] = {PyLong_FromLong(ev->key),
			     PyLong_FromUnsignedLong(ev->duration_ms)};

	if (!args[0] || !args[1])
		handle_exception(dialog, s, "onDtmf");
	else if (call_handler(dialog, s, "onDtmf", args, 2, false) != H_FAILED)
		ivr_digits_key(dialog, s, ev->key);
	Py_XDECREF(args[0]);
	Py_XDECREF(args[1]);
}

static void on_timer(PyObject *dialog, struct sems_session *s, int id)
{
	if (ivr_digits_timer(dialog, s, id))
		return;
	with_arg(dialog, s, "onTimer", PyLong_FromLong(id));
}

static void end_call(struct sems_session *s)
{
	sems_session_bye(s, "");
	sems_session_stop(s);
}

/* A dialout was answered: as onSessionStart of an incoming call (there is
 * no onInvite for a UAC session, as in SEMS). */
static void on_uac_start(PyObject *dialog, struct sems_session *s,
			 const struct sems_event *ev)
{
	IvrDialogObject *dlg = (IvrDialogObject *)dialog;
	const char *h = ev->reply ? ev->reply->hdrs : "";
	PyObject *hdrs;

	dlg->answered = true;
	if (call_handler0(dialog, s, "onStart") == H_FAILED)
		return;
	if (!(hdrs = PyUnicode_DecodeUTF8(h, (Py_ssize_t)strlen(h), "replace"))) {
		handle_exception(dialog, s, "onSessionStart");
		return;
	}
	call_handler(dialog, s, "onSessionStart", &hdrs, 1, false);
	Py_DECREF(hdrs);
}

/* B2BUA: a reply of the callee.  Default (missing or True): a failure
 * (>= 300) ends this call too, with the callee's code if not answered. */
static void on_other_reply(PyObject *dialog, struct sems_session *s,
			   const struct sems_event *ev)
{
	IvrDialogObject *dlg = (IvrDialogObject *)dialog;
	unsigned code = ev->reply ? ev->reply->code : 500;
	const char *reason = ev->reply ? ev->reply->reason : "";
	PyObject *args[2] = {PyLong_FromUnsignedLong(code),
			     PyUnicode_DecodeUTF8(reason,
						  (Py_ssize_t)strlen(reason),
						  "replace")};
	enum handler_result r = H_FAILED;

	if (!args[0] || !args[1])
		handle_exception(dialog, s, "onOtherReply");
	else
		r = call_handler(dialog, s, "onOtherReply", args, 2, false);
	Py_XDECREF(args[0]);
	Py_XDECREF(args[1]);
	if ((r == H_MISSING || r == H_TRUE) && code >= 300) {
		if (!dlg->answered)
			sems_session_reply(s, code, reason, "");
		end_call(s);
	}
}

static void dispatch(PyObject *dialog, struct sems_session *s,
		     const struct sems_event *ev)
{
	enum handler_result r;

	switch (ev->type) {
	case SEMS_EV_INVITE:
		on_invite(dialog, s, ev);
		break;
	case SEMS_EV_ACK:
		with_arg(dialog, s, "onSipRequest", request_arg(ev->req));
		break;
	case SEMS_EV_SIP_REQUEST:
		on_sip_request(dialog, s, ev);
		break;
	case SEMS_EV_SIP_REPLY:
		on_sip_reply(dialog, s, ev);
		break;
	case SEMS_EV_AUDIO_QUEUE_EMPTY:
		ivr_digits_prompt_over(dialog, s);
		call_handler0(dialog, s, "onEmptyQueue");
		break;
	case SEMS_EV_DTMF:
		on_dtmf(dialog, s, ev);
		break;
	case SEMS_EV_TIMER:
		on_timer(dialog, s, ev->timer_id);
		break;
	case SEMS_EV_AUDIO_CLEARED:
		ivr_record_done(dialog, s, "cleared");
		ivr_digits_prompt_over(dialog, s);
		call_handler0(dialog, s, "onAudioCleared");
		break;
	case SEMS_EV_RECORD_DONE:
		ivr_record_done(dialog, s,
				ivr_record_reason((IvrDialogObject *)dialog));
		break;
	case SEMS_EV_MESSAGE:
		with_arg(dialog, s, "onIvrMessage",
			 PyUnicode_DecodeUTF8(ev->message, (Py_ssize_t)strlen(
				 ev->message), "replace"));
		break;
	case SEMS_EV_USER1:
		call_handler0(dialog, s, "onUser1");
		break;
	case SEMS_EV_USER2:
		call_handler0(dialog, s, "onUser2");
		break;
	case SEMS_EV_BYE:
		ivr_record_done(dialog, s, "hangup");
		r = call_handler0(dialog, s, "onBye");
		if (r == H_MISSING || r == H_TRUE)
			sems_session_stop(s);
		break;
	case SEMS_EV_CANCEL:
		call_handler0(dialog, s, "onCancel");
		sems_session_stop(s);
		break;
	case SEMS_EV_RTP_TIMEOUT:
		r = call_handler0(dialog, s, "onRtpTimeout");
		if (r == H_MISSING || r == H_TRUE)
			end_call(s);
		break;
	case SEMS_EV_SHUTDOWN:
		if (call_handler0(dialog, s, "onServerShutdown") == H_MISSING)
			end_call(s);
		break;
	case SEMS_EV_SESSION_START:
		on_uac_start(dialog, s, ev);
		break;
	case SEMS_EV_B2B_OTHER_REPLY:
		on_other_reply(dialog, s, ev);
		break;
	case SEMS_EV_B2B_OTHER_BYE:
		r = call_handler0(dialog, s, "onOtherBye");
		if (r == H_MISSING || r == H_TRUE)
			end_call(s);
		break;
	case SEMS_EV_LISTEN_END:          /* ivr_dialog_listen.c */
	case SEMS_EV_LISTEN_MARK:
	case SEMS_EV_LISTEN_MESSAGE:
		with_arg(dialog, s, ev->type == SEMS_EV_LISTEN_END ? "onListenEnd"
			 : ev->type == SEMS_EV_LISTEN_MARK ? "onListenMark"
			 : "onListenMessage",
			 PyUnicode_DecodeUTF8(ev->message, (Py_ssize_t)strlen(
				 ev->message), "replace"));
		break;
	}
}

static int call_new(void *arg, struct sems_session *s, void **statep)
{
	PyGILState_STATE gil = PyGILState_Ensure();
	PyObject *dialog = ivr_dialog_create(ivr_version_class(arg), s);
	int err = 0;

	if (!dialog) {
		ivr_log_exception("cannot create the IvrDialog of a call:");
		sems_metric_script_exception(sems_session_app_name(s));
		err = EINVAL;
	}
	*statep = dialog;
	PyGILState_Release(gil);
	return err;
}

static void call_event(void *state, struct sems_session *s,
		       const struct sems_event *ev)
{
	PyGILState_STATE gil = PyGILState_Ensure();

	ivr_set_current_dialog((PyObject *)state);
	dispatch((PyObject *)state, s, ev);
	ivr_set_current_dialog(NULL);
	if (PyErr_Occurred())   /* handled above; never leave one pending */
		ivr_log_exception("unexpected pending exception:");
	PyGILState_Release(gil);
}

static void call_free(void *state)
{
	PyGILState_STATE gil = PyGILState_Ensure();
	PyObject *dialog = state;
	struct sems_session *s = ((IvrDialogObject *)dialog)->session;
	PyObject *callid = NULL;

	if (s) {
		struct sems_dialog dlg;

		sems_session_dialog(s, &dlg);
		callid = PyUnicode_FromString(dlg.callid);
	}
	if (callid)
		ivr_monitor_finish(callid);
	Py_XDECREF(callid);
	PyErr_Clear();
	ivr_dialog_unbind(dialog);
	Py_DECREF(dialog);
	if (PyErr_Occurred())   /* from a __del__ */
		ivr_log_exception("while freeing an IvrDialog:");
	PyGILState_Release(gil);
}

const struct sems_app_ops ivr_call_ops = {
	.session_new = call_new,
	.session_event = call_event,
	.session_free = call_free,
	.app_free = ivr_version_release,
};
