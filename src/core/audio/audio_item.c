/* audio_item.c: what every audio item has: references, the loop flag, and
 * the public functions, each handed to the item's kind. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "audio/audio_internal.h"
#include "fd_limit.h"
#include "audio/audio_shutdown.h"

void audio_item_init(struct sems_audio *a, const struct audio_kind *kind)
{
	atomic_init(&a->refs, 1);
	atomic_init(&a->loop, false);
	a->kind = kind;
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
	a->kind->destroy(a);
}

static void set_err(char *errbuf, size_t errlen, const char *fmt,
		    const char *path, int err)
{
	if (errbuf && errlen)
		snprintf(errbuf, errlen, fmt, path, strerror(err));
}

int sems_audio_open_fd(struct sems_audio **ap, int fd, const char *name,
		       enum sems_audio_mode mode, char *errbuf, size_t errlen)
{
	int own;

	if (!ap || !name || fd < 0 || (mode != SEMS_AUDIO_READ &&
				       mode != SEMS_AUDIO_WRITE)) {
		set_err(errbuf, errlen, "bad arguments for '%s': %s",
			name ? name : "", EINVAL);
		return EINVAL;
	}
	*ap = NULL;
	own = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	if (own < 0) {
		int err = errno;
		set_err(errbuf, errlen, "cannot use the file of '%s': %s",
			name, err);
		return err;
	}
	if (mode == SEMS_AUDIO_WRITE)
		return audio_record_open(ap, own, name, errbuf, errlen);
	int err = audio_file_open(ap, own, name, errbuf, errlen);
	close(own);
	return err;
}

int sems_audio_open(struct sems_audio **ap, const char *path,
		    enum sems_audio_mode mode, char *errbuf, size_t errlen)
{
	char file[4096], subtype[32];
	int fd, err;

	if (!ap || !path || !*path) {
		set_err(errbuf, errlen, "no file name given%s%.0s", "", 0);
		if (ap)
			*ap = NULL;
		return EINVAL;
	}
	if (mode != SEMS_AUDIO_WRITE)    /* by name: through the cache */
		return audio_file_open(ap, -1, path, errbuf, errlen);
	audio_path_split(path, file, sizeof(file), subtype, sizeof(subtype));
	errno = EMFILE;                /* the reserve: fd_limit.c */
	fd = fd_reserve_reached() ? -1 :
	     open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		err = errno;
		*ap = NULL;
		set_err(errbuf, errlen, "cannot open '%s': %s", file, err);
		return err;
	}
	return audio_record_open(ap, fd, path, errbuf, errlen);
}

int sems_audio_prepare(struct sems_audio *a, unsigned rate)
{
	if (!a)
		return EINVAL;
	if (rate != 8000 && rate != 16000)
		return ENOTSUP;
	return a->kind->prepare ? a->kind->prepare(a, rate) : 0;
}

void sems_audio_rewind(struct sems_audio *a, unsigned ms)
{
	if (a && a->kind->rewind)
		a->kind->rewind(a, ms);
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
	return a && a->kind->length_ms ? a->kind->length_ms(a) : 0;
}

bool sems_audio_is_recording(const struct sems_audio *a)
{
	return a && a->kind->write && a->kind->sync;
}

void sems_audio_set_record_time(struct sems_audio *a, unsigned ms)
{
	if (a && a->kind->set_record_time)
		a->kind->set_record_time(a, ms);
}

void sems_audio_set_silence_end(struct sems_audio *a, unsigned ms)
{
	if (a && a->kind->set_silence_end)
		a->kind->set_silence_end(a, ms);
}

bool sems_audio_ended_by_silence(const struct sems_audio *a)
{
	return a && a->kind->ended_by_silence && a->kind->ended_by_silence(a);
}

size_t sems_audio_data_size(const struct sems_audio *a)
{
	return a && a->kind->data_size ? a->kind->data_size(a) : 0;
}

int sems_audio_sync(struct sems_audio *a)
{
	return a && a->kind->sync ? a->kind->sync(a) : 0;
}

int sems_audio_dup_fd(struct sems_audio *a)
{
	return a && a->kind->dup_fd ? a->kind->dup_fd(a) : -1;
}

size_t sems_audio_read_rate(struct sems_audio *a, int16_t *out, size_t n,
			    unsigned rate)
{
	if (!a || !out || !a->kind->read)
		return 0;
	return a->kind->read(a, out, n, rate);
}

bool sems_audio_write(struct sems_audio *a, const int16_t *in, size_t n,
		      unsigned rate)
{
	if (!a || !in || !a->kind->write)
		return false;
	return a->kind->write(a, in, n, rate);
}

size_t sems_audio_read(struct sems_audio *a, short *out, size_t n)
{
	return sems_audio_read_rate(a, out, n, 8000);
}

void audio_shutdown(void)
{
	audio_record_shutdown();
}
