/* ivr_digits.c: collectDigits() and record(), our additions to SEMS.
 *
 * collectDigits gathers keys into a string and ends with onDigits(digits,
 * reason): "max" (max_digits reached), "terminator" (a terminator key,
 * not included), "timeout" (no first key within `timeout` s of the end of
 * what was queued when it was called, i.e. of the prompt, or no next key
 * within `inter_digit` s).  Keys pressed while no collection runs are
 * kept (type-ahead, up to 32) and used by the next collectDigits, as
 * callers who know the menu expect; flushDigits() forgets them.  With
 * barge-in, the first key stops the prompt (the playlist is flushed).
 *
 * record() plays an optional beep, then records what the caller says into
 * a file until max_ms, max_silence_ms of silence, a key of finish_on_key,
 * or the caller hanging up, and reports onRecordDone(reason, duration_ms)
 * with reason "max", "silence", "key", "hangup" or "cleared" (the
 * playlist was flushed), once the file is
 * complete on disk.
 */
#include "ivr.h"   /* Python.h comes first */
#include <errno.h>
#include <string.h>
#include <sems/audio.h>

static char key_char(int key)
{
	static const char keys[] = "0123456789*#ABCD";

	return key >= 0 && key <= 15 ? keys[key] : '?';
}

void ivr_digits_clear(IvrDialogObject *dlg)
{
	sems_audio_deref(dlg->record.rec);
	dlg->record.rec = NULL;
	dlg->collect.active = false;
}

static void collect_end(PyObject *dialog, struct sems_session *s,
			const char *reason)
{
	IvrDialogObject *dlg = (IvrDialogObject *)dialog;
	PyObject *args[2];

	dlg->collect.active = false;
	sems_session_remove_timer(s, IVR_TIMER_COLLECT);
	args[0] = PyUnicode_FromString(dlg->collect.digits);
	args[1] = PyUnicode_FromString(reason);
	if (args[0] && args[1])
		ivr_call_handler(dialog, s, "onDigits", args, 2);
	else
		PyErr_Clear();
	Py_XDECREF(args[0]);
	Py_XDECREF(args[1]);
}

/* One key for the running collection; true when it ended it. */
static bool collect_key(PyObject *dialog, struct sems_session *s, char c)
{
	struct ivr_collect *col = &((IvrDialogObject *)dialog)->collect;
	size_t n = strlen(col->digits);

	col->after_prompt = false;
	if (col->bargein && !n)
		sems_session_flush(s);
	if (strchr(col->terminators, c)) {
		if ((int)n < col->min_digits)
			return false;     /* too early: ignored */
		collect_end(dialog, s, "terminator");
		return true;
	}
	if (n < IVR_DIGITS_MAX) {
		col->digits[n++] = c;
		col->digits[n] = '\0';
	}
	if ((int)n >= col->max_digits) {
		collect_end(dialog, s, "max");
		return true;
	}
	sems_session_set_timer(s, IVR_TIMER_COLLECT, col->inter_digit);
	return false;
}

/* True when the key ended a recording (it is not typed ahead then). */
static bool record_key(PyObject *dialog, struct sems_session *s, char c)
{
	IvrDialogObject *dlg = (IvrDialogObject *)dialog;

	if (!dlg->record.rec || !strchr(dlg->record.finish_on_key, c))
		return false;
	sems_session_flush(s);      /* before: onRecordDone may enqueue */
	ivr_record_done(dialog, s, "key");
	return true;
}

void ivr_digits_key(PyObject *dialog, struct sems_session *s, int key)
{
	IvrDialogObject *dlg = (IvrDialogObject *)dialog;
	char c = key_char(key);
	size_t n;

	if (c == '?' || record_key(dialog, s, c))
		return;
	if (dlg->collect.active) {
		collect_key(dialog, s, c);
		return;
	}
	n = strlen(dlg->collect.typeahead);
	if (n < IVR_TYPEAHEAD_MAX) {
		dlg->collect.typeahead[n] = c;
		dlg->collect.typeahead[n + 1] = '\0';
	}
}

bool ivr_digits_timer(PyObject *dialog, struct sems_session *s, int id)
{
	IvrDialogObject *dlg = (IvrDialogObject *)dialog;

	if (id != IVR_TIMER_COLLECT)
		return id >= IVR_TIMER_RESERVED;
	if (dlg->collect.active)
		collect_end(dialog, s, "timeout");
	return true;
}

