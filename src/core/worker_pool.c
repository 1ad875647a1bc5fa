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
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sems/log.h>
#include "session_internal.h"
#include "worker_pool.h"

void session_run(struct sems_session *s);   /* session_events.c */

enum { WORKER_NICE = 5, WORKER_IDLE_MS = 10000 };

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

static void *worker_main(void *arg)
{
	struct sems_session *s;
	(void)arg;
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
	pthread_mutex_lock(&run_lock);
	stopping = true;
	pthread_cond_broadcast(&run_cond);
	while (total > 0)
		pthread_cond_wait(&exit_cond, &run_lock);
	stopping = false;
	pthread_mutex_unlock(&run_lock);
}
