/* audio_file.c: sampled audio to play: a decoded file, or TTS output.
 *
 * An item holds its samples per rate (8 and 16 kHz), made on the caller's
 * thread by prepare(): for a named file from the shared cache (decoded from
 * the file at that rate, so a wideband prompt keeps its band), for a file
 * read through a descriptor or TTS output by resampling what it has.  The
 * samples never change once published; the only mutable state the media
 * thread sees is the play position, kept in 16 kHz units so one position
 * serves both rates, and atomic, because a session worker may rewind it.
 */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "audio/audio_cache.h"
#include "audio/audio_decode.h"
#include "audio/audio_internal.h"

enum { POS_RATE = 16000, RATES = 2 };

struct sampled {
	struct sems_audio base;
	char *path;                      /* NULL: not from a named file */
	pthread_mutex_t lock;            /* prepare */
	/* per rate index (8k, 16k): cached or owned samples */
	_Atomic(const struct audio_samples *) samples[RATES];
	struct audio_samples own[RATES];
	bool cached[RATES];
	atomic_size_t pos;               /* at POS_RATE */
};

static int rate_index(unsigned rate)
{
	return rate == 16000 ? 1 : 0;
}

static unsigned index_rate(int i)
{
	return i ? 16000 : 8000;
}

/* Any samples the item already has, to resample from. */
static const struct audio_samples *any_samples(struct sampled *f)
{
	for (int i = RATES - 1; i >= 0; i--) {
		const struct audio_samples *s = atomic_load(&f->samples[i]);
		if (s)
			return s;
	}
	return NULL;
}

static int sampled_prepare(struct sems_audio *a, unsigned rate)
{
	struct sampled *f = (struct sampled *)a;
	int i = rate_index(rate), err = 0;
	const struct audio_samples *have, *got = NULL;

	if (atomic_load(&f->samples[i]))
		return 0;
	pthread_mutex_lock(&f->lock);
	if (atomic_load(&f->samples[i]))
		goto out;
	if (f->path) {
		err = audio_cache_get(&got, f->path, rate, NULL, 0);
		f->cached[i] = !err;
	}
	else if ((have = any_samples(f))) {
		int16_t *pcm = NULL;
		size_t n = 0;

		err = audio_resample(have->pcm, have->n, have->rate, rate, &pcm,
				     &n);
		if (!err) {
			f->own[i] = (struct audio_samples){ pcm, n, rate };
			got = &f->own[i];
		}
	}
	else
		err = EINVAL;
	if (!err)
		atomic_store(&f->samples[i], got);
 out:
	pthread_mutex_unlock(&f->lock);
	return err;
}

/* Copies from `pos` (at POS_RATE), wrapping when looping. */
static size_t sampled_read(struct sems_audio *a, int16_t *out, size_t n,
			   unsigned rate)
{
	struct sampled *f = (struct sampled *)a;
	const struct audio_samples *s = atomic_load(&f->samples[rate_index(rate)]);
	size_t step = POS_RATE / index_rate(rate_index(rate));
	size_t pos, next, done;

	if (!s)
		return 0;          /* not prepared: never read on a media thread */
	pos = atomic_load(&f->pos);
	do {   /* a rewind racing with us wins: copy again from its position */
		size_t i = pos / step;
		bool loop = atomic_load(&a->loop);

		done = 0;
		if (i > s->n)
			i = s->n;
		while (done < n) {
			size_t chunk = s->n - i;

			if (!chunk) {
				if (!loop || !s->n)
					break;
				i = 0;
				continue;
			}
			if (chunk > n - done)
				chunk = n - done;
			memcpy(out + done, s->pcm + i, chunk * sizeof(*out));
			done += chunk;
			i += chunk;
		}
		next = i * step;
	} while (!atomic_compare_exchange_weak(&f->pos, &pos, next));
	return done;
}

static void sampled_rewind(struct sems_audio *a, unsigned ms)
{
	struct sampled *f = (struct sampled *)a;
	size_t back = audio_ms_to_samples(ms, POS_RATE), pos;

	if (!ms) {
		atomic_store(&f->pos, 0);
		return;
	}
	pos = atomic_load(&f->pos);
	while (!atomic_compare_exchange_weak(&f->pos, &pos,
					     pos > back ? pos - back : 0))
		;
}

