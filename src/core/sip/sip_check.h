/* sip_check.h: what a UAS must refuse before libre's layers act on it
 * (RFC 3261 8.2, RFC 4475).  Signalling thread only. */
#ifndef CORE_SIP_CHECK_H
#define CORE_SIP_CHECK_H

#include <stdbool.h>

struct sip;
struct sip_msg;

/* A new request libre decoded (not a retransmission its transaction
 * layer absorbed): answers it (400, 416, 420, 415, 406) and returns true
 * when it must go no further; a malformed ACK or a request without Via is
 * dropped (true, nothing sent).  Over UDP the body is cut to its
 * Content-Length. */
bool sip_check_request(struct sip *sip, const struct sip_msg *msg,
		       const char *server);

/* UDP requests libre's decoder cannot read reach us through a helper on
 * its socket (msg->sock of any UDP request): an RFC 2543 request whose
 * top Via has no branch gets one and goes on; a request with a bad
 * request line or header gets 505, 416 or 400 built from its raw
 * headers.  Idempotent. */
void sip_check_udp_install(void *udp_sock, const char *server);
void sip_check_close(void);

#endif
