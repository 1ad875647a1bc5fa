/* ivr.h: what the files of the ivr plug-in share.
 *
 * ivr.so embeds CPython.  ivr_plugin.c starts the interpreter, ivr_scripts.c
 * preloads the scripts, ivr_module.c is the built-in module `ivr`, one
 * ivr_TYPE.c file per Python type, and ivr_call.c drives one IvrDialog
 * instance per call from the session events.  Every function below needs the
 * GIL unless it says otherwise.
 */
#ifndef IVR_H
#define IVR_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdbool.h>
#include <sems/app.h>
#include <sems/session.h>
#include <sems/sip.h>

struct sems_audio;

/* ivr_module.c: the module `ivr` */
PyObject *PyInit_ivr(void);
extern PyObject *ivr_module;           /* borrowed from sys.modules */
extern PyObject *ivr_semserror;        /* the exception class */
void ivr_log_python(int level, const char *msg);  /* "Ivr-Python: msg" */
/* Logs the pending exception with its traceback and clears it. */
void ivr_log_exception(const char *context);
/* Logs exception object `exc` (not the pending one) with its traceback. */
void ivr_log_exception_obj(PyObject *exc, const char *context);

/* One type per file; each ivr_X_type_add() creates the type from its spec
 * and adds it to the module. */
int ivr_dialog_type_add(PyObject *m);
int ivr_audio_file_type_add(PyObject *m);
int ivr_null_audio_type_add(PyObject *m);
int ivr_mixin_type_add(PyObject *m);
int ivr_sip_dialog_type_add(PyObject *m);
int ivr_sip_request_type_add(PyObject *m);
int ivr_sip_reply_type_add(PyObject *m);
/* ivr_uac.c: IvrUAC; getSessionParams() of a session (new reference). */
int ivr_uac_type_add(PyObject *m);
PyObject *ivr_session_params(struct sems_session *s);

/* ivr_digits.c: collectDigits() and record() state of one call. */
enum { IVR_TYPEAHEAD_MAX = 32, IVR_DIGITS_MAX = 64 };
struct ivr_collect {
	bool active;
	int max_digits, min_digits;
	double timeout, inter_digit;   /* seconds */
	char terminators[17];
	bool bargein;
	bool after_prompt;      /* the timeout starts when the queue empties */
	char digits[IVR_DIGITS_MAX + 1];
	char typeahead[IVR_TYPEAHEAD_MAX + 1];   /* keys before collectDigits */
};
struct ivr_record {
	struct sems_audio *rec;          /* reference while recording */
	char finish_on_key[17];
};

/* Timer ids from here up belong to the plug-in (setTimer refuses them). */
#define IVR_TIMER_RESERVED (1 << 30)
#define IVR_TIMER_COLLECT (IVR_TIMER_RESERVED + 1)

/* ivr_dialog.c: IvrDialogBase, the base of every script's IvrDialog. */
extern PyTypeObject *ivr_dialog_type;
typedef struct {
	PyObject_HEAD
	struct sems_session *session;   /* NULL: not bound to a call */
	PyObject *invite_req;           /* IvrSipRequest, made on first use */
	bool answered;                  /* sems_session_accept() done */
	struct ivr_collect collect;
	struct ivr_record record;
} IvrDialogObject;
/* The bound session, or NULL with RuntimeError naming `method`. */
struct sems_session *ivr_dialog_bound(IvrDialogObject *self,
				      const char *method);
/* Method tables of the other IvrDialogBase files, merged into the type. */
extern PyMethodDef ivr_dialog_media_methods[];
extern PyMethodDef ivr_dialog_digits_methods[];
extern PyMethodDef ivr_dialog_b2b_methods[];    /* ivr_dialog_b2b.c */
/* ivr.conf b2b_media (ivr_plugin.c): connectCallee's default media mode,
 * an enum sems_b2b_media value */
extern int ivr_b2b_media;
extern PyMethodDef ivr_dialog_sip_methods[];
extern PyMethodDef ivr_dialog_listen_methods[];  /* ivr_dialog_listen.c */
/* ivr_dialog_sip.c: the sipfrag status of a NOTIFY about a REFER, or 0. */
int ivr_refer_status(const struct sems_sip_request *req);

