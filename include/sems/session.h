/* session.h: one call, as an application sees and drives it.
 *
 * Thread model: a session's events are delivered one at a time, in order,
 * on a session worker thread (see app.h).  The control functions below may
 * be called from that handler (or any thread); they never block on the
 * network: signalling work is handed to the signalling thread, media work
 * to the call's media thread.
 *
 * Life cycle of an incoming call:
 *   SEMS_EV_INVITE        offer received, 100 sent.  Call sems_session_accept()
 *                         to answer 200 with the negotiated SDP, or
 *                         sems_session_reply() with a final error code.
 *   (handler returns)     if accepted, media starts: RTP flows, the playlist
 *                         plays.
 *   SEMS_EV_ACK, SEMS_EV_AUDIO_QUEUE_EMPTY, SEMS_EV_SIP_REQUEST, ...
 *   SEMS_EV_BYE / SEMS_EV_CANCEL   the caller ended the call.
 *
 * A session ends when the application calls sems_session_stop(), or when
 * its dialog is over (BYE sent or received, CANCEL, final error reply) and
 * the running handler has returned.  If it is stopped while the dialog is
 * still up, the core ends the dialog (BYE, or 500 before an answer) so no
 * caller is left hanging.
 */
#ifndef SEMS_SESSION_H
#define SEMS_SESSION_H

#include <stdbool.h>
#include <sems/sip.h>

struct sems_session;
struct sems_audio;

enum sems_event_type {
	SEMS_EV_INVITE,            /* req: the initial INVITE               */
	SEMS_EV_ACK,               /* req: ACK for our 2xx (if seen)         */
	SEMS_EV_BYE,               /* req: the remote party hung up          */
	SEMS_EV_CANCEL,            /* req: CANCEL before answer              */
	SEMS_EV_SIP_REQUEST,       /* req: other in-dialog request           */
	SEMS_EV_SIP_REPLY,         /* req + reply: reply to our request      */
	SEMS_EV_AUDIO_QUEUE_EMPTY, /* the playlist ran empty                 */
	SEMS_EV_RTP_TIMEOUT,       /* no RTP for dead_rtp_time seconds       */
	SEMS_EV_SHUTDOWN,          /* the server is stopping                 */
	SEMS_EV_DTMF,              /* key, duration_ms: one key press        */
	SEMS_EV_TIMER,             /* timer_id: a timer of set_timer fired   */
	SEMS_EV_AUDIO_CLEARED,     /* the playlist was cleared (flush)       */
	SEMS_EV_RECORD_DONE,       /* a record-only item is complete         */
	SEMS_EV_MESSAGE,           /* message: from sems_session_post_message */
	SEMS_EV_USER1,             /* the server got SIGUSR1                 */
	SEMS_EV_USER2,             /* the server got SIGUSR2                 */
	/* uac.h: outbound calls and B2BUA legs */
	SEMS_EV_SESSION_START,     /* reply: a dialout was answered (2xx)    */
	SEMS_EV_B2B_OTHER_REPLY,   /* reply: the callee leg's reply          */
	SEMS_EV_B2B_OTHER_BYE,     /* the callee leg hung up                 */
	/* listen.h: the call's audio streamed to a WebSocket (voice bots) */
	SEMS_EV_LISTEN_END,        /* message: why the stream ended          */
	SEMS_EV_LISTEN_MARK,       /* message: a mark's name, played up to it */
	SEMS_EV_LISTEN_MESSAGE,    /* message: a text frame of the server    */
};

struct sems_event {
	enum sems_event_type type;
	const struct sems_sip_request *req;   /* or NULL */
	const struct sems_sip_reply *reply;   /* or NULL */
	int key;                /* SEMS_EV_DTMF: 0-9, *=10, #=11, A-D=12-15 */
	unsigned duration_ms;   /* SEMS_EV_DTMF */
	int timer_id;           /* SEMS_EV_TIMER */
	const char *message;    /* SEMS_EV_MESSAGE, SEMS_EV_LISTEN_* */
};

/* Identity and state */
const char *sems_session_id(const struct sems_session *s); /* = local tag */
/* What the application runs now for this session (e.g. a handler name),
 * named in the warning about a handler that runs longer than
 * handler_warn_time (sems.conf).  `what` must stay valid for the life of
 * the program (a string literal); NULL: nothing.  Session worker. */
void sems_session_set_activity(struct sems_session *s, const char *what);
const char *sems_session_app_name(const struct sems_session *s);
/* The latest INVITE of the dialog: the initial one, replaced by each
 * re-INVITE once its event was delivered (worker thread only). */
const struct sems_sip_request *sems_session_invite(const struct sems_session *s);
/* The initial INVITE, whatever re-INVITEs came since. */
const struct sems_sip_request *sems_session_initial_invite(
	const struct sems_session *s);
/* Fills *dlg with a consistent copy; its strings live as long as s. */
void sems_session_dialog(const struct sems_session *s, struct sems_dialog *dlg);

/* Signalling */
int  sems_session_accept(struct sems_session *s);         /* 200 + SDP     */
/* A provisional (1xx) or final error (300-699) reply to the INVITE; a 2xx
 * is EINVAL: answering is sems_session_accept(). */
