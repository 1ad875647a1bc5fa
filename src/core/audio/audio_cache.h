/* audio_cache.h: decoded mono samples shared between opens of a file.
 *
 * An entry is keyed by path, rate and the file's identity (device, inode,
 * mtime, size), so an edited file is decoded afresh while callers still playing
 * the old version keep their copy.  Entries are reference counted and
 * leave the table with their last user.  The samples never change once an
 * entry is published, so readers need no lock.
 */
#ifndef CORE_AUDIO_CACHE_H
#define CORE_AUDIO_CACHE_H

#include <stddef.h>
#include <stdint.h>

struct audio_samples {
	const int16_t *pcm;    /* mono at `rate` */
	size_t n;
	unsigned rate;
};

/* Decodes `path` at `rate` (or finds it decoded).  Returns 0 or an errno
 * value with a message for a script author in errbuf. */
int  audio_cache_get(const struct audio_samples **sp, const char *path,
		     unsigned rate, char *errbuf, size_t errlen);
void audio_cache_put(const struct audio_samples *s);   /* NULL is fine */
/* Number of live entries (for tests and statistics). */
unsigned audio_cache_count(void);

#endif
