/* listen.c: startListen/stopListen for the session workers.
 *
 * A table maps each listening session to its tap.  Starting allocates the
 * tap and its resamplers here (not on the media thread), builds the JSON
 * start frame, hands the tap to the stream (picked up by the media thread
 * at its next tick) and the WebSocket to the signalling thread.  Stopping
 * (or the session's end) takes the tap out of the table and lets the
 * signalling thread close the socket; the tap is marked dead there, which
 * the media thread sees at its next tick.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <pthread.h>
#include <jansson.h>
#include <sems/log.h>
#include <sems/listen.h>
#include "dtmf/dtmf.h"
#include "media/codec.h"
#include "media/rtp_stream_internal.h"
#include "session/session_internal.h"
#include "signalling.h"
#include "listen/listen.h"
#include "listen/listen_tap.h"

struct entry {
	struct entry *next;
	struct sems_session *sess;    /* not a reference: the tap holds one */
	struct listen_tap *tap;       /* reference */
};

static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER;
static struct entry *table;

struct listen_tap *listen_tap_ref(struct listen_tap *t)
{
	atomic_fetch_add(&t->refs, 1);
	return t;
}

void listen_tap_deref(struct listen_tap *t)
{
	if (!t || atomic_fetch_sub(&t->refs, 1) != 1)
		return;
	if (t->src_up)
		src_delete(t->src_up);
	if (t->src_down)
		src_delete(t->src_down);
	while (t->marks) {
		struct listen_mark *m = t->marks;
		t->marks = m->next;
		free(m);
	}
	while (t->pending) {
		struct listen_text *x = t->pending;
		t->pending = x->next;
		free(x);
	}
	free(t->up_out);
	free(t->dq);
	free(t->url);
	free(t->start_json);
	if (t->sess)
		session_deref(t->sess);
	free(t);
}

/* The tap of s (new reference), and optionally unlinks it. */
static struct listen_tap *table_find(struct sems_session *s, bool take)
{
	struct listen_tap *t = NULL;

	pthread_mutex_lock(&table_lock);
	for (struct entry **pp = &table; *pp; pp = &(*pp)->next) {
		struct entry *e = *pp;

		if (e->sess != s)
			continue;
		t = e->tap;
		if (take) {
			*pp = e->next;
			free(e);         /* its reference goes to the caller */
		}
		else
			listen_tap_ref(t);
		break;
	}
	pthread_mutex_unlock(&table_lock);
	return t;
}

void listen_table_forget(struct listen_tap *t)
{
	struct listen_tap *drop = NULL;

	pthread_mutex_lock(&table_lock);
	for (struct entry **pp = &table; *pp; pp = &(*pp)->next) {
		struct entry *e = *pp;

		if (e->tap != t)
			continue;
		*pp = e->next;
		drop = e->tap;
		free(e);
		break;
	}
	pthread_mutex_unlock(&table_lock);
	listen_tap_deref(drop);
}

static bool url_ok(const char *url)
{
	const char *host;

	if (!strncasecmp(url, "ws://", 5))
		host = url + 5;
	else if (!strncasecmp(url, "wss://", 6))
		host = url + 6;
	else
		return false;
	return *host && *host != '/' && *host != ':' && strlen(url) < 1024 &&
	       !strpbrk(url, " \t\r\n");
}

/* libre's HTTP client wants a path: ws://host:port -> ws://host:port/ */
static char *url_with_path(const char *url)
{
	const char *host = strstr(url, "://") + 3;
	size_t n = strlen(url);
	char *u = malloc(n + 2);

	if (!u)
		return NULL;
	memcpy(u, url, n + 1);
	if (!strchr(host, '/'))
		strcpy(u + n, "/");
	return u;
}

static char *start_json(struct sems_session *s,
			const struct sems_listen_params *p, unsigned channels,
			int *errp)
{
	struct sems_dialog dlg;
	json_t *o, *meta = json_null();
	json_error_t jerr;
	char *text;

	*errp = 0;
	if (p->metadata_json && !(meta = json_loads(p->metadata_json,
						     JSON_DECODE_ANY, &jerr))) {
		SEMS_WARN("startListen: metadata is not JSON: %s", jerr.text);
		*errp = EINVAL;
		return NULL;
	}
	sems_session_dialog(s, &dlg);
	o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:i, s:s, s:o}",
		      "type", "start",
		      "call_id", dlg.callid ? dlg.callid : "",
		      "session", sems_session_id(s),
		      "application", sems_session_app_name(s),
		      "from", dlg.remote_party ? dlg.remote_party : "",
		      "to", dlg.local_party ? dlg.local_party : "",
		      "rate", (int)p->rate, "channels", (int)channels,
		      "encoding", "L16LE", "metadata", meta);
	text = o ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	if (!text)
		*errp = ENOMEM;
	return text;
}

