/* audio_decode.h: reading an audio file into mono PCM16 at a given rate. */
#ifndef CORE_AUDIO_DECODE_H
#define CORE_AUDIO_DECODE_H

#include <stddef.h>
#include <stdint.h>

/* The format from the extension of `path`: 0 if known, else EINVAL with
 * a message. */
int audio_format_check(const char *path, char *errbuf, size_t errlen);

/* Decodes the open file `fd` (named `path`, format from its extension),
 * downmixed and resampled to `rate` mono.  *pcmp is malloc()ed (NULL for
 * an empty file).  Does not close fd. */
int audio_decode(int fd, const char *path, unsigned rate, int16_t **pcmp,
		 size_t *np, char *errbuf, size_t errlen);

#endif
