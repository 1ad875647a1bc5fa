/* audio_record.c: a file being recorded: the recorder kind, its formats,
 * and the one writer thread that puts every recording on disk.
 *
 * A media thread's write() only copies samples into the recorder's ring
 * (audio_ring.h): no lock, no allocation, no I/O.  Each write becomes
 * blocks of one rate (a header word, then the samples), so a call that
 * switches between 8 and 16 kHz records correctly; the writer resamples
 * 16 kHz blocks to the file's 8 kHz.  The ring holds 2 s at 16 kHz; what
 * does not fit is dropped and counted.  write() also ends the recording
 * at its time limit, or after the caller was quiet for the set time.
 *
 * The writer wakes every 50 ms (or when sync, destroy or shutdown kick
 * it), drains each live recording into its file and updates the header,
 * so a file is valid at any time.  A recorder's state says who frees it:
 * LIVE (in the writer's list), DYING (its last reference went: the writer
 * drains, closes and frees it) or CLOSED (closed by shutdown: destroy
 * frees it).  The two changes out of LIVE are compare-and-swaps, so
 * exactly one side frees.
 *
 * Only the writer walks the list without the lock: open adds at the head
 * under the lock and only the writer removes, so the nodes after the head
 * it saw do not change under it.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <sndfile.h>
#include <samplerate.h>
#include <sems/log.h>
#include "audio/audio_internal.h"
#include "audio/audio_ring.h"

enum {
	FILE_RATE = 8000,
	RING_SAMPLES = 32768,      /* a power of two: 2 s at 16 kHz */
	BLOCK_MAX = 0x3fff,        /* header word: sample count ...     */
	BLOCK_WIDE = 0x4000,       /* ... and this bit for 16 kHz       */
	DRAIN_MAX = 4096,
	WAKE_MS = 50,
	QUIET_LEVEL = 200,         /* mean |sample| below: silence (-44 dBFS) */
};

enum { REC_LIVE, REC_DYING, REC_CLOSED };

struct recorder {
	struct sems_audio base;
	struct recorder *next;       /* writer.list; changed under its lock */
	char *name;                  /* the file, for messages */
	SNDFILE *sf;
	int fd;                      /* sf's (it owns it), for dup_fd */
	size_t sample_bytes;         /* in the file: 2 PCM16, 1 u-law/A-law */
	atomic_int state;
	atomic_uint limit_ms;        /* 0: none */
	atomic_uint silence_ms;      /* end after this much silence; 0: never */
	atomic_bool ended_by_silence;
	size_t quiet;                /* the media thread's: 16 kHz samples */
	atomic_size_t received;      /* audio received, in 16 kHz samples */
	atomic_size_t stored;        /* of it, in the ring: 16 kHz samples */
	atomic_int err;              /* first write error */
	atomic_size_t synced;        /* ring tail in the file, header updated */
	/* the writer thread's */
	size_t block_left;
	bool block_wide;
	bool drops_logged;
	bool src_fed;                /* the resampler holds input: flush */
	SRC_STATE *src;
	struct audio_ring ring;
	int16_t ring_buf[];
};

static struct {
	pthread_mutex_t lock;
	pthread_cond_t wake;         /* the writer: work to do */
	pthread_cond_t done;         /* sync, open, shutdown: a pass ended */
	pthread_t thread;
	bool running;
	bool stopping;
	atomic_bool kick;
	struct recorder *list;
} writer = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.done = PTHREAD_COND_INITIALIZER,
};

static pthread_once_t writer_once = PTHREAD_ONCE_INIT;

/* The writer thread's buffers (there is only ever one writer). */
static struct {
	int16_t pcm[DRAIN_MAX];
	float in[DRAIN_MAX];
	float out[DRAIN_MAX];
	int16_t out16[DRAIN_MAX];
} drain_buf;

/* ---- formats ---- */

/* libsndfile's format for a WAV file's SEMS subtype, or 0. */
static int wav_subtype(const char *subtype)
{
	if (!*subtype || !strcasecmp(subtype, "Pcm16"))
		return SF_FORMAT_WAV | SF_FORMAT_PCM_16;
	if (!strcasecmp(subtype, "A-Law"))
		return SF_FORMAT_WAV | SF_FORMAT_ALAW;
	if (!strcasecmp(subtype, "Mu-Law"))
		return SF_FORMAT_WAV | SF_FORMAT_ULAW;
	return 0;
}

