/* rtp_stream.c: one call's RTP stream: its socket, parameters and playlist.
 *
 * The owner (the session) holds one reference; while the stream is on a
 * media thread, that thread holds another and a reference to the session,
 * so events can be posted.  rtp_stream_release() only marks the stream
 * detached: the media thread drops it at its next tick, and the socket is
 * closed with the last reference.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <stdint.h>
#include <re.h>
#include <sems/audio.h>
#include <sems/log.h>
#include "session/session_internal.h"
#include "media/codec.h"
#include "media/sdp_negotiate.h"
#include "media/rtp_stream.h"
#include "media/rtp_stream_internal.h"
#include "fd_limit.h"

static int session_post_plain(struct sems_session *s, enum sems_event_type t)
{
	return session_post_event(s, t, NULL, NULL);
}

static const struct rtp_session_ops core_session_ops = {
	.ref = session_ref,
	.deref = session_deref,
	.post = session_post_plain,
	.post_dtmf = session_post_dtmf,
};
const struct rtp_session_ops *rtp_session_ops = &core_session_ops;

/* The port range (SEMS rtp_low_port/rtp_high_port) and the next even port */
static pthread_mutex_t port_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned port_low = 1024, port_high = 65535, port_next;

void rtp_ports_set_range(unsigned low, unsigned high)
{
	if (low < 1024)
		low = 1024;
	if (high > 65535 || high < low)
		high = 65535;
	pthread_mutex_lock(&port_lock);
	port_low = (low + 1) & ~1u;
	port_high = high;
	port_next = port_low;
	pthread_mutex_unlock(&port_lock);
}

static uint16_t port_take(void)
{
	unsigned port;

	pthread_mutex_lock(&port_lock);
	if (port_next < port_low || port_next > port_high)
		port_next = (port_low + 1) & ~1u;
	port = port_next;
	port_next += 2;
	pthread_mutex_unlock(&port_lock);
	return (uint16_t)port;
}

static unsigned port_count(void)
{
	unsigned n;

	pthread_mutex_lock(&port_lock);
	n = port_high >= port_low ? (port_high - port_low) / 2 + 1 : 0;
	pthread_mutex_unlock(&port_lock);
	return n;
}

