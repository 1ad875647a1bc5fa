/* worker_pool.c: session worker threads draining per-session event queues.
 *
 * The run queue holds sessions, not events: a session is queued when its
 * first pending event arrives (session_events.c sets `scheduled`) and a
 * worker runs all its events before taking the next session.
 *
 * The pool is elastic, because real scripts block (a database, an HTTP or
 * XML-RPC lookup): `min` workers always run; when a session is queued and
 * no worker is idle, one more is started, up to `max`; a worker beyond
 * `min` that stays idle for WORKER_IDLE_MS retires.  At the cap, with
 * sessions waiting, the pool is saturated and new calls are refused (503)
 * instead of waiting behind the blocked ones.
 *
 * Each worker has a slot saying which session it runs the application for
 * and since when; a monitor thread reads the slots every WORKER_MONITOR_MS
 * (see worker_pool.h: the handler_warn_time warning, abandoning sessions
 * whose dialog ended under a handler that does not return).
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sems/log.h>
#include "app_registry.h"
#include "core_config.h"
#include "session/session_internal.h"
#include "session/worker_pool.h"

void session_run(struct sems_session *s);   /* session_events.c */

enum {
	WORKER_NICE = 5, WORKER_IDLE_MS = 10000,
	WORKER_MONITOR_MS = 250,  /* how often the monitor looks          */
	ABANDON_MS = 250,         /* a handler this old when the dialog ends */
	WORKER_STOP_MS = 1000,    /* worker_pool_stop() waits at most this */
};

/* What one worker runs; under slot_lock. */
struct worker_slot {
	struct sems_session *s;   /* NULL: not in the application */
	int type;                 /* event type or SEMS_HANDLER_CREATE */
	uint64_t since_ms;
	bool warned;
	struct worker_slot *next;
};
static pthread_mutex_t slot_lock = PTHREAD_MUTEX_INITIALIZER;
static struct worker_slot *slots;
static _Thread_local struct worker_slot *my_slot;

static pthread_t monitor_tid;
static bool monitor_running;
static pthread_mutex_t monitor_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t monitor_cond = PTHREAD_COND_INITIALIZER;
static bool monitor_stop;
static unsigned left_behind;

static pthread_mutex_t run_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t run_cond = PTHREAD_COND_INITIALIZER;
static pthread_cond_t exit_cond = PTHREAD_COND_INITIALIZER;
static struct sems_session *run_head, *run_tail;
static unsigned queued;            /* sessions in the run queue */
static bool stopping;
static unsigned min_workers, max_workers;
static unsigned total, idle;       /* workers alive, workers waiting */
static bool cap_logged;

static void *worker_main(void *arg);

/* Under run_lock.  A failure is logged; the queue is served anyway by
 * the workers there are. */
static void worker_spawn_locked(void)
{
	pthread_attr_t attr;
	pthread_t tid;
	int err;

	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	err = pthread_create(&tid, &attr, worker_main, NULL);
	pthread_attr_destroy(&attr);
	if (err) {
		SEMS_ERROR("cannot start a session worker: %s", strerror(err));
		return;
	}
	total++;
}

void worker_pool_schedule(struct sems_session *s)
{
	pthread_mutex_lock(&run_lock);
	s->run_next = NULL;
	if (run_tail)
		run_tail->run_next = s;
	else
		run_head = s;
	run_tail = s;
	queued++;
	if (idle >= queued)
		pthread_cond_signal(&run_cond);
	else if (total < max_workers && !stopping)
		worker_spawn_locked();
	else
		pthread_cond_signal(&run_cond);
	pthread_mutex_unlock(&run_lock);
}

static void deadline_after(struct timespec *t, unsigned ms)
{
	clock_gettime(CLOCK_REALTIME, t);
	t->tv_sec += ms / 1000;
	t->tv_nsec += (long)(ms % 1000) * 1000000;
	if (t->tv_nsec >= 1000000000) {
		t->tv_nsec -= 1000000000;
		t->tv_sec++;
	}
}

/* NULL: this worker should exit (stopping and drained, or an idle extra). */
static struct sems_session *run_queue_take(void)
{
	struct sems_session *s;
	struct timespec until;

