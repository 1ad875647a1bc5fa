/* ser_parse.c: a t_write_unix datagram becomes a struct sems_sip_request.
 *
 * The datagram is copied once and split in place at its line ends; the
 * few fields that need rewriting (CRLF header block, "Route:" line, From
 * URI) go to a second buffer.  Anything that does not look exactly like
 * what Kamailio's tm writes is refused with a reason, never guessed at.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <re.h>
#include "ser/ser_parse.h"

enum ser_field {
	F_VERSION, F_CMD, F_METHOD, F_USER, F_HOST, F_DSTIP, F_DSTPORT,
	F_RURI, F_NEXT_URI, F_FROM, F_TO, F_CALLID, F_FROMTAG, F_TOTAG,
	F_CSEQ, F_HASHLABEL, F_ROUTE, F_NEXTHOP,
	F_FIXED   /* number of one-line fields before the header block */
};

#define CMD_PREFIX "sip_request."

/* Cuts the line at *p; NULL when no '\n' is left before end. */
static char *next_line(char **p, char *end)
{
	char *start = *p;
	char *nl = memchr(start, '\n', (size_t)(end - start));
	if (!nl)
		return NULL;
	*nl = '\0';
	if (nl > start && nl[-1] == '\r')
		nl[-1] = '\0';
	*p = nl + 1;
	return start;
}

static bool all_digits(const char *s, size_t max)
{
	size_t n = strspn(s, "0123456789");
	return n > 0 && n <= max && s[n] == '\0';
}

static bool valid_hash_label(const char *s)
{
	size_t n = strspn(s, "0123456789");
	return n > 0 && n <= 10 && s[n] == ':' && all_digits(s + n + 1, 10);
}

static const char *dot_empty(const char *s)
{
	return strcmp(s, ".") ? s : "";
}

static int check_fixed(char **f, const char **why)
{
	if (strncmp(f[F_CMD], CMD_PREFIX, strlen(CMD_PREFIX)) ||
	    !f[F_CMD][strlen(CMD_PREFIX)] || strpbrk(f[F_CMD], " \t")) {
		*why = "bad command line (want sip_request.CMD)";
		return EBADMSG;
	}
	if (!f[F_METHOD][0] || strpbrk(f[F_METHOD], " \t")) {
		*why = "bad method";
		return EBADMSG;
	}
	if (!f[F_CALLID][0]) {
		*why = "empty Call-ID";
		return EBADMSG;
	}
	if (!all_digits(f[F_CSEQ], 10)) {
		*why = "bad CSeq number";
		return EBADMSG;
	}
	if (!valid_hash_label(f[F_HASHLABEL])) {
		*why = "bad transaction id (want hash:label)";
		return EBADMSG;
	}
	return 0;
}

/* The extra header block: lines up to ".", rewritten CRLF terminated
 * into *out (room for the whole rest of the datagram plus CRs). */
static int parse_headers(char **p, char *end, char *out, const char **why)
{
	char *line;
	*out = '\0';
	while ((line = next_line(p, end))) {
		if (!strcmp(line, "."))
			return 0;
		if (!strchr(line, ':') || line[0] == ':') {
			*why = "bad line in the header block";
			return EBADMSG;
		}
		out = stpcpy(stpcpy(out, line), "\r\n");
	}
	*why = "truncated: header block has no final \".\" line";
	return EBADMSG;
}

/* URI of a name-addr ("Bob <sip:b@h>" -> "sip:b@h"), via libre. */
static void from_uri(const char *from, char *out)
{
	struct sip_addr addr;
	struct pl pl;
	pl_set_str(&pl, from);
	if (sip_addr_decode(&addr, &pl) ||
	    pl_strcpy(&addr.auri, out, addr.auri.l + 1))
		strcpy(out, from);
}

