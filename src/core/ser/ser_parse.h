/* ser_parse.h: Kamailio t_write_unix datagrams (format version 0.3).
 *
 * Kamailio's tm module (t_fifo.c) writes one datagram per request, 20
 * fields, one per '\n' terminated line:
 *
 *   0.3                     version
 *   sip_request.CMD         CMD: second argument of t_write_unix ("ivr")
 *   METHOD
 *   user                    R-URI user
 *   host                    R-URI host
 *   dst ip                  where Kamailio received the request
 *   dst port                ... its port, "." for 5060
 *   R-URI
 *   next-request URI        caller's Contact URI (or From URI)
 *   From                    name-addr, without its tag
 *   To                      whole To value (tag included when present)
 *   Call-ID
 *   from-tag
 *   to-tag                  empty line for an initial INVITE
 *   CSeq number
 *   hash:label              the transaction, for tm.reply
 *   route set               "<uri>,<uri>" or "."
 *   next hop                URI or "."
 *   Name: value             extra headers (P-MsgFlags, tw_append ...),
 *   ...                     up to a line holding only "."
 *   body                    the rest, then one '\n' (or "." for no body)
 */
#ifndef CORE_SER_PARSE_H
#define CORE_SER_PARSE_H

#include <stddef.h>
#include <sems/sip.h>

#define SER_DGRAM_MAX 65535   /* Kamailio's BUF_SIZE: no request is larger */

struct ser_request {
	struct sems_sip_request req;  /* strings point into buf/extra      */
	const char *cmd;              /* "ivr", "sems", or a script name    */
	const char *hash_label;       /* "hash:label" of the transaction    */
	const char *route_set;        /* "<uri>,<uri>" or ""                */
	char *buf;                    /* owned: the datagram, split in place */
	char *extra;                  /* owned: route, hdrs, from_uri        */
};

/* Parses one datagram.  On error returns EBADMSG (malformed), EMSGSIZE
 * (too large) or ENOMEM, and *why says what is wrong.  On success the
 * caller frees sr with ser_request_reset(). */
int  ser_parse_request(struct ser_request *sr, const char *data, size_t len,
		       const char **why);
void ser_request_reset(struct ser_request *sr);

#endif