/* ivr_digits.c: hooks called by ivr_call.c for the events they follow. */
void ivr_digits_key(PyObject *dialog, struct sems_session *s, int key);
bool ivr_digits_timer(PyObject *dialog, struct sems_session *s, int id);
void ivr_record_done(PyObject *dialog, struct sems_session *s,
		     const char *reason);
void ivr_digits_clear(IvrDialogObject *dlg);
/* The playlist ran empty or was flushed: a waiting timeout starts. */
void ivr_digits_prompt_over(PyObject *dialog, struct sems_session *s);
const char *ivr_record_reason(IvrDialogObject *dlg);

/* ivr_call.c: calls dialog.<name>(*args[:n]) with as many arguments as
 * it takes; returns false if it raised (the call is then failed). */
bool ivr_call_handler(PyObject *dialog, struct sems_session *s,
		      const char *name, PyObject *const *args, int nargs);
/* Creates an instance of `cls` bound to `s`: the session is bound before
 * the script's __init__ runs.  New reference, or NULL with an exception. */
PyObject *ivr_dialog_create(PyObject *cls, struct sems_session *s);
void ivr_dialog_unbind(PyObject *dialog);

/* ivr_audio_file.c */
extern PyTypeObject *ivr_audio_file_type;
/* The open file of an IvrAudioFile (borrowed), or NULL with an exception. */
struct sems_audio *ivr_audio_file_get(PyObject *obj);
/* The item of anything playable: an open IvrAudioFile, an IvrNullAudio or
 * an init()ed IvrAudioMixIn (borrowed), or NULL with TypeError (another
 * type) or ValueError (not open / not init()ed), both naming `what`. */
struct sems_audio *ivr_audio_item_get(PyObject *obj, const char *what);

/* ivr_null_audio.c: IvrNullAudio, silence.  Its item is made on first use
 * (silence forever unless init() or set*Length() said otherwise):
 * borrowed, or NULL with an exception. */
extern PyTypeObject *ivr_null_audio_type;
struct sems_audio *ivr_null_audio_get(PyObject *obj);

/* ivr_mixin.c: IvrAudioMixIn.  Its item (borrowed), or NULL (no exception
 * set) before init(). */
extern PyTypeObject *ivr_mixin_type;
struct sems_audio *ivr_mixin_get(PyObject *obj);

/* ivr_sip_*.c: snapshots, new references, or NULL with an exception. */
/* owner: the IvrDialogBase it was read from (referenced; NULL: none),
 * through which a script's `remote_uri = ...` reaches the call. */
PyObject *ivr_sip_dialog_new(const struct sems_dialog *dlg, PyObject *owner);
PyObject *ivr_sip_request_new(const struct sems_sip_request *req);
PyObject *ivr_sip_reply_new(const struct sems_sip_reply *reply);

/* ivr_snapshot.c: the SIP types are C structs of strings copied into
 * Python objects; a table maps each C field to its object slot. */
struct ivr_field {
	size_t c_offset;    /* of the const char * in the C struct */
	size_t py_offset;   /* of the PyObject * in the Python object */
};
int ivr_snapshot_fill(PyObject *self, const void *cstruct,
		      const struct ivr_field *fields, size_t n);
void ivr_snapshot_clear(PyObject *self, const struct ivr_field *fields,
			size_t n);

/* ivr_process.c: module functions between calls and the process. */
extern PyMethodDef ivr_process_methods[];
void ivr_start_threads(void);              /* after the scripts loaded */
void ivr_set_current_dialog(PyObject *dialog);   /* NULL: none */
void ivr_monitor_finish(PyObject *callid);

/* ivr_scripts.c: the preloaded scripts. */
int ivr_scripts_load(const char *script_path, const char *config_dir);
void ivr_scripts_unload(void);
/* SIGHUP (sems_plugin_reload): every script of script_path imported again
 * (takes the GIL itself).  See ivr_scripts.c. */
void ivr_scripts_reload(void);
/* The registration argument of an application: one imported version of
 * a script (its IvrDialog class), and its release (sems_app_ops.app_free). */
PyObject *ivr_version_class(void *version);
void ivr_version_release(void *version);

/* ivr_call.c: the application ops every script is registered with; the
 * `arg` given to sems_app_register is the script's IvrDialog class. */
extern const struct sems_app_ops ivr_call_ops;

#endif
