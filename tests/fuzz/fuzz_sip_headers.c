/* fuzz_sip_headers.c: libFuzzer target for the header helpers scripts use
 * (getHeader, getHeaders, getSessionParam) on arbitrary header blocks. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sems/sip.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *hdrs = malloc(size + 1);
	if (!hdrs)
		return 0;
	memcpy(hdrs, data, size);
	hdrs[size] = '\0';
	free(sems_header_get(hdrs, "P-App-Name"));
	free(sems_header_get(hdrs, "f"));
	free(sems_header_get_all(hdrs, "Via"));
	free(sems_header_session_param(hdrs, "uid"));
	free(sems_param_get(hdrs, "app"));
	free(hdrs);
	return 0;
}
