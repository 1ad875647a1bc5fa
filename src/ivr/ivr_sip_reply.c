/* ivr_sip_reply.c: type IvrSipReply, a SIP reply to a request we sent.
 *
 * A read-only copy of a struct sems_sip_reply (sip.h), made when the event
 * is delivered, so it may outlive the event.
 */
#include "ivr.h"   /* Python.h comes first */
#include <stddef.h>
#include <structmember.h>

static PyTypeObject *ivr_sip_reply_type;

typedef struct {
	PyObject_HEAD
	PyObject *reason, *next_request_uri, *contact, *next_hop, *route;
	PyObject *hdrs, *body, *from_tag, *to_tag, *remote_tag, *local_tag;
	unsigned code, cseq;
} IvrSipReplyObject;

#define F(name) { offsetof(struct sems_sip_reply, name), \
		  offsetof(IvrSipReplyObject, name) }
static const struct ivr_field reply_fields[] = {
	F(reason), F(next_request_uri), F(contact), F(next_hop), F(route),
	F(hdrs), F(body), F(from_tag), F(to_tag), F(remote_tag), F(local_tag),
};
#undef F
#define N_FIELDS (sizeof(reply_fields) / sizeof(*reply_fields))

PyObject *ivr_sip_reply_new(const struct sems_sip_reply *reply)
{
	IvrSipReplyObject *self = PyObject_New(IvrSipReplyObject,
					       ivr_sip_reply_type);

	if (!self)
		return NULL;
	memset((char *)self + sizeof(PyObject), 0,
	       sizeof(*self) - sizeof(PyObject));
	self->code = reply->code;
	self->cseq = reply->cseq;
	if (ivr_snapshot_fill((PyObject *)self, reply, reply_fields,
			      N_FIELDS) < 0)
		Py_CLEAR(self);
	return (PyObject *)self;
}

static void reply_dealloc(IvrSipReplyObject *self)
{
	PyTypeObject *tp = Py_TYPE(self);

	ivr_snapshot_clear((PyObject *)self, reply_fields, N_FIELDS);
	PyObject_Free(self);
	Py_DECREF(tp);
}

#define M(name, doc) { #name, T_OBJECT_EX, \
		       offsetof(IvrSipReplyObject, name), READONLY, doc }
static PyMemberDef reply_members[] = {
	{"code", T_UINT, offsetof(IvrSipReplyObject, code), READONLY,
	 "Status code (200, 404, ...)."},
	M(reason, "Reason phrase."),
	M(next_request_uri, "Where the next request in the dialog goes."),
	M(contact, "Contact URI, or \"\"."),
	M(next_hop, "Next hop, or \"\"."),
	M(route, "Route set learned from Record-Route, or \"\"."),
	M(hdrs, "Other headers, as CRLF-terminated lines."),
	M(body, "Message body."),
	M(from_tag, "Tag of the From header."),
	M(to_tag, "Tag of the To header."),
	M(remote_tag, "The remote party's tag."),
	M(local_tag, "Our tag."),
	{"cseq", T_UINT, offsetof(IvrSipReplyObject, cseq), READONLY,
	 "CSeq number of the request answered."},
	{NULL, 0, 0, 0, NULL},
};
#undef M

PyDoc_STRVAR(reply_doc, "IvrSipReply: a received SIP reply (read-only).");

static PyType_Slot reply_slots[] = {
	{Py_tp_doc, (void *)reply_doc},
	{Py_tp_dealloc, reply_dealloc},
	{Py_tp_members, reply_members},
	{0, NULL},
};

static PyType_Spec reply_spec = {
	.name = "ivr.IvrSipReply",
	.basicsize = sizeof(IvrSipReplyObject),
	.flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_DISALLOW_INSTANTIATION,
	.slots = reply_slots,
};

int ivr_sip_reply_type_add(PyObject *m)
{
	ivr_sip_reply_type = (PyTypeObject *)PyType_FromSpec(&reply_spec);
	if (!ivr_sip_reply_type)
		return -1;
	return PyModule_AddType(m, ivr_sip_reply_type);
}
