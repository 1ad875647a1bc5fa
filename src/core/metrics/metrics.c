/* metrics.c: the counter table and the Prometheus text format. */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <re.h>
#include <sems/log.h>
#include <sems/metrics.h>
#include "metrics/metrics.h"
#include "session/session_internal.h"
#include "session/worker_pool.h"

struct sems_metrics metrics;

const unsigned metrics_tick_bounds_us[METRICS_TICK_BUCKETS - 1] = {
	250, 500, 1000, 2000, 5000, 10000, 20000, 50000,
};

#define APP_STATS_MAX 512
static struct app_stats app_table[APP_STATS_MAX];
static atomic_uint app_count;
static pthread_mutex_t app_lock = PTHREAD_MUTEX_INITIALIZER;

struct app_stats *metrics_app(const char *name)
{
	struct app_stats *st = NULL;
	unsigned n;

	if (!name)
		return NULL;
	pthread_mutex_lock(&app_lock);
	n = atomic_load(&app_count);
	for (unsigned i = 0; i < n; i++)
		if (!strcmp(app_table[i].name, name)) {
			st = &app_table[i];
			break;
		}
	if (!st && n < APP_STATS_MAX) {
		st = &app_table[n];
		snprintf(st->name, sizeof(st->name), "%s", name);
		atomic_store(&app_count, n + 1);   /* readers see a full entry */
	}
	pthread_mutex_unlock(&app_lock);
	return st;
}

void metrics_tick_lateness(uint64_t late_us)
{
	unsigned b = 0;

	while (b < METRICS_TICK_BUCKETS - 1 && late_us > metrics_tick_bounds_us[b])
		b++;
	metric_add(&metrics.tick_bucket[b], 1);
	metric_add(&metrics.tick_sum_us, late_us);
	metric_add(&metrics.tick_count, 1);
}

void server_set_draining(bool on)
{
	bool was = atomic_exchange(&metrics.draining, on);
	if (was != on)
		SEMS_INFO("%s: %u sessions live", on ?
			  "draining: new calls and OPTIONS get 503" :
			  "drain over: accepting calls again", session_count());
}

void sems_metric_script_exception(const char *app_name)
{
	struct app_stats *st = metrics_app(app_name);
	if (st)
		metric_add(&st->exceptions, 1);
}

/* libre's printf has no %g: the C library formats. */
static int put(struct mbuf *mb, const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(line))
		return EOVERFLOW;
	return mbuf_write_mem(mb, (const uint8_t *)line, (size_t)n);
}

static int head(struct mbuf *mb, const char *name, const char *type,
		const char *help)
{
	return put(mb, "# HELP %s %s\n# TYPE %s %s\n", name, help,
			   name, type);
}

/* Application names are [A-Za-z0-9_-]: no label escaping needed. */
static int render_apps(struct mbuf *mb)
{
	unsigned n = atomic_load(&app_count);
	int err = head(mb, "sems_calls_active", "gauge",
		       "Live calls (sessions) by application.");
	for (unsigned i = 0; i < n; i++)
		err |= put(mb, "sems_calls_active{application=\"%s\"} %d\n",
				   app_table[i].name,
				   atomic_load(&app_table[i].calls_active));
	err |= head(mb, "sems_calls_total", "counter",
		    "Calls (sessions) started, by application.");
	for (unsigned i = 0; i < n; i++)
		err |= put(mb, "sems_calls_total{application=\"%s\"} %llu\n",
				   app_table[i].name, (unsigned long long)
				   metric_get(&app_table[i].calls_total));
	err |= head(mb, "sems_script_exceptions_total", "counter",
		    "Exceptions raised by script handlers, by application.");
	for (unsigned i = 0; i < n; i++)
		err |= put(mb, "sems_script_exceptions_total{application="
				   "\"%s\"} %llu\n", app_table[i].name,
				   (unsigned long long)
				   metric_get(&app_table[i].exceptions));
	return err;
}

static int render_counter(struct mbuf *mb, const char *name, const char *help,
			  metric_t *c)
{
	return head(mb, name, "counter", help) |
		put(mb, "%s %llu\n", name,
			    (unsigned long long)metric_get(c));
}

