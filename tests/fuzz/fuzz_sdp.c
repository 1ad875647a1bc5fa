/* fuzz_sdp.c: libFuzzer target for SDP from the peer: sdp_negotiate() with
 * an arbitrary offer (as every INVITE and re-INVITE brings), with and
 * without a codec_order, and sdp_answer_parse() (the callee's answer to
 * our offer, dialouts and B2BUA legs). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <re.h>
#include "log_internal.h"
#include "media/sdp_negotiate.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_setup(-1, true);
	return libre_init();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const orders[] = { NULL, "opus,G722,PCMA,PCMU",
					      "PCMU;gsm nonsense" };
	struct media_params mp;
	char *text, *answer = NULL;

	if (size < 1)
		return 0;
	text = malloc(size);
	if (!text)
		return 0;
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	memset(&mp, 0, sizeof(mp));
	if (!sdp_negotiate(text, data[0] & 1 ? "::1" : "127.0.0.1", 10000,
			   orders[(data[0] >> 1) % 3], &answer, &mp))
		free(answer);
	memset(&mp, 0, sizeof(mp));
	(void)sdp_answer_parse(text, &mp);
	free(text);
	return 0;
}
