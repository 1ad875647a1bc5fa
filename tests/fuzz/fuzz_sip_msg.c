/* fuzz_sip_msg.c: libFuzzer target for SIP messages as the server
 * consumes them: libre's sip_msg_decode() (what sip_front.c's transport
 * runs on every datagram or TCP frame), then our conversion of the decoded
 * message (sip/sip_msg_convert.c: sip_msg_to_request for requests,
 * sip_msg_to_reply for replies). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <re.h>
#include <sems/sip.h>
#include "sip/sip_msg_convert.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return libre_init();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mbuf *mb = mbuf_alloc(size ? size : 1);
	struct sip_msg *msg = NULL;

	if (!mb)
		return 0;
	(void)mbuf_write_mem(mb, data, size);
	mb->pos = 0;
	if (!sip_msg_decode(&msg, mb)) {
		if (msg->req)
			free(sip_msg_to_request(msg));
		else
			free(sip_msg_to_reply(msg));
	}
	mem_deref(msg);
	mem_deref(mb);
	return 0;
}
