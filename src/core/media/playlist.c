/* playlist.c: a stream's queue of audio items, one frame per tick.
 *
 * The head item records what the caller sends (if it has a recorder) and
 * plays its audio.  An item with something to play ends when that has
 * nothing left, and the rest of the frame comes from the next item; a
 * record-only item ends when its recorder says it is complete (record time
 * reached), else never.  Silence fills what no item covers.  Items that
 * end are handed back to the caller so their references are dropped
 * outside the stream lock.
 */
#include <stdlib.h>
#include <string.h>
#include <sems/audio.h>
#include "media/rtp_stream_internal.h"

void playlist_append(struct playlist *pl, struct playlist_entry *e)
{
	e->next = NULL;
	if (pl->tail)
		pl->tail->next = e;
	else
		pl->head = e;
	pl->tail = e;
}

struct playlist_entry *playlist_take_all(struct playlist *pl)
{
	struct playlist_entry *e = pl->head;

	pl->head = pl->tail = NULL;
	return e;
}

static void pop_head(struct playlist *pl, struct playlist_entry **done)
{
	struct playlist_entry *e = pl->head;

	pl->head = e->next;
	if (!pl->head)
		pl->tail = NULL;
	e->next = *done;
	*done = e;
}

/* The caller's frame goes to the head item's recorder; a record-only
 * item ends when its recorder is complete. */
static bool record_frame(struct playlist *pl, const int16_t *in, size_t n,
			 unsigned rate, struct playlist_entry **done)
{
	struct playlist_entry *e = pl->head;

	if (!e || !e->record || !in)
		return false;
	if (sems_audio_write(e->record, in, n, rate) || e->play)
		return false;
	pop_head(pl, done);
	return true;
}

/* Fills `out` from the items in order; silence where none covers it. */
static void play_frame(struct playlist *pl, int16_t *out, size_t n,
		       unsigned rate, struct playlist_entry **done)
{
	size_t got = 0;

	while (got < n && pl->head) {
		struct playlist_entry *e = pl->head;
		size_t want = n - got, k;

		if (!e->play) {
			if (e->record)
				break;    /* record only: silence meanwhile */
			pop_head(pl, done);
			continue;
		}
		k = sems_audio_read_rate(e->play, out + got, want, rate);
		got += k;
		if (k < want)
			pop_head(pl, done);
	}
	if (got < n)
		memset(out + got, 0, (n - got) * sizeof(*out));
}

unsigned playlist_tick(struct playlist *pl, int16_t *out, const int16_t *in,
		       size_t n, unsigned rate, struct playlist_entry **done)
{
	bool had_items = pl->head != NULL;
	unsigned what = 0;

	*done = NULL;
	if (record_frame(pl, in, n, rate, done))
		what |= PLAYLIST_RECORD_DONE;
	play_frame(pl, out, n, rate, done);
	if (had_items && !pl->head)
		what |= PLAYLIST_RAN_EMPTY;
	return what;
}

void playlist_entries_free(struct playlist_entry *e)
{
	while (e) {
		struct playlist_entry *next = e->next;

		sems_audio_deref(e->play);
		sems_audio_deref(e->record);
		free(e);
		e = next;
	}
}
