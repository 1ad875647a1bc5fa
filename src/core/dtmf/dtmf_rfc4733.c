/* dtmf_rfc4733.c: key presses from RTP telephone-event packets.
 *
 * A sender repeats each event's packets (start, updates with a growing
 * duration, usually three end packets with the E bit), all with the RTP
 * timestamp of the event's start; that timestamp is the event's identity.
 * Packets of the current event update it; packets of an event reported
 * lately (the last eight timestamps) are late copies or end retransmissions
 * and are dropped; any other timestamp starts the next event, ending the
 * current one if its end was lost.  "Other", not "newer": a sender whose
 * timestamps restart lower (new SSRC, re-INVITE, a replayed capture) is
 * still heard.  Each event is reported exactly once: at its first end
 * packet, when the next event starts, or when its packets stop
 * (dtmf_rfc4733_poll).
 */
#include "dtmf/dtmf.h"

enum { EVENT_KEY_MAX = 15 };   /* events 0-15 are the keys, SEMS's order */

struct event_pkt {
	int key;
	bool end;
	unsigned duration;
};

void dtmf_rfc4733_init(struct dtmf_rfc4733 *d, unsigned clock_rate,
		       dtmf_press_fn *press, void *arg)
{
	*d = (struct dtmf_rfc4733){
		.press = press,
		.arg = arg,
		.clock_rate = clock_rate ? clock_rate : 8000,
	};
}

static bool parse_packet(const uint8_t *p, size_t len, struct event_pkt *ev)
{
	if (!p || len < 4 || p[0] > EVENT_KEY_MAX)
		return false;
	ev->key = p[0];
	ev->end = (p[1] & 0x80) != 0;
	ev->duration = (unsigned)p[2] << 8 | p[3];
	return true;
}

static bool recently_reported(const struct dtmf_rfc4733 *d, uint32_t ts)
{
	for (unsigned i = 0; i < d->recent_n; i++)
		if (d->recent[i] == ts)
			return true;
	return false;
}

static void report(struct dtmf_rfc4733 *d)
{
	unsigned ms = (unsigned)((uint64_t)d->duration * 1000 / d->clock_rate);
	unsigned cap = sizeof(d->recent) / sizeof(d->recent[0]);

	d->active = false;
	d->reported = true;
	d->recent[d->recent_next] = d->ts;
	d->recent_next = (d->recent_next + 1) % cap;
	if (d->recent_n < cap)
		d->recent_n++;
	if (d->press)
		d->press(d->arg, d->key, ms);
}

static void start_event(struct dtmf_rfc4733 *d, uint32_t ts,
			const struct event_pkt *ev, uint64_t now_ms)
{
	d->active = true;
	d->reported = false;
	d->ts = ts;
	d->key = ev->key;
	d->duration = ev->duration;
	d->last_ms = now_ms;
}

static void update_event(struct dtmf_rfc4733 *d, const struct event_pkt *ev,
			 uint64_t now_ms)
{
	if (ev->duration > d->duration)    /* end packets may carry 0 */
		d->duration = ev->duration;
	d->last_ms = now_ms;
}

void dtmf_rfc4733_packet(struct dtmf_rfc4733 *d, uint32_t rtp_ts,
			 const uint8_t *payload, size_t len, uint64_t now_ms)
{
	struct event_pkt ev;

	if (!d || !parse_packet(payload, len, &ev))
		return;
	if (d->active && rtp_ts == d->ts)
		update_event(d, &ev, now_ms);
	else if (recently_reported(d, rtp_ts))
		return;   /* late, duplicate or end retransmission */
	else {
		if (d->active)
			report(d);   /* its end was lost */
		start_event(d, rtp_ts, &ev, now_ms);
	}
	if (ev.end)
		report(d);
}

void dtmf_rfc4733_poll(struct dtmf_rfc4733 *d, uint64_t now_ms)
{
	if (d && d->active && now_ms >= d->last_ms + DTMF_LOST_END_MS)
		report(d);
}
