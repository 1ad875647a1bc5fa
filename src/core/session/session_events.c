/* session_events.c: a session's event queue and its life on the workers.
 *
 * Events are appended under q_lock by any thread; the first one schedules
 * the session on the worker pool.  session_run() (a worker) delivers them
 * in order and, after each, checks whether the session is over: stopped by
 * the application, or its dialog ended.  Ending frees the application
 * state, detaches media and lets the signalling front drop its link; the
 * memory goes when the last reference does.
 *
 * A handler that does not return (a script looping or blocked) keeps its
 * worker and the session object, but not the call: once the dialog is
 * over (the caller's BYE, or our BYE at shutdown) and the handler has run
 * ABANDON_MS, the worker pool's monitor has the caller's side freed on the
 * signalling thread (session_abandon: RTP socket closed, out of the table,
 * the front's state and timers released) and the session stops counting
 * as live.  When the handler returns at last, session_end() does the rest;
 * each step it repeats is idempotent.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sems/sip.h>
#include <sems/log.h>
#include "app_registry.h"
#include "b2b/b2b.h"
#include "dtmf/dtmf.h"
#include "listen/listen.h"
#include "timer/session_timer.h"
#include "media/rtp_stream.h"
#include "media/rtp_stream_internal.h"
#include "session/session_internal.h"
#include "signalling.h"
#include "sip_request.h"
#include "session/worker_pool.h"

/* Internal: wakes the worker to re-check the end condition. */
#define SESSION_EV_CHECK ((enum sems_event_type)-1)

struct session_event {
	enum sems_event_type type;
	struct sems_sip_request *req;
	struct sems_sip_reply *reply;
	int key, timer_id;
	unsigned duration_ms, timer_gen;
	bool reply_pending;        /* the front holds the request unanswered */
	char *message;
	struct session_event *next;
};

static void event_free(struct session_event *ev)
{
	free(ev->req);
	free(ev->reply);
	free(ev->message);
	free(ev);
}

void session_events_free(struct sems_session *s)
{
	struct session_event *ev = s->q_head;
	while (ev) {
		struct session_event *next = ev->next;
		event_free(ev);
		ev = next;
	}
	s->q_head = s->q_tail = NULL;
}

/* Appends ev (owned from here on) and schedules the session. */
static int session_enqueue(struct sems_session *s, struct session_event *ev)
{
	bool schedule = false;
	pthread_mutex_lock(&s->q_lock);
	if (s->ended) {
		pthread_mutex_unlock(&s->q_lock);
		event_free(ev);
		return 0;
	}
	if (s->q_tail)
		s->q_tail->next = ev;
	else
		s->q_head = ev;
	s->q_tail = ev;
	if (!s->scheduled) {
		s->scheduled = true;
		schedule = true;
	}
	pthread_mutex_unlock(&s->q_lock);

	if (schedule)
		worker_pool_schedule(session_ref(s));
	return 0;
}

int session_post_event(struct sems_session *s, enum sems_event_type type,
		       const struct sems_sip_request *req,
		       const struct sems_sip_reply *reply)
{
	struct session_event *ev = calloc(1, sizeof(*ev));
	if (!ev)
		return ENOMEM;
	ev->type = type;
	ev->req = req ? sip_request_dup(req) : NULL;
	ev->reply = reply ? sip_reply_dup(reply) : NULL;
	if ((req && !ev->req) || (reply && !ev->reply)) {
		event_free(ev);
		return ENOMEM;
	}
	return session_enqueue(s, ev);
}

int session_post_request(struct sems_session *s,
			 const struct sems_sip_request *req, bool reply_pending)
{
	struct session_event *ev = calloc(1, sizeof(*ev));
	if (!ev)
		return ENOMEM;
	ev->type = SEMS_EV_SIP_REQUEST;
	ev->reply_pending = reply_pending;
	if (!(ev->req = sip_request_dup(req))) {
		event_free(ev);
		return ENOMEM;
	}
	return session_enqueue(s, ev);
}

int session_post_dtmf(struct sems_session *s, int key, unsigned duration_ms)
{
	struct session_event *ev = calloc(1, sizeof(*ev));
	if (!ev)
		return ENOMEM;
	ev->type = SEMS_EV_DTMF;
	ev->key = key;
	ev->duration_ms = duration_ms;
	return session_enqueue(s, ev);
}

int session_post_message(struct sems_session *s, const char *msg)
{
	return session_post_text(s, SEMS_EV_MESSAGE, msg);
}

int session_post_text(struct sems_session *s, enum sems_event_type type,
		      const char *msg)
{
	struct session_event *ev = calloc(1, sizeof(*ev));
	if (!ev)
		return ENOMEM;
	ev->type = type;
	if (!(ev->message = strdup(msg ? msg : ""))) {
		event_free(ev);
		return ENOMEM;
	}
	return session_enqueue(s, ev);
}