int  sems_session_reply(struct sems_session *s, unsigned code,
			const char *reason, const char *hdrs);
int  sems_session_bye(struct sems_session *s, const char *hdrs);
void sems_session_stop(struct sems_session *s);
bool sems_session_stopped(const struct sems_session *s);

/* Early media and answer control (before the answer, incoming calls).
 * ring(): 180 Ringing.  pre_answer(): 183 Session Progress with our SDP
 * answer; media starts once the running handler returns (the playlist is
 * heard before the answer).  EALREADY once a final reply was sent.
 * Answering is sems_session_accept(), after either or without them. */
int  sems_session_ring(struct sems_session *s);
int  sems_session_pre_answer(struct sems_session *s);

/* A request inside the dialog (INFO, NOTIFY, OPTIONS, REFER ...; not
 * INVITE, ACK, CANCEL, BYE): `hdrs` extra CRLF header lines; `ctype` and
 * `body` may be NULL/"" for none.  Goes to the dialog's remote target (or
 * the URI of sems_session_set_remote_uri).  Every reply comes back as
 * SEMS_EV_SIP_REPLY with a copy of the request; no reply within the
 * transaction timeout is a 408 reply.  ENOTCONN before the dialog exists,
 * EINVAL for a method it cannot send. */
int  sems_session_send_request(struct sems_session *s, const char *method,
			       const char *hdrs, const char *ctype,
			       const char *body);
/* Replies to the last in-dialog request delivered as SEMS_EV_SIP_REQUEST
 * that the core did not answer itself (INFO, NOTIFY, OPTIONS, MESSAGE,
 * UPDATE ...; not INVITE, ACK, BYE, CANCEL).  Call it from that event's
 * handler: when the handler returns unanswered the core replies 200.
 * ENOENT: no such request; EALREADY: it was answered. */
int  sems_session_reply_request(struct sems_session *s, unsigned code,
				const char *reason, const char *hdrs);
/* REFER (RFC 3515): Refer-To: <refer_to>, Expires when expires >= 0,
 * Referred-By when not "", extra `hdrs`.  Replies: SEMS_EV_SIP_REPLY;
 * the NOTIFYs: SEMS_EV_SIP_REQUEST (answered 200 unless the app does). */
int  sems_session_refer(struct sems_session *s, const char *refer_to,
			int expires, const char *referred_by, const char *hdrs);
/* SEMS's transfer: a REFER with Request-URI `uri`, no Refer-To, and
 * P-App-Param: Transfer-RR="<route set>".  ENOTCONN unless connected. */
int  sems_session_redirect(struct sems_session *s, const char *uri);
/* Where in-dialog requests sent from now on go (Request-URI). */
int  sems_session_set_remote_uri(struct sems_session *s, const char *uri);
/* Forget the dialog: nothing more is sent for it (no BYE, no reply), and
 * the session stops.  See the fronts for what happens to requests the
 * peer still sends in it. */
void sems_session_drop(struct sems_session *s);

/* Media: the playlist.  Items play in order.  `play` may be NULL (record
 * only: the item ends when the record item is complete, e.g. its record
 * time is reached, or never); with both, the item ends when `play` ends.
 * Enqueueing prepares `play` for the call's rate, on the caller's thread. */
int  sems_session_enqueue(struct sems_session *s, struct sems_audio *play,
			  struct sems_audio *record);
/* Empties the playlist; SEMS_EV_AUDIO_QUEUE_EMPTY does not follow. */
void sems_session_flush(struct sems_session *s);
bool sems_session_queue_empty(struct sems_session *s);

/* Media switches (see the Python API: mute(), disableReceiving(), ...). */
enum sems_media_flag {
	SEMS_MEDIA_MUTED,          /* no RTP sent                     (off) */
	SEMS_MEDIA_RECEIVING,      /* incoming audio processed         (on) */
	SEMS_MEDIA_DTMF_RECEIVING, /* RFC 4733 even while not receiving (off) */
	SEMS_MEDIA_DTMF_DETECTION, /* SEMS_EV_DTMF delivered at all    (on) */
	SEMS_MEDIA_CONNECTED,      /* the stream is processed at all   (on) */
};
void sems_session_set_media(struct sems_session *s, enum sems_media_flag f,
			    bool on);
/* Sends `digits` (0-9 * # A-D) to the peer as RFC 4733 events of
 * duration_ms each; EINVAL for another character, ENOTSUP when the peer
 * did not negotiate telephone-event. */
int  sems_session_send_dtmf(struct sems_session *s, const char *digits,
			    unsigned duration_ms);

/* Posts `msg` to the live session whose id (local tag) is `local_tag`, as
 * SEMS_EV_MESSAGE.  0, or ENOENT when there is no such session.  Any thread. */
int  sems_session_post_message(const char *local_tag, const char *msg);

/* Timers: id > 0; setting an id again restarts it.  They fire as
 * SEMS_EV_TIMER into the session's queue, in deadline order, and die with
 * the session; a removed timer never fires, even if it was due. */
int  sems_session_set_timer(struct sems_session *s, int id, double seconds);
void sems_session_remove_timer(struct sems_session *s, int id);
void sems_session_remove_timers(struct sems_session *s);

#endif
