/* sip_call.h: one call over direct SIP (see sip_call.c). */
#ifndef CORE_SIP_CALL_H
#define CORE_SIP_CALL_H

#include <stdbool.h>
#include <re.h>

struct sip;
struct sip_msg;
struct sipsess;
struct sipsess_sock;
struct sems_session;

struct sip_strans;

/* RFC 4028 session timer of one call (sip_stimer.c). */
struct sip_stimer {
	unsigned interval;      /* s; 0: no session timer            */
	bool we_refresh;        /* refresher=uas                      */
	bool peer_supports;     /* the caller has Supported: timer    */
	bool peer_update;       /* ... and Allow: UPDATE              */
	struct tmr tmr;
};

struct sip_call {
	struct sems_session *s;         /* reference, dropped on release;
					 * NULL once parked (dropSession) */
	const struct sip_msg *invite;   /* held until sipsess takes it     */
	struct sipsess *sess;           /* once answered, or after our 183 */
	struct tmr answer_tmr;          /* until the final reply           */
	bool answered;                  /* 200 sent                        */
	bool bye_seen;                  /* the peer's BYE came in          */
	char cuser[64];                 /* user part of our Contact        */
	/* an in-dialog request held for the application (sendReply) */
	const struct sip_msg *held_msg;
	struct sip_strans *held_st;
	/* dropSession(): the call is forgotten but its sipsess is kept
	 * (freeing it would send BYE) until the peer ends the dialog */
	bool parked;
	struct le park_le;
	struct tmr park_tmr;
	char *park_callid, *park_rtag;
	struct sip_stimer stimer;
	/* B2BUA b2b_media=reinvite: our re-INVITE with the callee's SDP is
	 * out (its CSeq is b2b_cseq or above) */
	bool b2b_reinvite;
	uint32_t b2b_cseq;
};

/* sip_stimer.c.  0, or the Min-SE to answer 422 with when the INVITE's
 * Session-Expires is below minimum_session_expires (and the caller
 * supports timers; if not, the interval is raised instead). */
unsigned sip_stimer_too_small(const struct sip_msg *invite);
/* Interval and refresher from an INVITE, re-INVITE or UPDATE. */
void sip_stimer_negotiate(struct sip_stimer *t, const struct sip_msg *msg);
/* Headers of our 2xx: Session-Expires (and Require: timer) when a timer
 * runs; always "Supported: timer".  Never fails (truncates). */
void sip_stimer_hdrs(const struct sip_stimer *t, char *buf, size_t len);
/* (Re)arms the timer after an answer or a refresh: half the interval when
 * we refresh, the whole interval when the caller does. */
void sip_stimer_start(struct sip_call *call);
void sip_stimer_stop(struct sip_stimer *t);
/* sip_call.c: what the timer does when it fires. */
void sip_call_refresh(struct sip_call *call);
void sip_call_timer_expired(struct sip_call *call);

void sip_call_setup(struct sip *sip, struct sipsess_sock *sock);
/* sipsess connect handler: a new INVITE. */
void sip_call_incoming(const struct sip_msg *msg, void *arg);
/* sip listener run before sipsess's: requests of parked dialogs get 481,
 * a BYE reaches onSipRequest before sipsess answers it.  Returns true when
 * the request was handled here. */
bool sip_call_pre_request(const struct sip_msg *msg);
/* A request with our To tag that sipsess does not handle (NOTIFY,
 * MESSAGE, UPDATE, SUBSCRIBE, ...): held for the application.  False when
 * it belongs to no call of ours. */
bool sip_call_in_dialog(const struct sip_msg *msg);
/* B2BUA b2b_media=reinvite: re-INVITE the caller with `sdp` as our offer
 * (signalling thread); the SDP of its 2xx goes to b2b_caller_answer(),
 * libre ACKs it.  0, ENOTCONN when the call is not answered or over,
 * EINVAL while sipsess cannot send it yet (our 200 not ACKed). */
int  sip_call_reinvite(struct sip_call *call, const char *sdp);
/* Shutdown: parked dialogs are forgotten for good (no BYE). */
void sip_call_forget_parked(void);
/* The front's state of s, or NULL when s is not a direct-SIP call. */
struct sip_call *sip_call_of(struct sems_session *s);
/* session_find() (our tag) or session_find_remote() (the caller's) for
 * a message's Call-ID and tag, of any length.  New reference, or NULL. */
struct sems_session *sip_call_find(const struct pl *callid,
				   const struct pl *tag, bool remote);

#endif