/* Keys typed ahead go first, as if pressed now. */
static void collect_typeahead(PyObject *dialog, struct sems_session *s)
{
	struct ivr_collect *col = &((IvrDialogObject *)dialog)->collect;
	char keys[IVR_TYPEAHEAD_MAX + 1];

	strcpy(keys, col->typeahead);
	col->typeahead[0] = '\0';
	for (const char *p = keys; *p; p++) {
		if (collect_key(dialog, s, *p)) {
			/* what is left stays typed ahead for the next one */
			snprintf(col->typeahead, sizeof(col->typeahead), "%s",
				 p + 1);
			return;
		}
	}
}

static bool keys_valid(const char *keys)
{
	for (const char *p = keys; *p; p++)
		if (!strchr("0123456789*#ABCD", *p))
			return false;
	return true;
}

PyDoc_STRVAR(collect_digits_doc,
"collectDigits($self, max_digits, timeout, inter_digit=None,\n"
"              terminators='#', bargein=True, min_digits=1)\n--\n\n"
"Collect up to max_digits keys; onDigits(digits, reason) follows with\n"
"reason 'max', 'terminator' (the terminator is not in digits) or\n"
"'timeout' (no first key within timeout s after what is queued now has\n"
"played, or no next key within inter_digit s, default timeout).  Keys pressed before are used first.\n"
"bargein: the first key stops what is playing.  A terminator before\n"
"min_digits keys is ignored.");

static PyObject *dialog_collect_digits(IvrDialogObject *self, PyObject *args,
				       PyObject *kwds)
{
	static char *kwlist[] = {"max_digits", "timeout", "inter_digit",
				 "terminators", "bargein", "min_digits", NULL};
	struct ivr_collect *col = &self->collect;
	PyObject *inter = Py_None;
	const char *terms = "#";
	int max_digits, bargein = 1, min_digits = 1;
	double timeout, inter_digit;
	struct sems_session *s;

	if (!PyArg_ParseTupleAndKeywords(args, kwds, "id|Ospi:collectDigits",
					 kwlist, &max_digits, &timeout, &inter,
					 &terms, &bargein, &min_digits) ||
	    !(s = ivr_dialog_bound(self, "collectDigits")))
		return NULL;
	inter_digit = inter == Py_None ? timeout : PyFloat_AsDouble(inter);
	if (PyErr_Occurred())
		return NULL;
	if (max_digits < 1 || max_digits > IVR_DIGITS_MAX || min_digits < 0 ||
	    min_digits > max_digits || !(timeout > 0) || !(inter_digit > 0) ||
	    strlen(terms) >= sizeof(col->terminators) || !keys_valid(terms)) {
		PyErr_Format(PyExc_ValueError, "IvrDialogBase.collectDigits: "
			     "want 1 <= max_digits <= %d, 0 <= min_digits <= "
			     "max_digits, timeouts > 0 and terminators of "
			     "0-9 * # A-D", IVR_DIGITS_MAX);
		return NULL;
	}
	char typeahead[sizeof(col->typeahead)];

	strcpy(typeahead, col->typeahead);
	*col = (struct ivr_collect){
		.active = true, .max_digits = max_digits,
		.min_digits = min_digits, .timeout = timeout,
		.inter_digit = inter_digit, .bargein = bargein,
	};
	strcpy(col->typeahead, typeahead);
	strcpy(col->terminators, terms);
	col->after_prompt = !sems_session_queue_empty(s);
	if (!col->after_prompt)
		sems_session_set_timer(s, IVR_TIMER_COLLECT, timeout);
	collect_typeahead((PyObject *)self, s);
	if (PyErr_Occurred())
		return NULL;
	Py_RETURN_NONE;
}

void ivr_digits_prompt_over(PyObject *dialog, struct sems_session *s)
{
	struct ivr_collect *col = &((IvrDialogObject *)dialog)->collect;

	/* the event may be older than what was enqueued since */
	if (!col->active || !col->after_prompt || !sems_session_queue_empty(s))
		return;
	col->after_prompt = false;
	sems_session_set_timer(s, IVR_TIMER_COLLECT, col->timeout);
}

PyDoc_STRVAR(flush_digits_doc,
"flushDigits($self, /)\n--\n\n"
"Forget keys typed ahead and those of a running collectDigits (which\n"
"goes on, waiting for a first key again).");

static PyObject *dialog_flush_digits(IvrDialogObject *self,
				     PyObject *Py_UNUSED(a))
{
	struct sems_session *s = ivr_dialog_bound(self, "flushDigits");

	if (!s)
		return NULL;
	self->collect.typeahead[0] = '\0';
	self->collect.digits[0] = '\0';
	if (self->collect.active)
		sems_session_set_timer(s, IVR_TIMER_COLLECT,
				       self->collect.timeout);
	Py_RETURN_NONE;
}