static void fill_request(struct ser_request *sr, char **f, const char *body)
{
	struct sems_sip_request *r = &sr->req;
	r->method = f[F_METHOD];
	r->user = f[F_USER];
	r->domain = f[F_HOST];
	r->dstip = f[F_DSTIP];
	r->port = strcmp(f[F_DSTPORT], ".") ? f[F_DSTPORT] : "5060";
	r->r_uri = f[F_RURI];
	r->from = f[F_FROM];
	r->to = f[F_TO];
	r->callid = f[F_CALLID];
	r->from_tag = f[F_FROMTAG];
	r->to_tag = f[F_TOTAG];
	r->next_hop = dot_empty(f[F_NEXTHOP]);
	r->contact = dot_empty(f[F_NEXT_URI]);
	r->body = dot_empty(body);
	/* the datagram carries no Content-Type; tm only adds INVITE and INFO
	 * bodies, and an INVITE body is SDP */
	r->content_type = !strncmp(r->body, "v=0", 3) ? "application/sdp" : "";
	r->cseq = (unsigned)strtoul(f[F_CSEQ], NULL, 10);
	sr->cmd = f[F_CMD] + strlen(CMD_PREFIX);
	sr->hash_label = f[F_HASHLABEL];
	sr->route_set = dot_empty(f[F_ROUTE]);
}

/* Everything after the fixed lines: headers, body, rewritten fields. */
static int parse_rest(struct ser_request *sr, char **f, char *p, char *end,
		      const char **why)
{
	size_t rest = (size_t)(end - p);
	size_t route_len = strlen(f[F_ROUTE]), from_len = strlen(f[F_FROM]);
	/* hdrs (<= 2*rest) | "Route: " route "\r\n" | from URI */
	sr->extra = malloc(2 * rest + 1 + route_len + 10 + from_len + 1);
	if (!sr->extra)
		return ENOMEM;
	char *hdrs = sr->extra;
	int err = parse_headers(&p, end, hdrs, why);
	if (err)
		return err;
	if (p == end || end[-1] != '\n') {
		*why = "truncated: body has no final newline";
		return EBADMSG;
	}
	end[-1] = '\0';   /* tm ends the body with one '\n' of its own */
	fill_request(sr, f, p);
	sr->req.hdrs = hdrs;

	char *route = hdrs + strlen(hdrs) + 1;
	if (sr->route_set[0])
		stpcpy(stpcpy(stpcpy(route, "Route: "), sr->route_set), "\r\n");
	else
		*route = '\0';
	sr->req.route = route;
	char *furi = route + strlen(route) + 1;
	from_uri(f[F_FROM], furi);
	sr->req.from_uri = furi;
	return 0;
}

int ser_parse_request(struct ser_request *sr, const char *data, size_t len,
		      const char **why)
{
	char *f[F_FIXED];
	int err = EBADMSG;

	memset(sr, 0, sizeof(*sr));
	*why = "";
	if (len == 0) {
		*why = "empty datagram";
		return EBADMSG;
	}
	if (len > SER_DGRAM_MAX) {
		*why = "datagram too large";
		return EMSGSIZE;
	}
	if (memchr(data, '\0', len)) {
		*why = "NUL byte in datagram";
		return EBADMSG;
	}
	sr->buf = malloc(len + 1);
	if (!sr->buf) {
		*why = "out of memory";
		return ENOMEM;
	}
	memcpy(sr->buf, data, len);
	sr->buf[len] = '\0';

	char *p = sr->buf, *end = sr->buf + len;
	for (int i = 0; i < F_FIXED; i++) {
		f[i] = next_line(&p, end);
		if (!f[i]) {
			*why = "truncated: fewer than 18 header lines";
			goto out;
		}
		if (i == F_VERSION && strcmp(f[i], "0.3")) {
			*why = "unsupported format version (want 0.3)";
			goto out;
		}
	}
	err = check_fixed(f, why);
	if (!err)
		err = parse_rest(sr, f, p, end, why);
	if (err == ENOMEM)
		*why = "out of memory";
 out:
	if (err)
		ser_request_reset(sr);
	return err;
}

void ser_request_reset(struct ser_request *sr)
{
	free(sr->buf);
	free(sr->extra);
	memset(sr, 0, sizeof(*sr));
}