/* Binds a non-blocking UDP socket to the next free even port. */
static int socket_bind(int *fdp, uint16_t *portp, const char *media_ip)
{
	struct sa sa;
	unsigned tries = port_count();
	int fd, err;

	if (sa_set_str(&sa, media_ip, 0))
		return EINVAL;
	fd = socket(sa_af(&sa), SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return errno;
	if (fd_in_reserve(fd)) {       /* the reserve: see fd_limit.c */
		close(fd);
		return EMFILE;
	}
	err = EADDRINUSE;
	while (tries--) {
		uint16_t port = port_take();

		sa_set_port(&sa, port);
		if (!bind(fd, &sa.u.sa, sa.len)) {
			*fdp = fd;
			*portp = port;
			return 0;
		}
		if (errno != EADDRINUSE && errno != EACCES) {
			err = errno;
			break;
		}
	}
	close(fd);
	return err;
}

int rtp_stream_alloc(struct rtp_stream **rsp, struct sems_session *s,
		     const char *media_ip)
{
	struct rtp_stream *rs;
	int err;

	if (!rsp || !media_ip)
		return EINVAL;
	rs = calloc(1, sizeof(*rs));
	if (!rs)
		return ENOMEM;
	err = socket_bind(&rs->fd, &rs->port, media_ip);
	if (err)
		goto out;
	atomic_init(&rs->refs, 1);
	atomic_init(&rs->started, false);
	atomic_init(&rs->detached, false);
	atomic_init(&rs->close_requested, false);
	atomic_init(&rs->fd_closed, false);
	atomic_init(&rs->muted, false);
	atomic_init(&rs->held, false);
	atomic_init(&rs->end_to_end, false);
	atomic_init(&rs->receiving, true);
	atomic_init(&rs->dtmf_receiving, false);
	atomic_init(&rs->dtmf_detection, true);
	atomic_init(&rs->connected, true);
	atomic_init(&rs->rx_foreign, 0);
	atomic_init(&rs->listen_changed, false);
	pthread_mutex_init(&rs->lock, NULL);
	rs->sess = s;
	rs->pt = rs->telev_pt = -1;
	rs->rate = 8000;
	rs->dtmf_tx.key = -1;
	media_rx_init(rs);
	rs->seq = rand_u16();
	rs->ts = rand_u32();
	rs->ssrc = rand_u32();
	rs->marker = true;
 out:
	if (err) {
		free(rs);
		rs = NULL;
	}
	*rsp = rs;
	return err;
}

struct rtp_stream *rtp_stream_ref(struct rtp_stream *rs)
{
	atomic_fetch_add(&rs->refs, 1);
	return rs;
}

void rtp_stream_deref(struct rtp_stream *rs)
{
	if (!rs || atomic_fetch_sub(&rs->refs, 1) != 1)
		return;
	uint64_t foreign = atomic_load(&rs->rx_foreign);
	if (foreign)
		SEMS_INFO("rtp: port %u: %llu RTP packets from other sources "
			  "than the caller's dropped", rs->port,
			  (unsigned long long)foreign);
	if (!atomic_exchange(&rs->fd_closed, true))
		close(rs->fd);
	media_bridge_free_all(rs);
	media_listen_free_all(rs);
	playlist_entries_free(playlist_take_all(&rs->pl));
	media_rx_free(rs);
	codec_state_free(rs->cs);
	pthread_mutex_destroy(&rs->lock);
	free(rs);
}

uint16_t rtp_stream_local_port(const struct rtp_stream *rs)
{
	return rs ? rs->port : 0;
}

void rtp_stream_set_params(struct rtp_stream *rs, const struct media_params *p)
{
	if (!rs || !p)
		return;
	pthread_mutex_lock(&rs->lock);
	rs->codec = p->codec;
	rs->pt = p->payload_type;
	rs->telev_pt = p->telev_pt;
	rs->telev_clock = p->telev_clock;
	rs->params_changed = true;
	if (!rs->remote_learned && p->remote_len <= sizeof(rs->remote)) {
		memcpy(&rs->remote, &p->remote, p->remote_len);
		rs->remote_len = p->remote_len;
	}
	if (p->remote_len <= sizeof(rs->sdp_remote)) {
		memcpy(&rs->sdp_remote, &p->remote, p->remote_len);
		rs->sdp_remote_len = p->remote_len;
	}
	atomic_store(&rs->held, p->hold);
	pthread_mutex_unlock(&rs->lock);
}

void rtp_stream_set_session(struct rtp_stream *rs, struct sems_session *s)
{
	if (rs && !atomic_load(&rs->started))
		rs->sess = s;
}

static bool addr_is_any(const struct sockaddr_storage *a, socklen_t len)
{
	if (a->ss_family == AF_INET && len >= sizeof(struct sockaddr_in))
		return ((const struct sockaddr_in *)a)->sin_addr.s_addr == 0;
	if (a->ss_family == AF_INET6 && len >= sizeof(struct sockaddr_in6))
		return IN6_IS_ADDR_UNSPECIFIED(
			&((const struct sockaddr_in6 *)a)->sin6_addr);
	return true;
}

void rtp_stream_update_params(struct rtp_stream *rs,
			      const struct media_params *p)
{
	if (!rs || !p)
		return;
	pthread_mutex_lock(&rs->lock);
	bool moved = p->remote_len <= sizeof(rs->remote) &&
		     !addr_is_any(&p->remote, p->remote_len) &&
		     (p->remote_len != rs->sdp_remote_len ||
		      memcmp(&p->remote, &rs->sdp_remote, p->remote_len));
	if (moved) {
		memcpy(&rs->remote, &p->remote, p->remote_len);
		rs->remote_len = p->remote_len;
		rs->remote_learned = false;
	}
	pthread_mutex_unlock(&rs->lock);
	rtp_stream_set_params(rs, p);
}

uint64_t rtp_stream_rx_foreign(struct rtp_stream *rs)
{
	return rs ? atomic_load(&rs->rx_foreign) : 0;
}

bool rtp_stream_held(struct rtp_stream *rs)
{
	return rs && atomic_load(&rs->held);
}

void rtp_stream_set_end_to_end(struct rtp_stream *rs, bool on)
{
	if (rs)
		atomic_store(&rs->end_to_end, on);
}

bool rtp_stream_end_to_end(const struct rtp_stream *rs)
{
	return rs && atomic_load(&rs->end_to_end);
}

void rtp_stream_start(struct rtp_stream *rs)
{
	if (!rs || atomic_load(&rs->detached) ||
	    atomic_exchange(&rs->started, true))
		return;
	/* rtp_stream_close() may have run between the two: it saw the
	 * stream not started and closed the socket (seq_cst on both sides) */
	if (atomic_load(&rs->detached))
		return;
	if (!media_attach(rs))
		atomic_store(&rs->started, false);
}

static void fd_close_once(struct rtp_stream *rs)
{
	if (!atomic_exchange(&rs->fd_closed, true))
		close(rs->fd);
}

void rtp_stream_close(struct rtp_stream *rs)
{
	if (!rs)
		return;
	atomic_store(&rs->close_requested, true);
	atomic_store(&rs->detached, true);
	if (!atomic_load(&rs->started))
		fd_close_once(rs);    /* no media thread ever had it */
}

void rtp_stream_dropped(struct rtp_stream *rs)
{
	if (atomic_load(&rs->close_requested))
		fd_close_once(rs);
}

void rtp_stream_release(struct rtp_stream *rs)
{
	if (!rs)
		return;
	atomic_store(&rs->detached, true);
	rtp_stream_deref(rs);
}

int rtp_stream_enqueue(struct rtp_stream *rs, struct sems_audio *play,
		       struct sems_audio *record)
{
	struct playlist_entry *e;
	unsigned rate;
	int err;

	if (!rs)
		return EINVAL;
	pthread_mutex_lock(&rs->lock);
	rate = rs->codec ? rs->codec->rate : 8000;
	pthread_mutex_unlock(&rs->lock);
	err = play ? sems_audio_prepare(play, rate) : 0;
	if (err)
		return err;
	e = calloc(1, sizeof(*e));
	if (!e)
		return ENOMEM;
	e->play = sems_audio_ref(play);
	e->record = sems_audio_ref(record);
	pthread_mutex_lock(&rs->lock);
	playlist_append(&rs->pl, e);
	pthread_mutex_unlock(&rs->lock);
	return 0;
}

bool rtp_stream_flush(struct rtp_stream *rs)
{
	struct playlist_entry *e;

	if (!rs)
		return false;
	pthread_mutex_lock(&rs->lock);
	e = playlist_take_all(&rs->pl);
	pthread_mutex_unlock(&rs->lock);
	playlist_entries_free(e);
	return e != NULL;
}

bool rtp_stream_queue_empty(struct rtp_stream *rs)
{
	bool empty;

	if (!rs)
		return true;
	pthread_mutex_lock(&rs->lock);
	empty = rs->pl.head == NULL;
	pthread_mutex_unlock(&rs->lock);
	return empty;
}

void rtp_stream_set_flag(struct rtp_stream *rs, enum sems_media_flag f, bool on)
{
	switch (f) {
	case SEMS_MEDIA_MUTED: atomic_store(&rs->muted, on); break;
	case SEMS_MEDIA_RECEIVING: atomic_store(&rs->receiving, on); break;
	case SEMS_MEDIA_DTMF_RECEIVING: atomic_store(&rs->dtmf_receiving, on); break;
	case SEMS_MEDIA_DTMF_DETECTION: atomic_store(&rs->dtmf_detection, on); break;
	case SEMS_MEDIA_CONNECTED: atomic_store(&rs->connected, on); break;
	}
}

int rtp_stream_send_dtmf(struct rtp_stream *rs, const char *digits,
			 unsigned duration_ms)
{
	struct media_dtmf_tx *tx = &rs->dtmf_tx;
	int err = 0;

	for (const char *p = digits; *p; p++)
		if (dtmf_char_to_key(*p) < 0)
			return EINVAL;
	pthread_mutex_lock(&rs->lock);
	if (rs->telev_pt < 0)
		err = ENOTSUP;
	else if (strlen(tx->queue) + strlen(digits) >= sizeof(tx->queue))
		err = ENOBUFS;
	else {
		strcat(tx->queue, digits);
		tx->duration_ms = duration_ms;
	}
	pthread_mutex_unlock(&rs->lock);
	return err;
}
