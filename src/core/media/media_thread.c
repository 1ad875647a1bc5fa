/* media_thread.c: the media threads, each ticking its streams every 20 ms.
 *
 * No thread per call: media_processor_threads threads share the streams,
 * a new stream going to the least loaded one.  Per tick and stream: drain
 * the socket (symmetric RTP: the first valid packet's source becomes the
 * destination), take one frame from the playlist, encode G.711 (spandsp),
 * send one RTP packet (libre's header codec).  A thread that falls far
 * behind resynchronises instead of sending a burst.
 *
 * A stream reaches a thread through the thread's `pending` list (under its
 * lock); after that only the thread touches its `streams` list, so a tick
 * walks it without locks.  Released streams are unlinked at the next tick.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <stdint.h>
#include <re.h>
#include <spandsp.h>
#include <sems/log.h>
#include "media/rtp_stream.h"
#include "media/rtp_stream_internal.h"

/* a flood must not starve the other streams of the thread */
enum { MAX_LAG_MS = 200, RX_BUF = 2048, RX_MAX_PER_TICK = 64 };

struct media_thread {
	pthread_t tid;
	atomic_bool run;
	pthread_mutex_t lock;          /* pending */
	struct rtp_stream *pending;
	struct rtp_stream *streams;    /* this thread only */
	atomic_uint load;
};

static pthread_mutex_t media_lock = PTHREAD_MUTEX_INITIALIZER;
static struct media_thread *threads;   /* under media_lock */
static unsigned nthreads;
static unsigned dead_rtp_ms;

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void post(struct rtp_stream *rs, enum sems_event_type type)
{
	if (rs->sess)
		rtp_session_ops->post(rs->sess, type);
}

static bool rtp_packet_valid(uint8_t *buf, size_t len)
{
	struct mbuf mb = { .buf = buf, .size = len, .pos = 0, .end = len };
	struct rtp_header hdr;

	return len >= RTP_HEADER_SIZE && (buf[0] >> 6) == RTP_VERSION &&
	       !rtp_hdr_decode(&hdr, &mb);
}

static void stream_receive(struct rtp_stream *rs, uint64_t now)
{
	uint8_t buf[RX_BUF];
	struct sockaddr_storage src;
	socklen_t srclen;
	ssize_t n;

	for (int i = 0; i < RX_MAX_PER_TICK; i++) {
		srclen = sizeof(src);
		n = recvfrom(rs->fd, buf, sizeof(buf), MSG_DONTWAIT,
			     (struct sockaddr *)&src, &srclen);
		if (n < 0)
			break;
		if (!rtp_packet_valid(buf, (size_t)n))
			continue;
		rs->last_rx_ms = now;
		pthread_mutex_lock(&rs->lock);
		if (!rs->remote_learned) {
			memcpy(&rs->remote, &src, srclen);
			rs->remote_len = srclen;
			rs->remote_learned = true;
		}
		pthread_mutex_unlock(&rs->lock);
	}
}

static void frame_encode(uint8_t *out, const int16_t *pcm, size_t n, int pt)
{
	for (size_t i = 0; i < n; i++)
		out[i] = pt == 8 ? linear_to_alaw(pcm[i]) : linear_to_ulaw(pcm[i]);
}

static void packet_send(struct rtp_stream *rs, const int16_t *pcm, int pt,
			const struct sockaddr_storage *dst, socklen_t dstlen)
{
	uint8_t pkt[RTP_HEADER_SIZE + RTP_FRAME_SAMPLES];
	struct mbuf mb = { .buf = pkt, .size = sizeof(pkt) };
	struct rtp_header hdr = {
		.ver = RTP_VERSION, .m = rs->marker, .pt = (uint8_t)pt,
		.seq = rs->seq, .ts = rs->ts, .ssrc = rs->ssrc,
	};

	if (rtp_hdr_encode(&mb, &hdr))
		return;
	frame_encode(pkt + RTP_HEADER_SIZE, pcm, RTP_FRAME_SAMPLES, pt);
	if (sendto(rs->fd, pkt, sizeof(pkt), MSG_DONTWAIT,
		   (const struct sockaddr *)dst, dstlen) < 0 &&
	    errno != EAGAIN && errno != EWOULDBLOCK)
		SEMS_DBG("rtp: send from port %u: %s", rs->port,
			 strerror(errno));
	rs->seq++;
	rs->marker = false;
}

static void stream_send(struct rtp_stream *rs)
{
	int16_t pcm[RTP_FRAME_SAMPLES];
	struct sockaddr_storage dst;
	struct playlist_entry *done;
	socklen_t dstlen;
	bool ran_empty;
	int pt;

	pthread_mutex_lock(&rs->lock);
	ran_empty = playlist_read(&rs->pl, pcm, RTP_FRAME_SAMPLES, &done);
	pt = rs->pt;
	dstlen = rs->remote_len;
	memcpy(&dst, &rs->remote, dstlen);
	pthread_mutex_unlock(&rs->lock);

	playlist_entries_free(done);
	if (ran_empty)
		post(rs, SEMS_EV_AUDIO_QUEUE_EMPTY);
	if ((pt == 0 || pt == 8) && dstlen)
		packet_send(rs, pcm, pt, &dst, dstlen);
	rs->ts += RTP_FRAME_SAMPLES;
}

