/* worker_pool.h: the elastic pool of session worker threads.
 *
 * Sessions with pending events wait in one run queue; a worker takes a
 * session and drains its events in order, those that arrive meanwhile
 * included.  A session is never in the queue twice, so its events
 * never run in parallel, and no thread is ever dedicated to one call.
 * Between `min` and `max` workers run: more start when sessions wait and
 * none is idle (a script blocked on the network holds its worker), idle
 * extras retire.
 */
#ifndef CORE_WORKER_POOL_H
#define CORE_WORKER_POOL_H

struct sems_session;

#include <stdbool.h>

int  worker_pool_start(unsigned nmin, unsigned nmax);
/* Waits until every worker has drained the queue and exited. */
void worker_pool_stop(void);
/* Every worker busy at the cap and sessions waiting: refuse new calls. */
bool worker_pool_saturated(void);
void worker_pool_stats(unsigned *workers, unsigned *busy);
/* Queue s to be run (takes a session reference). */
void worker_pool_schedule(struct sems_session *s);

#endif
