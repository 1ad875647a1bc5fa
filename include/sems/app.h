/* app.h: registering applications (what a call is routed to).
 *
 * A plug-in registers one or more named applications at init time.  When a
 * call is routed to NAME the core creates a session and calls
 * `session_new(arg, session)` on a session worker thread; from then on it
 * delivers that session's events, one at a time and in order, to
 * `session_event`, and finally calls `session_free` exactly once.  All three
 * run on session worker threads, never on the signalling or media threads.
 *
 * Names are 1-64 characters of [A-Za-z0-9_-] (sems_app_name_valid), so a
 * name taken from a request can never reach the file system.
 */
#ifndef SEMS_APP_H
#define SEMS_APP_H

#include <stdbool.h>

struct sems_session;
struct sems_event;

struct sems_app_ops {
	/* Returns 0 and sets *statep, or an errno value: the call then gets
	 * 500 and the session ends without session_free. */
	int (*session_new)(void *arg, struct sems_session *s, void **statep);
	void (*session_event)(void *state, struct sems_session *s,
			      const struct sems_event *ev);
	void (*session_free)(void *state);
};

#define SEMS_APP_NAME_MAX 64

bool sems_app_name_valid(const char *name);

/* Returns 0, EINVAL for an invalid name, EEXIST if taken, ENOMEM. */
int sems_app_register(const char *name, const struct sems_app_ops *ops,
		      void *arg);

#endif
