/* session_internal.h: the session object as the core sees it.
 *
 * A session is shared by three kinds of threads, each owning a part:
 *  - the signalling thread (libre loop): `sig`/`sig_ops`, dialog updates;
 *  - one session worker at a time: the application state and its events;
 *  - one media thread: `rtp` (see media/rtp_stream.h).
 * The object itself lives until the last reference goes (atomic refs);
 * each owner above holds one.  Dialog fields change under `dlg_lock`.
 */
#ifndef CORE_SESSION_INTERNAL_H
#define CORE_SESSION_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <time.h>
#include <sems/session.h>

struct app;
struct rtp_stream;
struct session_event;
struct session_timers;
struct b2b_leg;

/* What a signalling front (sip/ or ser/) implements.  Every function is
 * called on the signalling thread only, with the front's own `sig`. */
struct signalling_ops {
	const char *name;                                   /* "sip", "ser" */
	int  (*answer)(void *sig, const char *sdp);         /* 200 + body  */
	int  (*reply)(void *sig, unsigned code, const char *reason,
		      const char *hdrs);                    /* final reply */
	int  (*bye)(void *sig, const char *hdrs);
	/* The session is over: the front frees its per-call state and drops
	 * the session reference it got from incoming_call_start(). */
	void (*release)(void *sig);
	/* In-dialog control (indialog branch; NULL: the front cannot). */
	/* A provisional reply to the INVITE, with our SDP when sdp != NULL. */
	int  (*early)(void *sig, unsigned code, const char *reason,
		      const char *sdp);
	/* A request in the dialog to ruri (NULL: the remote target); its
	 * replies are posted as SEMS_EV_SIP_REPLY.  ctype/body may be "". */
	int  (*request)(void *sig, const char *method, const char *ruri,
			const char *hdrs, const char *ctype, const char *body);
	/* Replies to the held in-dialog request with CSeq cseq (see
	 * session_post_request); nothing if it is not held any more. */
	int  (*reply_request)(void *sig, unsigned cseq, unsigned code,
			      const char *reason, const char *hdrs);
	/* Forget the dialog without sending anything. */
	void (*drop)(void *sig);
};

/* Owned dialog strings; the public struct sems_dialog points into these. */
struct dialog_state {
	char *user, *domain, *local_uri, *remote_uri, *callid;
	char *remote_tag, *local_tag, *remote_party, *local_party;
	char *route, *outbound_proxy;
	unsigned cseq;
	enum sems_dialog_status status;
	char *sip_ip, *sip_port, *contact_uri, *next_hop;
	bool remote_uri_set;      /* remote_uri changed by the application */
};

struct sems_session {
	atomic_int refs;
	char local_tag[24];
	const struct app *app;
	void *app_state;
	struct sems_sip_request *invite;        /* owned: the initial INVITE */
	struct sems_sip_request *reinvite;      /* owned, worker: the latest re-INVITE */

	pthread_mutex_t dlg_lock;
	struct dialog_state dlg;

	/* signalling thread only */
	const struct signalling_ops *sig_ops;
	void *sig;
	char *sdp_answer;                        /* negotiated at INVITE */

	struct rtp_stream *rtp;                  /* NULL: no media */

	/* event queue, under q_lock */
	pthread_mutex_t q_lock;
	struct session_event *q_head, *q_tail;
	bool scheduled;          /* in the worker run queue or running  */
	struct sems_session *run_next;

	/* set by any thread, read by the worker */
	atomic_bool accepted;       /* 200 requested                      */
	atomic_bool final_replied;  /* a final reply was sent to INVITE  */
	atomic_bool dialog_over;    /* BYE sent/received, CANCEL, error   */
	atomic_bool stop_requested;
	atomic_bool dtmf_detection;     /* SEMS_EV_DTMF delivered             */
	atomic_bool early_media;    /* 183 + SDP requested: media may start */
	atomic_bool dropped;        /* sems_session_drop(): send nothing    */

	/* worker only: the in-dialog request the front holds unanswered */
	struct {
		bool open;
		unsigned cseq;
	} held_req;

	char **kept;                /* replaced dialog strings, under dlg_lock */
	size_t nkept;

	struct session_timers *timers;  /* timer/session_timer.c          */

	/* uac.h: outbound calls and B2BUA */
	bool uac;                   /* a dialout (set before it is shared) */
	char *session_params;       /* owned; sems_dialout's, or NULL     */
	struct b2b_leg *b2b;        /* signalling thread: the callee leg  */
	atomic_bool b2b_pending;    /* connect requested, not yet ended   */
	atomic_bool relay_only;     /* setRelayonly()                     */
	bool b2b_reinvite_warned;   /* signalling thread: b2b_media=reinvite
				     * not possible, logged once        */
	bool ended_signalling;          /* signalling thread: released    */