	pthread_mutex_lock(&run_lock);
	deadline_after(&until, WORKER_IDLE_MS);
	while (!run_head && !stopping) {
		idle++;
		int err = pthread_cond_timedwait(&run_cond, &run_lock, &until);
		idle--;
		if (err == ETIMEDOUT && !run_head && total > min_workers)
			break;
		if (err == ETIMEDOUT)
			deadline_after(&until, WORKER_IDLE_MS);
	}
	s = run_head;
	if (s) {
		run_head = s->run_next;
		if (!run_head)
			run_tail = NULL;
		queued--;
	} else {
		total--;
		pthread_cond_broadcast(&exit_cond);
	}
	pthread_mutex_unlock(&run_lock);
	return s;
}

static uint64_t mono_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000 + (uint64_t)t.tv_nsec / 1000000;
}

void worker_pool_handler_begin(struct sems_session *s, int type)
{
	struct worker_slot *w = my_slot;
	if (!w)
		return;
	pthread_mutex_lock(&slot_lock);
	w->s = s;     /* the worker holds a reference while it runs s */
	w->type = type;
	w->since_ms = mono_ms();
	w->warned = false;
	pthread_mutex_unlock(&slot_lock);
}

void worker_pool_handler_end(void)
{
	struct worker_slot *w = my_slot;
	if (!w)
		return;
	pthread_mutex_lock(&slot_lock);
	if (w->warned && w->s)
		SEMS_INFO("session %s (call %s): the long handler returned after "
			  "%llu ms", w->s->local_tag, w->s->dlg.callid,
			  (unsigned long long)(mono_ms() - w->since_ms));
	w->s = NULL;
	pthread_mutex_unlock(&slot_lock);
}

static void slot_add(struct worker_slot *w)
{
	pthread_mutex_lock(&slot_lock);
	w->next = slots;
	slots = w;
	pthread_mutex_unlock(&slot_lock);
}

static void slot_remove(struct worker_slot *w)
{
	pthread_mutex_lock(&slot_lock);
	for (struct worker_slot **pp = &slots; *pp; pp = &(*pp)->next)
		if (*pp == w) {
			*pp = w->next;
			break;
		}
	pthread_mutex_unlock(&slot_lock);
}

static const char *event_name(int type)
{
	static const char *const names[] = {
		"INVITE", "ACK", "BYE", "CANCEL", "SIP request", "SIP reply",
		"audio queue empty", "RTP timeout", "shutdown", "DTMF", "timer",
		"audio cleared", "record done", "message", "SIGUSR1", "SIGUSR2",
		"session start", "B2B other reply", "B2B other BYE",
	};
	if (type == SEMS_HANDLER_CREATE)
		return "session creation";
	if (type >= 0 && (size_t)type < sizeof(names) / sizeof(names[0]))
		return names[type];
	return "event";
}

/* Under slot_lock. */
static void slot_check(struct worker_slot *w, uint64_t now, unsigned warn_ms)
{
	struct sems_session *s = w->s;
	uint64_t ran = now - w->since_ms;

	if (!s)
		return;
	if (warn_ms && ran >= warn_ms && !w->warned) {
		const char *what = atomic_load(&s->activity);
		w->warned = true;
		SEMS_WARN("handler %s of '%s' (%s event) has run for %llu ms "
			  "(handler_warn_time=%u s): call-id %s, session %s",
			  what ? what : "?", s->app ? s->app->name : "?",
			  event_name(w->type), (unsigned long long)ran,
			  warn_ms / 1000, s->dlg.callid, s->local_tag);
	}
	if (ran >= ABANDON_MS && atomic_load(&s->dialog_over))
		session_abandon(s);    /* once per session */
}

