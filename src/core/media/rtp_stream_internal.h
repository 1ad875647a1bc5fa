/* rtp_stream_internal.h: the stream object shared by rtp_stream.c,
 * playlist.c, media_thread.c and media_rx.c/media_tx.c (not for other
 * subsystems). */
#ifndef CORE_RTP_STREAM_INTERNAL_H
#define CORE_RTP_STREAM_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sems/audio.h>
#include <sems/session.h>
#include "dtmf/dtmf.h"
#include "metrics/metrics.h"

enum {
	RTP_FRAME_MS = 20,
	RTP_FRAME_MAX = SEMS_AUDIO_RATE_MAX / 50,   /* samples in 20 ms */
	RTP_RX_FIFO = RTP_FRAME_MAX * 8,            /* decoded, not yet used */
	DTMF_TX_QUEUE = 64,
};

struct codec;
struct codec_state;
struct jbuf;
struct media_bridge;
struct listen_tap;

struct playlist_entry {
	struct playlist_entry *next;
	struct sems_audio *play, *record;     /* references, or NULL */
};

struct playlist {
	struct playlist_entry *head, *tail;
};

/* Receive side, media thread only. */
struct media_rx {
	struct jbuf *jb;                 /* reorders audio packets by seq */
	struct dtmf_rfc4733 rfc4733;
	struct dtmf_inband *inband;      /* NULL until needed */
	bool rfc4733_seen;               /* then no in-band detection */
	bool inband_on;                  /* dtmf_inband allows it here */
	bool audio_seen;                 /* an audio packet was decoded */
	/* media_thread.c: a socket idle for a while is parked in the
	 * thread's epoll set and read only once that reports it */
	bool watched;                    /* in the epoll set */
	bool parked;                     /* armed there (one-shot), not read */
	bool ready;                      /* reported readable this tick */
	unsigned empty_reads;            /* reads in a row that found nothing */
	int16_t fifo[RTP_RX_FIFO];       /* decoded samples */
	size_t fifo_n;
	unsigned concealed;              /* frames concealed in a row */
	/* a source other than the confirmed one (media_rx.c, source_ok) */
	struct sockaddr_storage cand;
	socklen_t cand_len;
	unsigned cand_run;               /* its packets in a row */
	uint64_t src_last_ms;            /* last packet from the confirmed source */
};

/* Outgoing RFC 4733 (sendDtmf), media thread once queued. */
struct media_dtmf_tx {
	char queue[DTMF_TX_QUEUE];       /* under the stream lock */
	unsigned duration_ms;            /* under the stream lock */
	int key;                         /* -1: none playing */
	unsigned ticks_left;             /* ticks of the current key */
	unsigned ticks_sent, pause_ticks;
	uint32_t ts;                     /* timestamp of the event */
	bool active;                     /* event packets are going out */
};

struct rtp_stream {
	atomic_int refs;          /* the owner's, and the media thread's */
	struct sems_session *sess;  /* referenced while on a media thread */
	int fd;
	uint16_t port;
	atomic_bool started, detached;
	atomic_bool close_requested;  /* rtp_stream_close(): socket goes now */
	atomic_bool fd_closed;        /* closed once, before the last deref */
	atomic_bool muted, receiving, dtmf_receiving, dtmf_detection,
		    connected;
	atomic_bool held;         /* the peer put us on hold: send nothing */
	atomic_bool end_to_end;   /* B2BUA b2b_media=reinvite: idle */

	pthread_mutex_t lock;     /* everything below up to "media thread" */
	struct playlist pl;
	const struct codec *codec;    /* NULL until negotiated */
	int pt, telev_pt;             /* -1 until negotiated */
	int telev_clock;              /* 0 without telephone-event */
	struct sockaddr_storage remote;
	socklen_t remote_len;     /* 0: nowhere to send yet */
	bool remote_learned;      /* the source is confirmed (media_rx.c) */
	struct sockaddr_storage sdp_remote;   /* as the last SDP said */
	socklen_t sdp_remote_len;
	bool params_changed;      /* the media thread must pick them up */
	struct media_dtmf_tx dtmf_tx;
	struct media_bridge *bridge_pending;  /* media_bridge.c */
	bool bridge_changed;
	struct listen_tap *listen_pending;    /* listen/listen_media.c */
	atomic_bool listen_changed;           /* read without the lock */

	/* media thread only */
	struct media_bridge *bridge;  /* B2BUA: audio from/to a peer stream */
	struct listen_tap *listen;    /* startListen: audio to a WebSocket */
	struct rtp_stream *next;
	const struct codec *cur_codec;
	struct codec_state *cs;
	unsigned rate;            /* PCM rate of cur_codec */
	uint16_t seq;
	uint32_t ts, ssrc;
	bool marker;
	uint64_t last_rx_ms;
	atomic_uint_least64_t rx_foreign;  /* RTP from other sources, dropped */
	bool timeout_posted;
	struct media_rx rx;
	struct rtp_counters counters;   /* metrics: media thread writes */
};

