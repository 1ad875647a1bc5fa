/* audio_internal.h: struct sems_audio and its kinds (src/core/audio only).
 *
 * Every item starts with a `struct sems_audio` whose `kind` says what it
 * is; each kind lives in its own file and fills in the functions it has
 * (NULL: the generic behaviour in audio_item.c).
 *
 *   audio_file.c    sampled audio: a decoded file or TTS output (read)
 *   audio_record.c  a file being recorded, its ring buffer, writer thread
 *   audio_null.c    silence of a given length (read or write)
 *   audio_mixin.c   one item with another mixed in at intervals
 *   audio_tts.c     flite: text -> samples, played as an audio_file.c item
 *
 * Threads: `read` and `write` run on a media thread and must not block,
 * allocate or touch the disk; `destroy` may run there too (the last
 * reference can be a playlist entry's), so a kind that must do I/O at the
 * end hands that to its own thread.  The rest run on the caller's thread.
 */
#ifndef CORE_AUDIO_INTERNAL_H
#define CORE_AUDIO_INTERNAL_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sems/audio.h>

struct audio_kind {
	const char *name;
	size_t (*read)(struct sems_audio *a, int16_t *out, size_t n,
		       unsigned rate);
	bool   (*write)(struct sems_audio *a, const int16_t *in, size_t n,
			unsigned rate);
	int    (*prepare)(struct sems_audio *a, unsigned rate);
	void   (*rewind)(struct sems_audio *a, unsigned ms);
	unsigned (*length_ms)(const struct sems_audio *a);
	size_t (*data_size)(const struct sems_audio *a);
	void   (*set_record_time)(struct sems_audio *a, unsigned ms);
	void   (*set_silence_end)(struct sems_audio *a, unsigned ms);
	bool   (*ended_by_silence)(const struct sems_audio *a);
	int    (*sync)(struct sems_audio *a);
	int    (*dup_fd)(struct sems_audio *a);
	void   (*destroy)(struct sems_audio *a);   /* frees the item itself */
};

struct sems_audio {
	atomic_int refs;
	const struct audio_kind *kind;
	atomic_bool loop;
};

/* Sets up the common part (one reference). */
void audio_item_init(struct sems_audio *a, const struct audio_kind *kind);

/* audio_file.c: errors go to errbuf with the file named. */
int audio_file_open(struct sems_audio **ap, int fd, const char *path,
		    char *errbuf, size_t errlen);
/* Sampled audio from memory (TTS): takes ownership of the malloc()ed
 * pcm at `rate`. */
int audio_samples_item(struct sems_audio **ap, int16_t *pcm, size_t n,
		       unsigned rate, char *errbuf, size_t errlen);

/* audio_record.c: `fd` is owned by the recorder from here on. */
int audio_record_open(struct sems_audio **ap, int fd, const char *path,
		      char *errbuf, size_t errlen);
/* Writer thread: started lazily by the first recording; stop flushes and
 * closes every recording still open (server shutdown). */
void audio_record_shutdown(void);

/* audio_tts.c: speaks `text` into malloc()ed PCM16 mono at *ratep. */
int audio_tts_synth(const char *text, int16_t **pcmp, size_t *np,
		    unsigned *ratep, char *errbuf, size_t errlen);

/* audio_decode.c: the file name without a `|subtype` suffix, and that
 * suffix (or "") into the buffers given. */
void audio_path_split(const char *path, char *file, size_t filelen,
		      char *subtype, size_t sublen);
/* Resamples PCM16 mono (libsamplerate); *outp is malloc()ed. */
int audio_resample(const int16_t *in, size_t n, unsigned from, unsigned to,
		   int16_t **outp, size_t *outn);

static inline size_t audio_ms_to_samples(unsigned ms, unsigned rate)
{
	return (size_t)ms * rate / 1000;
}

#endif
