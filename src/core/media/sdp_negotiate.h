/* sdp_negotiate.h: answering an SDP offer (libre's SDP codec).
 *
 * We offer PCMU/8000, PCMA/8000 and telephone-event/8000.  The first codec
 * of the offer that we support is used (the offer's order is the caller's
 * preference), and telephone-event when offered.
 */
#ifndef CORE_SDP_NEGOTIATE_H
#define CORE_SDP_NEGOTIATE_H

#include <stdint.h>
#include <netinet/in.h>
#include <sys/socket.h>

struct codec;

struct media_params {
	const struct codec *codec;
	int payload_type;          /* 0 PCMU, 8 PCMA                       */
	unsigned telev_clock;
	int telev_pt;              /* telephone-event payload type, or -1  */
	struct sockaddr_storage remote;  /* c= / m= address of the offer   */
	socklen_t remote_len;
};

/* offer: SDP text.  On success *answerp is a malloc()ed SDP answer for
 * local address media_ip and port rtp_port.  Returns 0, EPROTO for an
 * offer that does not parse, or ENOTSUP when no codec is in common (the
 * caller then answers 488). */
int sdp_negotiate(const char *offer, const char *media_ip, uint16_t rtp_port,
		  char **answerp, struct media_params *params);

#endif
