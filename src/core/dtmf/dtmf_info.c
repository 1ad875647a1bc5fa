/* dtmf_info.c: key presses from SIP INFO bodies.
 *
 *   application/dtmf-relay   "Signal=5\r\nDuration=160\r\n"; other lines
 *                            are ignored, a missing Duration gives 250 ms
 *   application/dtmf         "5"
 *
 * A key is its character (0-9 * # A-D, any case) or its code (0-15; "10"
 * and "11" for * and # are common).
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>
#include "dtmf/dtmf.h"

enum { DEFAULT_DURATION_MS = 250 };

/* A piece of the body: [p, end). */
struct span {
	const char *p;
	const char *end;
};

static struct span trim(struct span s)
{
	while (s.p < s.end && isspace((unsigned char)*s.p))
		s.p++;
	while (s.end > s.p && isspace((unsigned char)s.end[-1]))
		s.end--;
	return s;
}

static bool span_is(struct span s, const char *word)
{
	size_t n = strlen(word);

	return (size_t)(s.end - s.p) == n && strncasecmp(s.p, word, n) == 0;
}

/* Decimal digits only, at most `max`. */
static bool parse_number(struct span s, unsigned long max, unsigned long *v)
{
	*v = 0;
	if (s.p == s.end)
		return false;
	for (const char *c = s.p; c < s.end; c++) {
		if (!isdigit((unsigned char)*c))
			return false;
		*v = *v * 10 + (unsigned long)(*c - '0');
		if (*v > max)
			return false;
	}
	return true;
}

static int parse_key(struct span s)
{
	unsigned long code;

	s = trim(s);
	if (s.end - s.p == 1 && !isdigit((unsigned char)*s.p))
		return dtmf_char_to_key(*s.p);
	if (parse_number(s, DTMF_KEY_MAX, &code))
		return (int)code;
	return -1;
}

/* One "Name = value" line; false if it is a known name with a bad value. */
static bool relay_line(struct span line, int *key, unsigned *duration_ms)
{
	const char *eq = memchr(line.p, '=', (size_t)(line.end - line.p));
	struct span name, value;
	unsigned long ms;

	if (!eq)
		return trim(line).p == trim(line).end;   /* blank lines are fine */
	name = trim((struct span){ line.p, eq });
	value = trim((struct span){ eq + 1, line.end });
	if (span_is(name, "Signal")) {
		*key = parse_key(value);
		return *key >= 0;
	}
	if (span_is(name, "Duration")) {
		if (!parse_number(value, 0xffffffffUL, &ms))
			return false;
		*duration_ms = (unsigned)ms;
	}
	return true;
}

static bool parse_relay(const char *body, int *key, unsigned *duration_ms)
{
	struct span line = { body, body };
	const char *end = body + strlen(body);

	*key = -1;
	*duration_ms = DEFAULT_DURATION_MS;
	while (line.p < end) {
		line.end = memchr(line.p, '\n', (size_t)(end - line.p));
		if (!line.end)
			line.end = end;
		if (!relay_line(line, key, duration_ms))
			return false;
		line.p = line.end + 1;
	}
	return *key >= 0;
}

static bool parse_plain(const char *body, int *key, unsigned *duration_ms)
{
	*key = parse_key((struct span){ body, body + strlen(body) });
	*duration_ms = DEFAULT_DURATION_MS;
	return *key >= 0;
}

/* The media type without parameters, e.g. "application/dtmf-relay". */
static struct span media_type(const char *content_type)
{
	const char *semi = strchr(content_type, ';');

	return trim((struct span){ content_type,
		semi ? semi : content_type + strlen(content_type) });
}

bool dtmf_info_parse(const char *content_type, const char *body,
		     int *key, unsigned *duration_ms)
{
	struct span type;
	int k;
	unsigned ms;
	bool ok;

	if (!content_type || !body || !key || !duration_ms)
		return false;
	type = media_type(content_type);
	if (span_is(type, "application/dtmf-relay"))
		ok = parse_relay(body, &k, &ms);
	else if (span_is(type, "application/dtmf"))
		ok = parse_plain(body, &k, &ms);
	else
		return false;
	if (ok) {
		*key = k;
		*duration_ms = ms;
	}
	return ok;
}
