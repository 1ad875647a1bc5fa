/* metrics.h: the server's counters and gauges (GET /metrics).
 *
 * Counters are relaxed atomics bumped where things happen: no lock on
 * the media path (one atomic add per RTP packet and per tick).  Per
 * application counters live in a small table that is only ever
 * appended to, so a `struct app_stats *` stays valid for the life of the
 * process (a reloaded script keeps its counters).
 */
#ifndef CORE_METRICS_METRICS_H
#define CORE_METRICS_METRICS_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef atomic_uint_fast64_t metric_t;

static inline void metric_add(metric_t *c, uint64_t n)
{
	atomic_fetch_add_explicit(c, n, memory_order_relaxed);
}

static inline uint64_t metric_get(metric_t *c)
{
	return atomic_load_explicit(c, memory_order_relaxed);
}

struct app_stats {
	char name[65];
	metric_t calls_total;
	metric_t exceptions;
	atomic_int calls_active;
};

/* Media tick lateness buckets (microseconds, upper bounds; +Inf last). */
#define METRICS_TICK_BUCKETS 9
extern const unsigned metrics_tick_bounds_us[METRICS_TICK_BUCKETS - 1];

struct sems_metrics {
	metric_t invite_replies[700];      /* by final status code */
	metric_t session_setups;           /* sessions created */
	metric_t rtp_tx, rtp_rx, rtp_lost;
	metric_t kamailio_rpc_errors;
	metric_t tcp_refused;              /* at the fd limit: fd_limit.c */
	metric_t tick_bucket[METRICS_TICK_BUCKETS];
	metric_t tick_sum_us, tick_count;
	metric_t reloads;                  /* SIGHUPs handled */
	atomic_bool draining;
};

extern struct sems_metrics metrics;

/* The counters of application `name` (created on first use; NULL only
 * when the table is full, then the counts are dropped). */
struct app_stats *metrics_app(const char *name);

/* A final reply to an INVITE (any front, any code >= 200). */
static inline void metrics_invite_reply(unsigned code)
{
	if (code >= 200 && code < 700)
		metric_add(&metrics.invite_replies[code], 1);
}

void metrics_tick_lateness(uint64_t late_us);

/* Per RTP stream counters, media thread writes, anyone reads. */
struct rtp_counters {
	metric_t rx, tx, lost;
	uint16_t max_seq;          /* media thread only */
	bool seq_seen;
};

/* A valid RTP packet with sequence number seq arrived. */
static inline void rtp_counters_rx(struct rtp_counters *c, uint16_t seq)
{
	metric_add(&c->rx, 1);
	metric_add(&metrics.rtp_rx, 1);
	if (!c->seq_seen) {
		c->seq_seen = true;
		c->max_seq = seq;
		return;
	}
	uint16_t delta = (uint16_t)(seq - c->max_seq);
	if (delta == 0 || delta >= 0x8000)
		return;             /* duplicate or late: not counted again */
	if (delta > 1 && delta < 3000) {
		metric_add(&c->lost, delta - 1u);
		metric_add(&metrics.rtp_lost, delta - 1u);
	}
	c->max_seq = seq;
}

static inline void rtp_counters_tx(struct rtp_counters *c)
{
	metric_add(&c->tx, 1);
	metric_add(&metrics.rtp_tx, 1);
}

/* Draining: new INVITEs and OPTIONS get 503, live calls go on. */
static inline bool server_draining(void)
{
	return atomic_load_explicit(&metrics.draining, memory_order_relaxed);
}
void server_set_draining(bool on);

struct mbuf;
/* The Prometheus text exposition of every metric into mb. */
int metrics_render(struct mbuf *mb);

#endif
