/* audio_decode.c: any file libsndfile reads -> mono PCM16 at the call's
 * rate (libsamplerate); names with a SEMS `|subtype` suffix. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sndfile.h>
#include <samplerate.h>
#include "audio/audio_decode.h"
#include "audio/audio_internal.h"

enum { RAW_RATE = 8000, MAX_SECONDS = 4 * 3600 };

enum audio_format { FMT_UNKNOWN, FMT_WAV, FMT_PCMU, FMT_PCMA, FMT_L16 };

void audio_path_split(const char *path, char *file, size_t filelen,
		      char *subtype, size_t sublen)
{
	const char *bar = strrchr(path, '|');
	size_t n = bar ? (size_t)(bar - path) : strlen(path);

	snprintf(file, filelen, "%.*s", (int)n, path);
	snprintf(subtype, sublen, "%s", bar ? bar + 1 : "");
}

static enum audio_format format_of(const char *name)
{
	char path[4096], subtype[32];

	audio_path_split(name, path, sizeof(path), subtype, sizeof(subtype));
	static const struct { const char *ext; enum audio_format fmt; } tab[] = {
		{"wav", FMT_WAV}, {"pcmu", FMT_PCMU}, {"pcma", FMT_PCMA},
		{"l16", FMT_L16},
	};
	const char *base = strrchr(path, '/');
	const char *dot = strrchr(base ? base : path, '.');

	if (!dot)
		return FMT_UNKNOWN;
	for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		if (!strcasecmp(dot + 1, tab[i].ext))
			return tab[i].fmt;
	}
	return FMT_UNKNOWN;
}

int audio_format_check(const char *path, char *errbuf, size_t errlen)
{
	if (format_of(path) != FMT_UNKNOWN)
		return 0;
	if (errbuf)
		snprintf(errbuf, errlen, "unknown audio format '%s'", path);
	return EINVAL;
}

/* Raw files carry no header: say what they hold. */
static void raw_info(SF_INFO *info, enum audio_format fmt)
{
	memset(info, 0, sizeof(*info));
	if (fmt == FMT_WAV)
		return;
	info->samplerate = RAW_RATE;
	info->channels = 1;
	info->format = SF_FORMAT_RAW | (fmt == FMT_PCMU ? SF_FORMAT_ULAW :
		       fmt == FMT_PCMA ? SF_FORMAT_ALAW :
		       SF_FORMAT_PCM_16 | SF_ENDIAN_CPU);
}

/* Reads every frame, downmixed to mono, into a malloc()ed float array. */
static int read_mono(SNDFILE *sf, const SF_INFO *info, float **monop,
		     size_t *np)
{
	size_t frames = (size_t)info->frames, ch = (size_t)info->channels;
	float *buf = malloc((frames ? frames : 1) * ch * sizeof(float));

	if (!buf)
		return ENOMEM;
	frames = (size_t)sf_readf_float(sf, buf, (sf_count_t)frames);
	for (size_t i = 0; ch > 1 && i < frames; i++) {
		float sum = 0;
		for (size_t c = 0; c < ch; c++)
			sum += buf[i * ch + c];
		buf[i] = sum / (float)ch;
	}
	*monop = buf;
	*np = frames;
	return 0;
}

/* Resamples `in` to `to` into a new malloc()ed array (or keeps it). */
static int resample(float **bufp, size_t *np, int rate, unsigned to)
{
	double ratio = (double)to / rate;
	SRC_DATA d = { 0 };
	float *out;
	int err;

	if ((unsigned)rate == to || *np == 0)
		return 0;
	d.input_frames = (long)*np;
	d.output_frames = (long)((double)*np * ratio) + 16;
	d.src_ratio = ratio;
	d.data_in = *bufp;
	out = malloc((size_t)d.output_frames * sizeof(float));
	if (!out)
		return ENOMEM;
	d.data_out = out;
	err = src_simple(&d, SRC_SINC_FASTEST, 1);
	if (err) {
		free(out);
		return EINVAL;
	}
	free(*bufp);
	*bufp = out;
	*np = (size_t)d.output_frames_gen;
	return 0;
}

int audio_decode(int fd, const char *path, unsigned rate, int16_t **pcmp,
		 size_t *np, char *errbuf, size_t errlen)
{
	SF_INFO info;
	SNDFILE *sf;
	float *mono = NULL;
	int16_t *pcm = NULL;
	size_t n = 0;
	int err;

	raw_info(&info, format_of(path));
	sf = sf_open_fd(fd, SFM_READ, &info, SF_FALSE);
	if (!sf) {
		err = EINVAL;
		snprintf(errbuf, errlen, "cannot decode '%s': %s", path,
			 sf_strerror(NULL));
		goto out;
	}
	if (info.channels < 1 || info.samplerate < 1 ||
	    info.frames > (sf_count_t)MAX_SECONDS * info.samplerate) {
		err = EFBIG;
		snprintf(errbuf, errlen, "cannot decode '%s': longer than %d s"
			 " or malformed", path, MAX_SECONDS);
		goto out;
	}
	err = read_mono(sf, &info, &mono, &n);
	if (!err)
		err = resample(&mono, &n, info.samplerate, rate);
	if (!err && n) {
		pcm = malloc(n * sizeof(*pcm));
		if (pcm)
			src_float_to_short_array(mono, pcm, (int)n);
		else
			err = ENOMEM;
	}
	if (err)
		snprintf(errbuf, errlen, "cannot decode '%s': %s", path,
			 strerror(err));
 out:
	if (sf)
		sf_close(sf);
	free(mono);
	if (err) {
		free(pcm);
		return err;
	}
	*pcmp = pcm;
	*np = pcm ? n : 0;
	return 0;
}

int audio_resample(const int16_t *in, size_t n, unsigned from, unsigned to,
		   int16_t **outp, size_t *outn)
{
	float *buf = malloc((n ? n : 1) * sizeof(float));
	int16_t *out = NULL;
	size_t m = n;
	int err;

	if (!buf)
		return ENOMEM;
	src_short_to_float_array(in, buf, (int)n);
	err = resample(&buf, &m, (int)from, to);
	if (!err && !(out = malloc((m ? m : 1) * sizeof(*out))))
		err = ENOMEM;
	if (!err)
		src_float_to_short_array(buf, out, (int)m);
	free(buf);
	if (err)
		return err;
	*outp = out;
	*outn = m;
	return 0;
}
