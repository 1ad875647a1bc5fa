/* ivr_null_audio.c: type IvrNullAudio, silence of a given length.
 *
 * As in SEMS, IvrNullAudio() takes no arguments and init(read_ms,
 * write_ms) sets the lengths; a fresh object is already usable, as
 * silence forever.  Wraps one reference to a struct sems_audio made on
 * first use, so a length set while it is queued applies to the queued
 * item too.
 */
#include "ivr.h"   /* Python.h comes first */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sems/audio.h>

PyTypeObject *ivr_null_audio_type;

typedef struct {
	PyObject_HEAD
	struct sems_audio *audio;   /* NULL: not made yet */
	int read_ms, write_ms;      /* -1: forever */
} IvrNullAudioObject;

/* A new item with the lengths asked for, in self->audio; -1 with
 * MemoryError. */
static int null_make(IvrNullAudioObject *self)
{
	struct sems_audio *a = NULL;
	int err = sems_audio_null(&a, self->read_ms, self->write_ms);

	if (err) {
		if (err == ENOMEM)
			PyErr_NoMemory();
		else
			PyErr_Format(PyExc_OSError, "IvrNullAudio: %s",
				     strerror(err));
		return -1;
	}
	sems_audio_deref(self->audio);
	self->audio = a;
	return 0;
}

struct sems_audio *ivr_null_audio_get(PyObject *obj)
{
	IvrNullAudioObject *self = (IvrNullAudioObject *)obj;

	if (!self->audio && null_make(self) < 0)
		return NULL;
	return self->audio;
}

static PyObject *null_new(PyTypeObject *tp, PyObject *args, PyObject *kwds)
{
	IvrNullAudioObject *self;

	if (tp == ivr_null_audio_type && (PyTuple_GET_SIZE(args) ||
					  (kwds && PyDict_GET_SIZE(kwds)))) {
		PyErr_SetString(PyExc_TypeError, "IvrNullAudio() takes no "
				"arguments: call init(read_ms, write_ms)");
		return NULL;
	}
	if (!(self = (IvrNullAudioObject *)tp->tp_alloc(tp, 0)))
		return NULL;
	self->read_ms = self->write_ms = -1;
	return (PyObject *)self;
}

static void null_dealloc(IvrNullAudioObject *self)
{
	PyTypeObject *tp = Py_TYPE(self);

	sems_audio_deref(self->audio);
	tp->tp_free((PyObject *)self);
	Py_DECREF(tp);
}

static int length_check(const char *fn, const char *name, int ms)
{
	if (ms >= -1)
		return 0;
	PyErr_Format(PyExc_ValueError, "IvrNullAudio.%s: %s must be >= 0, "
		     "or -1 for no end, not %d", fn, name, ms);
	return -1;
}

PyDoc_STRVAR(init_doc,
"init($self, read_ms=-1, write_ms=-1, /)\n--\n\n"
"Silence: as a play item it ends after read_ms, as a record item after\n"
"write_ms milliseconds; -1: never.  A new item: one already enqueued\n"
"keeps its lengths.  ValueError for a length below -1.");

static PyObject *null_init(IvrNullAudioObject *self, PyObject *args)
{
	int read_ms = -1, write_ms = -1;

	if (!PyArg_ParseTuple(args, "|ii:init", &read_ms, &write_ms) ||
	    length_check("init", "read_ms", read_ms) < 0 ||
	    length_check("init", "write_ms", write_ms) < 0)
		return NULL;
	self->read_ms = read_ms;
	self->write_ms = write_ms;
	if (null_make(self) < 0)
		return NULL;
	Py_RETURN_NONE;
}

/* setReadLength / setWriteLength: sets *field, keeping the other one. */
static PyObject *null_set_length(IvrNullAudioObject *self, PyObject *args,
				 const char *fn, int *field)
{
	char fmt[32];
	int ms;

	snprintf(fmt, sizeof(fmt), "i:%s", fn);
	if (!PyArg_ParseTuple(args, fmt, &ms) || length_check(fn, "ms", ms) < 0)
		return NULL;
	*field = ms;
	if (self->audio)
		sems_audio_null_set(self->audio, self->read_ms, self->write_ms);
	Py_RETURN_NONE;
}

PyDoc_STRVAR(set_read_length_doc,
"setReadLength($self, ms, /)\n--\n\n"
"Play length in milliseconds (-1: never ends); the write length stays.\n"
"Applies to the item already enqueued too.");

static PyObject *null_set_read_length(IvrNullAudioObject *self,
				      PyObject *args)
{
	return null_set_length(self, args, "setReadLength", &self->read_ms);
}

PyDoc_STRVAR(set_write_length_doc,
"setWriteLength($self, ms, /)\n--\n\n"
"Record length in milliseconds (-1: never ends); the read length stays.\n"
"Applies to the item already enqueued too.");

static PyObject *null_set_write_length(IvrNullAudioObject *self,
				       PyObject *args)
{
	return null_set_length(self, args, "setWriteLength", &self->write_ms);
}

static PyMethodDef null_methods[] = {
	{"init", (PyCFunction)null_init, METH_VARARGS, init_doc},
	{"setReadLength", (PyCFunction)null_set_read_length, METH_VARARGS,
	 set_read_length_doc},
	{"setWriteLength", (PyCFunction)null_set_write_length, METH_VARARGS,
	 set_write_length_doc},
	{NULL, NULL, 0, NULL},
};

PyDoc_STRVAR(null_doc,
"IvrNullAudio(): silence to enqueue() (play or record); forever until\n"
"init(read_ms, write_ms) or setReadLength() / setWriteLength().");

static PyType_Slot null_slots[] = {
	{Py_tp_doc, (void *)null_doc},
	{Py_tp_new, null_new},
	{Py_tp_dealloc, null_dealloc},
	{Py_tp_methods, null_methods},
	{0, NULL},
};

static PyType_Spec null_spec = {
	.name = "ivr.IvrNullAudio",
	.basicsize = sizeof(IvrNullAudioObject),
	.flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
	.slots = null_slots,
};

int ivr_null_audio_type_add(PyObject *m)
{
	ivr_null_audio_type = (PyTypeObject *)PyType_FromSpec(&null_spec);
	if (!ivr_null_audio_type)
		return -1;
	return PyModule_AddType(m, ivr_null_audio_type);
}
