/* audio_mixin.c: one item (a) with another (b) mixed in at intervals.
 *
 * Plays a; once `interval` of a has played (at once with IMMEDIATE), b
 * is added to it at `level` until b ends, then b is rewound and the next
 * interval counts from that end, as SEMS's AmAudioMixIn does.  Level 0
 * pauses a while b plays, so only b is heard and none of a is lost.  The
 * item ends with a, or, with FINISH and b under way, with b.
 *
 * Time is media time: the schedule counts samples read, in 1/16000 s so
 * that one count serves 8 and 16 kHz.  It belongs to the media thread; a
 * rewind from another thread only raises a flag that the next read obeys.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "audio/audio_internal.h"

enum {
	UNIT_RATE = 16000,
	FRAME_MAX = SEMS_AUDIO_RATE_MAX / 50,
	LEVEL_ONE = 1 << 15,                 /* level in Q15 */
};

struct mixin {
	struct sems_audio base;
	struct sems_audio *a, *b;            /* one reference each */
	long long interval;                  /* units */
	int level;                           /* Q15; 0: a pauses during b */
	unsigned flags;
	atomic_bool restart;                 /* set by rewind */
	/* media thread only */
	long long gap;                       /* units of a until the next mix */
	bool mixing, a_ended, ended;
	bool b_done;                         /* no more mixes */
	size_t b_played;                     /* samples of b in this mix */
	int16_t bbuf[FRAME_MAX];
};

static long long unit_step(unsigned rate)
{
	return rate == 16000 ? 1 : UNIT_RATE / 8000;
}

static void schedule_reset(struct mixin *m)
{
	m->gap = m->flags & SEMS_MIXIN_IMMEDIATE ? 0 : m->interval;
	m->mixing = m->a_ended = m->ended = m->b_done = false;
	m->b_played = 0;
	sems_audio_rewind(m->b, 0);
}

static void mix_end(struct mixin *m)
{
	if (!m->b_played || m->flags & SEMS_MIXIN_ONCE)
		m->b_done = true;        /* an empty b would never end */
	m->mixing = false;
	m->b_played = 0;
	m->gap = m->interval;
	sems_audio_rewind(m->b, 0);
}

static int16_t saturate(int v)
{
	return v > INT16_MAX ? INT16_MAX : v < INT16_MIN ? INT16_MIN : (int16_t)v;
}

static void add_scaled(int16_t *out, const int16_t *in, size_t n, int level)
{
	for (size_t i = 0; i < n; i++)
		out[i] = saturate(out[i] + ((in[i] * level) >> 15));
}

/* a alone until the next mix is due; false when a ended. */
static bool play_a(struct mixin *m, int16_t *out, size_t *done, size_t n,
		   unsigned rate)
{
	long long step = unit_step(rate);
	size_t want = n - *done, got;

	if (!m->b_done && (long long)want > m->gap / step)
		want = (size_t)(m->gap / step);
	got = sems_audio_read_rate(m->a, out + *done, want, rate);
	*done += got;
	if (!m->b_done) {
		m->gap -= (long long)got * step;
		m->mixing = m->gap < step;
	}
	return got == want;
}

/* b is read first so that a mix ending inside a frame hands the rest of
 * it back to play_a() and the next interval starts exactly there.  Level
 * 0 leaves a unread: b alone, at full level.  False when the item ended. */
static bool play_mixed(struct mixin *m, int16_t *out, size_t *done,
		       size_t n, unsigned rate)
{
	int16_t *o = out + *done;
	size_t want = n - *done, got_a = 0, got_b;

	if (want > FRAME_MAX)
		want = FRAME_MAX;
	got_b = sems_audio_read_rate(m->b, m->bbuf, want, rate);
	if (m->level && !m->a_ended) {
		got_a = sems_audio_read_rate(m->a, o, got_b, rate);
		if (got_a < got_b) {
			m->a_ended = true;
			if (!(m->flags & SEMS_MIXIN_FINISH) ||
			    !(m->b_played + got_a)) {
				add_scaled(o, m->bbuf, got_a, m->level);
				*done += got_a;
				return false;
			}
		}
	}
	memset(o + got_a, 0, (got_b - got_a) * sizeof(*o));
	add_scaled(o, m->bbuf, got_b, m->level ? m->level : LEVEL_ONE);
	m->b_played += got_b;
	*done += got_b;
	if (got_b < want) {
		mix_end(m);
		return !m->a_ended;
	}
	return true;
}

static size_t mixin_read(struct sems_audio *s, int16_t *out, size_t n,
			 unsigned rate)
{
	struct mixin *m = (struct mixin *)s;
	size_t done = 0;

	if (atomic_exchange(&m->restart, false))
		schedule_reset(m);
	while (done < n && !m->ended) {
		if (m->mixing)
			m->ended = !play_mixed(m, out, &done, n, rate);
		else
			m->ended = !play_a(m, out, &done, n, rate);
	}
	return done;
}

static int mixin_prepare(struct sems_audio *s, unsigned rate)
{
	struct mixin *m = (struct mixin *)s;
	int err = sems_audio_prepare(m->a, rate);

	return err ? err : sems_audio_prepare(m->b, rate);
}

static void mixin_rewind(struct sems_audio *s, unsigned ms)
{
	struct mixin *m = (struct mixin *)s;

	sems_audio_rewind(m->a, ms);
	atomic_store(&m->restart, true);
}

static unsigned mixin_length_ms(const struct sems_audio *s)
{
	return sems_audio_length_ms(((const struct mixin *)s)->a);
}

static void mixin_destroy(struct sems_audio *s)
{
	struct mixin *m = (struct mixin *)s;

	sems_audio_deref(m->a);
	sems_audio_deref(m->b);
	free(m);
}

static const struct audio_kind mixin_kind = {
	.name = "mixin",
	.read = mixin_read,
	.prepare = mixin_prepare,
	.rewind = mixin_rewind,
	.length_ms = mixin_length_ms,
	.destroy = mixin_destroy,
};

/* a == b would share one play position between the two. */
int sems_audio_mixin(struct sems_audio **ap, struct sems_audio *a,
		     struct sems_audio *b, unsigned interval_ms, double level,
		     unsigned flags)
{
	struct mixin *m;

	if (!ap)
		return EINVAL;
	*ap = NULL;
	if (!a || !b || a == b || !(level >= 0.0 && level <= 1.0))
		return EINVAL;
	if (!(m = calloc(1, sizeof(*m))))
		return ENOMEM;
	audio_item_init(&m->base, &mixin_kind);
	m->a = sems_audio_ref(a);
	m->b = sems_audio_ref(b);
	m->interval = (long long)interval_ms * (UNIT_RATE / 1000);
	m->level = (int)(level * LEVEL_ONE + 0.5);
	m->flags = flags;
	atomic_init(&m->restart, false);
	schedule_reset(m);
	*ap = &m->base;
	return 0;
}
