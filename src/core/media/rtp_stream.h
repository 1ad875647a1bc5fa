/* rtp_stream.h: the RTP side of one call.
 *
 * A stream owns its UDP socket (an even port from the configured range)
 * and its playlist.  Once started it belongs to one media thread, which
 * every 20 ms reads what arrived (jitter buffer, decode, DTMF), records
 * it, takes one frame from the playlist (silence when it is empty),
 * encodes and sends one packet.  The media
 * thread never blocks and never takes the Python GIL.
 *
 * Playlist calls come from session workers; they take the stream's short
 * lock, which the media thread holds only while it copies one frame.
 */
#ifndef CORE_RTP_STREAM_H
#define CORE_RTP_STREAM_H

#include <stdbool.h>
#include <stdint.h>
#include <sems/session.h>

struct rtp_stream;
struct sems_session;
struct sems_audio;
struct media_params;

/* Binds a socket on media_ip (signalling thread).  Returns 0, or EADDRINUSE
 * when the port range is exhausted. */
int  rtp_stream_alloc(struct rtp_stream **rsp, struct sems_session *s,
		      const char *media_ip);
uint16_t rtp_stream_local_port(const struct rtp_stream *rs);
void rtp_stream_set_params(struct rtp_stream *rs, const struct media_params *p);
/* The session events go to (NULL: none); before the stream starts. */
void rtp_stream_set_session(struct rtp_stream *rs, struct sems_session *s);
/* B2BUA: from the next tick, rs's received audio (and RFC 4733 keys) go
 * to `peer` and peer's received audio is sent on rs instead of rs's
 * playlist.  `peer` must not be started (it is run by rs's media thread);
 * the bridge ends when peer is released.  Signalling thread or worker. */
int  rtp_stream_bridge(struct rtp_stream *rs, struct rtp_stream *peer);
/* The same for a new offer in the call (re-INVITE): hold (p->hold) stops
 * sending until an offer without it, and an address or port that differs
 * from the last SDP's replaces the one in use (learnt again from the
 * first packet, as at the start). */
void rtp_stream_update_params(struct rtp_stream *rs,
			      const struct media_params *p);
bool rtp_stream_held(struct rtp_stream *rs);
/* RTP packets dropped because they came from another source than the
 * caller's (see media_rx.c). */
uint64_t rtp_stream_rx_foreign(struct rtp_stream *rs);
/* B2BUA with b2b_media=reinvite: the media flows between the two phones,
 * so while on, the stream sends nothing, processes nothing it receives
 * (the socket is kept and drained) and expects no RTP (no dead-RTP
 * timeout).  Any thread. */
void rtp_stream_set_end_to_end(struct rtp_stream *rs, bool on);
bool rtp_stream_end_to_end(const struct rtp_stream *rs);
/* Hands the stream to a media thread (idempotent). */
void rtp_stream_start(struct rtp_stream *rs);
/* Detaches from the media thread and releases the caller's reference;
 * the socket is closed once the media thread has let go of it. */
void rtp_stream_release(struct rtp_stream *rs);
/* Ends the stream's media now, while its owner keeps the object (and its
 * reference): detached from the media thread, never started again, and
 * its socket closed at once (not started yet) or by the media thread as
 * it lets go, within a tick.  Playlist calls still work and do nothing
 * audible.  Any thread; idempotent. */
void rtp_stream_close(struct rtp_stream *rs);

/* Counters and codec of a stream, for GET /calls (any thread). */
struct rtp_stream_stats {
	unsigned long long rx, tx, lost;
	unsigned local_port;
	char codec[32];           /* "PCMU/8000"; "" before negotiation */
};
void rtp_stream_stats(struct rtp_stream *rs, struct rtp_stream_stats *st);

/* Prepares `play` for the stream's rate (blocking: session worker). */
int  rtp_stream_enqueue(struct rtp_stream *rs, struct sems_audio *play,
			struct sems_audio *record);
/* Returns true if something was removed. */
bool rtp_stream_flush(struct rtp_stream *rs);
bool rtp_stream_queue_empty(struct rtp_stream *rs);
void rtp_stream_set_flag(struct rtp_stream *rs, enum sems_media_flag f,
			 bool on);
/* Queues keys for RFC 4733; EINVAL, ENOTSUP (no telephone-event), ENOBUFS. */
int  rtp_stream_send_dtmf(struct rtp_stream *rs, const char *digits,
			  unsigned duration_ms);

/* Media threads (media_processor_threads of them) */
int  media_start(unsigned nthreads, unsigned rtp_low, unsigned rtp_high,
		 unsigned dead_rtp_time);
void media_stop(void);

#endif
