/* dtmf.h: key presses from the three places they come from.
 *
 * Keys are SEMS's codes: 0-9, * = 10, # = 11, A-D = 12-15.  Each detector
 * reports one press per key, with its duration in ms, when the key is
 * released (or known to be over).  All three are plain state machines fed
 * by their caller (a media thread or a session worker) and never block.
 *
 *   dtmf_rfc4733  RTP telephone-event packets (RFC 4733): one press per
 *                 event timestamp, however many packets and end
 *                 retransmissions; a lost end is detected by silence or
 *                 the next event; overlapping keys end the older one.
 *   dtmf_inband   tones in decoded 8 kHz audio (spandsp's detector).
 *   dtmf_info     the body of a SIP INFO: application/dtmf-relay
 *                 ("Signal=5\r\nDuration=160") or application/dtmf ("5").
 */
#ifndef CORE_DTMF_H
#define CORE_DTMF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { DTMF_KEY_MAX = 15 };

/* '0'-'9', '*', '#', 'A'-'D' (either case) -> code; -1 if none. */
int  dtmf_char_to_key(char c);
char dtmf_key_to_char(int key);   /* '?' for an invalid key */

typedef void (dtmf_press_fn)(void *arg, int key, unsigned duration_ms);

/* ---- RFC 4733 ---- */
struct dtmf_rfc4733 {
	dtmf_press_fn *press;
	void *arg;
	unsigned clock_rate;   /* of the telephone-event format, normally 8000 */
	bool active;           /* an event is in progress, not yet reported */
	bool reported;         /* the event of `ts` was reported */
	uint32_t ts;           /* RTP timestamp of the current/last event */
	int key;
	unsigned duration;     /* in clock units, the largest seen */
	uint64_t last_ms;      /* arrival of its last accepted packet */
	uint32_t recent[8];    /* timestamps of the events reported last */
	unsigned recent_n, recent_next;
};

void dtmf_rfc4733_init(struct dtmf_rfc4733 *d, unsigned clock_rate,
		       dtmf_press_fn *press, void *arg);
/* One telephone-event payload (4+ bytes) with its RTP timestamp, received
 * at now_ms.  Malformed payloads are ignored. */
void dtmf_rfc4733_packet(struct dtmf_rfc4733 *d, uint32_t rtp_ts,
			 const uint8_t *payload, size_t len, uint64_t now_ms);
/* Called every tick: an event whose packets stopped for `lost_end_ms`
 * (the end packets were lost) is reported with the duration seen. */
void dtmf_rfc4733_poll(struct dtmf_rfc4733 *d, uint64_t now_ms);
enum { DTMF_LOST_END_MS = 120 };

/* ---- in-band ---- */
struct dtmf_inband;
int  dtmf_inband_alloc(struct dtmf_inband **dp, dtmf_press_fn *press,
		       void *arg);
void dtmf_inband_free(struct dtmf_inband *d);   /* NULL is fine */
/* n samples of 8 kHz audio. */
void dtmf_inband_audio(struct dtmf_inband *d, const int16_t *pcm, size_t n);

/* ---- SIP INFO ---- */
/* Returns true and sets *key, *duration_ms when the body is a DTMF INFO
 * of a known content type (parameters after ';' ignored, any case).
 * A missing Duration gives 250 ms, as SEMS does. */
bool dtmf_info_parse(const char *content_type, const char *body,
		     int *key, unsigned *duration_ms);

#endif
