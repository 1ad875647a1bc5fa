/* signalling.c: hands work from any thread to the signalling thread. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <re.h>
#include <sems/log.h>
#include "signalling.h"
#include "worker_pool.h"

struct signalling_job {
	signalling_fn *fn;
	void *arg;
};

static struct mqueue *job_queue;

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
	return mqueue_alloc(&job_queue, job_run, NULL);
}

void signalling_close(void)
{
	/* a worker left running a handler may still queue a job: the queue
	 * then stays (the process is about to exit) */
	if (worker_pool_left_behind())
		return;
	job_queue = mem_deref(job_queue);
}

int signalling_call(signalling_fn *fn, void *arg)
{
	struct signalling_job *job = malloc(sizeof(*job));
	if (!job)
		return ENOMEM;
	job->fn = fn;
	job->arg = arg;
	int err = mqueue_push(job_queue, 0, job);
	if (err) {
		SEMS_ERROR("signalling: cannot queue a job: %s", strerror(err));
		free(job);
	}
	return err;
}
