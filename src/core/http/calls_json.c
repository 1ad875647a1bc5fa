/* calls_json.c: GET /calls, one JSON object per live call (jansson;
 * kept apart from http_server.c because re.h and jansson.h clash). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <jansson.h>
#include "app_registry.h"
#include "media/rtp_stream.h"
#include "metrics/monitor.h"
#include "session/session_internal.h"

char *calls_json(void);

static const char *const state_names[] = {
	"disconnected", "trying", "proceeding", "cancelling", "early",
	"connected", "disconnecting",
};

static void call_json(struct sems_session *s, void *arg)
{
	json_t *list = arg, *o;
	struct rtp_stream_stats st;
	struct tm tm;
	char start[64];
	unsigned state;

	o = json_object();
	if (!o)
		return;
	pthread_mutex_lock(&s->dlg_lock);
	json_object_set_new(o, "call_id", json_string(s->dlg.callid ?
						      s->dlg.callid : ""));
	json_object_set_new(o, "from", json_string(s->dlg.remote_party ?
						   s->dlg.remote_party : ""));
	json_object_set_new(o, "to", json_string(s->dlg.local_party ?
						 s->dlg.local_party : ""));
	state = (unsigned)s->dlg.status;
	pthread_mutex_unlock(&s->dlg_lock);
	if (s->uac) {      /* we called: From is ours */
		json_t *f = json_incref(json_object_get(o, "from"));
		json_object_set(o, "from", json_object_get(o, "to"));
		json_object_set_new(o, "to", f);
	}
	json_object_set_new(o, "local_tag", json_string(s->local_tag));
	json_object_set_new(o, "application",
			    json_string(s->app ? s->app->name : ""));
	json_object_set_new(o, "direction", json_string(s->uac ? "out" : "in"));
	json_object_set_new(o, "state", json_string(
		state < sizeof(state_names) / sizeof(state_names[0]) ?
		state_names[state] : "unknown"));
	gmtime_r(&s->started.tv_sec, &tm);
	snprintf(start, sizeof(start), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		 tm.tm_min, tm.tm_sec, (int)(s->started.tv_nsec / 1000000) % 1000);
	json_object_set_new(o, "start", json_string(start));
	json_object_set_new(o, "start_epoch", json_real(
		(double)s->started.tv_sec + s->started.tv_nsec / 1e9));
	rtp_stream_stats(s->rtp, &st);
	json_object_set_new(o, "codec", json_string(st.codec));
	json_object_set_new(o, "packets", json_pack("{sIsIsI}",
		"received", (json_int_t)st.rx, "sent", (json_int_t)st.tx,
		"lost", (json_int_t)st.lost));
	json_object_set_new(o, "monitor", monitor_copy(json_string_value(
		json_object_get(o, "call_id"))));
	json_array_append_new(list, o);
}

/* The list as text (free() it), or NULL when out of memory. */
char *calls_json(void)
{
	json_t *list = json_array();
	char *text;

	if (!list)
		return NULL;
	session_foreach(call_json, list);
	text = json_dumps(list, JSON_COMPACT);
	json_decref(list);
	return text;
}
