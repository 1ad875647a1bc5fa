/* ivr_sip_dialog.c: type IvrSipDialog, the call's SIP dialog at one moment.
 *
 * IvrDialogBase.dialog returns a fresh copy of sems_session_dialog() on
 * every access, so a script always reads the current status.
 */
#include "ivr.h"   /* Python.h comes first */
#include <stddef.h>
#include <structmember.h>

static PyTypeObject *ivr_sip_dialog_type;

typedef struct {
	PyObject_HEAD
	PyObject *user, *domain, *local_uri, *remote_uri, *callid;
	PyObject *remote_tag, *local_tag, *remote_party, *local_party;
	PyObject *route, *outbound_proxy;
	unsigned cseq;
	int status;
} IvrSipDialogObject;

#define F(name) { offsetof(struct sems_dialog, name), \
		  offsetof(IvrSipDialogObject, name) }
static const struct ivr_field dialog_fields[] = {
	F(user), F(domain), F(local_uri), F(remote_uri), F(callid),
	F(remote_tag), F(local_tag), F(remote_party), F(local_party),
	F(route), F(outbound_proxy),
};
#undef F
#define N_FIELDS (sizeof(dialog_fields) / sizeof(*dialog_fields))

PyObject *ivr_sip_dialog_new(const struct sems_dialog *dlg)
{
	IvrSipDialogObject *self = PyObject_New(IvrSipDialogObject,
						ivr_sip_dialog_type);

	if (!self)
		return NULL;
	memset((char *)self + sizeof(PyObject), 0,
	       sizeof(*self) - sizeof(PyObject));
	self->cseq = dlg->cseq;
	self->status = (int)dlg->status;
	if (ivr_snapshot_fill((PyObject *)self, dlg, dialog_fields,
			      N_FIELDS) < 0)
		Py_CLEAR(self);
	return (PyObject *)self;
}

static void sip_dialog_dealloc(IvrSipDialogObject *self)
{
	PyTypeObject *tp = Py_TYPE(self);

	ivr_snapshot_clear((PyObject *)self, dialog_fields, N_FIELDS);
	PyObject_Free(self);
	Py_DECREF(tp);
}

#define M(name, doc) { #name, T_OBJECT_EX, \
		       offsetof(IvrSipDialogObject, name), READONLY, doc }
static PyMemberDef sip_dialog_members[] = {
	M(user, "Local user (R-URI user of the INVITE)."),
	M(domain, "Local domain."),
	M(local_uri, "Our URI."),
	M(remote_uri, "The remote party's URI."),
	M(callid, "Call-ID."),
	M(remote_tag, "The remote party's tag."),
	M(local_tag, "Our tag (also the session id)."),
	M(remote_party, "The remote party (From of an incoming call)."),
	M(local_party, "The local party (To of an incoming call)."),
	M(route, "Route set, or \"\"."),
	M(outbound_proxy, "Outbound proxy, or \"\"."),
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

static PyGetSetDef sip_dialog_getset[] = {
	{"status_str", (getter)sip_dialog_get_status_str, NULL,
	 "Dialog status as text: \"Disconnected\", \"Trying\", \"Proceeding\",\n"
	 "\"Cancelling\", \"Early\", \"Connected\" or \"Disconnecting\".", NULL},
	{NULL, NULL, NULL, NULL, NULL},
};

PyDoc_STRVAR(sip_dialog_doc,
"IvrSipDialog: the call's SIP dialog at the time it was read (read-only).");

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
