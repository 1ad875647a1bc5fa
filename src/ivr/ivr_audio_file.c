/* ivr_audio_file.c: type IvrAudioFile, an audio file to play (or record).
 *
 * Wraps one reference to a struct sems_audio (audio.h).  A playlist entry
 * holds its own reference, so closing or dropping a file that is still
 * queued is safe.  Also ivr_audio_item_get(), which turns any playable
 * object (IvrAudioFile, IvrNullAudio, IvrAudioMixIn) into its item.
 */
#include "ivr.h"   /* Python.h comes first */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sems/audio.h>

PyTypeObject *ivr_audio_file_type;

typedef struct {
	PyObject_HEAD
	struct sems_audio *audio;   /* NULL: not open */
	bool loop;                  /* applied to every file opened */
	int record_ms;              /* setRecordTime() before open; 0: none */
} IvrAudioFileObject;

struct sems_audio *ivr_audio_file_get(PyObject *obj)
{
	IvrAudioFileObject *self = (IvrAudioFileObject *)obj;

	if (!self->audio)
		PyErr_SetString(PyExc_ValueError, "IvrAudioFile: file not open");
	return self->audio;
}

struct sems_audio *ivr_audio_item_get(PyObject *obj, const char *what)
{
	struct sems_audio *a;

	if (PyObject_TypeCheck(obj, ivr_audio_file_type)) {
		if (!(a = ((IvrAudioFileObject *)obj)->audio))
			PyErr_Format(PyExc_ValueError,
				     "%s: IvrAudioFile not open", what);
		return a;
	}
	if (PyObject_TypeCheck(obj, ivr_null_audio_type))
		return ivr_null_audio_get(obj);
	if (PyObject_TypeCheck(obj, ivr_mixin_type)) {
		if (!(a = ivr_mixin_get(obj)))
			PyErr_Format(PyExc_ValueError,
				     "%s: IvrAudioMixIn: init() not called", what);
		return a;
	}
	PyErr_Format(PyExc_TypeError, "%s must be an IvrAudioFile, IvrNullAudio "
		     "or IvrAudioMixIn, not %.100s", what, Py_TYPE(obj)->tp_name);
	return NULL;
}

static void audio_file_dealloc(IvrAudioFileObject *self)
{
	PyTypeObject *tp = Py_TYPE(self);

	sems_audio_deref(self->audio);
	tp->tp_free((PyObject *)self);
	Py_DECREF(tp);
}

/* Replaces the open file with `a` (may be NULL), keeping loop and the
 * record time asked for before. */
static void audio_file_set(IvrAudioFileObject *self, struct sems_audio *a)
{
	sems_audio_deref(self->audio);
	self->audio = a;
	if (a && self->loop)
		sems_audio_set_loop(a, true);
	if (a && self->record_ms > 0)
		sems_audio_set_record_time(a, (unsigned)self->record_ms);
}

/* Stores the result of a sems_audio_open*() call, or raises IOError
 * with the core's message (it names the file).  None or NULL. */
static PyObject *audio_file_opened(IvrAudioFileObject *self, const char *fn,
				   const char *filename, struct sems_audio *a,
				   int err, const char *errbuf)
{
	if (!err) {
		audio_file_set(self, a);
		Py_RETURN_NONE;
	}
	if (*errbuf)
		PyErr_Format(PyExc_IOError, "IvrAudioFile.%s: %s", fn, errbuf);
	else
		PyErr_Format(PyExc_IOError, "IvrAudioFile.%s: cannot open "
			     "'%s': %s", fn, filename, strerror(err));
	return NULL;
}

static int mode_check(const char *fn, int mode)
{
	if (mode == SEMS_AUDIO_READ || mode == SEMS_AUDIO_WRITE)
		return 0;
	PyErr_Format(PyExc_TypeError, "IvrAudioFile.%s: mode must be "
		     "AUDIO_READ (1) or AUDIO_WRITE (2), not %d", fn, mode);
	return -1;
}

/* The directory of `filename` (the part before a "|subtype"), if it has
 * one that exists, else /tmp. */
static void tmp_dir(const char *filename, char *dir, size_t len)
{
	size_t n = strcspn(filename, "|");
	struct stat st;

	while (n > 0 && filename[n - 1] != '/')
		n--;
	if (n > 0 && n < len) {
		memcpy(dir, filename, n);
		dir[n] = '\0';
		if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
			return;
	}
	snprintf(dir, len, "/tmp");
}

/* An anonymous temporary file (no name on disk) beside `filename`, open
 * for reading and writing: an fd, or -1 with errno.  No GIL needed. */
