/* listen_tap.h: one call's WebSocket tap, shared by three threads.
 *
 *   session worker    creates it (listen.c), stops it, queues text;
 *   media thread      pushes the caller's audio into `up`, pops the
 *                     server's from `down` (listen_media.c);
 *   signalling thread owns the WebSocket and everything libre, sends
 *                     `up` and fills `down` every 20 ms (listen_ws.c).
 *
 * `up` and `down` are lock-free SPSC rings (audio/audio_ring.h), so the
 * media thread never waits for the other two.  The tap is reference
 * counted (the table of listening sessions, the signalling thread, the
 * stream); whoever drops the last frees only plain memory and the session
 * reference: libre objects are gone by then (signalling thread).
 */
#ifndef CORE_LISTEN_TAP_H
#define CORE_LISTEN_TAP_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
/* not <re.h>: its re_json.h clashes with jansson */
#include <re_types.h>
#include <re_fmt.h>
#include <re_mem.h>
#include <re_mbuf.h>
#include <re_list.h>
#include <re_tmr.h>
#include <samplerate.h>
#include <sems/audio.h>
#include <sems/listen.h>
#include "audio/audio_ring.h"

enum {
	LISTEN_UP_RING = 1 << 15,     /* samples: ~1 s of 16 kHz stereo */
	LISTEN_DOWN_RING = 1 << 13,   /* ~0.5 s at 16 kHz */
};

struct listen_mark {
	struct listen_mark *next;
	size_t pos;                   /* down ring count at which it plays */
	char name[];
};

struct listen_text {
	struct listen_text *next;
	char text[];
};

struct listen_tap {
	atomic_int refs;
	struct sems_session *sess;    /* reference */
	char *url, *start_json;
	unsigned rate, call_rate, channels;
	enum sems_listen_bidir bidir;

	atomic_bool dead;             /* over: the media thread lets go */
	atomic_bool open;             /* the WebSocket is established */
	struct audio_ring up, down;   /* media -> signalling, and back */
	atomic_size_t clear_upto;     /* media: skip `down` up to here */
	int16_t up_buf[LISTEN_UP_RING];
	int16_t down_buf[LISTEN_DOWN_RING];

	/* media thread only */
	bool playing;                 /* jitter buffer: started */
	unsigned waited;              /* ticks with too little buffered */
	bool rate_warned;

	/* signalling thread only */
	struct le le;
	struct websock_conn *conn;
	struct tmr tmr;               /* connect timeout, then deferred end */
	bool ending;
	char reason[128];
	SRC_STATE *src_up, *src_down;
	int16_t *up_out;              /* at `rate`, not yet a whole frame */
	size_t up_out_n;
	int16_t *dq;                  /* the server's audio at call_rate */
	size_t dq_off, dq_n, dq_cap;
	uint8_t odd;                  /* a byte of a sample split by frames */
	bool has_odd;
	int frag;                     /* opcode of a fragmented message */
	struct mbuf *text;            /* a fragmented text message */
	struct listen_mark *marks, **marks_tail;
	struct listen_text *pending, **pending_tail;   /* before open */
	size_t up_dropped, down_dropped;   /* samples, for the log */
	unsigned long frames_sent;
};

struct listen_tap *listen_tap_ref(struct listen_tap *t);
void listen_tap_deref(struct listen_tap *t);

/* listen.c: takes the tap out of the table if `t` is still the session's. */
void listen_table_forget(struct listen_tap *t);

/* listen_ws.c, signalling thread (through signalling_call). */
void listen_ws_open(void *tap);     /* consumes a reference */
void listen_ws_stop(void *tap);     /* consumes a reference */
/* Queues `text` to be sent (takes a reference and copies). */
int  listen_ws_send(struct listen_tap *t, const char *text);

#endif