static unsigned sampled_length_ms(const struct sems_audio *a)
{
	const struct audio_samples *s = any_samples((struct sampled *)a);

	return s && s->rate ? (unsigned)(s->n * 1000 / s->rate) : 0;
}

/* Bytes of 8 kHz PCM16, as SEMS reports a file's size. */
static size_t sampled_data_size(const struct sems_audio *a)
{
	return (size_t)sampled_length_ms(a) * 16;
}

static void sampled_destroy(struct sems_audio *a)
{
	struct sampled *f = (struct sampled *)a;

	for (int i = 0; i < RATES; i++) {
		if (f->cached[i])
			audio_cache_put(atomic_load(&f->samples[i]));
		free((void *)f->own[i].pcm);
	}
	pthread_mutex_destroy(&f->lock);
	free(f->path);
	free(f);
}

static const struct audio_kind sampled_kind = {
	.name = "file",
	.read = sampled_read,
	.prepare = sampled_prepare,
	.rewind = sampled_rewind,
	.length_ms = sampled_length_ms,
	.data_size = sampled_data_size,
	.destroy = sampled_destroy,
};

static struct sampled *sampled_alloc(void)
{
	struct sampled *f = calloc(1, sizeof(*f));

	if (!f)
		return NULL;
	audio_item_init(&f->base, &sampled_kind);
	pthread_mutex_init(&f->lock, NULL);
	for (int i = 0; i < RATES; i++)
		atomic_init(&f->samples[i], NULL);
	atomic_init(&f->pos, 0);
	return f;
}

/* A named file goes through the cache (8 kHz now, other rates on
 * prepare); one read through a descriptor of unknown identity is decoded
 * once into the item. */
int audio_file_open(struct sems_audio **ap, int fd, const char *path,
		    char *errbuf, size_t errlen)
{
	struct sampled *f = sampled_alloc();
	const struct audio_samples *s = NULL;
	int err;

	*ap = NULL;
	if (!f) {
		if (errbuf && errlen)
			snprintf(errbuf, errlen, "cannot open '%s': %s", path,
				 strerror(ENOMEM));
		return ENOMEM;
	}
	if (fd < 0) {
		/* by name, through the cache */
		if (!(f->path = strdup(path))) {
			err = ENOMEM;
			goto out;
		}
		err = audio_cache_get(&s, path, 8000, errbuf, errlen);
		f->cached[0] = !err;
	}
	else {
		int16_t *pcm = NULL;
		size_t n = 0;

		err = audio_format_check(path, errbuf, errlen);
		if (!err)
			err = audio_decode(fd, path, 8000, &pcm, &n, errbuf,
					   errlen);
		f->own[0] = (struct audio_samples){ pcm, n, 8000 };
		s = &f->own[0];
	}
 out:
	if (err) {
		sampled_destroy(&f->base);
		return err;
	}
	atomic_store(&f->samples[0], s);
	*ap = &f->base;
	return 0;
}

int audio_samples_item(struct sems_audio **ap, int16_t *pcm, size_t n,
		       unsigned rate, char *errbuf, size_t errlen)
{
	struct sampled *f = sampled_alloc();
	int i = rate_index(rate);

	*ap = NULL;
	if (!f || (rate != 8000 && rate != 16000)) {
		if (errbuf && errlen)
			snprintf(errbuf, errlen, "cannot keep %u Hz audio", rate);
		free(pcm);
		if (f)
			sampled_destroy(&f->base);
		return f ? EINVAL : ENOMEM;
	}
	f->own[i] = (struct audio_samples){ pcm, n, rate };
	atomic_store(&f->samples[i], &f->own[i]);
	*ap = &f->base;
	return 0;
}

int sems_audio_tone(struct sems_audio **ap, unsigned freq_hz, unsigned ms,
		    double level)
{
	size_t n = audio_ms_to_samples(ms, 16000);
	int16_t *pcm = malloc((n ? n : 1) * sizeof(*pcm));

	if (!ap)
		return EINVAL;
	*ap = NULL;
	if (!pcm)
		return ENOMEM;
	if (level < 0 || level > 1 || freq_hz >= 8000) {
		free(pcm);
		return EINVAL;
	}
	for (size_t i = 0; i < n; i++)
		pcm[i] = (int16_t)(level * 32767 *
				   sin(2 * M_PI * freq_hz * (double)i / 16000));
	return audio_samples_item(ap, pcm, n, 16000, NULL, 0);
}
