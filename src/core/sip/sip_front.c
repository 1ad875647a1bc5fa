/* sip_front.c: the SIP stack (libre) and requests outside any call.
 *
 * libre's listeners are asked in order: its transaction layer, sipsess
 * (INVITE, and ACK/BYE/INFO/re-INVITE of known sessions), then
 * `request_outside_call` below for everything else: CANCEL of a call not
 * answered yet, OPTIONS probes, and the error replies.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <re.h>
#include <sems/log.h>
#include "metrics/metrics.h"
#include "session/session_internal.h"
#include "sip/sip_call.h"
#include "sip/sip_check.h"
#include "sip/sip_front.h"
#include "sip/sip_msg_convert.h"
#include "sip/sip_uac.h"

#define ALLOW_HDR "Allow: INVITE, ACK, BYE, CANCEL, OPTIONS, INFO, " \
	"NOTIFY, REFER, UPDATE\r\n"

static struct sip *sip_stack;
static struct sipsess_sock *sess_sock;
static struct sip_lsnr *outside_lsnr, *pre_lsnr;
static char signature[128];

static void reply_with(const struct sip_msg *msg, unsigned code,
		       const char *reason, const char *extra)
{
	(void)sip_treplyf(NULL, NULL, sip_stack, msg, false, code, reason,
			  "%sContent-Length: 0\r\n\r\n", extra);
}

/* CANCEL of an INVITE we have not answered yet (answered ones: sipsess). */
static void cancel_call(const struct sip_msg *msg)
{
	struct sems_session *s = sip_call_find(&msg->callid, &msg->from.tag,
					       true);
	struct sip_call *call = s ? sip_call_of(s) : NULL;

	if (!call || !call->invite) {
		reply_with(msg, 481, "Call/Transaction Does Not Exist", "");
		goto out;
	}
	((struct sip_msg *)msg)->tag = call->invite->tag;
	reply_with(msg, 200, "OK", "");
	metrics_invite_reply(487);
	(void)sip_treplyf(NULL, NULL, sip_stack, call->invite, false, 487,
			  "Request Terminated", "Content-Length: 0\r\n\r\n");
	call->invite = mem_deref((void *)call->invite);
	SEMS_INFO("call %s: cancelled by the caller", s->dlg.callid);

	struct sems_sip_request *req = sip_msg_to_request(msg);
	session_post_event(s, SEMS_EV_CANCEL, req, NULL);
	free(req);
	session_mark_dialog_over(s);
 out:
	if (s)
		session_deref(s);
}

static void answer_options(const struct sip_msg *msg)
{
	if (!pl_isset(&msg->to.tag) && server_draining()) {
		reply_with(msg, 503, "Service Unavailable (draining)",
			   "Retry-After: 30\r\n");
		return;
	}
	if (pl_isset(&msg->to.tag)) {
		struct sems_session *s = sip_call_find(&msg->callid,
						       &msg->to.tag, false);
		if (!s) {
			reply_with(msg, 481, "Call/Transaction Does Not Exist", "");
			return;
		}
		session_deref(s);
	}
	reply_with(msg, 200, "OK", ALLOW_HDR "Accept: application/sdp\r\n");
}

static bool method_known(const struct pl *met)
{
	static const char *const known[] = {
		"REGISTER", "SUBSCRIBE", "NOTIFY", "MESSAGE", "PUBLISH",
		"UPDATE", "PRACK", "REFER", "INFO", "BYE",
	};
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (!pl_strcmp(met, known[i]))
			return true;
	return false;
}

static bool request_outside_call(const struct sip_msg *msg, void *arg)
{
	(void)arg;
	if (!pl_strcmp(&msg->met, "ACK"))
		return true;            /* stray ACK: nothing to answer */
	if (!pl_strcmp(&msg->met, "CANCEL"))
		cancel_call(msg);
	else if (!pl_strcmp(&msg->met, "OPTIONS"))
		answer_options(msg);
	else if (pl_isset(&msg->to.tag) && sip_call_in_dialog(msg))
		;   /* held for the call's application */
	else if (pl_isset(&msg->to.tag))
		reply_with(msg, 481, "Call/Transaction Does Not Exist", "");
	else if (method_known(&msg->met))
		reply_with(msg, 405, "Method Not Allowed", ALLOW_HDR);
	else
		reply_with(msg, 501, "Not Implemented", ALLOW_HDR);
	return true;
}

