/* session.c: the session object: allocation, references, the table of
 * live sessions and the dialog state shown to applications. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <re.h>
#include <sems/log.h>
#include "app_registry.h"
#include "metrics/metrics.h"
#include <sems/metrics.h>
#include "media/rtp_stream.h"
#include "session/session_internal.h"
#include "sip_request.h"
#include "timer/session_timer.h"

void session_events_free(struct sems_session *s);   /* session_events.c */

/* Live sessions by Call-ID hash; lookups come from the signalling thread,
 * removal from workers, so it has its own lock. */
#define SESSION_BUCKETS 4096
struct table_node {
	struct sems_session *s;
	struct table_node *next;
};
static struct table_node *buckets[SESSION_BUCKETS];
static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER;
/* Session objects not freed yet: a session that ended still counts until
 * its last reference (e.g. a job queued for the signalling thread) goes,
 * so that shutdown waits for those jobs and a leak shows. */
static atomic_uint live_sessions;
static atomic_uint abandoned_sessions;   /* uncounted, not freed yet */

static unsigned callid_bucket(const char *callid)
{
	uint32_t h = 2166136261u;    /* FNV-1a */
	for (const unsigned char *p = (const unsigned char *)callid; *p; p++)
		h = (h ^ *p) * 16777619u;
	return h % SESSION_BUCKETS;
}

static int table_add(struct sems_session *s)
{
	struct table_node *n = malloc(sizeof(*n));
	if (!n)
		return ENOMEM;
	unsigned b = callid_bucket(s->dlg.callid);
	pthread_mutex_lock(&table_lock);
	n->s = s;
	n->next = buckets[b];
	buckets[b] = n;
	pthread_mutex_unlock(&table_lock);
	return 0;
}

void session_table_remove(struct sems_session *s)
{
	if (!s->dlg.callid)
		return;     /* session_alloc failed before table_add */
	unsigned b = callid_bucket(s->dlg.callid);
	pthread_mutex_lock(&table_lock);
	for (struct table_node **pp = &buckets[b]; *pp; pp = &(*pp)->next) {
		if ((*pp)->s != s)
			continue;
		struct table_node *n = *pp;
		*pp = n->next;
		free(n);
		break;
	}
	pthread_mutex_unlock(&table_lock);
}

/* tag_of: which tag of the session to compare (ours or the caller's) */
static struct sems_session *table_find(const char *callid, const char *tag,
				       bool remote)
{
	struct sems_session *found = NULL;
	if (!callid || !tag)
		return NULL;
	unsigned b = callid_bucket(callid);
	pthread_mutex_lock(&table_lock);
	for (struct table_node *n = buckets[b]; n; n = n->next) {
		struct sems_session *s = n->s;
		const char *t = remote ? s->dlg.remote_tag : s->local_tag;
		if (!strcmp(s->dlg.callid, callid) && !strcmp(t, tag)) {
			found = session_ref(s);
			break;
		}
	}
	pthread_mutex_unlock(&table_lock);
	return found;
}

struct sems_session *session_find(const char *callid, const char *local_tag)
{
	return table_find(callid, local_tag, false);
}

struct sems_session *session_find_remote(const char *callid,
					 const char *remote_tag)
{
	return table_find(callid, remote_tag, true);
}

unsigned session_count(void)
{
	return atomic_load(&live_sessions);
}

void session_uncount(struct sems_session *s)
{
	if (atomic_exchange(&s->uncounted, true))
		return;
	atomic_fetch_add(&abandoned_sessions, 1);
	atomic_fetch_sub(&live_sessions, 1);
}

unsigned session_abandoned_count(void)
{
	return atomic_load(&abandoned_sessions);
}

void session_post_all(enum sems_event_type type)
{
	pthread_mutex_lock(&table_lock);
	for (unsigned b = 0; b < SESSION_BUCKETS; b++)
		for (struct table_node *n = buckets[b]; n; n = n->next)
			session_post_event(n->s, type, NULL, NULL);
	pthread_mutex_unlock(&table_lock);
}

void session_stop_all(void)
{
	pthread_mutex_lock(&table_lock);
	for (unsigned b = 0; b < SESSION_BUCKETS; b++)
		for (struct table_node *n = buckets[b]; n; n = n->next)
			session_stop_now(n->s);
	pthread_mutex_unlock(&table_lock);
}

