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
	/* Optional: the application was unregistered or replaced and its
	 * last session is gone: `arg` of the registration may be freed.  Any
	 * thread (a media thread too): only hand it to a thread of your own. */
	void (*app_free)(void *arg);
};

#define SEMS_APP_NAME_MAX 64

bool sems_app_name_valid(const char *name);

/* Returns 0, EINVAL for an invalid name, EEXIST if taken, ENOMEM. */
int sems_app_register(const char *name, const struct sems_app_ops *ops,
		      void *arg);

/* Registers name, or replaces what it runs: new calls get the new ops and
 * arg, calls already running keep the old ones until they end (then the
 * old registration's app_free runs).  0, EINVAL, ENOMEM. */
int sems_app_replace(const char *name, const struct sems_app_ops *ops,
		     void *arg);
/* New calls to name get 404; running ones go on.  0, EINVAL, ENOENT. */
int sems_app_unregister(const char *name);

#endif