static int record_format(const char *file, const char *subtype, int *format,
			 char *errbuf, size_t errlen)
{
	static const struct { const char *ext; int format; } raw[] = {
		{"pcmu", SF_FORMAT_RAW | SF_FORMAT_ULAW},
		{"pcma", SF_FORMAT_RAW | SF_FORMAT_ALAW},
		{"l16", SF_FORMAT_RAW | SF_FORMAT_PCM_16 | SF_ENDIAN_LITTLE},
	};
	const char *base = strrchr(file, '/');
	const char *dot = strrchr(base ? base : file, '.');
	const char *ext = dot ? dot + 1 : "";

	*format = 0;
	if (!strcasecmp(ext, "wav"))
		*format = wav_subtype(subtype);
	for (size_t i = 0; !*subtype && i < sizeof(raw) / sizeof(raw[0]); i++) {
		if (!strcasecmp(ext, raw[i].ext))
			*format = raw[i].format;
	}
	if (*format)
		return 0;
	if (errbuf && errlen && *subtype)
		snprintf(errbuf, errlen, "cannot record '%s': unknown subtype"
			 " '%s' (a .wav file takes A-Law, Mu-Law or Pcm16)",
			 file, subtype);
	else if (errbuf && errlen)
		snprintf(errbuf, errlen, "cannot record '%s': unknown format"
			 " (use .wav, .pcmu, .pcma or .l16)", file);
	return EINVAL;
}

/* ---- the media thread's side ---- */

/* Pushes n samples as blocks; what does not fit is dropped. */
static void recorder_push(struct recorder *r, const int16_t *in, size_t n,
			  bool wide)
{
	while (n) {
		size_t chunk = n < BLOCK_MAX ? n : BLOCK_MAX;
		size_t space = audio_ring_space(&r->ring), put = 0;

		if (space > 1) {
			int16_t head;

			put = chunk < space - 1 ? chunk : space - 1;
			head = (int16_t)(put | (wide ? BLOCK_WIDE : 0));
			audio_ring_push(&r->ring, &head, 1);
			audio_ring_push(&r->ring, in, put);
			atomic_fetch_add(&r->stored, put * (wide ? 1 : 2));
		}
		audio_ring_drop(&r->ring, chunk - put);
		in += chunk;
		n -= chunk;
	}
}

static bool frame_is_quiet(const int16_t *in, size_t n)
{
	long long sum = 0;

	for (size_t i = 0; i < n; i++)
		sum += in[i] < 0 ? -(long long)in[i] : in[i];
	return sum < (long long)n * QUIET_LEVEL;
}

/* Counts the caller's silence; true once it lasted the set time. */
static bool silence_ends(struct recorder *r, const int16_t *in, size_t n,
			 size_t unit)
{
	size_t end = (size_t)atomic_load(&r->silence_ms) * 16;

	if (!end)
		return false;
	r->quiet = frame_is_quiet(in, n) ? r->quiet + n * unit : 0;
	if (r->quiet < end)
		return false;
	atomic_store(&r->ended_by_silence, true);
	return true;
}

static bool recorder_write(struct sems_audio *a, const int16_t *in, size_t n,
			   unsigned rate)
{
	struct recorder *r = (struct recorder *)a;
	size_t unit = rate == 16000 ? 1 : 2;     /* 16 kHz samples per sample */
	size_t got = atomic_load(&r->received);
	size_t limit = (size_t)atomic_load(&r->limit_ms) * 16;

	if (atomic_load(&r->state) != REC_LIVE || (limit && got >= limit) ||
	    atomic_load(&r->ended_by_silence))
		return false;
	if (rate != 8000 && rate != 16000)
		return true;                /* no such call: nothing to record */
	if (limit && n > (limit - got + unit - 1) / unit)
		n = (limit - got + unit - 1) / unit;
	atomic_store(&r->received, got + n * unit);
	if (!atomic_load(&r->err))
		recorder_push(r, in, n, unit == 1);
	if (silence_ends(r, in, n, unit))
		return false;
	return !limit || got + n * unit < limit;
}

static void recorder_set_record_time(struct sems_audio *a, unsigned ms)
{
	atomic_store(&((struct recorder *)a)->limit_ms, ms);
}