void session_foreach(void (*fn)(struct sems_session *s, void *arg), void *arg)
{
	struct sems_session **all = NULL;
	size_t n = 0, cap = 0;

	pthread_mutex_lock(&table_lock);
	for (unsigned b = 0; b < SESSION_BUCKETS; b++)
		for (struct table_node *t = buckets[b]; t; t = t->next) {
			if (n == cap) {
				size_t c = cap ? cap * 2 : 64;
				struct sems_session **a = realloc(all, c * sizeof(*a));
				if (!a)
					goto full;
				all = a;
				cap = c;
			}
			all[n++] = session_ref(t->s);
		}
 full:
	pthread_mutex_unlock(&table_lock);
	for (size_t i = 0; i < n; i++) {
		fn(all[i], arg);
		session_deref(all[i]);
	}
	free(all);
}

/* Sessions are found by Call-ID; a message names only our tag, so this
 * walks the table: messages are rare next to requests. */
int sems_session_post_message(const char *local_tag, const char *msg)
{
	struct sems_session *found = NULL;

	if (!local_tag)
		return ENOENT;
	pthread_mutex_lock(&table_lock);
	for (unsigned b = 0; b < SESSION_BUCKETS && !found; b++)
		for (struct table_node *n = buckets[b]; n; n = n->next)
			if (!strcmp(n->s->local_tag, local_tag)) {
				found = session_ref(n->s);
				break;
			}
	pthread_mutex_unlock(&table_lock);
	if (!found)
		return ENOENT;
	int err = session_post_message(found, msg);
	session_deref(found);
	return err;
}

static void dialog_state_free(struct dialog_state *d)
{
	char **fields[] = { &d->user, &d->domain, &d->local_uri, &d->remote_uri,
			    &d->callid, &d->remote_tag, &d->local_tag,
			    &d->remote_party, &d->local_party, &d->route,
			    &d->outbound_proxy, &d->sip_ip, &d->sip_port,
			    &d->contact_uri, &d->next_hop };
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		free(*fields[i]);
		*fields[i] = NULL;
	}
}

/* The dialog of a call we answer (UAS side), as SEMS fills it. */
static int dialog_state_init(struct dialog_state *d,
			     const struct sems_sip_request *inv,
			     const char *local_tag)
{
	const char *remote_uri = inv->contact[0] ? inv->contact : inv->from_uri;
	d->user = strdup(inv->user);
	d->domain = strdup(inv->domain);
	d->local_uri = strdup(inv->r_uri);
	d->remote_uri = strdup(remote_uri);
	d->callid = strdup(inv->callid);
	d->remote_tag = strdup(inv->from_tag);
	d->local_tag = strdup(local_tag);
	d->remote_party = strdup(inv->from);
	d->local_party = strdup(inv->to);
	d->route = strdup(inv->route);
	d->outbound_proxy = strdup("");
	d->cseq = inv->cseq;
	d->status = SEMS_DLG_TRYING;
	d->sip_ip = strdup(inv->dstip);
	d->sip_port = strdup(inv->port);
	bool v6 = strchr(inv->dstip, ':') != NULL;
	if (asprintf(&d->contact_uri, "sip:%s%s%s%s%s:%s", inv->user,
		     inv->user[0] ? "@" : "", v6 ? "[" : "", inv->dstip,
		     v6 ? "]" : "", inv->port) < 0)
		d->contact_uri = NULL;
	d->next_hop = strdup(inv->next_hop);
	if (!d->user || !d->domain || !d->local_uri || !d->remote_uri ||
	    !d->callid || !d->remote_tag || !d->local_tag || !d->remote_party ||
	    !d->local_party || !d->route || !d->outbound_proxy ||
	    !d->sip_ip || !d->sip_port || !d->contact_uri || !d->next_hop)
		return ENOMEM;
	return 0;
}

int session_alloc(struct sems_session **sp, const struct app *app,
		  struct sems_sip_request *invite,
		  const struct signalling_ops *ops, void *sig)
{
	return session_alloc_tagged(sp, app, invite, ops, sig, NULL);
}

