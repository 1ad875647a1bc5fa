/* signalling.c: hands work from any thread to the signalling thread. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <re.h>
#include <sems/log.h>
#include "signalling.h"

struct signalling_job {
	signalling_fn *fn;
	void *arg;
};

/* job_queue is pushed to from any thread, and closed while a worker left
 * behind in a handler (worker_pool_stop) may still push: under q_lock. */
static struct mqueue *job_queue;
static pthread_mutex_t q_lock = PTHREAD_MUTEX_INITIALIZER;

static void job_run(int id, void *data, void *arg)
{
	struct signalling_job *job = data;
	(void)id;
	(void)arg;
	job->fn(job->arg);
	free(job);
}

int signalling_init(void)
{
	struct mqueue *q = NULL;
	int err = mqueue_alloc(&q, job_run, NULL);

	pthread_mutex_lock(&q_lock);
	job_queue = q;
	pthread_mutex_unlock(&q_lock);
	return err;
}

void signalling_close(void)
{
	pthread_mutex_lock(&q_lock);
	struct mqueue *q = job_queue;
	job_queue = NULL;      /* from now on signalling_call() refuses */
	pthread_mutex_unlock(&q_lock);
	mem_deref(q);
}

int signalling_call(signalling_fn *fn, void *arg)
{
	struct signalling_job *job = malloc(sizeof(*job));
	if (!job)
		return ENOMEM;
	job->fn = fn;
	job->arg = arg;
	pthread_mutex_lock(&q_lock);
	int err = job_queue ? mqueue_push(job_queue, 0, job) : ENOTCONN;
	pthread_mutex_unlock(&q_lock);
	if (err) {
		SEMS_ERROR("signalling: cannot queue a job: %s", strerror(err));
		free(job);
	}
	return err;
}
