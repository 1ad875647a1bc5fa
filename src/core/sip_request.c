/* sip_request.c: owned copies of requests and replies, one block each. */
#include <stdlib.h>
#include <string.h>
#include "sip_request.h"

/* Field tables: which members are strings, so copy code is written once. */
#define REQ_FIELD(f) offsetof(struct sems_sip_request, f)
static const size_t request_strings[] = {
	REQ_FIELD(method), REQ_FIELD(user), REQ_FIELD(domain), REQ_FIELD(dstip),
	REQ_FIELD(port), REQ_FIELD(r_uri), REQ_FIELD(from_uri), REQ_FIELD(from),
	REQ_FIELD(to), REQ_FIELD(callid), REQ_FIELD(from_tag), REQ_FIELD(to_tag),
	REQ_FIELD(route), REQ_FIELD(next_hop), REQ_FIELD(contact),
	REQ_FIELD(content_type), REQ_FIELD(body), REQ_FIELD(hdrs),
};

#define REP_FIELD(f) offsetof(struct sems_sip_reply, f)
static const size_t reply_strings[] = {
	REP_FIELD(reason), REP_FIELD(next_request_uri), REP_FIELD(contact),
	REP_FIELD(next_hop), REP_FIELD(route), REP_FIELD(hdrs), REP_FIELD(body),
	REP_FIELD(from_tag), REP_FIELD(to_tag), REP_FIELD(remote_tag),
	REP_FIELD(local_tag),
};

#define FIELD(obj, off) (*(const char **)((char *)(obj) + (off)))

/* Copies the struct (size bytes) and the strings at offsets[] into one
 * malloc() block; NULL strings become "". */
static void *struct_dup(const void *tpl, size_t size, const size_t *offsets,
			size_t n)
{
	size_t total = size;
	for (size_t i = 0; i < n; i++) {
		const char *s = FIELD(tpl, offsets[i]);
		total += (s ? strlen(s) : 0) + 1;
	}
	char *block = malloc(total);
	if (!block)
		return NULL;
	memcpy(block, tpl, size);
	char *p = block + size;
	for (size_t i = 0; i < n; i++) {
		const char *s = FIELD(tpl, offsets[i]);
		size_t len = s ? strlen(s) : 0;
		memcpy(p, s ? s : "", len + 1);
		FIELD(block, offsets[i]) = p;
		p += len + 1;
	}
	return block;
}

struct sems_sip_request *sip_request_dup(const struct sems_sip_request *tpl)
{
	return struct_dup(tpl, sizeof(*tpl), request_strings,
			  sizeof(request_strings) / sizeof(request_strings[0]));
}

struct sems_sip_reply *sip_reply_dup(const struct sems_sip_reply *tpl)
{
	return struct_dup(tpl, sizeof(*tpl), reply_strings,
			  sizeof(reply_strings) / sizeof(reply_strings[0]));
}
