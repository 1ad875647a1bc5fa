/* dtmf_rfc4733.c: key presses from RTP telephone-event packets.
 *
 * A sender repeats each event's packets (start, updates with a growing
 * duration, usually three end packets with the E bit), all with the RTP
 * timestamp of the event's start; that timestamp is the event's identity.
 * We keep only the current (or last) event: packets of it update it,
 * packets with an older timestamp are late and dropped, a newer one
 * starts the next event, ending the current one if its end was lost.
 * Each event is reported exactly once: at its first end packet, when the
 * next event starts, or when its packets stop (dtmf_rfc4733_poll).
 */
#include "dtmf/dtmf.h"

enum {
	EVENT_KEY_MAX = 15,   /* events 0-15 are the keys, in SEMS's order */
	/* After this long without packets the last event is forgotten, so a
	 * sender whose timestamps restart lower (new SSRC, re-INVITE) is not
	 * taken for late packets of it. */
	FORGET_MS = 2000,
};

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

static void report(struct dtmf_rfc4733 *d)
{
	unsigned ms = (unsigned)((uint64_t)d->duration * 1000 / d->clock_rate);

	d->active = false;
	d->reported = true;
	if (d->press)
		d->press(d->arg, d->key, ms);
}

static void start_event(struct dtmf_rfc4733 *d, uint32_t ts,
			const struct event_pkt *ev, uint64_t now_ms)
{
	d->active = true;
	d->reported = false;
	d->have_last = true;
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
	if (d->have_last && !d->active && now_ms >= d->last_ms + FORGET_MS)
		d->have_last = false;
	if (!d->have_last) {
		start_event(d, rtp_ts, &ev, now_ms);
	} else {
		int32_t diff = (int32_t)(rtp_ts - d->ts);

		if (diff < 0 || (diff == 0 && d->reported))
			return;   /* late, duplicate or end retransmission */
		if (diff > 0) {
			if (d->active)
				report(d);   /* its end was lost */
			start_event(d, rtp_ts, &ev, now_ms);
		} else {
			update_event(d, &ev, now_ms);
		}
	}
	if (ev.end)
		report(d);
}

void dtmf_rfc4733_poll(struct dtmf_rfc4733 *d, uint64_t now_ms)
{
	if (d && d->active && now_ms >= d->last_ms + DTMF_LOST_END_MS)
		report(d);
}
