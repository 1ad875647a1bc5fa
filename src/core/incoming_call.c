/* incoming_call.c: a new INVITE becomes a session (both signalling fronts). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sems/log.h>
#include "app_registry.h"
#include "b2b/b2b.h"
#include "core_config.h"
#include "fd_limit.h"
#include "incoming_call.h"
#include "media/rtp_stream.h"
#include "metrics/metrics.h"
#include "media/sdp_negotiate.h"
#include "session/session_internal.h"
#include "sip_request.h"
#include "session/worker_pool.h"

static int call_fail(struct call_error *err, unsigned code, const char *reason,
		     int errnum)
{
	err->code = code;
	snprintf(err->reason, sizeof(err->reason), "%s", reason);
	return errnum;
}

/* RFC 3261 20.43: why the offer is not acceptable, warn-agent our host. */
static void call_warning(struct call_error *err, unsigned code,
			 const char *text)
{
	snprintf(err->hdrs, sizeof(err->hdrs), "Warning: %u %s \"%s\"\r\n",
		 code, core_cfg.sip_ip[0] ? core_cfg.sip_ip : "sems", text);
}

/* Why there is no RTP socket, in the log and the 503's reason phrase. */
static int media_alloc_failed(struct sems_session *s, struct call_error *err,
			      int e)
{
	unsigned limit, reserve;

	if (e == EADDRINUSE) {
		SEMS_WARN("call %s: RTP port range %u-%u exhausted (every even"
			  " port in use): 503", s->dlg.callid,
			  core_cfg.rtp_low_port, core_cfg.rtp_high_port);
		return call_fail(err, 503, "Service Unavailable (no RTP port)", e);
	}
	if (e == EMFILE || e == ENFILE) {
		fd_limit_get(&limit, &reserve);
		SEMS_WARN("call %s: no RTP socket: out of file descriptors (%s;"
			  " limit %u, %u kept in reserve): 503", s->dlg.callid,
			  strerror(e), limit, reserve);
		return call_fail(err, 503,
				 "Service Unavailable (out of file descriptors)", e);
	}
	SEMS_ERROR("call %s: no RTP socket: %s: 503", s->dlg.callid,
		   strerror(e));
	return call_fail(err, 503, "Service Unavailable", e);
}

/* RTP socket and SDP answer for the offer in the INVITE. */
static int session_setup_media(struct sems_session *s, const char *offer,
			       struct call_error *err)
{
	struct media_params params;
	int e = rtp_stream_alloc(&s->rtp, s, core_cfg.media_ip);
	if (e)
		return media_alloc_failed(s, err, e);
	e = sdp_negotiate(offer, core_cfg.media_ip, rtp_stream_local_port(s->rtp),
			  core_cfg.codec_order, &s->sdp_answer, &params);
	if (e == ENOTSUP) {
		SEMS_INFO("call %s: no codec in common with the offer", s->dlg.callid);
		call_warning(err, 305, "Incompatible media format");
		return call_fail(err, 488, "Not Acceptable Here", e);
	}
	if (e == EMEDIUMTYPE) {
		SEMS_INFO("call %s: the offer has no audio stream", s->dlg.callid);
		call_warning(err, 304, "Media type not available");
		return call_fail(err, 488, "Not Acceptable Here", e);
	}
	if (e) {
		SEMS_INFO("call %s: unusable SDP offer: %s", s->dlg.callid, strerror(e));
		call_warning(err, 399, "Malformed SDP");
		return call_fail(err, 488, "Not Acceptable Here (bad SDP)", e);
	}
	rtp_stream_set_params(s->rtp, &params);
	return 0;
}

int incoming_call_start(const char *app_name,
			const struct sems_sip_request *invite,
			const struct signalling_ops *ops, void *sig,
			struct sems_session **sp, struct call_error *err)
{
	struct sems_session *s = NULL;
	const struct app *app;
	int e;

	memset(err, 0, sizeof(*err));
	if (server_draining()) {
		SEMS_INFO("call %s: draining: 503", invite->callid);
		metrics_invite_reply(503);
		return call_fail(err, 503, "Service Unavailable (draining)",
				 EAGAIN);
	}
	if (worker_pool_saturated()) {
		SEMS_WARN("call %s: every session worker is busy: 503",
			  invite->callid);
		metrics_invite_reply(503);
		return call_fail(err, 503, "Service Unavailable (overloaded)",
				 EBUSY);
	}
	app = app_get(app_name);
	if (!app) {
		metrics_invite_reply(404);
		SEMS_INFO("call %s: unknown application '%.80s'", invite->callid,
			  app_name);
		return call_fail(err, 404, "Not Found (unknown application)", ENOENT);
	}
	struct sems_sip_request *copy = sip_request_dup(invite);
	if (!copy) {
		app_put(app);
		metrics_invite_reply(500);
		return call_fail(err, 500, "Server Internal Error", ENOMEM);
	}
	e = session_alloc(&s, app, copy, ops, sig);   /* keeps the app ref */
	if (e) {
		free(copy);
		metrics_invite_reply(500);
		return call_fail(err, 500, "Server Internal Error", e);
	}
	e = session_setup_media(s, invite->body, err);
	if (!e)
		e = session_post_event(s, SEMS_EV_INVITE, invite, NULL);
	if (e) {
		if (!err->code)
			call_fail(err, 500, "Server Internal Error", e);
		metrics_invite_reply(err->code);
		s->sig = NULL;   /* the front replies itself */
		session_deref(s);
		return e;
	}
	SEMS_INFO("call %s: running application '%s'", invite->callid, app_name);
	*sp = s;
	return 0;
}

int session_media_reoffer(struct sems_session *s, const char *offer)
{
	struct media_params params;
	char *answer = NULL;

	if (!s->rtp || !offer || !offer[0])
		return 0;
	if (rtp_stream_end_to_end(s->rtp))   /* B2BUA b2b_media=reinvite */
		return b2b_caller_reoffer(s, offer);
	int e = sdp_negotiate(offer, core_cfg.media_ip,
			      rtp_stream_local_port(s->rtp), core_cfg.codec_order,
			      &answer, &params);
	if (e) {
		SEMS_INFO("call %s: re-INVITE offer refused: %s", s->dlg.callid,
			  strerror(e));
		return e;
	}
	bool was_held = rtp_stream_held(s->rtp);
	rtp_stream_update_params(s->rtp, &params);
	if (was_held != params.hold)
		SEMS_INFO("call %s: %s", s->dlg.callid,
			  params.hold ? "put on hold by the peer" : "taken off hold");
	free(s->sdp_answer);
	s->sdp_answer = answer;
	return 0;
}
