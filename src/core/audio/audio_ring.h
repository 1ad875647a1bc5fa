/* audio_ring.h: a lock-free single-producer/single-consumer ring of PCM16
 * samples (a media thread pushes, the recorder's writer thread pops).
 *
 * `head` and `tail` count samples pushed and popped since the start and
 * only grow; their difference is what the ring holds, so a full ring needs
 * no spare slot.  The size is a power of two: a count maps to a slot with
 * a mask.  The producer publishes `head` with release after copying, the
 * consumer `tail` after copying out, so each side sees whole samples.
 */
#ifndef CORE_AUDIO_RING_H
#define CORE_AUDIO_RING_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct audio_ring {
	int16_t *buf;
	size_t size;                /* a power of two */
	atomic_size_t head;         /* pushed: the producer's */
	atomic_size_t tail;         /* popped: the consumer's */
	atomic_size_t dropped;      /* samples that did not fit */
};

/* `buf` holds `size` samples, a power of two; the caller owns it. */
static inline void audio_ring_init(struct audio_ring *r, int16_t *buf,
				   size_t size)
{
	r->buf = buf;
	r->size = size;
	atomic_init(&r->head, 0);
	atomic_init(&r->tail, 0);
	atomic_init(&r->dropped, 0);
}

static inline size_t audio_ring_used(struct audio_ring *r)
{
	return atomic_load_explicit(&r->head, memory_order_acquire) -
	       atomic_load_explicit(&r->tail, memory_order_acquire);
}

static inline size_t audio_ring_space(struct audio_ring *r)
{
	return r->size - audio_ring_used(r);
}

/* Counts `n` samples the producer could not push. */
static inline void audio_ring_drop(struct audio_ring *r, size_t n)
{
	atomic_fetch_add_explicit(&r->dropped, n, memory_order_relaxed);
}

static inline size_t audio_ring_dropped(struct audio_ring *r)
{
	return atomic_load_explicit(&r->dropped, memory_order_relaxed);
}

/* Slot of count `at`, and how many of n samples fit before the wrap. */
static inline size_t audio_ring_run(const struct audio_ring *r, size_t at,
				    size_t n, size_t *first)
{
	size_t i = at & (r->size - 1);

	*first = n < r->size - i ? n : r->size - i;
	return i;
}

/* Producer: pushes what fits of `in`, counts the rest as dropped.
 * Returns the count pushed. */
static inline size_t audio_ring_push(struct audio_ring *r, const int16_t *in,
				     size_t n)
{
	size_t head = atomic_load_explicit(&r->head, memory_order_relaxed);
	size_t tail = atomic_load_explicit(&r->tail, memory_order_acquire);
	size_t space = r->size - (head - tail);
	size_t put = n < space ? n : space;
	size_t first, i = audio_ring_run(r, head, put, &first);

	memcpy(r->buf + i, in, first * sizeof(*in));
	memcpy(r->buf, in + first, (put - first) * sizeof(*in));
	atomic_store_explicit(&r->head, head + put, memory_order_release);
	if (put < n)
		audio_ring_drop(r, n - put);
	return put;
}

/* Consumer: pops up to n samples into `out`; returns the count. */
static inline size_t audio_ring_pop(struct audio_ring *r, int16_t *out,
				    size_t n)
{
	size_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
	size_t head = atomic_load_explicit(&r->head, memory_order_acquire);
	size_t got = head - tail < n ? head - tail : n;
	size_t first, i = audio_ring_run(r, tail, got, &first);

	memcpy(out, r->buf + i, first * sizeof(*out));
	memcpy(out + first, r->buf, (got - first) * sizeof(*out));
	atomic_store_explicit(&r->tail, tail + got, memory_order_release);
	return got;
}

#endif
