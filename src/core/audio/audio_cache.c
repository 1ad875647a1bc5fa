/* audio_cache.c: the table of decoded files shared between sems_audio objects.
 *
 * Decoding runs outside the table lock, so a long file does not stall the
 * opens of other files; if two threads decode the same file at once, the
 * first to publish wins and the other frees its copy.  An entry is public
 * through `pub` only, whose samples never change after publication.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "audio/audio_cache.h"
#include "audio/audio_decode.h"
#include "audio/audio_internal.h"

struct cache_entry {
	struct audio_samples pub;        /* first: put() gets this back */
	struct cache_entry *next;
	char *path;
	dev_t dev;
	ino_t ino;
	struct timespec mtime;
	off_t size;
	unsigned users;                  /* under cache_lock */
};

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static struct cache_entry *cache_head;

static bool same_file(const struct cache_entry *e, const char *path,
		      unsigned rate, const struct stat *st)
{
	return e->pub.rate == rate && e->dev == st->st_dev && e->ino == st->st_ino &&
	       e->size == st->st_size &&
	       e->mtime.tv_sec == st->st_mtim.tv_sec &&
	       e->mtime.tv_nsec == st->st_mtim.tv_nsec &&
	       !strcmp(e->path, path);
}

/* Under cache_lock: a published entry for this file, now with one more user. */
static struct cache_entry *lookup_locked(const char *path, unsigned rate,
					 const struct stat *st)
{
	for (struct cache_entry *e = cache_head; e; e = e->next) {
		if (same_file(e, path, rate, st)) {
			e->users++;
			return e;
		}
	}
	return NULL;
}

static void entry_free(struct cache_entry *e)
{
	free((void *)e->pub.pcm);
	free(e->path);
	free(e);
}

static int entry_decode(struct cache_entry **ep, int fd, const char *path,
			unsigned rate, const struct stat *st, char *errbuf,
			size_t errlen)
{
	struct cache_entry *e = calloc(1, sizeof(*e));
	int16_t *pcm = NULL;
	int err;

	if (!e || !(e->path = strdup(path))) {
		err = ENOMEM;
		snprintf(errbuf, errlen, "cannot open '%s': %s", path,
			 strerror(err));
		goto out;
	}
	err = audio_decode(fd, path, rate, &pcm, &e->pub.n, errbuf, errlen);
	if (err)
		goto out;
	e->pub.pcm = pcm;
	e->pub.rate = rate;
	e->dev = st->st_dev;
	e->ino = st->st_ino;
	e->mtime = st->st_mtim;
	e->size = st->st_size;
	e->users = 1;
 out:
	if (err && e) {
		free(e->path);
		free(e);
		e = NULL;
	}
	*ep = e;
	return err;
}

/* Publishes `e` unless an equal entry appeared meanwhile; returns the winner. */
static struct cache_entry *publish(struct cache_entry *e, const struct stat *st)
{
	struct cache_entry *have;

	pthread_mutex_lock(&cache_lock);
	have = lookup_locked(e->path, e->pub.rate, st);
	if (!have) {
		e->next = cache_head;
		cache_head = e;
	}
	pthread_mutex_unlock(&cache_lock);
	if (have)
		entry_free(e);
	return have ? have : e;
}

int audio_cache_get(const struct audio_samples **sp, const char *path,
		    unsigned rate, char *errbuf, size_t errlen)
{
	char msg[512] = "", file[4096], subtype[32];
	struct cache_entry *e = NULL;
	struct stat st;
	int fd = -1, err;

	err = audio_format_check(path, msg, sizeof(msg));
	if (err)
		goto out;
	audio_path_split(path, file, sizeof(file), subtype, sizeof(subtype));
	fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0) {
		err = errno;
		snprintf(msg, sizeof(msg), "cannot open '%.400s': %s", file,
			 strerror(err));
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		err = EISDIR;
		snprintf(msg, sizeof(msg), "cannot open '%s': %s", path,
			 strerror(err));
		goto out;
	}
	pthread_mutex_lock(&cache_lock);
	e = lookup_locked(path, rate, &st);
	pthread_mutex_unlock(&cache_lock);
	if (e)
		goto out;
	err = entry_decode(&e, fd, path, rate, &st, msg, sizeof(msg));
	if (!err)
		e = publish(e, &st);
 out:
	if (fd >= 0)
		close(fd);
	if (err && errbuf && errlen)
		snprintf(errbuf, errlen, "%s", msg);
	*sp = err ? NULL : &e->pub;
	return err;
}

void audio_cache_put(const struct audio_samples *s)
{
	struct cache_entry *e = (struct cache_entry *)s, **pp;
	bool last;

	if (!e)
		return;
	pthread_mutex_lock(&cache_lock);
	last = --e->users == 0;
	for (pp = &cache_head; last && *pp; pp = &(*pp)->next) {
		if (*pp == e) {
			*pp = e->next;
			break;
		}
	}
	pthread_mutex_unlock(&cache_lock);
	if (last)
		entry_free(e);
}

unsigned audio_cache_count(void)
{
	unsigned n = 0;

	pthread_mutex_lock(&cache_lock);
	for (struct cache_entry *e = cache_head; e; e = e->next)
		n++;
	pthread_mutex_unlock(&cache_lock);
	return n;
}
