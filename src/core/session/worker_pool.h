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
/* Waits until every worker has drained the queue and exited, but at most
 * WORKER_STOP_MS: workers still running a handler then are left behind
 * (they are detached; the process exits without them). */
void worker_pool_stop(void);
/* Every worker busy at the cap and sessions waiting: refuse new calls. */
bool worker_pool_saturated(void);
void worker_pool_stats(unsigned *workers, unsigned *busy);
/* Queue s to be run (takes a session reference). */
void worker_pool_schedule(struct sems_session *s);

/* The worker running this thread starts / ends calling the application
 * for s (an event type, or SEMS_HANDLER_CREATE).  A monitor thread looks
 * every WORKER_MONITOR_MS: a handler running longer than handler_warn_time
 * (sems.conf; 0: never) is logged once, with the application (script),
 * the handler (sems_session_set_activity) and the Call-ID; one still
 * running ABANDON_MS after its dialog ended has its session abandoned
 * (session_abandon).  No-ops outside a pool worker. */
#define SEMS_HANDLER_CREATE (-2)
void worker_pool_handler_begin(struct sems_session *s, int type);
void worker_pool_handler_end(void);
/* Workers worker_pool_stop() did not wait for (stuck in a handler). */
unsigned worker_pool_left_behind(void);

#endif
