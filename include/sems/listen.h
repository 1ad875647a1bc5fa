/* listen.h: a call's audio streamed to a WebSocket server (voice bots,
 * recognisers), and optionally the server's audio played back.
 *
 * sems_session_listen_start() opens a WebSocket (ws:// or wss://) to
 * `url` on the signalling thread.  The first frame is a JSON text frame
 * (type "start": call_id, application, from, to, rate, channels,
 * encoding "L16LE", metadata); then every 20 ms one binary frame of
 * L16 little-endian PCM at `rate` (8000 or 16000): the caller, or with
 * `stereo` two interleaved channels, caller (left) and what the caller
 * hears (right).  Key presses go as {"type": "dtmf", "digit", "duration"}.
 *
 * With `bidir`, binary frames the server sends (L16LE mono at `rate`) are
 * played to the caller through a small jitter buffer, replacing the
 * playlist's audio (SEMS_LISTEN_REPLACE: the playlist keeps running but is
 * not heard) or mixed over it (SEMS_LISTEN_MIX).  Text frames
 * {"type": "clear"} drop what is buffered, {"type": "mark", "name": N}
 * come back as SEMS_EV_LISTEN_MARK (message N) once the audio received
 * before it has been played; any other text frame is SEMS_EV_LISTEN_MESSAGE.
 * The end of the stream, for whatever reason, is SEMS_EV_LISTEN_END with
 * the reason as message: "stopped", "closed" (the server closed),
 * "error: ..." (connect failure, TLS, timeout, protocol, frame too big).
 *
 * Media threads never wait for the socket: audio crosses through lock-free
 * rings; a server that reads too slowly loses the oldest audio (counted,
 * logged), never delays RTP.  Any thread may call these (session worker).
 */
#ifndef SEMS_LISTEN_H
#define SEMS_LISTEN_H

#include <stdbool.h>

struct sems_session;

enum sems_listen_bidir {
	SEMS_LISTEN_SEND_ONLY = 0,  /* the server's audio is ignored */
	SEMS_LISTEN_REPLACE,        /* it replaces the playlist's audio */
	SEMS_LISTEN_MIX,            /* it is mixed over the playlist */
};

struct sems_listen_params {
	const char *url;            /* ws://host[:port][/path], wss://... */
	unsigned rate;              /* 8000 or 16000 */
	bool stereo;                /* caller + what we play, 2 channels */
	enum sems_listen_bidir bidir;
	const char *metadata_json;  /* JSON text for "metadata", or NULL */
};

/* 0; EINVAL (bad url, rate, metadata), EBUSY (already listening),
 * ENOTCONN (the call has no media), ENOMEM. */
int  sems_session_listen_start(struct sems_session *s,
			       const struct sems_listen_params *p);
/* Closes the stream (SEMS_EV_LISTEN_END "stopped" follows); ENOENT when
 * not listening. */
int  sems_session_listen_stop(struct sems_session *s);
/* One text frame to the server (queued until the socket is open);
 * ENOENT when not listening. */
int  sems_session_listen_send(struct sems_session *s, const char *text);
bool sems_session_listening(struct sems_session *s);

#endif
