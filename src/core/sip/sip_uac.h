/* sip_uac.h: one INVITE dialog we originate, over libre's sipsess, or
 * through Kamailio (ser/ser_uac.c) when the server runs in SER mode
 * (socket_name set, uac_via not "sip").
 *
 * Used by dialouts (dialout.c) and by B2BUA callee legs (b2b/b2b_leg.c).
 * Signalling thread only.  The INVITE carries our SDP offer and goes
 * through sems.conf's outbound_proxy (a Route; Kamailio: the next hop)
 * when set; the handlers below report what happens until
 * sip_uac_hangup(), after which none is called again.
 */
#ifndef CORE_SIP_UAC_H
#define CORE_SIP_UAC_H

#include <stdbool.h>

struct sip_msg;
struct sip_uac;
struct sems_sip_reply;
struct sems_sip_request;

struct sip_uac_params {
	const char *r_uri;       /* Request-URI (libre 1.1.0: also the To) */
	const char *to;          /* whole To value, no tag (Kamailio only;
				  * NULL or "": <r_uri>) */
	const char *local_tag;   /* our From tag (Kamailio only; NULL or "":
				  * a random one; libre always picks its own) */
	const char *from;        /* whole From value: its display name is used */
	const char *from_uri;    /* From URI */
	const char *contact_user;
	const char *hdrs;        /* extra header lines, CRLF-terminated, or "" */
	const char *sdp_offer;
	unsigned timeout_s;      /* no final answer by then: CANCEL */
};

struct sip_uac_handlers {
	/* Every reply to the INVITE, as a struct (reply->body: its SDP).
	 * On a 2xx, `answer` runs next. */
	void (*reply)(void *arg, const struct sems_sip_reply *reply);
	/* The 2xx: return 0 to keep the call (ACK), an errno value to end
	 * it (ACK and BYE, then `closed`). */
	int  (*answer)(void *arg, const struct sems_sip_reply *reply);
	/* The dialog is over: err ECONNRESET after a BYE of the far end,
	 * ETIMEDOUT for no answer in time, another errno for a transport
	 * error; code/reason: the final error reply (0, "" when none). */
	void (*closed)(void *arg, int err, unsigned code, const char *reason);
	/* An in-dialog INFO/re-INVITE of the far end (already answered). */
	void (*request)(void *arg, const struct sems_sip_request *req);
};

/* 0, or an errno value (nothing was sent, no handler will run). */
int  sip_uac_connect(struct sip_uac **up, const struct sip_uac_params *p,
		     const struct sip_uac_handlers *h, void *arg);
const char *sip_uac_callid(const struct sip_uac *u);
bool sip_uac_answered(const struct sip_uac *u);
/* BYE once answered, CANCEL before (libre finishes that on its own);
 * frees u.  NULL is fine. */
void sip_uac_hangup(struct sip_uac *u, const char *hdrs);
/* An in-dialog INFO with that body (relay-only B2BUA). */
int  sip_uac_info(struct sip_uac *u, const char *ctype, const char *body);
/* A re-INVITE with `sdp` as the new offer (B2BUA b2b_media=reinvite: the
 * caller's answer passed on); the far end's 2xx is ACKed and its SDP
 * answer not reported.  Direct SIP only: ENOTSUP through Kamailio,
 * ENOTCONN before the answer. */
int  sip_uac_modify(struct sip_uac *u, const char *sdp);

/* A reply as sip.h shows it (Contact as next_request_uri); NULL when out
 * of memory.  free() it. */
struct sems_sip_reply *sip_uac_reply_of(const struct sip_msg *msg);

/* set up by sip_front.c */
void sip_uac_setup(struct sip *sip, struct sipsess_sock *sock);

#endif
