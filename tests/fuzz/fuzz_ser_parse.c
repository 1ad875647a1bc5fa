/* fuzz_ser_parse.c: libFuzzer target for Kamailio t_write_unix datagrams.
 *   make fuzz   (runs each target for FUZZ_SECONDS, default 30) */
#include <stddef.h>
#include <stdint.h>
#include "ser/ser_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ser_request sr;
	const char *why = NULL;
	if (!ser_parse_request(&sr, (const char *)data, size, &why))
		ser_request_reset(&sr);
	return 0;
}