int session_post_timer(struct sems_session *s, int id, unsigned gen)
{
	struct session_event *ev = calloc(1, sizeof(*ev));
	if (!ev)
		return ENOMEM;
	ev->type = SEMS_EV_TIMER;
	ev->timer_id = id;
	ev->timer_gen = gen;
	return session_enqueue(s, ev);
}

void session_post_check(struct sems_session *s)
{
	session_post_event(s, SESSION_EV_CHECK, NULL, NULL);
}

void session_mark_dialog_over(struct sems_session *s)
{
	if (atomic_exchange(&s->dialog_over, true))
		return;
	session_set_status(s, SEMS_DLG_DISCONNECTED);
	session_post_event(s, SESSION_EV_CHECK, NULL, NULL);
}

/* Signalling thread: the front forgets the session (once). */
static void release_front(struct sems_session *s)
{
	if (s->ended_signalling)
		return;
	session_timers_release(s);   /* sets ended_signalling */
	b2b_session_release(s);      /* the callee leg ends with its owner */
	if (s->sig_ops && s->sig)
		s->sig_ops->release(s->sig);
	s->sig = NULL;
}

static void session_release_signalling(void *arg)
{
	struct sems_session *s = arg;
	release_front(s);
	session_deref(s);
}

/* Signalling thread: see the top of the file. */
static void session_abandon_job(void *arg)
{
	struct sems_session *s = arg;
	struct rtp_stream *rs = NULL;
	bool go;

	pthread_mutex_lock(&s->q_lock);
	go = !s->ended && !s->abandoned && atomic_load(&s->in_handler);
	if (go) {
		s->abandoned = true;
		/* session_end() releases s->rtp only after setting `ended` */
		rs = s->rtp ? rtp_stream_ref(s->rtp) : NULL;
	}
	pthread_mutex_unlock(&s->q_lock);
	if (go) {
		SEMS_WARN("session %s (call %s): the dialog is over but a handler "
			  "of '%s' still runs: call resources released, the "
			  "session ends when the handler returns", s->local_tag,
			  s->dlg.callid, s->app ? s->app->name : "?");
		session_table_remove(s);
		rtp_stream_close(rs);
		release_front(s);
		session_uncount(s);
	}
	else
		atomic_store(&s->abandon_posted, false);  /* it returned: later */
	if (rs)
		rtp_stream_deref(rs);
	session_deref(s);
}

void session_abandon(struct sems_session *s)
{
	if (atomic_exchange(&s->abandon_posted, true))
		return;
	if (signalling_call(session_abandon_job, session_ref(s)))
		session_deref(s);
}

/* Ends the dialog if the application left it up, so no caller hangs. */
static void session_close_dialog(struct sems_session *s)
{
	if (atomic_load(&s->dialog_over) || atomic_load(&s->dropped))
		return;
	if (atomic_load(&s->accepted))
		sems_session_bye(s, "");
	else if (!atomic_load(&s->final_replied))
		sems_session_reply(s, 500, "Server Internal Error", "");
}

void session_stop_now(struct sems_session *s)
{
	sems_session_stop(s);
	/* its worker is busy: the BYE would only go when the handler
	 * returns; the dialog flags are atomic, so it can go from here */
	if (atomic_load(&s->in_handler))
		session_close_dialog(s);
	session_post_check(s);
}

static void session_end(struct sems_session *s)
{
	SEMS_DBG("session %s (%s) ends", s->local_tag, s->dlg.callid);
	session_close_dialog(s);
	if (s->app_created && s->app->ops->session_free)
		s->app->ops->session_free(s->app_state);
	s->app_state = NULL;

	pthread_mutex_lock(&s->q_lock);
	s->ended = true;
	pthread_mutex_unlock(&s->q_lock);

	session_table_remove(s);
	listen_session_end(s);       /* a WebSocket stream ends with it */
	if (s->rtp) {
		rtp_stream_release(s->rtp);
		s->rtp = NULL;
	}
	if (signalling_call(session_release_signalling, session_ref(s)))
		session_deref(s);   /* out of memory: the front's state leaks */
}

/* The application runs (for the monitor of worker_pool.c). */
static void handler_begin(struct sems_session *s, int type)
{
	atomic_store(&s->activity, NULL);
	atomic_store(&s->in_handler, true);
	worker_pool_handler_begin(s, type);
}

static void handler_end(struct sems_session *s)
{
	worker_pool_handler_end();
	atomic_store(&s->in_handler, false);
	atomic_store(&s->activity, NULL);
}

static bool session_app_create(struct sems_session *s)
{
	handler_begin(s, SEMS_HANDLER_CREATE);
	int err = s->app->ops->session_new(s->app->arg, s, &s->app_state);
	handler_end(s);
	if (err) {
		SEMS_ERROR("application '%s' could not start a session: %s",
			   s->app->name, strerror(err));
		sems_session_reply(s, 500, "Server Internal Error", "");
		return false;
	}
	s->app_created = true;
	return true;
}