static int render_gauge(struct mbuf *mb, const char *name, const char *help,
			double v)
{
	return head(mb, name, "gauge", help) |
		put(mb, "%s %g\n", name, v);
}

static int render_ticks(struct mbuf *mb)
{
	uint64_t cum = 0;
	int err = head(mb, "sems_media_tick_lateness_seconds", "histogram",
		       "How late media threads start their 20 ms tick.");
	for (unsigned b = 0; b < METRICS_TICK_BUCKETS; b++) {
		cum += metric_get(&metrics.tick_bucket[b]);
		if (b < METRICS_TICK_BUCKETS - 1)
			err |= put(mb, "sems_media_tick_lateness_seconds_"
					   "bucket{le=\"%g\"} %llu\n",
					   metrics_tick_bounds_us[b] / 1e6,
					   (unsigned long long)cum);
		else
			err |= put(mb, "sems_media_tick_lateness_seconds_"
					   "bucket{le=\"+Inf\"} %llu\n",
					   (unsigned long long)cum);
	}
	err |= put(mb, "sems_media_tick_lateness_seconds_sum %g\n",
			   metric_get(&metrics.tick_sum_us) / 1e6);
	err |= put(mb, "sems_media_tick_lateness_seconds_count %llu\n",
			   (unsigned long long)cum);
	return err;
}

static double setups_rate(void)
{
	static uint64_t last_total, last_ms;
	static double rate;
	uint64_t now = tmr_jiffies(), total = metric_get(&metrics.session_setups);

	/* scrapes come from the signalling thread only */
	if (!last_ms) {
		last_ms = now;
		last_total = total;
		return 0;
	}
	if (now - last_ms >= 1000) {
		rate = (double)(total - last_total) * 1000.0 / (double)(now - last_ms);
		last_ms = now;
		last_total = total;
	}
	return rate;
}

int metrics_render(struct mbuf *mb)
{
	unsigned workers = 0, busy = 0;
	int err = render_apps(mb);

	err |= head(mb, "sems_invite_replies_total", "counter",
		    "Final replies to INVITEs, by status code.");
	for (unsigned c = 200; c < 700; c++) {
		uint64_t n = metric_get(&metrics.invite_replies[c]);
		if (n)
			err |= put(mb, "sems_invite_replies_total{code=\"%u\"} "
					   "%llu\n", c, (unsigned long long)n);
	}
	err |= render_counter(mb, "sems_session_setups_total",
			      "Sessions set up (calls in and out).",
			      &metrics.session_setups);
	err |= render_gauge(mb, "sems_session_setups_per_second",
			    "Session set-ups per second, between the last two "
			    "scrapes at least 1 s apart.", setups_rate());
	err |= render_gauge(mb, "sems_sessions", "Session objects alive.",
			    session_count());
	err |= render_counter(mb, "sems_rtp_packets_sent_total",
			      "RTP packets sent.", &metrics.rtp_tx);
	err |= render_counter(mb, "sems_rtp_packets_received_total",
			      "RTP packets received.", &metrics.rtp_rx);
	err |= render_counter(mb, "sems_rtp_packets_lost_total",
			      "RTP packets lost (sequence gaps).",
			      &metrics.rtp_lost);
	err |= render_ticks(mb);
	worker_pool_stats(&workers, &busy);
	err |= render_gauge(mb, "sems_workers", "Session workers running.",
			    workers);
	err |= render_gauge(mb, "sems_workers_busy",
			    "Session workers running a handler.", busy);
	err |= render_counter(mb, "sems_kamailio_rpc_errors_total",
			      "Kamailio JSON-RPC requests that failed or timed out.",
			      &metrics.kamailio_rpc_errors);
	err |= render_counter(mb, "sems_tcp_connections_refused_total",
			      "TCP connections closed at once at the open file limit.",
			      &metrics.tcp_refused);
	err |= render_counter(mb, "sems_script_reloads_total",
			      "Script reloads (SIGHUP).", &metrics.reloads);
	err |= render_gauge(mb, "sems_draining",
			    "1 while draining (new calls get 503).",
			    server_draining() ? 1 : 0);
	return err;
}