int session_alloc_tagged(struct sems_session **sp, const struct app *app,
			 struct sems_sip_request *invite,
			 const struct signalling_ops *ops, void *sig,
			 const char *local_tag)
{
	struct sems_session *s = calloc(1, sizeof(*s));
	if (!s) {
		app_put(app);
		return ENOMEM;
	}
	atomic_fetch_add(&live_sessions, 1);
	atomic_init(&s->refs, 1);
	if (local_tag && local_tag[0])
		snprintf(s->local_tag, sizeof(s->local_tag), "%s", local_tag);
	else
		snprintf(s->local_tag, sizeof(s->local_tag), "%016llx",
			 (unsigned long long)rand_u64());
	pthread_mutex_init(&s->dlg_lock, NULL);
	pthread_mutex_init(&s->q_lock, NULL);
	atomic_init(&s->dtmf_detection, true);
	s->app = app;
	clock_gettime(CLOCK_REALTIME, &s->started);
	if (app && app->stats) {
		metric_add(&app->stats->calls_total, 1);
		atomic_fetch_add(&app->stats->calls_active, 1);
	}
	metric_add(&metrics.session_setups, 1);
	s->sig_ops = ops;
	s->sig = sig;
	int err = dialog_state_init(&s->dlg, invite, s->local_tag);
	if (!err)
		err = table_add(s);
	if (err) {
		s->invite = NULL;   /* the caller still owns it on failure */
		session_deref(s);
		return err;
	}
	s->invite = invite;
	*sp = s;
	return 0;
}

struct sems_session *session_ref(struct sems_session *s)
{
	atomic_fetch_add(&s->refs, 1);
	return s;
}

void session_deref(struct sems_session *s)
{
	if (!s || atomic_fetch_sub(&s->refs, 1) != 1)
		return;
	session_table_remove(s);
	if (s->app && s->app->stats)
		atomic_fetch_sub(&s->app->stats->calls_active, 1);
	if (s->dlg.callid)
		sems_monitor_forget(s->dlg.callid);
	app_put(s->app);
	if (s->rtp)
		rtp_stream_release(s->rtp);
	session_events_free(s);
	session_timers_free(s);
	dialog_state_free(&s->dlg);
	for (size_t i = 0; i < s->nkept; i++)
		free(s->kept[i]);
	free(s->kept);
	free(s->invite);
	free(s->reinvite);
	free(s->sdp_answer);
	free(s->session_params);
	pthread_mutex_destroy(&s->dlg_lock);
	pthread_mutex_destroy(&s->q_lock);
	bool uncounted = atomic_load(&s->uncounted);
	free(s);
	if (uncounted)
		atomic_fetch_sub(&abandoned_sessions, 1);
	else
		atomic_fetch_sub(&live_sessions, 1);
}

void sems_session_set_activity(struct sems_session *s, const char *what)
{
	atomic_store(&s->activity, what);
}

const char *sems_session_id(const struct sems_session *s)
{
	return s->local_tag;
}

const char *sems_session_app_name(const struct sems_session *s)
{
	return s->app ? s->app->name : "";
}

const struct sems_sip_request *sems_session_invite(const struct sems_session *s)
{
	return s->reinvite ? s->reinvite : s->invite;
}

const struct sems_sip_request *sems_session_initial_invite(
	const struct sems_session *s)
{
	return s->invite;
}

void sems_session_dialog(const struct sems_session *s, struct sems_dialog *out)
{
	struct sems_session *m = (struct sems_session *)s;  /* lock only */
	pthread_mutex_lock(&m->dlg_lock);
	const struct dialog_state *d = &s->dlg;
	*out = (struct sems_dialog){
		d->user, d->domain, d->local_uri, d->remote_uri, d->callid,
		d->remote_tag, d->local_tag, d->remote_party, d->local_party,
		d->route, d->outbound_proxy, d->cseq, d->status,
		d->sip_ip, d->sip_port, d->contact_uri, d->next_hop,
	};
	pthread_mutex_unlock(&m->dlg_lock);
}

void session_keep_string(struct sems_session *s, char *str)
{
	char **k = realloc(s->kept, (s->nkept + 1) * sizeof(*k));
	if (!k)
		return;   /* leaks str rather than freeing what a snapshot shows */
	s->kept = k;
	s->kept[s->nkept++] = str;
}

void session_set_status(struct sems_session *s, enum sems_dialog_status st)
{
	pthread_mutex_lock(&s->dlg_lock);
	s->dlg.status = st;
	pthread_mutex_unlock(&s->dlg_lock);
}
