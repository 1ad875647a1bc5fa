/* session_timer.h: the timers of a session (setTimer in scripts).
 *
 * The libre timers live on the signalling thread; setting and removing
 * them from a worker crosses over with signalling_call().  A fired timer
 * becomes a SEMS_EV_TIMER event carrying a generation number: the worker
 * delivers it only if that timer was not removed or set again since
 * (session_timer_claim), so a removed timer never fires, even when its
 * event was already queued.
 */
#ifndef CORE_SESSION_TIMER_H
#define CORE_SESSION_TIMER_H

#include <stdbool.h>

struct sems_session;

/* True (and the timer is forgotten) if event (id, gen) is still live. */
bool session_timer_claim(struct sems_session *s, int id, unsigned gen);
/* Signalling thread, when the session ends: every timer is cancelled. */
void session_timers_release(struct sems_session *s);
/* With the session object's memory. */
void session_timers_free(struct sems_session *s);

#endif
