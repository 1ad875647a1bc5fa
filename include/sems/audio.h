/* audio.h: audio files a plug-in can play or record.
 *
 * A `struct sems_audio` is one opened file with its own play position.  The
 * samples of a file opened for reading are decoded and resampled to 8 kHz
 * mono once, at open time (on the caller's thread, never on a media thread),
 * and shared between every sems_audio open on the same unchanged file, so
 * a thousand callers hearing one announcement share one copy.
 *
 * The object is reference counted: the plug-in holds one reference, each
 * playlist entry holds another, so closing a file that is still queued is
 * safe.  All functions are thread safe.
 */
#ifndef SEMS_AUDIO_H
#define SEMS_AUDIO_H

#include <stdbool.h>
#include <stddef.h>

struct sems_audio;

enum sems_audio_mode { SEMS_AUDIO_READ = 0, SEMS_AUDIO_WRITE = 1 };

/* Opens `path` (format from the extension: .wav in PCM16, u-law, A-law or
 * GSM 6.10; raw .pcmu, .pcma, .l16 at 8 kHz).  Returns 0 or an errno value;
 * on failure `errbuf` (if given) gets a message for a script author. */
int sems_audio_open(struct sems_audio **ap, const char *path,
		    enum sems_audio_mode mode, char *errbuf, size_t errlen);
struct sems_audio *sems_audio_ref(struct sems_audio *a);
void sems_audio_deref(struct sems_audio *a);   /* NULL is fine */

void sems_audio_rewind(struct sems_audio *a, unsigned ms); /* back ms, 0 = start */
void sems_audio_set_loop(struct sems_audio *a, bool loop);
bool sems_audio_loop(const struct sems_audio *a);
/* Length of the decoded audio in ms (reading) */
unsigned sems_audio_length_ms(const struct sems_audio *a);

/* Media-thread side: copy up to n samples (8 kHz mono) from the current
 * position, advancing it; wraps when looping.  Returns the count copied,
 * 0 at the end.  Never blocks, never allocates. */
size_t sems_audio_read(struct sems_audio *a, short *out, size_t n);

#endif
