/* monitor.c: the monitorLog properties of live calls, for GET /calls.
 *
 * A copy of the ivr plug-in's monitor store in plain C (JSON values by
 * Call-ID), so the HTTP handler on the signalling thread never needs the
 * Python GIL.  One lock; touched once per monitorLog call and per scrape.
 */
#include <pthread.h>
#include <string.h>
#include <jansson.h>
#include <sems/metrics.h>
#include "metrics/monitor.h"

#define MONITOR_MAX_CALLS 100000

static pthread_mutex_t mon_lock = PTHREAD_MUTEX_INITIALIZER;
static json_t *store;     /* {callid: {prop: value}} */

void sems_monitor_set(const char *callid, const char *prop, const char *json,
		      bool append)
{
	json_t *v, *rec, *old;

	if (!callid || !prop || !json)
		return;
	v = json_loads(json, JSON_DECODE_ANY, NULL);
	if (!v)
		v = json_string(json);
	if (!v)
		return;
	pthread_mutex_lock(&mon_lock);
	if (!store)
		store = json_object();
	rec = store ? json_object_get(store, callid) : NULL;
	if (!rec && store && json_object_size(store) < MONITOR_MAX_CALLS) {
		rec = json_object();
		if (json_object_set_new(store, callid, rec))
			rec = NULL;
	}
	if (!rec) {
		json_decref(v);
	}
	else if (!append) {
		json_object_set_new(rec, prop, v);
	}
	else {
		old = json_object_get(rec, prop);
		if (!json_is_array(old)) {
			json_t *list = json_array();
			if (old)
				json_array_append(list, old);
			json_object_set_new(rec, prop, list);
			old = list;
		}
		json_array_append_new(old, v);
	}
	pthread_mutex_unlock(&mon_lock);
}

void sems_monitor_forget(const char *callid)
{
	if (!callid)
		return;
	pthread_mutex_lock(&mon_lock);
	if (store)
		json_object_del(store, callid);
	pthread_mutex_unlock(&mon_lock);
}

json_t *monitor_copy(const char *callid)
{
	json_t *r = NULL;

	pthread_mutex_lock(&mon_lock);
	if (store && callid)
		r = json_deep_copy(json_object_get(store, callid));
	pthread_mutex_unlock(&mon_lock);
	return r ? r : json_object();
}