/* Events the application no longer wants: a removed or restarted timer
 * that was already queued, a key press while detection is off. */
static bool event_wanted(struct sems_session *s, const struct session_event *ev)
{
	switch ((int)ev->type) {
	case SESSION_EV_CHECK:
		return false;
	case SEMS_EV_TIMER:
		return session_timer_claim(s, ev->timer_id, ev->timer_gen);
	case SEMS_EV_DTMF:
		return atomic_load(&s->dtmf_detection);
	default:
		return true;
	}
}

/* A SIP INFO carrying a key becomes a key press too (both fronts). */
static void session_info_dtmf(struct sems_session *s,
			      const struct sems_sip_request *req)
{
	const char *ctype = req->content_type;
	char *hdr = NULL;
	int key;
	unsigned ms;

	if (strcmp(req->method, "INFO"))
		return;
	/* the Kamailio front's datagram has no Content-Type field */
	if (!ctype[0] && (hdr = sems_header_get(req->hdrs, "Content-Type")))
		ctype = hdr;
	if (!ctype[0] && !strncasecmp(req->body, "Signal", 6))
		ctype = "application/dtmf-relay";
	if (dtmf_info_parse(ctype, req->body, &key, &ms))
		session_post_dtmf(s, key, ms);
	free(hdr);
}

/* A re-INVITE becomes the session's INVITE (sems_session_invite). */
static void session_take_reinvite(struct sems_session *s,
				  struct session_event *ev)
{
	if (ev->type != SEMS_EV_SIP_REQUEST || !ev->req ||
	    strcmp(ev->req->method, "INVITE"))
		return;
	free(s->reinvite);
	s->reinvite = ev->req;
	ev->req = sip_request_dup(s->reinvite);   /* the event keeps a copy */
	if (!ev->req) {
		ev->req = s->reinvite;
		s->reinvite = NULL;
	}
}

/* The core answers a held request the application left unanswered. */
static void session_default_reply(struct sems_session *s)
{
	if (!s->held_req.open)
		return;
	(void)session_reply_held(s, 0, "", "");   /* the front's default */
	s->held_req.open = false;
}

static void session_dispatch(struct sems_session *s, struct session_event *ev)
{
	if (!s->app_created && !session_app_create(s)) {
		atomic_store(&s->stop_requested, true);
		return;
	}
	session_take_reinvite(s, ev);
	if (ev->reply_pending && ev->req) {
		s->held_req.open = true;
		s->held_req.cseq = ev->req->cseq ? ev->req->cseq : 1;
	}
	if (event_wanted(s, ev)) {
		struct sems_event pub = {
			.type = ev->type, .req = ev->req, .reply = ev->reply,
			.key = ev->key, .duration_ms = ev->duration_ms,
			.timer_id = ev->timer_id, .message = ev->message,
		};
		handler_begin(s, (int)ev->type);
		s->app->ops->session_event(s->app_state, s, &pub);
		handler_end(s);
		if (ev->type == SEMS_EV_DTMF)    /* to a listening WebSocket */
			listen_session_dtmf(s, ev->key, ev->duration_ms);
	}
	if (ev->type == SEMS_EV_SIP_REQUEST && ev->req) {
		session_info_dtmf(s, ev->req);
		b2b_relay_request(s, ev->req);   /* setRelayonly() */
	}
	if (ev->reply_pending)
		session_default_reply(s);
	/* media starts once the handler that accepted the call (or asked for
	 * early media) returned */
	if ((atomic_load(&s->accepted) || atomic_load(&s->early_media)) &&
	    !s->media_started && s->rtp && !atomic_load(&s->dialog_over)) {
		rtp_stream_start(s->rtp);
		s->media_started = true;
	}
}

static struct session_event *session_next_event(struct sems_session *s)
{
	pthread_mutex_lock(&s->q_lock);
	struct session_event *ev = s->q_head;
	if (ev) {
		s->q_head = ev->next;
		if (!s->q_head)
			s->q_tail = NULL;
	} else {
		s->scheduled = false;
	}
	pthread_mutex_unlock(&s->q_lock);
	return ev;
}

static bool session_queue_empty(struct sems_session *s)
{
	pthread_mutex_lock(&s->q_lock);
	bool empty = !s->q_head;
	pthread_mutex_unlock(&s->q_lock);
	return empty;
}

/* Over when stopped, or when the dialog is over and every event that
 * came before (a BYE or CANCEL among them) has been handled. */
static bool session_is_over(struct sems_session *s)
{
	return atomic_load(&s->stop_requested) ||
	       (atomic_load(&s->dialog_over) && session_queue_empty(s));
}

void session_run(struct sems_session *s)
{
	struct session_event *ev;
	while ((ev = session_next_event(s))) {
		if (!s->ended) {
			session_dispatch(s, ev);
			if (session_is_over(s))
				session_end(s);
		}
		event_free(ev);
	}
}
