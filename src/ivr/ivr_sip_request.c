/* ivr_sip_request.c: type IvrSipRequest, a SIP request as a script sees it.
 *
 * A copy of a struct sems_sip_request (sip.h), made when the event is
 * delivered: the C struct does not outlive the event, this object may.
 * Read-only except `hdrs`, which a script may edit on invite_req.
 */
#include "ivr.h"   /* Python.h comes first */
#include <stddef.h>
#include <structmember.h>

static PyTypeObject *ivr_sip_request_type;

typedef struct {
	PyObject_HEAD
	PyObject *method, *user, *domain, *dstip, *port, *r_uri, *from_uri;
	PyObject *from, *to, *callid, *from_tag, *to_tag, *route, *next_hop;
	PyObject *contact, *content_type, *body, *hdrs;
	unsigned cseq;
} IvrSipRequestObject;

#define F(name) { offsetof(struct sems_sip_request, name), \
		  offsetof(IvrSipRequestObject, name) }
static const struct ivr_field request_fields[] = {
	F(method), F(user), F(domain), F(dstip), F(port), F(r_uri),
	F(from_uri), F(from), F(to), F(callid), F(from_tag), F(to_tag),
	F(route), F(next_hop), F(contact), F(content_type), F(body), F(hdrs),
};
#undef F
#define N_FIELDS (sizeof(request_fields) / sizeof(*request_fields))

PyObject *ivr_sip_request_new(const struct sems_sip_request *req)
{
	IvrSipRequestObject *self = PyObject_New(IvrSipRequestObject,
						 ivr_sip_request_type);

	if (!self)
		return NULL;
	memset((char *)self + sizeof(PyObject), 0,
	       sizeof(*self) - sizeof(PyObject));
	self->cseq = req->cseq;
	if (ivr_snapshot_fill((PyObject *)self, req, request_fields,
			      N_FIELDS) < 0)
		Py_CLEAR(self);
	return (PyObject *)self;
}

static void request_dealloc(IvrSipRequestObject *self)
{
	PyTypeObject *tp = Py_TYPE(self);

	ivr_snapshot_clear((PyObject *)self, request_fields, N_FIELDS);
	PyObject_Free(self);
	Py_DECREF(tp);
}

#define M(name, doc) { #name, T_OBJECT_EX, \
		       offsetof(IvrSipRequestObject, name), READONLY, doc }
static PyMemberDef request_members[] = {
	M(method, "Request method (\"INVITE\", \"BYE\", ...)."),
	M(user, "User part of the request URI."),
	M(domain, "Host part of the request URI."),
	M(dstip, "Local address the request was received on."),
	M(port, "Local port the request was received on (str)."),
	M(r_uri, "The request URI."),
	M(from_uri, "URI of the From header."),
	M(from, "Value of the From header."),
	M(to, "Value of the To header."),
	M(callid, "Call-ID."),
	M(from_tag, "Tag of the From header."),
	M(to_tag, "Tag of the To header (\"\" on an initial INVITE)."),
	M(route, "Route set, as \"Route: ...\" lines, or \"\"."),
	M(next_hop, "Next hop (outbound proxy), or \"\"."),
	M(contact, "Contact URI, or \"\"."),
	M(content_type, "Content-Type of the body, or \"\"."),
	M(body, "Message body (SDP for an INVITE)."),
	{"cseq", T_UINT, offsetof(IvrSipRequestObject, cseq), READONLY,
	 "CSeq number."},
	{NULL, 0, 0, 0, NULL},
};
#undef M

static PyObject *request_get_hdrs(IvrSipRequestObject *self,
				  void *Py_UNUSED(c))
{
	return Py_NewRef(self->hdrs);
}

static int request_set_hdrs(IvrSipRequestObject *self, PyObject *value,
			    void *Py_UNUSED(c))
{
	if (!value || !PyUnicode_Check(value)) {
		PyErr_SetString(PyExc_TypeError,
				"IvrSipRequest.hdrs must be a str");
		return -1;
	}
	Py_SETREF(self->hdrs, Py_NewRef(value));
	return 0;
}

static PyGetSetDef request_getset[] = {
	{"hdrs", (getter)request_get_hdrs, (setter)request_set_hdrs,
	 "Other headers, as CRLF-terminated \"Name: value\" lines.", NULL},
	{NULL, NULL, NULL, NULL, NULL},
};

PyDoc_STRVAR(request_doc,
"IvrSipRequest: a received SIP request (read-only, except hdrs).");

static PyType_Slot request_slots[] = {
	{Py_tp_doc, (void *)request_doc},
	{Py_tp_dealloc, request_dealloc},
	{Py_tp_members, request_members},
	{Py_tp_getset, request_getset},
	{0, NULL},
};

static PyType_Spec request_spec = {
	.name = "ivr.IvrSipRequest",
	.basicsize = sizeof(IvrSipRequestObject),
	.flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_DISALLOW_INSTANTIATION,
	.slots = request_slots,
};

int ivr_sip_request_type_add(PyObject *m)
{
	ivr_sip_request_type = (PyTypeObject *)PyType_FromSpec(&request_spec);
	if (!ivr_sip_request_type)
		return -1;
	return PyModule_AddType(m, ivr_sip_request_type);
}