static void *monitor_main(void *arg)
{
	struct timespec until;
	(void)arg;

	pthread_mutex_lock(&monitor_lock);
	while (!monitor_stop) {
		deadline_after(&until, WORKER_MONITOR_MS);
		pthread_cond_timedwait(&monitor_cond, &monitor_lock, &until);
		if (monitor_stop)
			break;
		unsigned warn_ms = core_cfg.handler_warn_time * 1000;
		uint64_t now = mono_ms();
		pthread_mutex_lock(&slot_lock);
		for (struct worker_slot *w = slots; w; w = w->next)
			slot_check(w, now, warn_ms);
		pthread_mutex_unlock(&slot_lock);
	}
	pthread_mutex_unlock(&monitor_lock);
	return NULL;
}

unsigned worker_pool_left_behind(void)
{
	pthread_mutex_lock(&run_lock);
	unsigned n = left_behind;
	pthread_mutex_unlock(&run_lock);
	return n;
}

static void *worker_main(void *arg)
{
	struct sems_session *s;
	struct worker_slot slot = { 0 };
	(void)arg;
	my_slot = &slot;
	slot_add(&slot);
	/* Scripts yield the CPU to the media threads: a late RTP packet is
	 * heard, a handler finishing a few ms later is not.  (Linux: nice is
	 * per thread.) */
	if (setpriority(PRIO_PROCESS, (id_t)gettid(), WORKER_NICE))
		SEMS_DBG("cannot lower worker priority: %s", strerror(errno));
	/* drains what is queued even while stopping, so no session leaks */
	while ((s = run_queue_take())) {
		session_run(s);
		session_deref(s);
	}
	slot_remove(&slot);
	my_slot = NULL;
	return NULL;
}

bool worker_pool_saturated(void)
{
	bool full;

	pthread_mutex_lock(&run_lock);
	full = total >= max_workers && idle == 0 && queued > 0;
	if (full && !cap_logged)
		SEMS_WARN("all %u session workers are busy and %u sessions wait "
			  "(session_processor_threads_max): refusing new calls",
			  total, queued);
	cap_logged = full;
	pthread_mutex_unlock(&run_lock);
	return full;
}

void worker_pool_stats(unsigned *workers, unsigned *busy)
{
	pthread_mutex_lock(&run_lock);
	*workers = total;
	*busy = total - idle;
	pthread_mutex_unlock(&run_lock);
}

int worker_pool_start(unsigned nmin, unsigned nmax)
{
	pthread_mutex_lock(&run_lock);
	min_workers = nmin ? nmin : 1;
	max_workers = nmax < min_workers ? min_workers : nmax;
	stopping = false;
	left_behind = 0;
	pthread_mutex_lock(&monitor_lock);
	if (!monitor_running) {
		monitor_stop = false;
		monitor_running = !pthread_create(&monitor_tid, NULL,
						  monitor_main, NULL);
		if (!monitor_running)
			SEMS_WARN("cannot start the handler monitor: long "
				  "handlers are not reported");
	}
	pthread_mutex_unlock(&monitor_lock);
	while (total < min_workers) {
		unsigned before = total;

		worker_spawn_locked();
		if (total == before) {
			pthread_mutex_unlock(&run_lock);
			worker_pool_stop();
			return EAGAIN;
		}
	}
	pthread_mutex_unlock(&run_lock);
	return 0;
}

void worker_pool_stop(void)
{
	struct timespec until;
	int err = 0;

	pthread_mutex_lock(&run_lock);
	stopping = true;
	pthread_cond_broadcast(&run_cond);
	deadline_after(&until, WORKER_STOP_MS);
	while (total > 0 && err != ETIMEDOUT)
		err = pthread_cond_timedwait(&exit_cond, &run_lock, &until);
	if (total > 0) {
		/* stuck in handlers: they keep `stopping` and exit if they
		 * ever return; nothing waits for them */
		left_behind = total;
		SEMS_WARN("%u session workers still run a handler after %u ms: "
			  "not waiting for them", total, (unsigned)WORKER_STOP_MS);
	} else {
		stopping = false;
	}
	pthread_mutex_unlock(&run_lock);

	pthread_mutex_lock(&monitor_lock);
	bool join = monitor_running;
	monitor_stop = true;
	monitor_running = false;
	pthread_cond_broadcast(&monitor_cond);
	pthread_mutex_unlock(&monitor_lock);
	if (join)
		pthread_join(monitor_tid, NULL);
}
