/* dtmf_inband.c: key presses from tones in 8 kHz audio, with spandsp's
 * DTMF receiver.
 *
 * spandsp tells us (realtime callback) when a tone starts and ends; the
 * duration is the number of samples fed between the two.  The callback
 * fires inside dtmf_rx() at the end of one of its internal blocks, so the
 * audio is fed in short slices and the position counted at each slice's
 * end: the error is at most one slice, and the detector's confirmation
 * delay is the same at start and end, so it cancels out.
 */
#include <errno.h>
#include <stdlib.h>
#include <spandsp.h>
#include "dtmf/dtmf.h"

enum {
	RATE = 8000,
	SLICE = 40,   /* samples: 5 ms of timing resolution */
};

struct dtmf_inband {
	dtmf_rx_state_t *rx;
	dtmf_press_fn *press;
	void *arg;
	uint64_t pos;     /* samples fed so far */
	uint64_t start;   /* pos when the current tone started */
	int key;          /* of the current tone, -1 if none */
};

static void report(struct dtmf_inband *d)
{
	unsigned ms = (unsigned)((d->pos - d->start) * 1000 / RATE);

	if (d->key >= 0 && d->press)
		d->press(d->arg, d->key, ms);
	d->key = -1;
}

/* code: the tone's character, or 0 when no tone is heard any more. */
static void on_tone(void *arg, int code, int level, int delay)
{
	struct dtmf_inband *d = arg;

	(void)level;
	(void)delay;
	if (d->key >= 0)
		report(d);
	if (code) {
		d->key = dtmf_char_to_key((char)code);
		d->start = d->pos;
	}
}

/* The digit buffer is not used; this keeps spandsp from filling it. */
static void on_digits(void *arg, const char *digits, int len)
{
	(void)arg;
	(void)digits;
	(void)len;
}

int dtmf_inband_alloc(struct dtmf_inband **dp, dtmf_press_fn *press,
		      void *arg)
{
	struct dtmf_inband *d;

	if (!dp)
		return EINVAL;
	*dp = NULL;
	d = calloc(1, sizeof(*d));
	if (!d)
		return ENOMEM;
	d->rx = dtmf_rx_init(NULL, on_digits, NULL);
	if (!d->rx) {
		free(d);
		return ENOMEM;
	}
	dtmf_rx_set_realtime_callback(d->rx, on_tone, d);
	d->press = press;
	d->arg = arg;
	d->key = -1;
	*dp = d;
	return 0;
}

void dtmf_inband_free(struct dtmf_inband *d)
{
	if (!d)
		return;
	dtmf_rx_free(d->rx);
	free(d);
}

void dtmf_inband_audio(struct dtmf_inband *d, const int16_t *pcm, size_t n)
{
	if (!d || !pcm)
		return;
	while (n) {
		size_t k = n < SLICE ? n : SLICE;

		d->pos += k;
		dtmf_rx(d->rx, pcm, (int)k);
		pcm += k;
		n -= k;
	}
}
