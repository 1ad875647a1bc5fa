/* sip_headers.c: lookups in CRLF header blocks and `a=1;b=2` parameter lists.
 *
 * These serve plug-ins (the ivr `getHeader` family) on the snapshots of
 * sip.h, whose `hdrs` were already parsed by libre: here we only scan
 * "Name: value\r\n" lines.  Folded lines (continuations starting with white
 * space) belong to the previous header.  Results are malloc()ed strings.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sems/sip.h>

/* RFC 3261 section 7.3.3 */
static const struct { char compact; const char *name; } compact_forms[] = {
	{'i', "Call-ID"},          {'m', "Contact"},
	{'e', "Content-Encoding"}, {'l', "Content-Length"},
	{'c', "Content-Type"},     {'f', "From"},
	{'s', "Subject"},          {'k', "Supported"},
	{'t', "To"},               {'v', "Via"},
};

struct span {
	const char *p;
	size_t l;
};

static const char *long_name(const char *p, size_t l)
{
	if (l != 1)
		return NULL;
	for (size_t i = 0; i < sizeof(compact_forms) / sizeof(*compact_forms); i++)
		if (tolower((unsigned char)*p) == compact_forms[i].compact)
			return compact_forms[i].name;
	return NULL;
}

static bool span_ieq(struct span a, const char *b, size_t bl)
{
	return a.l == bl && strncasecmp(a.p, b, bl) == 0;
}

/* Header names match case-insensitively, compact or long. */
static bool name_matches(struct span hn, const char *name)
{
	size_t nl = strlen(name);
	const char *hlong = long_name(hn.p, hn.l);
	const char *nlong = long_name(name, nl);

	if (hlong)
		hn = (struct span){hlong, strlen(hlong)};
	if (nlong) {
		name = nlong;
		nl = strlen(nlong);
	}
	return span_ieq(hn, name, nl);
}

static struct span trim(struct span s)
{
	while (s.l && isspace((unsigned char)*s.p)) {
		s.p++;
		s.l--;
	}
	while (s.l && isspace((unsigned char)s.p[s.l - 1]))
		s.l--;
	return s;
}

/* End of the logical line starting at p (folded continuations included). */
static const char *line_end(const char *p)
{
	for (;;) {
		const char *e = strpbrk(p, "\r\n");
		if (!e)
			return p + strlen(p);
		const char *next = e + (e[0] == '\r' && e[1] == '\n' ? 2 : 1);
		if (*next != ' ' && *next != '\t')
			return e;
		p = next;
	}
}

/* Walks the header lines; for each one named `name`, calls fn(value).
 * Stops when fn returns false. */
static void header_foreach(const char *hdrs, const char *name,
			   bool (*fn)(struct span v, void *arg), void *arg)
{
	const char *p = hdrs ? hdrs : "";

	while (*p) {
		const char *end = line_end(p);
		const char *colon = memchr(p, ':', (size_t)(end - p));

		if (colon) {
			struct span hn = trim((struct span){p, (size_t)(colon - p)});
			struct span v = trim((struct span){colon + 1,
					(size_t)(end - colon - 1)});
			if (name_matches(hn, name) && !fn(v, arg))
				return;
		}
		p = end + strspn(end, "\r\n");
	}
}

static char *span_dup(struct span s)
{
	char *r = malloc(s.l + 1);

	if (!r)
		return NULL;
	memcpy(r, s.p, s.l);
	r[s.l] = '\0';
	return r;
}

static bool take_first(struct span v, void *arg)
{
	*(struct span *)arg = v;
	return false;
}

char *sems_header_get(const char *hdrs, const char *name)
{
	struct span v = {"", 0};

	header_foreach(hdrs, name, take_first, &v);
	return span_dup(v);
}

struct joined {
	char *buf;
	size_t len;
	bool nomem;
};

static bool append_value(struct span v, void *arg)
{
	struct joined *j = arg;
	size_t sep = j->len ? 2 : 0;
	char *nb = realloc(j->buf, j->len + sep + v.l + 1);

	if (!nb) {
		j->nomem = true;
		return false;
	}
	if (sep)
		memcpy(nb + j->len, ", ", 2);
	memcpy(nb + j->len + sep, v.p, v.l);
	j->len += sep + v.l;
	nb[j->len] = '\0';
	j->buf = nb;
	return true;
}

char *sems_header_get_all(const char *hdrs, const char *name)
{
	struct joined j = {NULL, 0, false};

	header_foreach(hdrs, name, append_value, &j);
	if (j.nomem) {
		free(j.buf);
		return NULL;
	}
	return j.buf ? j.buf : span_dup((struct span){"", 0});
}

/* `a=1;b="x y";c` -> value of `name`, quotes removed; a bare name is "". */
char *sems_param_get(const char *params, const char *name)
{
	const char *p = params ? params : "";
	size_t nl = strlen(name);

	while (*p) {
		const char *end = strchr(p, ';');
		if (!end)
			end = p + strlen(p);
		struct span item = trim((struct span){p, (size_t)(end - p)});
		const char *eq = memchr(item.p, '=', item.l);
		struct span key = trim((struct span){item.p,
				eq ? (size_t)(eq - item.p) : item.l});

		if (span_ieq(key, name, nl)) {
			struct span v = {"", 0};
			if (eq)
				v = trim((struct span){eq + 1,
					 item.l - (size_t)(eq + 1 - item.p)});
			if (v.l >= 2 && v.p[0] == '"' && v.p[v.l - 1] == '"')
				v = (struct span){v.p + 1, v.l - 2};
			return span_dup(v);
		}
		p = *end ? end + 1 : end;
	}
	return span_dup((struct span){"", 0});
}

char *sems_header_session_param(const char *hdrs, const char *name)
{
	char *params = sems_header_get(hdrs, "P-Iptel-Param");
	char *r;

	if (!params)
		return NULL;
	r = sems_param_get(params, name);
	free(params);
	return r;
}

const char *sems_dialog_status_str(enum sems_dialog_status st)
{
	static const char *const names[] = {
		"Disconnected", "Trying", "Proceeding", "Cancelling",
		"Early", "Connected", "Disconnecting",
	};

	if ((unsigned)st >= sizeof(names) / sizeof(*names))
		return "Unknown";
	return names[st];
}