static void recorder_set_silence_end(struct sems_audio *a, unsigned ms)
{
	atomic_store(&((struct recorder *)a)->silence_ms, ms);
}

static bool recorder_ended_by_silence(const struct sems_audio *a)
{
	return atomic_load(&((struct recorder *)a)->ended_by_silence);
}

static size_t recorder_data_size(const struct sems_audio *a)
{
	struct recorder *r = (struct recorder *)a;

	return atomic_load(&r->stored) / 2 * r->sample_bytes;
}

/* Milliseconds of audio recorded so far (`stored` counts at 16 kHz). */
static unsigned recorder_length_ms(const struct sems_audio *a)
{
	return (unsigned)(atomic_load(&((struct recorder *)a)->stored) / 16);
}

/* ---- the writer thread's side ---- */

static void recorder_fail(struct recorder *r, int err, const char *what)
{
	int none = 0;

	if (atomic_compare_exchange_strong(&r->err, &none, err))
		SEMS_ERROR("recording '%s': %s: %s", r->name, what,
			   strerror(err));
}

static void file_write(struct recorder *r, const int16_t *pcm, size_t n)
{
	if (!n || atomic_load(&r->err))
		return;
	errno = 0;
	if (sf_write_short(r->sf, pcm, (sf_count_t)n) != (sf_count_t)n)
		recorder_fail(r, errno ? errno : EIO, "write failed");
}

/* 16 kHz drain_buf.pcm -> 8 kHz in the file; `last` flushes what the
 * resampler holds (before 8 kHz audio, and at the end). */
static void resample_write(struct recorder *r, size_t n, bool last)
{
	SRC_DATA d = { .data_in = drain_buf.in, .input_frames = (long)n,
		       .src_ratio = (double)FILE_RATE / 16000,
		       .end_of_input = last };
	int err;

	if (!r->src && !(r->src = src_new(SRC_SINC_FASTEST, 1, &err))) {
		recorder_fail(r, ENOMEM, "resampling failed");
		return;
	}
	src_short_to_float_array(drain_buf.pcm, drain_buf.in, (int)n);
	do {
		d.data_out = drain_buf.out;
		d.output_frames = DRAIN_MAX;
		if (src_process(r->src, &d)) {
			recorder_fail(r, EIO, "resampling failed");
			return;
		}
		src_float_to_short_array(drain_buf.out, drain_buf.out16,
					 (int)d.output_frames_gen);
		file_write(r, drain_buf.out16, (size_t)d.output_frames_gen);
		d.data_in += d.input_frames_used;
		d.input_frames -= d.input_frames_used;
	} while ((d.input_frames > 0 && d.input_frames_used > 0) ||
		 (last && d.output_frames_gen > 0));
	r->src_fed = !last;
	if (last)
		src_reset(r->src);
}

/* The next samples of one rate into drain_buf.pcm (a block's header
 * first); 0 when the ring is empty. */
static size_t ring_next_run(struct recorder *r, bool *wide)
{
	size_t n;

	if (!r->block_left) {
		int16_t head;

		if (!audio_ring_pop(&r->ring, &head, 1))
			return 0;
		r->block_left = (uint16_t)head & BLOCK_MAX;
		r->block_wide = (uint16_t)head & BLOCK_WIDE;
	}
	n = r->block_left < DRAIN_MAX ? r->block_left : DRAIN_MAX;
	n = audio_ring_pop(&r->ring, drain_buf.pcm, n);
	r->block_left -= n;
	*wide = r->block_wide;
	return n;
}

static void log_drops(struct recorder *r)
{
	size_t dropped = audio_ring_dropped(&r->ring);

	if (dropped && !r->drops_logged) {
		SEMS_WARN("recording '%s': %zu samples dropped: the writer"
			  " fell behind", r->name, dropped);
		r->drops_logged = true;
	}
}

/* Writes what the ring holds now (not what arrives meanwhile). */
static void recorder_drain(struct recorder *r)
{
	size_t left = audio_ring_used(&r->ring), n;
	bool wide, wrote = false;

	while (left && (n = ring_next_run(r, &wide))) {
		left -= n < left ? n : left;
		if (atomic_load(&r->err))
			continue;           /* dropped after a write error */
		if (wide)
			resample_write(r, n, false);
		else if (r->src_fed)
			resample_write(r, 0, true);
		if (!wide)
			file_write(r, drain_buf.pcm, n);
		wrote = true;
	}
	if (wrote && !atomic_load(&r->err)) {
		errno = 0;
		sf_command(r->sf, SFC_UPDATE_HEADER_NOW, NULL, 0);
		if (sf_error(r->sf))
			recorder_fail(r, errno ? errno : EIO, "write failed");
	}
	log_drops(r);
	atomic_store(&r->synced, atomic_load(&r->ring.tail));
}

