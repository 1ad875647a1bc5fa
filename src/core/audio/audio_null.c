/* audio_null.c: silence of a given length, to play or to record into.
 *
 * Lengths and counters are kept in 1/16000 s, so one count serves reads
 * at 8 and 16 kHz alike; -1 means no end.  They are atomic: a session
 * worker sets the lengths while a media thread reads and writes.  Setting
 * the lengths starts both counts again, as SEMS's AmNullAudio does.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "audio/audio_internal.h"

enum { UNIT_RATE = 16000 };

struct null_audio {
	struct sems_audio base;
	atomic_llong read_len, write_len;   /* units; -1: never ends */
	atomic_llong read_pos, written;     /* units */
};

static const struct audio_kind null_kind;

static long long ms_to_units(int ms)
{
	return ms < 0 ? -1 : (long long)ms * (UNIT_RATE / 1000);
}

static long long unit_step(unsigned rate)
{
	return rate == 16000 ? 1 : UNIT_RATE / 8000;
}

static size_t null_read(struct sems_audio *a, int16_t *out, size_t n,
			unsigned rate)
{
	struct null_audio *z = (struct null_audio *)a;
	long long len = atomic_load(&z->read_len), step = unit_step(rate);
	long long pos = atomic_load(&z->read_pos), next;
	size_t got;

	do {   /* a rewind racing with us wins: count again from its position */
		got = n;
		if (len >= 0) {
			long long left = pos < len ? (len - pos) / step : 0;

			if ((long long)got > left)
				got = (size_t)left;
		}
		next = pos + (long long)got * step;
	} while (!atomic_compare_exchange_weak(&z->read_pos, &pos, next));
	memset(out, 0, got * sizeof(*out));
	return got;
}

/* False once write_len of audio has been written, this call included. */
static bool null_write(struct sems_audio *a, const int16_t *in, size_t n,
		       unsigned rate)
{
	struct null_audio *z = (struct null_audio *)a;
	long long len = atomic_load(&z->write_len);
	long long done = atomic_fetch_add(&z->written,
					  (long long)n * unit_step(rate));

	(void)in;
	return len < 0 || done + (long long)n * unit_step(rate) < len;
}

static void null_rewind(struct sems_audio *a, unsigned ms)
{
	struct null_audio *z = (struct null_audio *)a;
	long long back = (long long)ms * (UNIT_RATE / 1000), pos;

	if (!ms) {
		atomic_store(&z->read_pos, 0);
		return;
	}
	pos = atomic_load(&z->read_pos);
	while (!atomic_compare_exchange_weak(&z->read_pos, &pos,
					     pos > back ? pos - back : 0))
		;
}

static unsigned null_length_ms(const struct sems_audio *a)
{
	long long len = atomic_load(&((struct null_audio *)a)->read_len);

	return len < 0 ? 0 : (unsigned)(len / (UNIT_RATE / 1000));
}

static void null_destroy(struct sems_audio *a)
{
	free(a);
}

static const struct audio_kind null_kind = {
	.name = "null",
	.read = null_read,
	.write = null_write,
	.rewind = null_rewind,
	.length_ms = null_length_ms,
	.destroy = null_destroy,
};

void sems_audio_null_set(struct sems_audio *a, int read_ms, int write_ms)
{
	struct null_audio *z = (struct null_audio *)a;

	if (!a || a->kind != &null_kind)
		return;
	atomic_store(&z->read_len, ms_to_units(read_ms));
	atomic_store(&z->write_len, ms_to_units(write_ms));
	atomic_store(&z->read_pos, 0);
	atomic_store(&z->written, 0);
}

int sems_audio_null(struct sems_audio **ap, int read_ms, int write_ms)
{
	struct null_audio *z;

	if (!ap)
		return EINVAL;
	*ap = NULL;
	if (!(z = calloc(1, sizeof(*z))))
		return ENOMEM;
	audio_item_init(&z->base, &null_kind);
	atomic_init(&z->read_len, ms_to_units(read_ms));
	atomic_init(&z->write_len, ms_to_units(write_ms));
	atomic_init(&z->read_pos, 0);
	atomic_init(&z->written, 0);
	*ap = &z->base;
	return 0;
}
