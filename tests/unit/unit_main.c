/* unit_main.c: runs every Check suite of tests/unit/.
 * Each test file exports one `Suite *NAME_suite(void)`; list it below. */
#include <check.h>
#include <stdlib.h>

typedef Suite *(suite_fn)(void);
suite_fn sip_headers_suite;
suite_fn audio_suite;
suite_fn mixin_suite;
suite_fn record_suite;
suite_fn rtp_stream_suite;
suite_fn sdp_suite;
suite_fn codec_suite;
suite_fn config_suite;
suite_fn routing_suite;
suite_fn session_suite;
suite_fn ser_parse_suite;
suite_fn dtmf_suite;
suite_fn media_bridge_suite;
suite_fn app_registry_suite;
suite_fn config_doc_suite;
suite_fn fd_limit_suite;

/* suites: one line each (keep sorted) */
static suite_fn *const suites[] = {
	sip_headers_suite,
	audio_suite,
	mixin_suite,
	record_suite,
	rtp_stream_suite,
	sdp_suite,
	codec_suite,
	config_suite,
	routing_suite,
	session_suite,
	ser_parse_suite,
	dtmf_suite,
	media_bridge_suite,
	app_registry_suite,
	config_doc_suite,
	fd_limit_suite,
	NULL,
};

int main(void)
{
	SRunner *sr = srunner_create(NULL);
	for (size_t i = 0; suites[i]; i++)
		srunner_add_suite(sr, suites[i]());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