static void recorder_close_file(struct recorder *r)
{
	if (r->src_fed && !atomic_load(&r->err))
		resample_write(r, 0, true);
	errno = 0;
	if (sf_close(r->sf) && !atomic_load(&r->err))
		recorder_fail(r, errno ? errno : EIO, "closing failed");
	r->sf = NULL;
}

static void recorder_free(struct recorder *r)
{
	if (!r)
		return;
	if (r->src)
		src_delete(r->src);
	free(r->name);
	free(r);
}

static void list_unlink(struct recorder *r)
{
	for (struct recorder **pp = &writer.list; *pp; pp = &(*pp)->next) {
		if (*pp == r) {
			*pp = r->next;
			return;
		}
	}
}

/* Closes under the lock, so that dup_fd never opens a closed fd. */
static void writer_retire(struct recorder *r)
{
	int live = REC_LIVE;
	bool dying;

	pthread_mutex_lock(&writer.lock);
	list_unlink(r);
	recorder_close_file(r);
	dying = !atomic_compare_exchange_strong(&r->state, &live, REC_CLOSED);
	pthread_mutex_unlock(&writer.lock);
	if (dying)
		recorder_free(r);
}

/* One round over every recording; `final` closes them all. */
static void writer_pass(bool final)
{
	struct recorder *r, *next;

	pthread_mutex_lock(&writer.lock);
	r = writer.list;
	pthread_mutex_unlock(&writer.lock);
	for (; r; r = next) {
		/* The state before the drain: a recording that turns DYING
		 * during the drain may have had samples pushed after the
		 * drain's snapshot; it is retired by the next pass. */
		bool last = final || atomic_load(&r->state) == REC_DYING;

		next = r->next;
		recorder_drain(r);
		if (last)
			writer_retire(r);
	}
	pthread_mutex_lock(&writer.lock);
	pthread_cond_broadcast(&writer.done);
	pthread_mutex_unlock(&writer.lock);
}

/* Sleeps up to WAKE_MS unless kicked; true when told to stop. */
static bool writer_wait(void)
{
	struct timespec until;
	bool stop;

	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_nsec += WAKE_MS * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&writer.lock);
	while (!atomic_load(&writer.kick) && !writer.stopping &&
	       pthread_cond_timedwait(&writer.wake, &writer.lock, &until) == 0)
		;
	atomic_store(&writer.kick, false);
	stop = writer.stopping;
	pthread_mutex_unlock(&writer.lock);
	return stop;
}

static void *writer_main(void *arg)
{
	bool stop;

	(void)arg;
	do {
		stop = writer_wait();
		writer_pass(stop);
	} while (!stop);
	return NULL;
}

static void writer_init(void)
{
	pthread_condattr_t attr;

	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&writer.wake, &attr);
	pthread_condattr_destroy(&attr);
}

static void writer_kick(void)
{
	atomic_store(&writer.kick, true);
	pthread_cond_signal(&writer.wake);
}

/* Adds `r` to the writer's list, starting the writer if need be. */
static int writer_add(struct recorder *r)
{
	int err = 0;

	pthread_once(&writer_once, writer_init);
	pthread_mutex_lock(&writer.lock);
	while (writer.stopping)
		pthread_cond_wait(&writer.done, &writer.lock);
	if (!writer.running) {
		err = pthread_create(&writer.thread, NULL, writer_main, NULL);
		writer.running = !err;
	}
	if (!err) {
		r->next = writer.list;
		writer.list = r;
	}
	pthread_mutex_unlock(&writer.lock);
	return err;
}

