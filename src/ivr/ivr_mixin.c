/* ivr_mixin.c: type IvrAudioMixIn, one audio item mixed into another.
 *
 * IvrAudioMixIn() then init(a, b, interval_s, level, ...), as in SEMS.
 * Wraps one reference to the struct sems_audio of the mix (which holds
 * its own references to the items of a and b) and keeps the Python
 * objects a and b alive as long as the mix-in, as SEMS does.  Holding
 * objects makes it a GC type: a mix-in can end up in a cycle.
 */
#include "ivr.h"   /* Python.h comes first */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sems/audio.h>

PyTypeObject *ivr_mixin_type;

typedef struct {
	PyObject_HEAD
	struct sems_audio *audio;   /* NULL: init() not called */
	PyObject *a, *b;            /* what init() was given */
} IvrAudioMixInObject;

struct sems_audio *ivr_mixin_get(PyObject *obj)
{
	return ((IvrAudioMixInObject *)obj)->audio;
}

static int mixin_traverse(IvrAudioMixInObject *self, visitproc visit,
			  void *arg)
{
	Py_VISIT(Py_TYPE(self));
	Py_VISIT(self->a);
	Py_VISIT(self->b);
	return 0;
}

static int mixin_clear(IvrAudioMixInObject *self)
{
	Py_CLEAR(self->a);
	Py_CLEAR(self->b);
	return 0;
}

static void mixin_dealloc(IvrAudioMixInObject *self)
{
	PyTypeObject *tp = Py_TYPE(self);

	PyObject_GC_UnTrack(self);
	mixin_clear(self);
	sems_audio_deref(self->audio);
	tp->tp_free((PyObject *)self);
	Py_DECREF(tp);
}

/* interval_s and level in range: 0, or -1 with ValueError (PyErr_Format
 * has no %g). */
static int mixin_check(double interval_s, double level)
{
	char msg[128];

	if (!(interval_s >= 0 && interval_s <= UINT_MAX / 1000.0))
		snprintf(msg, sizeof(msg), "interval_s must be >= 0 seconds, "
			 "not %g", interval_s);
	else if (!(level >= 0.0 && level <= 1.0))
		snprintf(msg, sizeof(msg), "level must be between 0.0 and "
			 "1.0, not %g", level);
	else
		return 0;
	PyErr_Format(PyExc_ValueError, "IvrAudioMixIn.init: %s", msg);
	return -1;
}

static PyObject *mixin_error(int err)
{
	if (err == ENOMEM)
		return PyErr_NoMemory();
	PyErr_Format(err == EINVAL ? PyExc_ValueError : PyExc_OSError,
		     "IvrAudioMixIn.init: %s", strerror(err));
	return NULL;
}

PyDoc_STRVAR(init_doc,
"init($self, a, b, interval_s, level, finish=False, mix_once=False,\n"
"     mix_immediate=False, /)\n--\n\n"
"Play `a`; every `interval_s` seconds mix `b` into it at `level`\n"
"(0.0-1.0; 0 pauses `a` while `b` plays).  a and b are IvrAudioFile,\n"
"IvrNullAudio or IvrAudioMixIn.  finish: if `a` ends while `b` plays,\n"
"wait for `b`; mix_once: mix `b` only once; mix_immediate: the first mix\n"
"at once.  TypeError or ValueError for bad arguments.");

static PyObject *mixin_init(IvrAudioMixInObject *self, PyObject *args)
{
	PyObject *a, *b;
	double interval_s, level;
	int finish = 0, once = 0, immediate = 0, err;
	struct sems_audio *aa, *ba, *mix = NULL;
	unsigned flags;

	if (!PyArg_ParseTuple(args, "OOdd|ppp:init", &a, &b, &interval_s,
			      &level, &finish, &once, &immediate) ||
	    mixin_check(interval_s, level) < 0 ||
	    !(aa = ivr_audio_item_get(a, "IvrAudioMixIn.init: a")) ||
	    !(ba = ivr_audio_item_get(b, "IvrAudioMixIn.init: b")))
		return NULL;
	flags = (finish ? SEMS_MIXIN_FINISH : 0) | (once ? SEMS_MIXIN_ONCE : 0) |
		(immediate ? SEMS_MIXIN_IMMEDIATE : 0);
	err = sems_audio_mixin(&mix, aa, ba,
			       (unsigned)(interval_s * 1000.0 + 0.5), level,
			       flags);
	if (err)
		return mixin_error(err);
	sems_audio_deref(self->audio);
	self->audio = mix;
	Py_INCREF(a);
	Py_INCREF(b);
	Py_XSETREF(self->a, a);
	Py_XSETREF(self->b, b);
	Py_RETURN_NONE;
}

static PyMethodDef mixin_methods[] = {
	{"init", (PyCFunction)mixin_init, METH_VARARGS, init_doc},
	{NULL, NULL, 0, NULL},
};

PyDoc_STRVAR(mixin_doc,
"IvrAudioMixIn(): two audio items mixed; init() it, then enqueue() it.");

static PyType_Slot mixin_slots[] = {
	{Py_tp_doc, (void *)mixin_doc},
	{Py_tp_new, PyType_GenericNew},
	{Py_tp_dealloc, mixin_dealloc},
	{Py_tp_traverse, mixin_traverse},
	{Py_tp_clear, mixin_clear},
	{Py_tp_methods, mixin_methods},
	{0, NULL},
};

static PyType_Spec mixin_spec = {
	.name = "ivr.IvrAudioMixIn",
	.basicsize = sizeof(IvrAudioMixInObject),
	.flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_HAVE_GC,
	.slots = mixin_slots,
};

int ivr_mixin_type_add(PyObject *m)
{
	ivr_mixin_type = (PyTypeObject *)PyType_FromSpec(&mixin_spec);
	if (!ivr_mixin_type)
		return -1;
	return PyModule_AddType(m, ivr_mixin_type);
}
