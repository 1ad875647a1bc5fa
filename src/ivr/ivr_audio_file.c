/* ivr_audio_file.c: type IvrAudioFile, an audio file to play (or record).
 *
 * Wraps one reference to a struct sems_audio (audio.h).  A playlist entry
 * holds its own reference, so closing or dropping a file that is still
 * queued is safe.
 */
#include "ivr.h"   /* Python.h comes first */
#include <string.h>
#include <sems/audio.h>

PyTypeObject *ivr_audio_file_type;

typedef struct {
	PyObject_HEAD
	struct sems_audio *audio;   /* NULL: not open */
	bool loop;                  /* applied to every file opened */
} IvrAudioFileObject;

struct sems_audio *ivr_audio_file_get(PyObject *obj)
{
	IvrAudioFileObject *self = (IvrAudioFileObject *)obj;

	if (!self->audio)
		PyErr_SetString(PyExc_ValueError, "IvrAudioFile: file not open");
	return self->audio;
}

static void audio_file_dealloc(IvrAudioFileObject *self)
{
	PyTypeObject *tp = Py_TYPE(self);

	sems_audio_deref(self->audio);
	tp->tp_free((PyObject *)self);
	Py_DECREF(tp);
}

PyDoc_STRVAR(open_doc,
"open($self, filename, mode, is_tmp=False, /)\n--\n\n"
"Open `filename` with mode AUDIO_READ or AUDIO_WRITE; the format comes\n"
"from the extension (.wav, .pcmu, .pcma, .l16).  Raises IOError.");

static PyObject *audio_file_open(IvrAudioFileObject *self, PyObject *args)
{
	const char *filename;
	int mode, is_tmp = 0;
	struct sems_audio *a = NULL;
	char errbuf[256] = "";
	int err;

	if (!PyArg_ParseTuple(args, "si|p:open", &filename, &mode, &is_tmp))
		return NULL;
	if (mode != SEMS_AUDIO_READ && mode != SEMS_AUDIO_WRITE) {
		PyErr_Format(PyExc_ValueError, "IvrAudioFile.open: mode must be "
			     "AUDIO_READ or AUDIO_WRITE, not %d", mode);
		return NULL;
	}
	Py_BEGIN_ALLOW_THREADS   /* decoding a file takes a while */
	err = sems_audio_open(&a, filename, (enum sems_audio_mode)mode,
			      errbuf, sizeof(errbuf));
	Py_END_ALLOW_THREADS
	if (err) {
		if (*errbuf)   /* the core's message names the file */
			PyErr_Format(PyExc_IOError, "IvrAudioFile.open: %s",
				     errbuf);
		else
			PyErr_Format(PyExc_IOError, "IvrAudioFile.open: cannot "
				     "open '%s': %s", filename, strerror(err));
		return NULL;
	}
	sems_audio_deref(self->audio);
	self->audio = a;
	if (self->loop)
		sems_audio_set_loop(a, true);
	Py_RETURN_NONE;
}

PyDoc_STRVAR(close_doc,
"close($self, /)\n--\n\nClose the file (a queued copy still plays to its end).");

static PyObject *audio_file_close(IvrAudioFileObject *self,
				  PyObject *Py_UNUSED(a))
{
	sems_audio_deref(self->audio);
	self->audio = NULL;
	Py_RETURN_NONE;
}

PyDoc_STRVAR(rewind_doc,
"rewind($self, ms=0, /)\n--\n\n"
"Move the play position back by `ms` milliseconds; 0 means to the start.");

static PyObject *audio_file_rewind(IvrAudioFileObject *self, PyObject *args)
{
	int ms = 0;

	if (!PyArg_ParseTuple(args, "|i:rewind", &ms))
		return NULL;
	if (ms < 0) {
		PyErr_SetString(PyExc_ValueError,
				"IvrAudioFile.rewind: ms must be >= 0");
		return NULL;
	}
	if (!ivr_audio_file_get((PyObject *)self))
		return NULL;
	sems_audio_rewind(self->audio, (unsigned)ms);
	Py_RETURN_NONE;
}

static PyMethodDef audio_file_methods[] = {
	{"open", (PyCFunction)audio_file_open, METH_VARARGS, open_doc},
	{"close", (PyCFunction)audio_file_close, METH_NOARGS, close_doc},
	{"rewind", (PyCFunction)audio_file_rewind, METH_VARARGS, rewind_doc},
	{NULL, NULL, 0, NULL},
};

static PyObject *audio_file_get_loop(IvrAudioFileObject *self,
				     void *Py_UNUSED(c))
{
	return PyBool_FromLong(self->audio ? sems_audio_loop(self->audio)
					   : self->loop);
}

static int audio_file_set_loop(IvrAudioFileObject *self, PyObject *value,
			       void *Py_UNUSED(c))
{
	int loop;

	if (!value) {
		PyErr_SetString(PyExc_AttributeError,
				"IvrAudioFile.loop cannot be deleted");
		return -1;
	}
	if ((loop = PyObject_IsTrue(value)) < 0)
		return -1;
	self->loop = loop;
	if (self->audio)
		sems_audio_set_loop(self->audio, loop);
	return 0;
}

static PyGetSetDef audio_file_getset[] = {
	{"loop", (getter)audio_file_get_loop, (setter)audio_file_set_loop,
	 "True: the file plays again from the start when it ends.", NULL},
	{NULL, NULL, NULL, NULL, NULL},
};

PyDoc_STRVAR(audio_file_doc,
"IvrAudioFile(): an audio file; open() it, then enqueue() it on a call.");

static PyType_Slot audio_file_slots[] = {
	{Py_tp_doc, (void *)audio_file_doc},
	{Py_tp_new, PyType_GenericNew},
	{Py_tp_dealloc, audio_file_dealloc},
	{Py_tp_methods, audio_file_methods},
	{Py_tp_getset, audio_file_getset},
	{0, NULL},
};

static PyType_Spec audio_file_spec = {
	.name = "ivr.IvrAudioFile",
	.basicsize = sizeof(IvrAudioFileObject),
	.flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
	.slots = audio_file_slots,
};

int ivr_audio_file_type_add(PyObject *m)
{
	ivr_audio_file_type = (PyTypeObject *)PyType_FromSpec(&audio_file_spec);
	if (!ivr_audio_file_type)
		return -1;
	return PyModule_AddType(m, ivr_audio_file_type);
}