/* How streams reach their session: the core's session functions, which
 * unit tests may replace. */
struct rtp_session_ops {
	struct sems_session *(*ref)(struct sems_session *s);
	void (*deref)(struct sems_session *s);
	int  (*post)(struct sems_session *s, enum sems_event_type type);
	int  (*post_dtmf)(struct sems_session *s, int key, unsigned ms);
};
extern const struct rtp_session_ops *rtp_session_ops;

/* rtp_stream.c */
struct rtp_stream *rtp_stream_ref(struct rtp_stream *rs);
void rtp_stream_deref(struct rtp_stream *rs);
void rtp_ports_set_range(unsigned low, unsigned high);

/* media_thread.c: hands a started stream to the least loaded thread;
 * false when the media threads are not running. */
bool media_attach(struct rtp_stream *rs);
void media_post(struct rtp_stream *rs, enum sems_event_type type);

/* media_rx.c: drains the socket (when `read`; returns the packets read)
 * and produces this tick's caller audio
 * (n samples at rs->rate, silence when nothing came); false when
 * receiving is off and nothing should be processed. */
void media_rx_init(struct rtp_stream *rs);
void media_rx_free(struct rtp_stream *rs);
/* The telephone-event clock of the negotiated format (8000, 48000); 0:
 * none negotiated. */
void media_rx_set_telev_clock(struct rtp_stream *rs, unsigned clock);
unsigned media_rx_drain(struct rtp_stream *rs, uint64_t now, bool read);
/* Packets in a row from a new source before it replaces the confirmed
 * one (NAT rebinding), none from the old one meanwhile. */
enum { RTP_SOURCE_SWITCH_RUN = 5, RTP_SOURCE_SILENT_MS = 400 };
bool media_rx_frame(struct rtp_stream *rs, int16_t *pcm, size_t n,
		    uint64_t now);

/* media_thread.c: picks up renegotiated codec parameters. */
void media_stream_pick_params(struct rtp_stream *rs);

/* media_bridge.c (B2BUA): with a bridge, the stream's tick also runs its
 * peer's (a stream on no media thread of its own, so both live on one
 * thread): `in` (this stream's received frame, NULL if none) is sent to
 * the peer, and `out` is filled with the peer's received audio, both
 * resampled as needed.  Returns false when there is no bridge (then the
 * playlist plays).  media_bridge_dtmf() sends a key received from this
 * stream's peer-facing side on to the peer as RFC 4733.
 * media_bridge_free_all(): the stream is freed. */
bool media_bridge_tick(struct rtp_stream *rs, const int16_t *in,
		       int16_t *out, size_t n, uint64_t now);
void media_bridge_dtmf(struct rtp_stream *rs, int key, unsigned ms);
void media_bridge_free_all(struct rtp_stream *rs);

/* listen/listen_media.c (startListen): `in` (the caller's frame, NULL if
 * none) and `out` (the frame about to be sent; the WebSocket's audio is
 * mixed into it or replaces it) go to the stream's listen tap, if any.
 * media_listen_free_all(): the stream is freed. */
void media_listen_tick(struct rtp_stream *rs, const int16_t *in,
		       int16_t *out, size_t n);
void media_listen_free_all(struct rtp_stream *rs);

/* media_tx.c: one outgoing packet per tick (audio or RFC 4733). */
void media_tx_send(struct rtp_stream *rs, const int16_t *pcm);

/* playlist.c: the caller holds the stream lock, except for
 * playlist_entries_free(), which must be called without it.
 * playlist_tick() reads this tick's frame to play and hands the caller's
 * frame to the head item's recorder; it returns what happened in this
 * tick (PLAYLIST_* bits).  `in` is NULL when nothing was received. */
enum { PLAYLIST_RAN_EMPTY = 1, PLAYLIST_RECORD_DONE = 2 };
void playlist_append(struct playlist *pl, struct playlist_entry *e);
struct playlist_entry *playlist_take_all(struct playlist *pl);
unsigned playlist_tick(struct playlist *pl, int16_t *out, const int16_t *in,
		       size_t n, unsigned rate, struct playlist_entry **done);
void playlist_entries_free(struct playlist_entry *e);

/* Media thread: it lets go of a detached stream (closes the socket if
 * rtp_stream_close() asked for it). */
void rtp_stream_dropped(struct rtp_stream *rs);

#endif