static int tmp_fd(const char *filename)
{
	char dir[4096], path[4096 + 16];
	int fd;

	tmp_dir(filename, dir, sizeof(dir));
	fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd >= 0)
		return fd;
	/* no O_TMPFILE on this file system: a named file, unlinked at once */
	snprintf(path, sizeof(path), "%s/.ivr-tmp-XXXXXX", dir);
	fd = mkostemp(path, O_CLOEXEC);
	if (fd >= 0)
		unlink(path);
	return fd;
}

/* Records into an anonymous temporary file; `filename` gives the format.
 * Returns 0 or an errno value.  No GIL needed. */
static int open_tmp(struct sems_audio **ap, const char *filename,
		    char *errbuf, size_t errlen)
{
	int fd = tmp_fd(filename), err;

	if (fd < 0) {
		err = errno;
		snprintf(errbuf, errlen, "cannot create a temporary file for "
			 "'%s': %s", filename, strerror(err));
		*ap = NULL;
		return err;
	}
	err = sems_audio_open_fd(ap, fd, filename, SEMS_AUDIO_WRITE, errbuf,
				 errlen);
	close(fd);
	return err;
}

PyDoc_STRVAR(open_doc,
"open($self, filename, mode, is_tmp=False, /)\n--\n\n"
"Open `filename` with mode AUDIO_READ or AUDIO_WRITE; the format comes\n"
"from the extension (.wav, .pcmu, .pcma, .l16; \"name.wav|A-Law\").\n"
"AUDIO_WRITE truncates; with is_tmp=True it records into an anonymous\n"
"temporary file instead (filename then only gives the format; see\n"
"exportRaw()).  Raises TypeError for another mode, IOError on failure.");

static PyObject *audio_file_open(IvrAudioFileObject *self, PyObject *args)
{
	const char *filename;
	int mode, is_tmp = 0, err;
	struct sems_audio *a = NULL;
	char errbuf[512] = "";

	if (!PyArg_ParseTuple(args, "si|p:open", &filename, &mode, &is_tmp) ||
	    mode_check("open", mode) < 0)
		return NULL;
	if (is_tmp && mode != SEMS_AUDIO_WRITE) {
		PyErr_SetString(PyExc_ValueError, "IvrAudioFile.open: is_tmp "
				"needs AUDIO_WRITE (a new temporary file is empty)");
		return NULL;
	}
	Py_BEGIN_ALLOW_THREADS   /* decoding a file takes a while */
	if (is_tmp)
		err = open_tmp(&a, filename, errbuf, sizeof(errbuf));
	else
		err = sems_audio_open(&a, filename, (enum sems_audio_mode)mode,
				      errbuf, sizeof(errbuf));
	Py_END_ALLOW_THREADS
	return audio_file_opened(self, "open", filename, a, err, errbuf);
}

/* fileobj.flush(), then fileobj.fileno(): an fd, -1 with an exception,
 * or -2 (no exception) when the object has no usable fileno(). */
static int file_fileno(PyObject *fileobj)
{
	PyObject *r = PyObject_CallMethod(fileobj, "flush", NULL);
	long fd;

	if (!r && !PyErr_ExceptionMatches(PyExc_AttributeError))
		return -1;
	PyErr_Clear();
	Py_XDECREF(r);
	if (!(r = PyObject_CallMethod(fileobj, "fileno", NULL))) {
		/* io.UnsupportedOperation is both an OSError and a ValueError */
		if (!PyErr_ExceptionMatches(PyExc_AttributeError) &&
		    !PyErr_ExceptionMatches(PyExc_OSError) &&
		    !PyErr_ExceptionMatches(PyExc_ValueError))
			return -1;
		PyErr_Clear();
		return -2;
	}
	fd = PyLong_AsLong(r);
	Py_DECREF(r);
	if (fd == -1 && PyErr_Occurred())
		return -1;
	if (fd < 0 || fd > INT_MAX) {
		PyErr_Format(PyExc_ValueError, "fileno() returned %ld", fd);
		return -1;
	}
	return (int)fd;
}

/* Writes all of `data` to a new anonymous temporary file, rewound:
 * 0 and *fdp, or an errno value.  No GIL needed. */
