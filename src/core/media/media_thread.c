/* media_thread.c: the media threads, each ticking its streams every 20 ms.
 *
 * No thread per call: media_processor_threads threads share the streams,
 * a new stream going to the least loaded one.  Per tick and stream:
 * receive (media_rx.c: socket, jitter buffer, decode, DTMF), hand the
 * caller's frame to the playlist's recorder and take the frame to play
 * (playlist.c), encode and send it (media_tx.c).  A disconnected stream
 * (disconnectMedia) only drains its socket.  A thread that falls far
 * behind resynchronises instead of sending a burst.
 *
 * Receiving: a stream whose caller sends is read every tick.  One whose
 * reads found nothing RX_IDLE_READS times in a row is parked in the
 * thread's epoll set (EPOLLIN | EPOLLONESHOT) and not read any more until
 * the set reports it: one epoll_wait() without timeout per tick, at its
 * start, covers all parked streams.  Talking callers thus cost no epoll
 * work per packet (a fired one-shot entry is disarmed) and idle ones no
 * read per tick (docs/performance.md has the figures).  A new stream
 * starts parked; one that cannot join the set is read every tick.
 *
 * A stream reaches a thread through the thread's `pending` list (under its
 * lock); after that only the thread touches its `streams` list, so a tick
 * walks it without locks.  Released streams are unlinked at the next tick.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <sys/epoll.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <stdint.h>
#include <re.h>
#include <spandsp.h>
#include <sems/log.h>
#include "media/codec.h"
#include "media/rtp_stream.h"
#include "media/rtp_stream_internal.h"

enum { MAX_LAG_MS = 200, EPOLL_BATCH = 1024, RX_IDLE_READS = 10 };

struct media_thread {
	pthread_t tid;
	atomic_bool run;
	pthread_mutex_t lock;          /* pending */
	struct rtp_stream *pending;
	struct rtp_stream *streams;    /* this thread only */
	int epfd;                      /* its sockets, -1 if none could be made */
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

void media_post(struct rtp_stream *rs, enum sems_event_type type)
{
	if (rs->sess)
		rtp_session_ops->post(rs->sess, type);
}

/* Codec (re)negotiated: the new encoder/decoder is made here, on the
 * thread that uses it. */
void media_stream_pick_params(struct rtp_stream *rs)
{
	const struct codec *c;
	int telev_clock;

	pthread_mutex_lock(&rs->lock);
	c = rs->codec;
	telev_clock = rs->telev_clock;
	rs->params_changed = false;
	pthread_mutex_unlock(&rs->lock);
	media_rx_set_telev_clock(rs, telev_clock > 0 ? (unsigned)telev_clock : 0);
	if (c == rs->cur_codec)
		return;
	codec_state_free(rs->cs);
	rs->cs = NULL;
	rs->cur_codec = c;
	rs->rate = c ? c->rate : 8000;
	if (c && codec_state_alloc(&rs->cs, c))
		SEMS_ERROR("rtp: port %u: cannot start codec %s", rs->port,
			   c->name);
}

/* Playlist: record the caller's frame, read the frame to send. */
static void stream_playlist(struct rtp_stream *rs, const int16_t *in,
			    int16_t *out, size_t n)
{
	struct playlist_entry *done;
	unsigned what;

	pthread_mutex_lock(&rs->lock);
	what = playlist_tick(&rs->pl, out, in, n, rs->rate, &done);
	pthread_mutex_unlock(&rs->lock);
	playlist_entries_free(done);
	if (what & PLAYLIST_RECORD_DONE)
		media_post(rs, SEMS_EV_RECORD_DONE);
	if (what & PLAYLIST_RAN_EMPTY)
		media_post(rs, SEMS_EV_AUDIO_QUEUE_EMPTY);
}

/* Arms the stream's one-shot entry: not read until a packet comes. */
static bool rx_park(struct media_thread *mt, struct rtp_stream *rs, int op)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLONESHOT,
				  .data.ptr = rs };

	rs->rx.parked = !epoll_ctl(mt->epfd, op, rs->fd, &ev);
	rs->rx.empty_reads = 0;
	return rs->rx.parked;
}

/* Reads the socket unless it is parked, and parks it once idle. */
static void rx_tick(struct media_thread *mt, struct rtp_stream *rs,
		    uint64_t now)
{
	struct media_rx *rx = &rs->rx;
	bool read = !rx->parked || rx->ready;
	unsigned got = media_rx_drain(rs, now, read);

	if (rx->ready)
		rx->parked = false;        /* the one-shot fired: disarmed */
	rx->ready = false;
	if (!read || !rx->watched)
		return;
	if (got)
		rx->empty_reads = 0;
	else if (++rx->empty_reads >= RX_IDLE_READS)
		(void)rx_park(mt, rs, EPOLL_CTL_MOD);
}

