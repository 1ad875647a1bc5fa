/* ivr_snapshot.c: copying the strings of sip.h structs into Python objects.
 *
 * IvrSipRequest, IvrSipReply and IvrSipDialog outlive the event that made
 * them, so each keeps its own str objects; a table of offsets per type
 * says which C field goes to which object slot.
 */
#include "ivr.h"

#define SLOT(self, f) ((PyObject **)((char *)(self) + (f)->py_offset))

int ivr_snapshot_fill(PyObject *self, const void *cstruct,
		      const struct ivr_field *fields, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *v = *(const char *const *)
			((const char *)cstruct + fields[i].c_offset);
		PyObject *str;

		if (!v)
			v = "";
		/* SIP text is UTF-8 in practice; never fail on a stray byte */
		str = PyUnicode_DecodeUTF8(v, (Py_ssize_t)strlen(v), "replace");
		if (!str)
			return -1;
		Py_XSETREF(*SLOT(self, &fields[i]), str);
	}
	return 0;
}

void ivr_snapshot_clear(PyObject *self, const struct ivr_field *fields,
			size_t n)
{
	for (size_t i = 0; i < n; i++)
		Py_CLEAR(*SLOT(self, &fields[i]));
}