static int tap_alloc(struct listen_tap **tp, struct sems_session *s,
		     const struct sems_listen_params *p, unsigned call_rate)
{
	struct listen_tap *t = calloc(1, sizeof(*t));
	int err = 0, e;

	if (!t)
		return ENOMEM;
	atomic_init(&t->refs, 1);
	atomic_init(&t->dead, false);
	atomic_init(&t->open, false);
	atomic_init(&t->clear_upto, 0);
	audio_ring_init(&t->up, t->up_buf, LISTEN_UP_RING);
	audio_ring_init(&t->down, t->down_buf, LISTEN_DOWN_RING);
	t->rate = p->rate;
	t->call_rate = call_rate;
	t->channels = p->stereo ? 2 : 1;
	t->bidir = p->bidir;
	t->marks_tail = &t->marks;
	t->pending_tail = &t->pending;
	t->frag = -1;
	t->url = url_with_path(p->url);
	t->start_json = start_json(s, p, t->channels, &err);
	t->up_out = malloc(sizeof(int16_t) * (SEMS_AUDIO_RATE_MAX / 50) * 2 * 4);
	if (!err && (!t->url || !t->up_out))
		err = ENOMEM;
	if (!err && call_rate != p->rate) {
		t->src_up = src_new(SRC_SINC_FASTEST, (int)t->channels, &e);
		t->src_down = src_new(SRC_SINC_FASTEST, 1, &e);
		if (!t->src_up || !t->src_down)
			err = ENOMEM;
	}
	t->sess = session_ref(s);
	if (err) {
		listen_tap_deref(t);
		return err;
	}
	*tp = t;
	return 0;
}

/* The stream's media thread takes the tap at its next tick. */
static void stream_give(struct rtp_stream *rs, struct listen_tap *t)
{
	struct listen_tap *old;

	pthread_mutex_lock(&rs->lock);
	old = rs->listen_pending;
	rs->listen_pending = t;
	atomic_store(&rs->listen_changed, true);
	pthread_mutex_unlock(&rs->lock);
	listen_tap_deref(old);
}

int sems_session_listen_start(struct sems_session *s,
			      const struct sems_listen_params *p)
{
	struct listen_tap *t, *old;
	struct entry *e;
	unsigned call_rate;
	int err;

	if (!s || !p || !p->url || !url_ok(p->url) ||
	    (p->rate != 8000 && p->rate != 16000) ||
	    p->bidir > SEMS_LISTEN_MIX)
		return EINVAL;
	if (!s->rtp || atomic_load(&s->dialog_over))
		return ENOTCONN;
	if ((old = table_find(s, false))) {
		listen_tap_deref(old);
		return EBUSY;
	}
	pthread_mutex_lock(&s->rtp->lock);
	call_rate = s->rtp->codec ? s->rtp->codec->rate : 8000;
	pthread_mutex_unlock(&s->rtp->lock);
	if ((err = tap_alloc(&t, s, p, call_rate)))
		return err;
	if (!(e = calloc(1, sizeof(*e)))) {
		listen_tap_deref(t);
		return ENOMEM;
	}
	e->sess = s;
	e->tap = t;                       /* the table's reference */
	pthread_mutex_lock(&table_lock);
	e->next = table;
	table = e;
	pthread_mutex_unlock(&table_lock);
	stream_give(s->rtp, listen_tap_ref(t));
	if (signalling_call(listen_ws_open, listen_tap_ref(t))) {
		listen_tap_deref(t);      /* the job's */
		atomic_store(&t->dead, true);
		listen_table_forget(t);
		return ENOMEM;
	}
	SEMS_INFO("session %s: listening: %s (%u Hz, %u channel%s%s)",
		  sems_session_id(s), p->url, p->rate, t->channels,
		  t->channels > 1 ? "s" : "",
		  p->bidir == SEMS_LISTEN_MIX ? ", server audio mixed" :
		  p->bidir == SEMS_LISTEN_REPLACE ? ", server audio played" : "");
	return 0;
}

/* The signalling thread closes the socket and reports "stopped" (nothing
 * reaches a session that has ended). */
static int tap_stop(struct sems_session *s)
{
	struct listen_tap *t = table_find(s, true);

	if (!t)
		return ENOENT;
	/* the table's reference goes with the job */
	if (signalling_call(listen_ws_stop, t)) {
		atomic_store(&t->dead, true);   /* the socket leaks; rare */
		listen_tap_deref(t);
	}
	return 0;
}

int sems_session_listen_stop(struct sems_session *s)
{
	return s ? tap_stop(s) : EINVAL;
}

void listen_session_end(struct sems_session *s)
{
	(void)tap_stop(s);
}

bool sems_session_listening(struct sems_session *s)
{
	struct listen_tap *t = s ? table_find(s, false) : NULL;

	listen_tap_deref(t);
	return t != NULL;
}

int sems_session_listen_send(struct sems_session *s, const char *text)
{
	struct listen_tap *t;
	int err;

	if (!s || !text)
		return EINVAL;
	if (!(t = table_find(s, false)))
		return ENOENT;
	err = listen_ws_send(t, text);
	listen_tap_deref(t);
	return err;
}

void listen_session_dtmf(struct sems_session *s, int key, unsigned ms)
{
	struct listen_tap *t = table_find(s, false);
	char buf[96], digit = dtmf_key_to_char(key);

	if (!t)
		return;
	if (digit != '?') {
		snprintf(buf, sizeof(buf),
			 "{\"type\":\"dtmf\",\"digit\":\"%c\",\"duration\":%u}",
			 digit, ms);
		(void)listen_ws_send(t, buf);
	}
	listen_tap_deref(t);
}