static void stream_tick(struct rtp_stream *rs, uint64_t now)
{
	stream_receive(rs, now);
	stream_send(rs);
	if (dead_rtp_ms && !rs->timeout_posted &&
	    now - rs->last_rx_ms >= dead_rtp_ms) {
		rs->timeout_posted = true;
		post(rs, SEMS_EV_RTP_TIMEOUT);
	}
}

/* The thread's references to a stream it lets go of. */
static void stream_drop(struct media_thread *mt, struct rtp_stream *rs)
{
	atomic_fetch_sub(&mt->load, 1);
	if (rs->sess)
		rtp_session_ops->deref(rs->sess);
	rtp_stream_deref(rs);
}

/* New streams go to the end of the list, so the send time of the calls
 * already running stays where it is within the 20 ms tick. */
static void take_pending(struct media_thread *mt, struct rtp_stream **tail,
			 uint64_t now)
{
	pthread_mutex_lock(&mt->lock);
	struct rtp_stream *rs = mt->pending;
	mt->pending = NULL;
	pthread_mutex_unlock(&mt->lock);
	*tail = rs;
	for (; rs; rs = rs->next)
		rs->last_rx_ms = now;
}

static void tick(struct media_thread *mt)
{
	uint64_t now = now_ms();
	struct rtp_stream **pp = &mt->streams;

	while (*pp) {
		struct rtp_stream *rs = *pp;

		if (atomic_load(&rs->detached)) {
			*pp = rs->next;
			stream_drop(mt, rs);
			continue;
		}
		stream_tick(rs, now);
		pp = &rs->next;
	}
	take_pending(mt, pp, now);
}

static void timespec_add_ms(struct timespec *t, unsigned ms)
{
	t->tv_nsec += (long)ms * 1000000;
	while (t->tv_nsec >= 1000000000) {
		t->tv_nsec -= 1000000000;
		t->tv_sec++;
	}
}

static void *media_thread_main(void *arg)
{
	struct media_thread *mt = arg;
	struct timespec next, now;

	clock_gettime(CLOCK_MONOTONIC, &next);
	while (atomic_load(&mt->run)) {
		timespec_add_ms(&next, RTP_FRAME_MS);
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
		tick(mt);
		clock_gettime(CLOCK_MONOTONIC, &now);
		if ((now.tv_sec - next.tv_sec) * 1000 +
		    (now.tv_nsec - next.tv_nsec) / 1000000 > MAX_LAG_MS)
			next = now;
	}
	struct rtp_stream **tail = &mt->streams;
	while (*tail)
		tail = &(*tail)->next;
	take_pending(mt, tail, 0);
	while (mt->streams) {
		struct rtp_stream *rs = mt->streams;

		mt->streams = rs->next;
		stream_drop(mt, rs);
	}
	return NULL;
}

bool media_attach(struct rtp_stream *rs)
{
	struct media_thread *mt = NULL;

	pthread_mutex_lock(&media_lock);
	for (unsigned i = 0; i < nthreads; i++) {
		if (!mt || atomic_load(&threads[i].load) <
			   atomic_load(&mt->load))
			mt = &threads[i];
	}
	if (mt) {
		atomic_fetch_add(&mt->load, 1);
		rtp_stream_ref(rs);
		if (rs->sess)
			rtp_session_ops->ref(rs->sess);
		pthread_mutex_lock(&mt->lock);
		rs->next = mt->pending;
		mt->pending = rs;
		pthread_mutex_unlock(&mt->lock);
	}
	pthread_mutex_unlock(&media_lock);
	return mt != NULL;
}

static void threads_join(struct media_thread *ts, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		atomic_store(&ts[i].run, false);
	for (unsigned i = 0; i < n; i++) {
		pthread_join(ts[i].tid, NULL);
		pthread_mutex_destroy(&ts[i].lock);
	}
	free(ts);
}

int media_start(unsigned n, unsigned rtp_low, unsigned rtp_high,
		unsigned dead_rtp_time)
{
	struct media_thread *ts;
	unsigned started = 0;
	int err = 0;

	if (!n) {
		long cpus = sysconf(_SC_NPROCESSORS_ONLN);
		n = cpus > 0 ? (unsigned)cpus : 1;
	}
	ts = calloc(n, sizeof(*ts));
	if (!ts)
		return ENOMEM;
	rtp_ports_set_range(rtp_low, rtp_high);
	pthread_mutex_lock(&media_lock);
	if (threads) {
		err = EALREADY;
		goto out;
	}
	dead_rtp_ms = dead_rtp_time * 1000;
	for (; started < n; started++) {
		atomic_init(&ts[started].run, true);
		atomic_init(&ts[started].load, 0);
		pthread_mutex_init(&ts[started].lock, NULL);
		err = pthread_create(&ts[started].tid, NULL, media_thread_main,
				     &ts[started]);
		if (err) {
			pthread_mutex_destroy(&ts[started].lock);
			break;
		}
	}
	if (!err) {
		threads = ts;
		nthreads = n;
	}
 out:
	pthread_mutex_unlock(&media_lock);
	if (err)
		threads_join(ts, started);
	return err;
}

void media_stop(void)
{
	struct media_thread *ts;
	unsigned n;

	pthread_mutex_lock(&media_lock);
	ts = threads;
	n = nthreads;
	threads = NULL;
	nthreads = 0;
	pthread_mutex_unlock(&media_lock);
	if (ts)
		threads_join(ts, n);
}
