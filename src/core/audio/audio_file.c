/* audio_file.c: struct sems_audio, one opened file with its own play position.
 *
 * The samples come from the shared cache (audio_cache.c) and never change;
 * the only mutable state is the position and the loop flag, both atomic,
 * because the media thread reads while a session worker rewinds.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sems/audio.h>
#include "audio/audio_cache.h"

enum { SAMPLES_PER_MS = 8 };

struct sems_audio {
	atomic_int refs;
	const struct audio_samples *samples;
	atomic_size_t pos;
	atomic_bool loop;
};

int sems_audio_open(struct sems_audio **ap, const char *path,
		    enum sems_audio_mode mode, char *errbuf, size_t errlen)
{
	struct sems_audio *a = NULL;
	int err;

	if (!ap || !path) {
		err = EINVAL;
		if (errbuf && errlen)
			snprintf(errbuf, errlen, "no file name given");
		goto out;
	}
	if (mode != SEMS_AUDIO_READ) {
		err = ENOTSUP;
		if (errbuf && errlen)
			snprintf(errbuf, errlen,
				 "recording is not supported yet");
		goto out;
	}
	a = calloc(1, sizeof(*a));
	if (!a) {
		err = ENOMEM;
		if (errbuf && errlen)
			snprintf(errbuf, errlen, "cannot open '%s': %s", path,
				 strerror(err));
		goto out;
	}
	err = audio_cache_get(&a->samples, path, errbuf, errlen);
	if (err)
		goto out;
	atomic_init(&a->refs, 1);
	atomic_init(&a->pos, 0);
	atomic_init(&a->loop, false);
 out:
	if (err) {
		free(a);
		a = NULL;
	}
	if (ap)
		*ap = a;
	return err;
}

struct sems_audio *sems_audio_ref(struct sems_audio *a)
{
	if (a)
		atomic_fetch_add(&a->refs, 1);
	return a;
}

void sems_audio_deref(struct sems_audio *a)
{
	if (!a || atomic_fetch_sub(&a->refs, 1) != 1)
		return;
	audio_cache_put(a->samples);
	free(a);
}

void sems_audio_rewind(struct sems_audio *a, unsigned ms)
{
	size_t back = (size_t)ms * SAMPLES_PER_MS;
	size_t pos;

	if (!a)
		return;
	if (!ms) {
		atomic_store(&a->pos, 0);
		return;
	}
	pos = atomic_load(&a->pos);
	while (!atomic_compare_exchange_weak(&a->pos, &pos,
					     pos > back ? pos - back : 0))
		;
}

void sems_audio_set_loop(struct sems_audio *a, bool loop)
{
	if (a)
		atomic_store(&a->loop, loop);
}

bool sems_audio_loop(const struct sems_audio *a)
{
	return a && atomic_load(&((struct sems_audio *)a)->loop);
}

unsigned sems_audio_length_ms(const struct sems_audio *a)
{
	return a ? (unsigned)(a->samples->n / SAMPLES_PER_MS) : 0;
}

/* Copies from `pos`, wrapping when looping; returns the new position. */
static size_t copy_from(const struct sems_audio *a, size_t pos, short *out,
			size_t n, size_t *copied, bool loop)
{
	const struct audio_samples *s = a->samples;
	size_t done = 0;

	if (pos > s->n)
		pos = s->n;
	while (done < n) {
		size_t chunk = s->n - pos;

		if (!chunk) {
			if (!loop || !s->n)
				break;
			pos = 0;
			continue;
		}
		if (chunk > n - done)
			chunk = n - done;
		memcpy(out + done, s->pcm + pos, chunk * sizeof(*out));
		done += chunk;
		pos += chunk;
	}
	*copied = done;
	return pos;
}

size_t sems_audio_read(struct sems_audio *a, short *out, size_t n)
{
	size_t pos, next, copied;

	if (!a || !out)
		return 0;
	pos = atomic_load(&a->pos);
	/* A rewind racing with us wins: copy again from its position. */
	do {
		next = copy_from(a, pos, out, n, &copied,
				 atomic_load(&a->loop));
	} while (!atomic_compare_exchange_weak(&a->pos, &pos, next));
	return copied;
}