void audio_record_shutdown(void)
{
	pthread_once(&writer_once, writer_init);
	pthread_mutex_lock(&writer.lock);
	while (writer.stopping)
		pthread_cond_wait(&writer.done, &writer.lock);
	if (!writer.running) {
		pthread_mutex_unlock(&writer.lock);
		return;
	}
	writer.stopping = true;
	pthread_cond_signal(&writer.wake);
	pthread_mutex_unlock(&writer.lock);
	pthread_join(writer.thread, NULL);
	pthread_mutex_lock(&writer.lock);
	writer.running = false;
	writer.stopping = false;
	pthread_cond_broadcast(&writer.done);
	pthread_mutex_unlock(&writer.lock);
}

/* ---- the caller's side ---- */

static int recorder_sync(struct sems_audio *a)
{
	struct recorder *r = (struct recorder *)a;
	size_t target = atomic_load(&r->ring.head);

	pthread_mutex_lock(&writer.lock);
	writer_kick();
	while (atomic_load(&r->state) == REC_LIVE &&
	       atomic_load(&r->synced) < target)
		pthread_cond_wait(&writer.done, &writer.lock);
	pthread_mutex_unlock(&writer.lock);
	return atomic_load(&r->err);
}

/* A new open of the file rather than a dup(): a dup would share the
 * writer's file offset (reading it would move where libsndfile writes)
 * and be write-only like the fd it came from. */
static int recorder_dup_fd(struct sems_audio *a)
{
	struct recorder *r = (struct recorder *)a;
	char proc[64];
	int fd = -1;

	recorder_sync(a);
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", r->fd);
	pthread_mutex_lock(&writer.lock);
	if (atomic_load(&r->state) == REC_LIVE)
		fd = open(proc, O_RDONLY | O_CLOEXEC);
	pthread_mutex_unlock(&writer.lock);
	return fd;
}

/* May run on a media thread: the writer does the closing. */
static void recorder_destroy(struct sems_audio *a)
{
	struct recorder *r = (struct recorder *)a;
	int live = REC_LIVE;

	if (atomic_compare_exchange_strong(&r->state, &live, REC_DYING))
		writer_kick();
	else
		recorder_free(r);   /* closed by shutdown already */
}

static const struct audio_kind recorder_kind = {
	.name = "record",
	.write = recorder_write,
	.data_size = recorder_data_size,
	.length_ms = recorder_length_ms,
	.set_record_time = recorder_set_record_time,
	.set_silence_end = recorder_set_silence_end,
	.ended_by_silence = recorder_ended_by_silence,
	.sync = recorder_sync,
	.dup_fd = recorder_dup_fd,
	.destroy = recorder_destroy,
};

static struct recorder *recorder_alloc(const char *file, int fd, int format)
{
	struct recorder *r = calloc(1, sizeof(*r) +
				    RING_SAMPLES * sizeof(r->ring_buf[0]));

	if (!r || !(r->name = strdup(file))) {
		free(r);
		return NULL;
	}
	audio_item_init(&r->base, &recorder_kind);
	r->fd = fd;
	r->sample_bytes = (format & SF_FORMAT_SUBMASK) == SF_FORMAT_PCM_16 ?
			  2 : 1;
	atomic_init(&r->state, REC_LIVE);
	audio_ring_init(&r->ring, r->ring_buf, RING_SAMPLES);
	return r;
}

int audio_record_open(struct sems_audio **ap, int fd, const char *path,
		      char *errbuf, size_t errlen)
{
	char file[4096], subtype[32];
	SF_INFO info = { .samplerate = FILE_RATE, .channels = 1 };
	struct recorder *r = NULL;
	int err;

	*ap = NULL;
	audio_path_split(path, file, sizeof(file), subtype, sizeof(subtype));
	err = record_format(file, subtype, &info.format, errbuf, errlen);
	if (err)
		goto out;
	if (!(r = recorder_alloc(file, fd, info.format))) {
		err = ENOMEM;
		goto fail;
	}
	errno = 0;
	r->sf = sf_open_fd(fd, SFM_WRITE, &info, SF_TRUE);
	fd = -1;                    /* libsndfile's now, or closed by it */
	if (!r->sf) {
		err = errno ? errno : EINVAL;
		goto fail;
	}
	err = writer_add(r);
	if (err)
		sf_close(r->sf);
 fail:
	if (err && errbuf && errlen)
		snprintf(errbuf, errlen, "cannot record '%s': %s", file,
			 strerror(err));
 out:
	if (fd >= 0)
		close(fd);
	if (err) {
		recorder_free(r);
		return err;
	}
	*ap = &r->base;
	return 0;
}
