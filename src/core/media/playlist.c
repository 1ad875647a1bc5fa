/* playlist.c: a stream's queue of audio items, read one frame at a time.
 *
 * An item ends when its play audio has nothing left; the rest of the frame
 * comes from the next item, and silence fills what no item covers.  Items
 * that end are handed back to the caller so their references are dropped
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

/* Returns true when the playlist ran empty during this frame. */
bool playlist_read(struct playlist *pl, int16_t *frame, size_t n,
		   struct playlist_entry **done)
{
	bool had_items = pl->head != NULL;
	size_t got = 0;

	*done = NULL;
	while (got < n && pl->head) {
		struct playlist_entry *e = pl->head;
		size_t want = n - got, k;

		if (!e->play) {
			if (e->record)
				break;    /* record only: silence until flushed */
			pop_head(pl, done);
			continue;
		}
		k = sems_audio_read(e->play, frame + got, want);
		got += k;
		if (k < want)
			pop_head(pl, done);
	}
	if (got < n)
		memset(frame + got, 0, (n - got) * sizeof(*frame));
	return had_items && !pl->head;
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
