/* audio.h: the audio items a plug-in plays and records on a call.
 *
 * A `struct sems_audio` is one playlist source or sink: a file opened for
 * reading (or text spoken by TTS), a file being recorded, silence of a
 * given length, or a mix of two others.  Items are reference counted: the
 * plug-in holds one reference, each playlist entry another, so closing an
 * item that is still queued is safe.  All functions are thread safe.
 *
 * Rates: a call's media runs at its codec's rate (8000 or 16000 Hz, mono,
 * 20 ms frames).  Files are decoded and resampled on the caller's thread
 * (sems_audio_prepare(), which enqueueing does), never on a media thread,
 * and the decoded samples of an unchanged file are shared by every open of
 * it, per rate, so a thousand callers of one announcement share one copy.
 *
 * Recording never touches the disk on a media thread: frames go through a
 * ring buffer that a writer thread drains into the file.  The file's
 * header is kept valid while it is written, and the file is complete once
 * its last reference is gone (or at shutdown).
 */
#ifndef SEMS_AUDIO_H
#define SEMS_AUDIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sems_audio;

/* SEMS's values: a script passing a literal 1 means read. */
enum sems_audio_mode { SEMS_AUDIO_READ = 1, SEMS_AUDIO_WRITE = 2 };

enum { SEMS_AUDIO_RATE_MAX = 16000 };

/* Opens `path`.  The format comes from the extension: .wav (reading:
 * PCM16, u-law, A-law, GSM 6.10, any rate and channel count; writing:
 * 8 kHz mono PCM16, or u-law / A-law with a `|Mu-Law` / `|A-Law` suffix
 * after the name, as in SEMS: "msg.wav|A-Law"), raw .pcmu, .pcma and .l16
 * (8 kHz).  WRITE truncates.  Returns 0 or an errno value; on failure
 * `errbuf` (if given) gets a message for a script author naming the file. */
int sems_audio_open(struct sems_audio **ap, const char *path,
		    enum sems_audio_mode mode, char *errbuf, size_t errlen);
/* The same through an open file descriptor (dup()ed: the caller keeps
 * its own); `name` only gives the format by its extension.  Recording to
 * an anonymous temporary file is this with an fd of such a file. */
int sems_audio_open_fd(struct sems_audio **ap, int fd, const char *name,
		       enum sems_audio_mode mode, char *errbuf, size_t errlen);
/* `text` spoken by the built-in text-to-speech voice (flite); plays like
 * a file opened for reading.  Nothing is written to disk. */
int sems_audio_tts(struct sems_audio **ap, const char *text,
		   char *errbuf, size_t errlen);
/* Silence.  As a play item it ends after read_ms, as a record item it
 * ends after write_ms; -1: never. */
int sems_audio_null(struct sems_audio **ap, int read_ms, int write_ms);
void sems_audio_null_set(struct sems_audio *a, int read_ms, int write_ms);

/* Plays `a`; every interval_ms mixes `b` into it at `level` (0.0-1.0;
 * 0 pauses `a` while `b` plays).  Takes references to both. */
enum sems_mixin_flags {
	SEMS_MIXIN_FINISH = 1,      /* a ended while b plays: wait for b */
	SEMS_MIXIN_ONCE = 2,        /* mix b only once                   */
	SEMS_MIXIN_IMMEDIATE = 4,   /* first mix at once, not after one interval */
};
int sems_audio_mixin(struct sems_audio **ap, struct sems_audio *a,
		     struct sems_audio *b, unsigned interval_ms, double level,
		     unsigned flags);

/* A sine tone of freq_hz for ms at level (0.0-1.0 of full scale). */
int sems_audio_tone(struct sems_audio **ap, unsigned freq_hz, unsigned ms,
		    double level);

struct sems_audio *sems_audio_ref(struct sems_audio *a);
void sems_audio_deref(struct sems_audio *a);   /* NULL is fine */

/* Decodes/resamples for `rate` now (blocking), so that the media thread
 * can read at that rate without waiting.  0 or an errno value. */
int  sems_audio_prepare(struct sems_audio *a, unsigned rate);
void sems_audio_rewind(struct sems_audio *a, unsigned ms); /* back ms, 0 = start */
void sems_audio_set_loop(struct sems_audio *a, bool loop);
bool sems_audio_loop(const struct sems_audio *a);
/* Length in ms: of the decoded audio (reading), of what was recorded so
 * far (writing); 0 for other kinds. */
unsigned sems_audio_length_ms(const struct sems_audio *a);
bool sems_audio_is_recording(const struct sems_audio *a);

/* Recording: stop after `ms` of audio (0: no limit). */
void   sems_audio_set_record_time(struct sems_audio *a, unsigned ms);
/* Recording: stop once the caller was silent for `ms` (0: never). */
void   sems_audio_set_silence_end(struct sems_audio *a, unsigned ms);
/* True when a recording stopped because of that silence. */
bool   sems_audio_ended_by_silence(const struct sems_audio *a);
/* Bytes of audio data: recorded so far (writing) or readable (reading,
 * as 8 kHz PCM16, like SEMS). */
size_t sems_audio_data_size(const struct sems_audio *a);
/* Blocks until everything recorded so far is in the file and its header
 * is up to date.  0, or the write error (e.g. ENOSPC) seen so far. */
int    sems_audio_sync(struct sems_audio *a);
/* A new descriptor (dup) of a recording's file, at offset 0, or -1. */
int    sems_audio_dup_fd(struct sems_audio *a);

/* Media-thread side (never blocks, never allocates).  read: up to n
 * samples at `rate` (prepared before) from the current position; returns
 * the count copied, fewer at the end.  write: n recorded samples at
 * `rate`; returns false once the item is complete (record time reached). */
size_t sems_audio_read_rate(struct sems_audio *a, int16_t *out, size_t n,
			    unsigned rate);
bool   sems_audio_write(struct sems_audio *a, const int16_t *in, size_t n,
			unsigned rate);
/* 8 kHz read (the rate every file is prepared for at open). */
size_t sems_audio_read(struct sems_audio *a, short *out, size_t n);

#endif
