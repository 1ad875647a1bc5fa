/* worker_pool.h: the fixed pool of session worker threads.
 *
 * Sessions with pending events wait in one run queue; a worker takes a
 * session and drains its events in order, those that arrive meanwhile
 * included.  A session is never in the queue twice, so its events
 * never run in parallel, and no thread is ever dedicated to one call.
 */
#ifndef CORE_WORKER_POOL_H
#define CORE_WORKER_POOL_H

struct sems_session;

int  worker_pool_start(unsigned nthreads);
void worker_pool_stop(void);
/* Queue s to be run (takes a session reference). */
void worker_pool_schedule(struct sems_session *s);

#endif