void ivr_record_done(PyObject *dialog, struct sems_session *s,
		     const char *reason)
{
	IvrDialogObject *dlg = (IvrDialogObject *)dialog;
	struct sems_audio *rec = dlg->record.rec;
	PyObject *args[2];
	unsigned ms;

	if (!rec)
		return;
	dlg->record.rec = NULL;
	sems_audio_set_record_time(rec, 1);   /* ends it if still queued */
	ms = sems_audio_length_ms(rec);
	Py_BEGIN_ALLOW_THREADS
	(void)sems_audio_sync(rec);  /* in the file before the script looks */
	sems_audio_deref(rec);
	Py_END_ALLOW_THREADS
	args[0] = PyUnicode_FromString(reason);
	args[1] = PyLong_FromUnsignedLong(ms);
	if (args[0] && args[1])
		ivr_call_handler(dialog, s, "onRecordDone", args, 2);
	else
		PyErr_Clear();
	Py_XDECREF(args[0]);
	Py_XDECREF(args[1]);
}

PyDoc_STRVAR(record_doc,
"record($self, filename, max_ms, max_silence_ms=0, finish_on_key='',\n"
"       beep=False)\n--\n\n"
"Record the caller into `filename` (format from its name, as\n"
"IvrAudioFile.open) after what is queued now, with a beep first if\n"
"asked; stop after max_ms, after max_silence_ms of silence (0: never),\n"
"or at a key of finish_on_key.  onRecordDone(reason, duration_ms)\n"
"follows, reason 'max', 'silence', 'key' or 'hangup'; the file is\n"
"complete by then.  Raises IOError if the file cannot be opened.");

static PyObject *dialog_record(IvrDialogObject *self, PyObject *args,
			       PyObject *kwds)
{
	static char *kwlist[] = {"filename", "max_ms", "max_silence_ms",
				 "finish_on_key", "beep", NULL};
	const char *filename, *finish = "";
	int max_ms, silence_ms = 0, beep = 0, err;
	struct sems_audio *rec = NULL, *tone = NULL;
	char errbuf[512] = "";
	struct sems_session *s;

	if (!PyArg_ParseTupleAndKeywords(args, kwds, "si|isp:record", kwlist,
					 &filename, &max_ms, &silence_ms,
					 &finish, &beep) ||
	    !(s = ivr_dialog_bound(self, "record")))
		return NULL;
	if (max_ms <= 0 || silence_ms < 0 || !keys_valid(finish) ||
	    strlen(finish) >= sizeof(self->record.finish_on_key)) {
		PyErr_SetString(PyExc_ValueError, "IvrDialogBase.record: want "
				"max_ms > 0, max_silence_ms >= 0 and "
				"finish_on_key of 0-9 * # A-D");
		return NULL;
	}
	if (self->record.rec) {
		PyErr_SetString(PyExc_RuntimeError,
				"IvrDialogBase.record: already recording");
		return NULL;
	}
	Py_BEGIN_ALLOW_THREADS
	err = sems_audio_open(&rec, filename, SEMS_AUDIO_WRITE, errbuf,
			      sizeof(errbuf));
	if (!err && beep)
		err = sems_audio_tone(&tone, 1000, 250, 0.3);
	Py_END_ALLOW_THREADS
	if (err) {
		sems_audio_deref(rec);
		PyErr_Format(PyExc_IOError, "IvrDialogBase.record: %s",
			     *errbuf ? errbuf : strerror(err));
		return NULL;
	}
	sems_audio_set_record_time(rec, (unsigned)max_ms);
	sems_audio_set_silence_end(rec, (unsigned)silence_ms);
	if (tone)
		err = sems_session_enqueue(s, tone, NULL);
	if (!err)
		err = sems_session_enqueue(s, NULL, rec);
	sems_audio_deref(tone);
	if (err) {
		sems_audio_deref(rec);
		PyErr_Format(PyExc_RuntimeError, "IvrDialogBase.record: %s",
			     strerror(err));
		return NULL;
	}
	self->record.rec = rec;
	strcpy(self->record.finish_on_key, finish);
	Py_RETURN_NONE;
}

/* Why the recording ended, once its item is complete. */
const char *ivr_record_reason(IvrDialogObject *dlg)
{
	return dlg->record.rec && sems_audio_ended_by_silence(dlg->record.rec)
	       ? "silence" : "max";
}

PyMethodDef ivr_dialog_digits_methods[] = {
	{"collectDigits", (PyCFunction)(void (*)(void))dialog_collect_digits,
	 METH_VARARGS | METH_KEYWORDS, collect_digits_doc},
	{"flushDigits", (PyCFunction)dialog_flush_digits, METH_NOARGS,
	 flush_digits_doc},
	{"record", (PyCFunction)(void (*)(void))dialog_record,
	 METH_VARARGS | METH_KEYWORDS, record_doc},
	{NULL, NULL, 0, NULL},
};