/* libre keeps its UDP socket to itself; the first UDP request shows it
 * (msg->sock), so one is sent to ourselves at start: the helper of
 * sip_check.c is on the socket before the first caller's datagram. */
static char probe_callid[48];

static void probe_send(const struct sa *laddr)
{
	struct sa dst = *laddr;
	char buf[512];
	int fd, n;

	if (sa_is_any(&dst))
		(void)sa_set_str(&dst, sa_af(laddr) == AF_INET6 ? "::1" :
				 "127.0.0.1", sa_port(laddr));
	snprintf(probe_callid, sizeof(probe_callid), "sems-probe-%08x%08x",
		 rand_u32(), rand_u32());
	n = snprintf(buf, sizeof(buf),
		     "OPTIONS sip:probe@%s SIP/2.0\r\n"
		     "Via: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bK%s\r\n"
		     "From: <sip:probe@invalid>;tag=1\r\nTo: <sip:probe@invalid>\r\n"
		     "Call-ID: %s\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n",
		     "invalid", probe_callid, probe_callid);
	fd = socket(sa_af(&dst), SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	if (sendto(fd, buf, (size_t)n, 0, &dst.u.sa, dst.len) < 0)
		SEMS_WARN("sip: cannot reach our own UDP socket: %s",
			  strerror(errno));
	close(fd);
}

static bool pre_request(const struct sip_msg *msg, void *arg)
{
	(void)arg;
	if (msg->tp == SIP_TRANSP_UDP)
		sip_check_udp_install(msg->sock, signature);
	if (probe_callid[0] && !pl_strcmp(&msg->callid, probe_callid))
		return true;            /* our own probe: nothing to answer */
	if (sip_check_request(sip_stack, msg, signature))
		return true;
	return sip_call_pre_request(msg);
}

static void sip_trace(bool tx, enum sip_transp tp, const struct sa *src,
		      const struct sa *dst, const uint8_t *pkt, size_t len,
		      void *arg)
{
	(void)tp;
	(void)arg;
	if (sems_log_level() < SEMS_L_DBG)
		return;
	char a[64] = "", b[64] = "";
	(void)re_snprintf(a, sizeof(a), "%J", src);
	(void)re_snprintf(b, sizeof(b), "%J", dst);
	SEMS_DBG("SIP %s %s -> %s\n%.*s", tx ? "sent" : "received", a, b,
		 (int)len, (const char *)pkt);
}

int sip_front_start(const char *ip, unsigned port, const char *sig)
{
	struct sa laddr;
	int err;

	snprintf(signature, sizeof(signature), "%s", sig);
	err = sa_set_str(&laddr, ip, (uint16_t)port);
	if (err) {
		SEMS_ERROR("sip: bad address %s:%u", ip, port);
		return err;
	}
	err = sip_alloc(&sip_stack, NULL, 1024, 1024, 1024, signature, NULL, NULL);
	if (!err)
		err = sip_transp_add(sip_stack, SIP_TRANSP_UDP, &laddr);
	if (!err)
		err = sip_transp_add(sip_stack, SIP_TRANSP_TCP, &laddr);
	if (err) {
		SEMS_ERROR("sip: cannot listen on %s:%u: %s", ip, port, strerror(err));
		goto out;
	}
	err = sip_listen(&pre_lsnr, sip_stack, true, pre_request, NULL);
	if (!err)
		err = sipsess_listen(&sess_sock, sip_stack, 1024,
				     sip_call_incoming, NULL);
	if (!err)
		err = sip_listen(&outside_lsnr, sip_stack, true,
				 request_outside_call, NULL);
	if (err)
		goto out;
	sip_set_trace_handler(sip_stack, sip_trace);
	probe_send(&laddr);
	sip_call_setup(sip_stack, sess_sock);
	sip_uac_setup(sip_stack, sess_sock);     /* dialouts, B2BUA legs */
	SEMS_INFO("SIP listening on %s:%u (UDP, TCP)", ip, port);
 out:
	if (err)
		sip_front_stop();
	return err;
}

void sip_front_stop(void)
{
	sip_call_forget_parked();
	sip_check_close();
	outside_lsnr = mem_deref(outside_lsnr);
	pre_lsnr = mem_deref(pre_lsnr);
	sess_sock = mem_deref(sess_sock);
	if (sip_stack)
		sip_close(sip_stack, true);
	sip_stack = mem_deref(sip_stack);
}
