/* sdp_negotiate.h: SDP offer/answer for our codecs (libre's SDP codec).
 *
 * We support the codecs of codec.h and telephone-event.  Answering, one
 * codec is chosen: the first of `codec_order` the offer has, else the
 * offer's first one we support (the caller's preference); the answer lists
 * only that codec and telephone-event, so both directions use the same.
 *
 *   codec_order   "opus,G722,PCMA,PCMU": names, case-insensitive,
 *                 separated by ',' ';' or spaces; NULL or "": the offer's
 *                 order.  Codecs not listed still come after the listed.
 */
#ifndef CORE_SDP_NEGOTIATE_H
#define CORE_SDP_NEGOTIATE_H

#include <stdbool.h>
#include <stdint.h>
#include <netinet/in.h>
#include <sys/socket.h>

struct codec;

struct media_params {
	const struct codec *codec;  /* the codec of the call (codec_all) */
	int payload_type;           /* its payload type on this call       */
	int telev_pt;               /* telephone-event payload type, or -1 */
	int telev_clock;            /* its clock rate (8000, 48000), or 0  */
	struct sockaddr_storage remote;  /* c= / m= address of the peer    */
	socklen_t remote_len;
	/* on hold: the offer is sendonly or inactive, or its c= is 0.0.0.0
	 * (the answer then says recvonly or inactive): send no RTP */
	bool hold;
};

/* offer: SDP text.  On success *answerp is a malloc()ed SDP answer for
 * local address media_ip and port rtp_port.  Unknown or broken attributes
 * and media sections other than audio are ignored.  Returns 0, EPROTO for
 * an offer that does not parse even so, EMEDIUMTYPE when it has no audio
 * stream, or ENOTSUP when no codec is in common (the caller then answers
 * 488, with Warning 304 or 305 for the last two). */
int sdp_negotiate(const char *offer, const char *media_ip, uint16_t rtp_port,
		  const char *codec_order, char **answerp,
		  struct media_params *params);

/* Our offer (outbound calls): every codec, those of codec_order first,
 * then telephone-event/8000 as 101.  *offerp is malloc()ed. */
int sdp_offer_create(const char *media_ip, uint16_t rtp_port,
		     const char *codec_order, char **offerp);

/* The peer's answer to sdp_offer_create's offer: the codec is the first
 * of the answer's formats we support.  Returns 0, EPROTO or ENOTSUP. */
int sdp_answer_parse(const char *answer, struct media_params *params);

#endif
