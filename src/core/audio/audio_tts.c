/* audio_tts.c: text to speech with flite's cmu_us_kal voice, in memory.
 *
 * flite keeps global state (its feature tables, the registered voice) and
 * is not known to be thread safe, so it is set up once and every synthesis
 * holds one lock.  The wave flite returns is copied (resampled to 8 kHz
 * if its rate is one the items do not keep) and freed at once.
 */
#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <flite/flite.h>
#include "audio/audio_internal.h"

/* The voice library has no header of its own. */
cst_voice *register_cmu_us_kal(const char *voxdir);

static pthread_once_t tts_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t tts_lock = PTHREAD_MUTEX_INITIALIZER;
static cst_voice *tts_voice;

static void tts_init(void)
{
	flite_init();
	tts_voice = register_cmu_us_kal(NULL);
}

static int tts_err(char *errbuf, size_t errlen, int err, const char *what)
{
	if (errbuf && errlen)
		snprintf(errbuf, errlen, "text to speech: %s", what);
	return err;
}

static bool is_blank(const char *s)
{
	while (*s && isspace((unsigned char)*s))
		s++;
	return !*s;
}

/* The first channel of `w` as malloc()ed PCM16 at 8000 or 16000 Hz. */
static int wave_copy(const cst_wave *w, int16_t **pcmp, size_t *np,
		     unsigned *ratep)
{
	size_t n = (size_t)w->num_samples, ch = (size_t)w->num_channels;
	unsigned rate = (unsigned)w->sample_rate;
	int16_t *pcm = malloc((n ? n : 1) * sizeof(*pcm));
	int err = 0;

	if (!pcm)
		return ENOMEM;
	for (size_t i = 0; i < n; i++)
		pcm[i] = w->samples[i * (ch ? ch : 1)];
	if (rate != 8000 && rate != 16000) {
		int16_t *out = NULL;

		err = audio_resample(pcm, n, rate, 8000, &out, &n);
		free(pcm);
		pcm = out;
		rate = 8000;
	}
	if (err)
		return err;
	*pcmp = pcm;
	*np = n;
	*ratep = rate;
	return 0;
}

int audio_tts_synth(const char *text, int16_t **pcmp, size_t *np,
		    unsigned *ratep, char *errbuf, size_t errlen)
{
	cst_wave *w;
	bool spoke;
	int err;

	if (!text || is_blank(text))
		return tts_err(errbuf, errlen, EINVAL, "no text given");
	pthread_once(&tts_once, tts_init);
	if (!tts_voice)
		return tts_err(errbuf, errlen, ENOTSUP,
			       "the cmu_us_kal voice is not available");
	pthread_mutex_lock(&tts_lock);   /* delete_wave() is flite's too */
	w = flite_text_to_wave(text, tts_voice);
	spoke = w && w->num_samples > 0 && w->sample_rate > 0;
	err = spoke ? wave_copy(w, pcmp, np, ratep) : EIO;
	if (w)
		delete_wave(w);
	pthread_mutex_unlock(&tts_lock);
	if (!spoke)
		return tts_err(errbuf, errlen, err, "flite produced no audio");
	if (err)
		return tts_err(errbuf, errlen, err, strerror(err));
	return 0;
}

int sems_audio_tts(struct sems_audio **ap, const char *text,
		   char *errbuf, size_t errlen)
{
	int16_t *pcm;
	size_t n;
	unsigned rate;
	int err;

	if (!ap)
		return tts_err(errbuf, errlen, EINVAL, "no item to fill");
	*ap = NULL;
	err = audio_tts_synth(text, &pcm, &n, &rate, errbuf, errlen);
	if (err)
		return err;
	return audio_samples_item(ap, pcm, n, rate, errbuf, errlen);
}
