/* codec_stub.c: TEMPORARY G.711-only codec table until branch `codec`
 * lands with codec.c; deleted then. */
#include <errno.h>
#include <stdlib.h>
#include <strings.h>
#include <spandsp.h>
#include "media/codec.h"

static const struct codec pcmu = { "PCMU", 0, 8000, 1, 8000, NULL };
static const struct codec pcma = { "PCMA", 8, 8000, 1, 8000, NULL };
const struct codec *const codec_all[] = { &pcmu, &pcma, NULL };

const struct codec *codec_find(const char *name, unsigned clock_rate)
{
	for (size_t i = 0; codec_all[i]; i++)
		if (!strcasecmp(codec_all[i]->name, name) &&
		    codec_all[i]->clock_rate == clock_rate)
			return codec_all[i];
	return NULL;
}

struct codec_state { const struct codec *c; };

int codec_state_alloc(struct codec_state **csp, const struct codec *c)
{
	*csp = calloc(1, sizeof(**csp));
	if (!*csp)
		return ENOMEM;
	(*csp)->c = c;
	return 0;
}

void codec_state_free(struct codec_state *cs) { free(cs); }

int codec_encode(struct codec_state *cs, const int16_t *pcm, uint8_t *out)
{
	for (int i = 0; i < 160; i++)
		out[i] = cs->c == &pcma ? linear_to_alaw(pcm[i]) : linear_to_ulaw(pcm[i]);
	return 160;
}

int codec_decode(struct codec_state *cs, const uint8_t *p, size_t len,
		 int16_t *pcm, size_t max)
{
	if (len > max)
		len = max;
	for (size_t i = 0; i < len; i++)
		pcm[i] = cs->c == &pcma ? alaw_to_linear(p[i]) : ulaw_to_linear(p[i]);
	return (int)len;
}

int codec_conceal(struct codec_state *cs, int16_t *pcm, size_t max)
{
	(void)cs;
	for (size_t i = 0; i < max && i < 160; i++)
		pcm[i] = 0;
	return max < 160 ? (int)max : 160;
}