	/* A handler that does not return (see session_events.c, "abandon") */
	atomic_bool in_handler;     /* worker: the application runs an event */
	_Atomic(const char *) activity;  /* sems_session_set_activity()    */
	atomic_bool abandon_posted; /* worker_pool monitor: job queued once */
	bool abandoned;             /* under q_lock: caller's side freed   */
	atomic_bool uncounted;      /* no longer in session_count()       */
	bool media_started;         /* worker only */
	bool app_created;           /* worker only */
	bool ended;                 /* worker only */
	struct timespec started;    /* wall clock, set at allocation */
};

/* Creation, on the signalling thread: takes ownership of `invite`.  The
 * session starts with one reference, the caller's. */
int  session_alloc(struct sems_session **sp, const struct app *app,
		   struct sems_sip_request *invite,
		   const struct signalling_ops *ops, void *sig);
/* The same with our tag `local_tag` (NULL: a random one). */
int  session_alloc_tagged(struct sems_session **sp, const struct app *app,
			  struct sems_sip_request *invite,
			  const struct signalling_ops *ops, void *sig,
			  const char *local_tag);
struct sems_session *session_ref(struct sems_session *s);
void session_deref(struct sems_session *s);

/* Hands a copy of the request/reply to the session's queue; the event runs
 * on a worker.  Any thread.  req and reply may be NULL. */
int  session_post_event(struct sems_session *s, enum sems_event_type type,
			const struct sems_sip_request *req,
			const struct sems_sip_reply *reply);

/* An in-dialog request the front holds unanswered (reply_pending): the
 * application may answer it (sems_session_reply_request) while the event
 * runs; if it does not, the core replies 200 once the handler returned. */
int  session_post_request(struct sems_session *s,
			  const struct sems_sip_request *req, bool reply_pending);

/* Replies to the held request; code 0: the front's default (200 OK, or
 * 501 for a REFER).  Worker. */
int  session_reply_held(struct sems_session *s, unsigned code,
			const char *reason, const char *hdrs);

int  session_post_dtmf(struct sems_session *s, int key, unsigned duration_ms);
int  session_post_timer(struct sems_session *s, int id, unsigned gen);
int  session_post_message(struct sems_session *s, const char *msg);
/* An event of `type` carrying `text` as its message (SEMS_EV_LISTEN_*). */
int  session_post_text(struct sems_session *s, enum sems_event_type type,
		       const char *text);
/* Wakes the worker to check whether the session is over. */
void session_post_check(struct sems_session *s);

/* Dialog updates from the fronts (signalling thread). */
void session_set_status(struct sems_session *s, enum sems_dialog_status st);
void session_mark_dialog_over(struct sems_session *s);
/* Keeps a replaced dialog string until the session is freed (snapshots
 * may still point at it).  Under dlg_lock. */
void session_keep_string(struct sems_session *s, char *str);

/* The table of live sessions, for requests inside a dialog.  Returns a
 * new reference, or NULL.  local_tag is our tag (To tag of requests from
 * the caller); session_find_remote matches the caller's From tag instead,
 * for CANCEL, which carries no To tag. */
struct sems_session *session_find(const char *callid, const char *local_tag);
struct sems_session *session_find_remote(const char *callid,
					 const char *remote_tag);

/* Takes s out of the table (idempotent): later requests get 481. */
void session_table_remove(struct sems_session *s);

/* Number of live sessions; an event to each of them (SEMS_EV_SHUTDOWN,
 * SEMS_EV_USER1...); session_stop_all() stops each one (its call, if
 * still up, gets a BYE). */
unsigned session_count(void);
void session_post_all(enum sems_event_type type);
void session_stop_all(void);

/* fn for every live session, outside the table lock: each session is
 * referenced while fn runs (GET /calls).  Any thread but the media's. */
void session_foreach(void (*fn)(struct sems_session *s, void *arg), void *arg);
/* A handler has run a while (worker_pool.c's monitor) and the dialog is
 * over: frees the caller's side of the session on the signalling thread
 * (RTP socket, table entry, the front's state, timers) while the handler
 * goes on; the session object lives until the handler returns.  Any
 * thread, once per session. */
void session_abandon(struct sems_session *s);
/* The session no longer counts in session_count() (idempotent): it was
 * abandoned to a handler that does not return. */
void session_uncount(struct sems_session *s);
/* Sessions abandoned to a handler and not freed yet. */
unsigned session_abandoned_count(void);
/* session_stop_all() for one session: stop, and if a handler of it is
 * running, end its dialog now (BYE / 500) from here.  Any thread. */
void session_stop_now(struct sems_session *s);

#endif