static int tmp_copy(int *fdp, const char *filename, const char *data,
		    size_t len)
{
	int fd = tmp_fd(filename), err;

	if (fd < 0)
		return errno;
	while (len > 0) {
		ssize_t n = write(fd, data, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto fail;
		data += n;
		len -= (size_t)n;
	}
	if (lseek(fd, 0, SEEK_SET) < 0)
		goto fail;
	*fdp = fd;
	return 0;
fail:
	err = errno;
	close(fd);
	return err;
}

/* Reads what is left of a file object without fileno() (io.BytesIO) and
 * opens it for playing through a temporary file. */
static PyObject *fpopen_copy(IvrAudioFileObject *self, const char *filename,
			     PyObject *fileobj)
{
	struct sems_audio *a = NULL;
	char errbuf[512] = "";
	PyObject *data;
	Py_buffer buf;
	int fd = -1, err;

	if (!PyObject_HasAttrString(fileobj, "read")) {
		PyErr_Format(PyExc_TypeError, "IvrAudioFile.fpopen: fileobj must "
			     "be a binary file object, not %.100s",
			     Py_TYPE(fileobj)->tp_name);
		return NULL;
	}
	if (!(data = PyObject_CallMethod(fileobj, "read", NULL)))
		return NULL;
	if (PyObject_GetBuffer(data, &buf, PyBUF_SIMPLE) < 0) {
		Py_DECREF(data);
		return NULL;
	}
	Py_BEGIN_ALLOW_THREADS
	err = tmp_copy(&fd, filename, buf.buf, (size_t)buf.len);
	if (err)
		snprintf(errbuf, sizeof(errbuf), "cannot copy '%s' to a "
			 "temporary file: %s", filename, strerror(err));
	else
		err = sems_audio_open_fd(&a, fd, filename, SEMS_AUDIO_READ,
					 errbuf, sizeof(errbuf));
	if (fd >= 0)
		close(fd);
	Py_END_ALLOW_THREADS
	PyBuffer_Release(&buf);
	Py_DECREF(data);
	return audio_file_opened(self, "fpopen", filename, a, err, errbuf);
}

PyDoc_STRVAR(fpopen_doc,
"fpopen($self, filename, mode, fileobj, /)\n--\n\n"
"Like open(), through the open binary file object `fileobj`; `filename`\n"
"only gives the format.  AUDIO_READ also takes a file without fileno()\n"
"(io.BytesIO: the rest of it is read now); AUDIO_WRITE needs a file with\n"
"a fileno().  Raises TypeError or IOError.");

static PyObject *audio_file_fpopen(IvrAudioFileObject *self, PyObject *args)
{
	const char *filename;
	int mode, fd, err;
	PyObject *fileobj;
	struct sems_audio *a = NULL;
	char errbuf[512] = "";

	if (!PyArg_ParseTuple(args, "siO:fpopen", &filename, &mode, &fileobj) ||
	    mode_check("fpopen", mode) < 0 || (fd = file_fileno(fileobj)) == -1)
		return NULL;
	if (fd == -2 && mode == SEMS_AUDIO_READ)
		return fpopen_copy(self, filename, fileobj);
	if (fd == -2) {
		PyErr_Format(PyExc_TypeError, "IvrAudioFile.fpopen: AUDIO_WRITE "
			     "needs a file with a fileno(), not %.100s",
			     Py_TYPE(fileobj)->tp_name);
		return NULL;
	}
	Py_BEGIN_ALLOW_THREADS
	err = sems_audio_open_fd(&a, fd, filename, (enum sems_audio_mode)mode,
				 errbuf, sizeof(errbuf));
	Py_END_ALLOW_THREADS
	return audio_file_opened(self, "fpopen", filename, a, err, errbuf);
}

PyDoc_STRVAR(tts_doc,
"tts($cls, text, /)\n--\n\n"
"A new open IvrAudioFile (of this class) speaking `text` with the built-in\n"
"voice; nothing is written to disk.  ValueError for empty text, IOError\n"
"when speech cannot be made.");

static PyObject *audio_file_tts(PyObject *cls, PyObject *args)
{
	const char *text;
	struct sems_audio *a = NULL;
	char errbuf[512] = "";
	PyObject *obj;
	int err;

	if (!PyArg_ParseTuple(args, "s:tts", &text))
		return NULL;
	Py_BEGIN_ALLOW_THREADS   /* synthesis takes a while */
	err = sems_audio_tts(&a, text, errbuf, sizeof(errbuf));
	Py_END_ALLOW_THREADS
	if (err) {
		PyErr_Format(*text ? PyExc_IOError : PyExc_ValueError,
			     "IvrAudioFile.tts: %s", *errbuf ? errbuf :
			     strerror(err));
		return NULL;
	}
	obj = PyObject_CallNoArgs(cls);
	if (obj && !PyObject_TypeCheck(obj, ivr_audio_file_type)) {
		PyErr_Format(PyExc_TypeError, "IvrAudioFile.tts: %.100s() "
			     "returned %.100s, not an IvrAudioFile",
			     ((PyTypeObject *)cls)->tp_name, Py_TYPE(obj)->tp_name);
		Py_CLEAR(obj);
	}
	if (!obj) {
		sems_audio_deref(a);
		return NULL;
	}
	audio_file_set((IvrAudioFileObject *)obj, a);
	return obj;
}

PyDoc_STRVAR(close_doc,
"close($self, /)\n--\n\nClose the file (a queued copy still plays to its end).");

static PyObject *audio_file_close(IvrAudioFileObject *self,
				  PyObject *Py_UNUSED(a))
{
	audio_file_set(self, NULL);
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

PyDoc_STRVAR(get_data_size_doc,
"getDataSize($self, /)\n--\n\n"
"Bytes of audio: recorded so far (AUDIO_WRITE) or readable as 8 kHz\n"
"16-bit samples (AUDIO_READ).  ValueError if the file is not open.");

static PyObject *audio_file_get_data_size(IvrAudioFileObject *self,
					  PyObject *Py_UNUSED(a))
{
	if (!ivr_audio_file_get((PyObject *)self))
		return NULL;
	return PyLong_FromSize_t(sems_audio_data_size(self->audio));
}

PyDoc_STRVAR(set_record_time_doc,
"setRecordTime($self, ms, /)\n--\n\n"
"Stop recording after `ms` milliseconds of audio (0: no limit).  Before\n"
"open() it applies to the file opened next.  ValueError if ms < 0.");

static PyObject *audio_file_set_record_time(IvrAudioFileObject *self,
					    PyObject *args)
{
	int ms;

	if (!PyArg_ParseTuple(args, "i:setRecordTime", &ms))
		return NULL;
	if (ms < 0) {
		PyErr_SetString(PyExc_ValueError,
				"IvrAudioFile.setRecordTime: ms must be >= 0");
		return NULL;
	}
	self->record_ms = ms;
	if (self->audio)
		sems_audio_set_record_time(self->audio, (unsigned)ms);
	Py_RETURN_NONE;
}

PyDoc_STRVAR(export_raw_doc,
"exportRaw($self, /)\n--\n\n"
"A binary file object (io, read-only, at the start) over the recording,\n"
"complete up to now: the file as written, header included.  OSError if\n"
"this is not a recording or writing it failed.");

static PyObject *audio_file_export_raw(IvrAudioFileObject *self,
				       PyObject *Py_UNUSED(a))
{
	PyObject *io, *file;
	int err, fd;

	if (!ivr_audio_file_get((PyObject *)self))
		return NULL;
	Py_BEGIN_ALLOW_THREADS   /* waits for the writer thread */
	err = sems_audio_sync(self->audio);
	Py_END_ALLOW_THREADS
	if (err) {
		PyErr_Format(PyExc_OSError, "IvrAudioFile.exportRaw: writing "
			     "the recording failed: %s", strerror(err));
		return NULL;
	}
	if ((fd = sems_audio_dup_fd(self->audio)) < 0) {
		PyErr_SetString(PyExc_OSError,
				"IvrAudioFile.exportRaw: not a recording");
		return NULL;
	}
	if (!(io = PyImport_ImportModule("io"))) {
		close(fd);
		return NULL;
	}
	/* io.open(fd, "rb", buffering=-1, encoding=None, errors=None,
	 * newline=None, closefd=True) */
	file = PyObject_CallMethod(io, "open", "isiOOOO", fd, "rb", -1, Py_None,
				   Py_None, Py_None, Py_True);
	Py_DECREF(io);
	if (!file)
		close(fd);
	return file;
}

static PyMethodDef audio_file_methods[] = {
	{"open", (PyCFunction)audio_file_open, METH_VARARGS, open_doc},
	{"fpopen", (PyCFunction)audio_file_fpopen, METH_VARARGS, fpopen_doc},
	{"tts", (PyCFunction)audio_file_tts, METH_VARARGS | METH_CLASS, tts_doc},
	{"close", (PyCFunction)audio_file_close, METH_NOARGS, close_doc},
	{"rewind", (PyCFunction)audio_file_rewind, METH_VARARGS, rewind_doc},
	{"getDataSize", (PyCFunction)audio_file_get_data_size, METH_NOARGS,
	 get_data_size_doc},
	{"setRecordTime", (PyCFunction)audio_file_set_record_time, METH_VARARGS,
	 set_record_time_doc},
	{"exportRaw", (PyCFunction)audio_file_export_raw, METH_NOARGS,
	 export_raw_doc},
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