static void stream_tick(struct media_thread *mt, struct rtp_stream *rs,
			uint64_t now)
{
	int16_t in[RTP_FRAME_MAX], out[RTP_FRAME_MAX];
	size_t n;
	bool got;

	if (rs->params_changed)
		media_stream_pick_params(rs);
	n = rs->rate / 50;
	rx_tick(mt, rs, now);
	if (atomic_load(&rs->end_to_end)) {
		rs->last_rx_ms = now;     /* the phones talk to each other */
	}
	else if (atomic_load(&rs->connected)) {
		got = media_rx_frame(rs, in, n, now);
		if (!media_bridge_tick(rs, got ? in : NULL, out, n, now))
			stream_playlist(rs, got ? in : NULL, out, n);
		media_listen_tick(rs, got ? in : NULL, out, n);
		media_tx_send(rs, out);
	}
	rs->ts += rs->cur_codec ? codec_ts_per_frame(rs->cur_codec)
				: RTP_FRAME_MAX / 2;
	if (dead_rtp_ms && !rs->timeout_posted &&
	    now - rs->last_rx_ms >= dead_rtp_ms) {
		rs->timeout_posted = true;
		media_post(rs, SEMS_EV_RTP_TIMEOUT);
	}
}

/* The thread's references to a stream it lets go of. */
static void stream_drop(struct media_thread *mt, struct rtp_stream *rs)
{
	atomic_fetch_sub(&mt->load, 1);
	if (rs->rx.watched) {
		(void)epoll_ctl(mt->epfd, EPOLL_CTL_DEL, rs->fd, NULL);
		rs->rx.watched = rs->rx.parked = false;
	}
	rtp_stream_dropped(rs);
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
	for (; rs; rs = rs->next) {
		rs->last_rx_ms = now;
		rs->rx.watched = mt->epfd >= 0 &&
				 rx_park(mt, rs, EPOLL_CTL_ADD);
	}
}

/* Marks the parked streams whose sockets have packets waiting (a
 * reported one-shot entry is not reported again until re-armed). */
static void poll_ready(struct media_thread *mt)
{
	struct epoll_event ev[EPOLL_BATCH];
	int n;

	if (mt->epfd < 0)
		return;
	do {
		n = epoll_wait(mt->epfd, ev, EPOLL_BATCH, 0);
		for (int i = 0; i < n; i++)
			((struct rtp_stream *)ev[i].data.ptr)->rx.ready = true;
	} while (n == EPOLL_BATCH);
}

static void tick(struct media_thread *mt)
{
	uint64_t now = now_ms();
	struct rtp_stream **pp = &mt->streams;

	poll_ready(mt);
	while (*pp) {
		struct rtp_stream *rs = *pp;

		if (atomic_load(&rs->detached)) {
			*pp = rs->next;
			stream_drop(mt, rs);
			continue;
		}
		stream_tick(mt, rs, now);
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

static uint64_t timespec_late_us(const struct timespec *now,
				 const struct timespec *due)
{
	int64_t us = (int64_t)(now->tv_sec - due->tv_sec) * 1000000 +
		(now->tv_nsec - due->tv_nsec) / 1000;
	return us > 0 ? (uint64_t)us : 0;
}

/* Media threads run at a real-time priority (SCHED_RR 10) where that is
 * permitted (root, CAP_SYS_NICE): a tick is a few ms of work every 20 ms,
 * and being preempted by ordinary threads (the Python workers, other
 * processes on the box) is what moves a stream's send time, i.e. the
 * callers' jitter (docs/performance.md: at 2000 talking calls on 2 shared
 * cores, inter-arrival p99 50-70 ms without, 21 ms with).  The kernel's RT
 * throttling (sched_rt_runtime_us) still leaves other threads their share
 * should the media threads saturate.  Elsewhere they stay as they are. */
static void media_thread_priority(void)
{
	static atomic_flag told = ATOMIC_FLAG_INIT;
	struct sched_param sp = { .sched_priority = 10 };
	int err = pthread_setschedparam(pthread_self(), SCHED_RR, &sp);

	if (err && !atomic_flag_test_and_set(&told))
		SEMS_INFO("media: threads at normal priority (SCHED_RR: %s): "
			  "RTP jitter grows when the CPUs are contended",
			  strerror(err));
}

static void *media_thread_main(void *arg)
{
	struct media_thread *mt = arg;
	struct timespec next, now;

	media_thread_priority();
	mt->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (mt->epfd < 0)
		SEMS_WARN("media: no epoll set (%s): every socket is read "
			  "every tick", strerror(errno));
	clock_gettime(CLOCK_MONOTONIC, &next);
	while (atomic_load(&mt->run)) {
		timespec_add_ms(&next, RTP_FRAME_MS);
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
		clock_gettime(CLOCK_MONOTONIC, &now);
		metrics_tick_lateness(timespec_late_us(&now, &next));
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
	if (mt->epfd >= 0)
		close(mt->epfd);
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
