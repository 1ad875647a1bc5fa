/* session_timer.c: setTimer/removeTimer on libre timers (see the header).
 *
 * Two views of the same timers: `live` (id -> generation, under the
 * session's timer lock) says which may still fire; the libre timers
 * themselves (a list only the signalling thread touches) do the waiting.
 */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <re.h>
#include <sems/log.h>
#include "session/session_internal.h"
#include "signalling.h"
#include "timer/session_timer.h"

struct live_timer {
	int id;
	unsigned gen;
};

struct session_timers {
	pthread_mutex_t lock;            /* live, next_gen */
	struct live_timer *live;
	size_t nlive, cap;
	unsigned next_gen;
	struct list running;             /* signalling thread only */
};

struct running_timer {
	struct le le;
	struct tmr tmr;
	struct sems_session *s;          /* not a reference: see release */
	int id;
	unsigned gen;
};

/* A timer job for the signalling thread. */
struct timer_job {
	struct sems_session *s;          /* reference */
	int id;                          /* 0: every timer */
	unsigned gen;                    /* 0: remove */
	uint64_t ms;
};

static struct session_timers *timers_of(struct sems_session *s)
{
	static pthread_mutex_t create_lock = PTHREAD_MUTEX_INITIALIZER;
	struct session_timers *t;

	pthread_mutex_lock(&create_lock);
	t = s->timers;
	if (!t && (t = calloc(1, sizeof(*t)))) {
		pthread_mutex_init(&t->lock, NULL);
		list_init(&t->running);
		s->timers = t;
	}
	pthread_mutex_unlock(&create_lock);
	return t;
}

static ssize_t live_find(struct session_timers *t, int id)
{
	for (size_t i = 0; i < t->nlive; i++)
		if (t->live[i].id == id)
			return (ssize_t)i;
	return -1;
}

static void live_drop(struct session_timers *t, size_t i)
{
	t->live[i] = t->live[--t->nlive];
}

/* Under t->lock: id now has a new generation (0 on failure). */
static unsigned live_set(struct session_timers *t, int id)
{
	ssize_t i = live_find(t, id);

	if (i < 0) {
		if (t->nlive == t->cap) {
			size_t cap = t->cap ? t->cap * 2 : 4;
			struct live_timer *n = realloc(t->live, cap * sizeof(*n));
			if (!n)
				return 0;
			t->live = n;
			t->cap = cap;
		}
		i = (ssize_t)t->nlive++;
		t->live[i].id = id;
	}
	if (!++t->next_gen)
		t->next_gen = 1;
	t->live[i].gen = t->next_gen;
	return t->next_gen;
}

bool session_timer_claim(struct sems_session *s, int id, unsigned gen)
{
	struct session_timers *t = s->timers;
	bool live = false;

	if (!t)
		return false;
	pthread_mutex_lock(&t->lock);
	ssize_t i = live_find(t, id);
	if (i >= 0 && t->live[i].gen == gen) {
		live_drop(t, (size_t)i);
		live = true;
	}
	pthread_mutex_unlock(&t->lock);
	return live;
}

static void running_free(struct running_timer *rt)
{
	tmr_cancel(&rt->tmr);
	list_unlink(&rt->le);
	free(rt);
}

static void timer_fired(void *arg)
{
	struct running_timer *rt = arg;

	session_post_timer(rt->s, rt->id, rt->gen);
	running_free(rt);
}

static void running_remove(struct session_timers *t, int id)
{
	struct le *le = list_head(&t->running);

	while (le) {
		struct running_timer *rt = le->data;

		le = le->next;
		if (!id || rt->id == id)
			running_free(rt);
	}
}

/* Signalling thread. */
static void timer_job_run(void *arg)
{
	struct timer_job *job = arg;
	struct session_timers *t = job->s->timers;
	struct running_timer *rt;

	if (!t || job->s->ended_signalling)
		goto out;
	running_remove(t, job->id);
	if (!job->gen || !(rt = calloc(1, sizeof(*rt))))
		goto out;
	rt->s = job->s;
	rt->id = job->id;
	rt->gen = job->gen;
	tmr_init(&rt->tmr);
	list_append(&t->running, &rt->le, rt);
	tmr_start(&rt->tmr, job->ms, timer_fired, rt);
 out:
	session_deref(job->s);
	free(job);
}

static int timer_job_post(struct sems_session *s, int id, unsigned gen,
			  uint64_t ms)
{
	struct timer_job *job = calloc(1, sizeof(*job));
	int err;

	if (!job)
		return ENOMEM;
	*job = (struct timer_job){ session_ref(s), id, gen, ms };
	err = signalling_call(timer_job_run, job);
	if (err) {
		session_deref(s);
		free(job);
	}
	return err;
}

int sems_session_set_timer(struct sems_session *s, int id, double seconds)
{
	struct session_timers *t;
	unsigned gen;

	if (id <= 0 || !(seconds >= 0) || seconds > 86400.0 * 366)
		return EINVAL;
	if (!(t = timers_of(s)))
		return ENOMEM;
	pthread_mutex_lock(&t->lock);
	gen = live_set(t, id);
	pthread_mutex_unlock(&t->lock);
	if (!gen)
		return ENOMEM;
	return timer_job_post(s, id, gen, (uint64_t)llround(seconds * 1000.0));
}

void sems_session_remove_timer(struct sems_session *s, int id)
{
	struct session_timers *t = s->timers;

	if (!t || id <= 0)
		return;
	pthread_mutex_lock(&t->lock);
	ssize_t i = live_find(t, id);
	if (i >= 0)
		live_drop(t, (size_t)i);
	pthread_mutex_unlock(&t->lock);
	if (i >= 0)
		(void)timer_job_post(s, id, 0, 0);
}

void sems_session_remove_timers(struct sems_session *s)
{
	struct session_timers *t = s->timers;

	if (!t)
		return;
	pthread_mutex_lock(&t->lock);
	t->nlive = 0;
	pthread_mutex_unlock(&t->lock);
	(void)timer_job_post(s, 0, 0, 0);
}

/* The session ends: no timer may outlive it (they hold no reference). */
void session_timers_release(struct sems_session *s)
{
	struct session_timers *t = s->timers;

	s->ended_signalling = true;
	if (!t)
		return;
	running_remove(t, 0);
}

void session_timers_free(struct sems_session *s)
{
	struct session_timers *t = s->timers;

	if (!t)
		return;
	free(t->live);
	pthread_mutex_destroy(&t->lock);
	free(t);
	s->timers = NULL;
}
