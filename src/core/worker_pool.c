/* worker_pool.c: session worker threads draining per-session event queues.
 *
 * The run queue holds sessions, not events: a session is queued when its
 * first pending event arrives (session_events.c sets `scheduled`) and a
 * worker runs all its events before taking the next session.
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sems/log.h>
#include "session_internal.h"
#include "worker_pool.h"

void session_run(struct sems_session *s);   /* session_events.c */

#define WORKER_NICE 5

static pthread_mutex_t run_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t run_cond = PTHREAD_COND_INITIALIZER;
static struct sems_session *run_head, *run_tail;
static bool stopping;
static pthread_t *workers;
static unsigned worker_count;

void worker_pool_schedule(struct sems_session *s)
{
	pthread_mutex_lock(&run_lock);
	s->run_next = NULL;
	if (run_tail)
		run_tail->run_next = s;
	else
		run_head = s;
	run_tail = s;
	pthread_cond_signal(&run_cond);
	pthread_mutex_unlock(&run_lock);
}

static struct sems_session *run_queue_take(void)
{
	pthread_mutex_lock(&run_lock);
	while (!run_head && !stopping)
		pthread_cond_wait(&run_cond, &run_lock);
	struct sems_session *s = run_head;
	if (s) {
		run_head = s->run_next;
		if (!run_head)
			run_tail = NULL;
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

int worker_pool_start(unsigned nthreads)
{
	workers = calloc(nthreads, sizeof(*workers));
	if (!workers)
		return ENOMEM;
	for (worker_count = 0; worker_count < nthreads; worker_count++) {
		int err = pthread_create(&workers[worker_count], NULL, worker_main, NULL);
		if (err) {
			SEMS_ERROR("cannot start session worker: %s", strerror(err));
			worker_pool_stop();
			return err;
		}
	}
	return 0;
}

void worker_pool_stop(void)
{
	pthread_mutex_lock(&run_lock);
	stopping = true;
	pthread_cond_broadcast(&run_cond);
	pthread_mutex_unlock(&run_lock);
	for (unsigned i = 0; i < worker_count; i++)
		pthread_join(workers[i], NULL);
	free(workers);
	workers = NULL;
	worker_count = 0;
	stopping = false;
}
