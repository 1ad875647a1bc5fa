/* ivr_sip_dialog.c: type IvrSipDialog, the call's SIP dialog at one moment.
 *
 * IvrDialogBase.dialog returns a fresh copy of sems_session_dialog() on
 * every access, so a script always reads the current status.
 */
#include "ivr.h"   /* Python.h comes first */
#include <stddef.h>
#include <structmember.h>
#include <string.h>

static PyTypeObject *ivr_sip_dialog_type;

typedef struct {
	PyObject_HEAD
	PyObject *user, *domain, *local_uri, *remote_uri, *callid;
	PyObject *remote_tag, *local_tag, *remote_party, *local_party;
	PyObject *route, *outbound_proxy;
	PyObject *sip_ip, *sip_port, *contact_uri, *next_hop;
	PyObject *owner;     /* IvrDialogBase read from, or NULL */
	unsigned cseq;
	int status;
} IvrSipDialogObject;

#define F(name) { offsetof(struct sems_dialog, name), \
		  offsetof(IvrSipDialogObject, name) }
static const struct ivr_field dialog_fields[] = {
	F(user), F(domain), F(local_uri), F(remote_uri), F(callid),
	F(remote_tag), F(local_tag), F(remote_party), F(local_party),
	F(route), F(outbound_proxy), F(sip_ip), F(sip_port), F(contact_uri),
	F(next_hop),
};
#undef F
#define N_FIELDS (sizeof(dialog_fields) / sizeof(*dialog_fields))

PyObject *ivr_sip_dialog_new(const struct sems_dialog *dlg, PyObject *owner)
{
	IvrSipDialogObject *self = PyObject_New(IvrSipDialogObject,
						ivr_sip_dialog_type);

	if (!self)
		return NULL;
	memset((char *)self + sizeof(PyObject), 0,
	       sizeof(*self) - sizeof(PyObject));
	self->cseq = dlg->cseq;
	self->status = (int)dlg->status;
	self->owner = owner ? Py_NewRef(owner) : NULL;
	if (ivr_snapshot_fill((PyObject *)self, dlg, dialog_fields,
			      N_FIELDS) < 0)
		Py_CLEAR(self);
	return (PyObject *)self;
}

static void sip_dialog_dealloc(IvrSipDialogObject *self)
{
	PyTypeObject *tp = Py_TYPE(self);

	ivr_snapshot_clear((PyObject *)self, dialog_fields, N_FIELDS);
	Py_CLEAR(self->owner);
	PyObject_Free(self);
	Py_DECREF(tp);
}

#define M(name, doc) { #name, T_OBJECT_EX, \
		       offsetof(IvrSipDialogObject, name), READONLY, doc }
static PyMemberDef sip_dialog_members[] = {
	M(user, "Local user (R-URI user of the INVITE)."),
	M(domain, "Local domain."),
	M(local_uri, "Our URI."),
	M(callid, "Call-ID."),
	M(remote_tag, "The remote party's tag."),
	M(local_tag, "Our tag (also the session id)."),
	M(remote_party, "The remote party (From of an incoming call)."),
	M(local_party, "The local party (To of an incoming call)."),
	M(route, "Route set, or \"\"."),
	M(outbound_proxy, "Outbound proxy, or \"\"."),
	M(sip_ip, "Our SIP address (where the INVITE arrived; old API)."),
	M(sip_port, "Our SIP port, as str (old API)."),
	M(contact_uri, "Our Contact URI (old API)."),
	M(next_hop, "Next hop, or \"\" (old API)."),
	{"cseq", T_UINT, offsetof(IvrSipDialogObject, cseq), READONLY,
	 "Our next CSeq."},
	{"status", T_INT, offsetof(IvrSipDialogObject, status), READONLY,
	 "Dialog status, 0-6 as SEMS (see status_str)."},
	{NULL, 0, 0, 0, NULL},
};
#undef M

static PyObject *sip_dialog_get_status_str(IvrSipDialogObject *self,
					   void *Py_UNUSED(c))
{
	return PyUnicode_FromString(
		sems_dialog_status_str((enum sems_dialog_status)self->status));
}

static PyObject *sip_dialog_get_remote_uri(IvrSipDialogObject *self,
					   void *Py_UNUSED(c))
{
	return Py_NewRef(self->remote_uri);
}

/* Settable, as in SEMS: the next in-dialog request goes there. */
static int sip_dialog_set_remote_uri(IvrSipDialogObject *self, PyObject *value,
				     void *Py_UNUSED(c))
{
	struct sems_session *s;
	const char *uri;
	int err;

	if (!value || !PyUnicode_Check(value)) {
		PyErr_SetString(PyExc_TypeError,
				"IvrSipDialog.remote_uri must be a str");
		return -1;
	}
	if (!self->owner) {
		PyErr_SetString(PyExc_RuntimeError, "IvrSipDialog.remote_uri: "
				"this dialog belongs to no call");
		return -1;
	}
	if (!(uri = PyUnicode_AsUTF8(value)) ||
	    !(s = ivr_dialog_bound((IvrDialogObject *)self->owner,
				   "dialog.remote_uri")))
		return -1;
	err = sems_session_set_remote_uri(s, uri);
	if (err) {
		PyErr_Format(PyExc_ValueError, "IvrSipDialog.remote_uri: %s",
			     strerror(err));
		return -1;
	}
	Py_SETREF(self->remote_uri, Py_NewRef(value));
	return 0;
}

static PyGetSetDef sip_dialog_getset[] = {
	{"remote_uri", (getter)sip_dialog_get_remote_uri,
	 (setter)sip_dialog_set_remote_uri,
	 "The remote party's URI (remote target); settable: requests sent\n"
	 "in the dialog from then on go to it.", NULL},
	{"status_str", (getter)sip_dialog_get_status_str, NULL,
	 "Dialog status as text: \"Disconnected\", \"Trying\", \"Proceeding\",\n"
	 "\"Cancelling\", \"Early\", \"Connected\" or \"Disconnecting\".", NULL},
	{NULL, NULL, NULL, NULL, NULL},
};

PyDoc_STRVAR(sip_dialog_doc,
"IvrSipDialog: the call's SIP dialog at the time it was read (read-only\n"
"except remote_uri).");

static PyType_Slot sip_dialog_slots[] = {
	{Py_tp_doc, (void *)sip_dialog_doc},
	{Py_tp_dealloc, sip_dialog_dealloc},
	{Py_tp_members, sip_dialog_members},
	{Py_tp_getset, sip_dialog_getset},
	{0, NULL},
};

static PyType_Spec sip_dialog_spec = {
	.name = "ivr.IvrSipDialog",
	.basicsize = sizeof(IvrSipDialogObject),
	.flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_DISALLOW_INSTANTIATION,
	.slots = sip_dialog_slots,
};

int ivr_sip_dialog_type_add(PyObject *m)
{
	ivr_sip_dialog_type = (PyTypeObject *)PyType_FromSpec(&sip_dialog_spec);
	if (!ivr_sip_dialog_type)
		return -1;
	return PyModule_AddType(m, ivr_sip_dialog_type);
}
