/* rtp_stream_internal.h: the stream object shared by rtp_stream.c,
 * playlist.c and media_thread.c (not for other subsystems). */
#ifndef CORE_RTP_STREAM_INTERNAL_H
#define CORE_RTP_STREAM_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sems/session.h>

enum { RTP_FRAME_SAMPLES = 160, RTP_FRAME_MS = 20 };

struct playlist_entry {
	struct playlist_entry *next;
	struct sems_audio *play, *record;     /* references, or NULL */
};

struct playlist {
	struct playlist_entry *head, *tail;
};

struct rtp_stream {
	atomic_int refs;          /* the owner's, and the media thread's */
	struct sems_session *sess;  /* referenced while on a media thread */
	int fd;
	uint16_t port;
	atomic_bool started, detached;

	pthread_mutex_t lock;     /* everything below up to "media thread" */
	struct playlist pl;
	int pt, telev_pt;         /* -1 until negotiated */
	struct sockaddr_storage remote;
	socklen_t remote_len;     /* 0: nowhere to send yet */
	bool remote_learned;      /* symmetric RTP: from the first packet */

	/* media thread only */
	struct rtp_stream *next;
	uint16_t seq;
	uint32_t ts, ssrc;
	bool marker;
	uint64_t last_rx_ms;
	bool timeout_posted;
};

/* How streams reach their session: the core's session functions, which
 * unit tests may replace. */
struct rtp_session_ops {
	struct sems_session *(*ref)(struct sems_session *s);
	void (*deref)(struct sems_session *s);
	int  (*post)(struct sems_session *s, enum sems_event_type type);
};
extern const struct rtp_session_ops *rtp_session_ops;

/* rtp_stream.c */
struct rtp_stream *rtp_stream_ref(struct rtp_stream *rs);
void rtp_stream_deref(struct rtp_stream *rs);
void rtp_ports_set_range(unsigned low, unsigned high);

/* media_thread.c: hands a started stream to the least loaded thread;
 * false when the media threads are not running. */
bool media_attach(struct rtp_stream *rs);

/* playlist.c: the caller holds the stream lock, except for
 * playlist_entries_free(), which must be called without it. */
void playlist_append(struct playlist *pl, struct playlist_entry *e);
struct playlist_entry *playlist_take_all(struct playlist *pl);
bool playlist_read(struct playlist *pl, int16_t *frame, size_t n,
		   struct playlist_entry **done);
void playlist_entries_free(struct playlist_entry *e);

#endif
