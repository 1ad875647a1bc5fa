/* ser_front.c: the unix datagram socket Kamailio's t_write_unix writes to.
 *
 * Each datagram is one request (see ser_parse.h).  A bad one is logged and
 * dropped; Kamailio then times the transaction out.  An INVITE without To
 * tag starts a call; everything else goes to its call (ser_call.c).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <re.h>
#include <sems/log.h>
#include "core_config.h"
#include "ser/ser_call.h"
#include "ser/ser_front.h"
#include "ser/ser_parse.h"
#include "ser/ser_rpc.h"
#include "ser/ser_socket.h"
#include "ser/ser_uac.h"

static struct ser_socket ser_sock = { .fd = -1 };

static void ser_dispatch(const struct ser_request *sr)
{
	SEMS_DBG("ser: %s %s (%s) from Kamailio, command '%s'", sr->req.method,
		 sr->req.r_uri, sr->req.callid, sr->cmd);
	if (!strcmp(sr->cmd, "uac_reply"))      /* see ser_uac.h */
		ser_uac_reply_in(sr);
	else if (!strcmp(sr->req.method, "INVITE") && !sr->req.to_tag[0])
		ser_call_incoming(sr);
	else if (!ser_uac_in_dialog(sr))
		ser_call_in_dialog(sr);
}

static void ser_readable(int flags, void *arg)
{
	static char buf[SER_DGRAM_MAX + 1];
	(void)flags;
	(void)arg;
	for (;;) {
		struct ser_request sr;
		const char *why;
		/* MSG_TRUNC: the real length, so oversized datagrams are seen */
		ssize_t n = recv(ser_sock.fd, buf, sizeof(buf), MSG_DONTWAIT | MSG_TRUNC);
		if (n < 0)
			return;
		size_t len = (size_t)n;   /* > sizeof(buf): parsing says EMSGSIZE */
		if (ser_parse_request(&sr, buf, len < sizeof(buf) ? len : sizeof(buf),
				      &why)) {
			SEMS_WARN("ser: dropped a datagram of %zu bytes: %s", len, why);
			continue;
		}
		ser_dispatch(&sr);
		ser_request_reset(&sr);
	}
}

int ser_front_start(void)
{
	const char *rpc = core_cfg.ser_socket_name[0] ?
		core_cfg.ser_socket_name : SER_DEFAULT_RPC_SOCKET;
	const char *reply = core_cfg.reply_socket_name[0] ?
		core_cfg.reply_socket_name : SER_DEFAULT_REPLY_SOCKET;

	if (!core_cfg.socket_name[0])
		return 0;
	int err = ser_socket_open(&ser_sock, core_cfg.socket_name, ser_readable, NULL);
	if (err)
		return err;
	err = ser_rpc_open(reply, rpc);
	if (err) {
		SEMS_ERROR("ser: cannot open the RPC socket %s: %s", reply,
			   strerror(err));
		ser_front_stop();
		return err;
	}
	SEMS_INFO("ser: taking requests on %s, answering through %s",
		  core_cfg.socket_name, rpc);
	return 0;
}

void ser_front_stop(void)
{
	ser_uac_close_all();
	ser_socket_close(&ser_sock);
	ser_rpc_close();
}
