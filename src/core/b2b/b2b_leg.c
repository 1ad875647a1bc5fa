/* b2b_leg.c: the callee leg of a B2BUA call (sems/uac.h, b2b.h).
 *
 * A leg belongs to the caller's session (s->b2b, signalling thread) and
 * runs no application: it is a UAC dialog (sip/sip_uac.c) with its own
 * RTP stream.  Its replies and its BYE become events of the owner
 * (SEMS_EV_B2B_OTHER_REPLY, SEMS_EV_B2B_OTHER_BYE).  Once the callee
 * answers, the owner's stream is bridged to the leg's (media_bridge.c).
 * The leg ends by the callee (BYE, error reply, timeout), by
 * sems_b2b_terminate_other(), or with its owner (b2b_session_release).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <re.h>
#include <sems/log.h>
#include <sems/uac.h>
#include "b2b/b2b.h"
#include "core_config.h"
#include "media/rtp_stream.h"
#include "media/sdp_negotiate.h"
#include "session_internal.h"
#include "signalling.h"
#include "sip_request.h"
#include "sip/sip_uac.h"

struct b2b_leg {
	struct sems_session *owner;   /* reference */
	struct sip_uac *uac;
	struct rtp_stream *rtp;
	char r_uri[256];
};

enum b2b_action { B2B_CONNECT, B2B_TERMINATE, B2B_INFO };

struct b2b_job {
	struct sems_session *s;       /* reference */
	enum b2b_action action;
	char *remote_uri, *local_party, *local_uri, *hdrs;   /* CONNECT */
	char *ctype, *body;                                  /* INFO */
};

static void job_free(struct b2b_job *j)
{
	session_deref(j->s);
	free(j->remote_uri); free(j->local_party); free(j->local_uri);
	free(j->hdrs); free(j->ctype); free(j->body);
	free(j);
}

/* Ends the leg and frees it; no event. */
static void leg_end(struct b2b_leg *leg)
{
	struct sems_session *s = leg->owner;

	if (s->b2b == leg)
		s->b2b = NULL;
	sip_uac_hangup(leg->uac, NULL);      /* BYE / CANCEL */
	rtp_stream_release(leg->rtp);        /* ends the bridge */
	atomic_store(&s->b2b_pending, false);
	session_deref(s);
	free(leg);
}

static void post_reply(struct sems_session *s, unsigned code,
		       const char *reason)
{
	struct sems_sip_reply r = { .code = code, .reason = reason };
	struct sems_sip_reply *copy = sip_reply_dup(&r);
	if (copy)
		session_post_event(s, SEMS_EV_B2B_OTHER_REPLY, NULL, copy);
	free(copy);
}

static void leg_reply(void *arg, const struct sems_sip_reply *reply)
{
	struct b2b_leg *leg = arg;
	SEMS_DBG("b2b %s: callee %s: %u %s", leg->owner->dlg.callid,
		 leg->r_uri, reply->code, reply->reason);
	if (reply->code < 200 || reply->code >= 300)   /* 2xx: leg_answer */
		session_post_event(leg->owner, SEMS_EV_B2B_OTHER_REPLY, NULL,
				   reply);
}

static int leg_answer(void *arg, const struct sems_sip_reply *reply)
{
	struct b2b_leg *leg = arg;
	struct sems_session *s = leg->owner;
	struct media_params params;
	int err = sdp_answer_parse(reply->body, &params);

	if (err) {
		SEMS_WARN("b2b %s: callee %s: unusable SDP answer (%s): BYE",
			  s->dlg.callid, leg->r_uri, strerror(err));
		session_post_event(s, SEMS_EV_B2B_OTHER_REPLY, NULL, reply);
		return err;
	}
	rtp_stream_set_params(leg->rtp, &params);
	if (s->rtp)
		err = rtp_stream_bridge(s->rtp, leg->rtp);
	if (err)
		SEMS_ERROR("b2b %s: cannot bridge the media: %s", s->dlg.callid,
			   strerror(err));
	SEMS_INFO("b2b %s: callee %s answered, media relayed", s->dlg.callid,
		  leg->r_uri);
	/* connectCallee() before the caller was answered: answer now, and
	 * only then tell the script, so media starts after its handler */
	if (!atomic_load(&s->accepted) && !atomic_load(&s->final_replied))
		sems_session_accept(s);
	session_post_event(s, SEMS_EV_B2B_OTHER_REPLY, NULL, reply);
	return 0;
}

static void leg_closed(void *arg, int err, unsigned code, const char *reason)
{
	struct b2b_leg *leg = arg;
	struct sems_session *s = leg->owner;

	if (sip_uac_answered(leg->uac)) {
		SEMS_INFO("b2b %s: callee %s hung up (%s)", s->dlg.callid,
			  leg->r_uri, err == ECONNRESET ? "BYE" : strerror(err));
		session_post_event(s, SEMS_EV_B2B_OTHER_BYE, NULL, NULL);
	}
	else if (code) {
		SEMS_INFO("b2b %s: callee %s failed: %u %s", s->dlg.callid,
			  leg->r_uri, code, reason);
	}
	else {
		SEMS_INFO("b2b %s: callee %s failed: %s", s->dlg.callid,
			  leg->r_uri, err == ETIMEDOUT ?
			  "no answer in time (CANCELled)" : strerror(err));
		post_reply(s, 408, "Request Timeout");
	}
	leg_end(leg);
}

static const struct sip_uac_handlers leg_handlers = {
	.reply = leg_reply,
	.answer = leg_answer,
	.closed = leg_closed,
	.request = NULL,       /* the callee's INFO: answered 200, dropped */
};

/* A From value without its tag parameter. */
static char *strip_tag(const char *from)
{
	char *s = strdup(from), *t;
	if (s && (t = strcasestr(s, ";tag=")))
		*t = '\0';
	return s;
}

static void connect_run(struct b2b_job *j)
{
	struct sems_session *s = j->s;
	const struct sems_sip_request *inv = s->invite;
	struct b2b_leg *leg = NULL;
	char *offer = NULL, *from = NULL;
	const char *from_uri;
	int err;

	if (!s->sig || atomic_load(&s->dialog_over) || s->b2b || !inv) {
		atomic_store(&s->b2b_pending, s->b2b != NULL);
		return;
	}
	if (!(leg = calloc(1, sizeof(*leg))))
		goto fail;
	snprintf(leg->r_uri, sizeof(leg->r_uri), "%s",
		 j->remote_uri[0] ? j->remote_uri : inv->r_uri);
	if (j->local_party[0] && j->local_uri[0]) {
		from = strdup(j->local_party);
		from_uri = j->local_uri;
	}
	else {
		from = strip_tag(inv->from);
		from_uri = inv->from_uri;
	}
	err = rtp_stream_alloc(&leg->rtp, NULL, core_cfg.media_ip);
	if (err) {
		SEMS_ERROR("b2b %s: no RTP port for the callee leg: %s",
			   s->dlg.callid, strerror(err));
		goto fail;
	}
	if (!from || sdp_offer_create(core_cfg.media_ip,
				      rtp_stream_local_port(leg->rtp),
				      core_cfg.codec_order, &offer))
		goto fail;
	struct sip_uac_params p = {
		.r_uri = leg->r_uri, .from = from, .from_uri = from_uri,
		.contact_user = inv->user, .hdrs = j->hdrs, .sdp_offer = offer,
		.timeout_s = core_cfg.dialout_timeout,
	};
	leg->owner = session_ref(s);
	err = sip_uac_connect(&leg->uac, &p, &leg_handlers, leg);
	if (err) {
		SEMS_ERROR("b2b %s: cannot INVITE %s: %s", s->dlg.callid,
			   leg->r_uri, strerror(err));
		session_deref(s);
		goto fail;
	}
	s->b2b = leg;
	SEMS_INFO("b2b %s: INVITE %s (callee leg %s)", s->dlg.callid, leg->r_uri,
		  sip_uac_callid(leg->uac));
	free(offer);
	free(from);
	return;
 fail:
	if (leg)
		rtp_stream_release(leg->rtp);
	free(leg);
	free(offer);
	free(from);
	atomic_store(&s->b2b_pending, false);
	post_reply(s, 500, "Server Internal Error (callee leg)");
}

static void job_run(void *arg)
{
	struct b2b_job *j = arg;
	struct sems_session *s = j->s;

	switch (j->action) {
	case B2B_CONNECT:
		connect_run(j);
		break;
	case B2B_TERMINATE:
		if (s->b2b) {
			SEMS_INFO("b2b %s: ending the callee leg", s->dlg.callid);
			leg_end(s->b2b);
		}
		break;
	case B2B_INFO:
		if (s->b2b && sip_uac_info(s->b2b->uac, j->ctype, j->body))
			SEMS_INFO("b2b %s: INFO not relayed: callee not connected",
				  s->dlg.callid);
		break;
	}
	job_free(j);
}

static char *dup0(const char *s)
{
	return strdup(s ? s : "");
}

static int job_post(struct b2b_job *j)
{
	int err = signalling_call(job_run, j);
	if (err)
		job_free(j);
	return err;
}

int sems_b2b_connect_callee(struct sems_session *s, const char *remote_party,
			    const char *remote_uri, const char *local_party,
			    const char *local_uri, const char *hdrs)
{
	struct b2b_job *j;

	(void)remote_party;   /* libre 1.1.0: the To is <remote_uri> */
	if (!s)
		return EINVAL;
	if (atomic_exchange(&s->b2b_pending, true))
		return EBUSY;
	if (!(j = calloc(1, sizeof(*j)))) {
		atomic_store(&s->b2b_pending, false);
		return ENOMEM;
	}
	j->s = session_ref(s);
	j->action = B2B_CONNECT;
	j->remote_uri = dup0(remote_uri);
	j->local_party = dup0(local_party);
	j->local_uri = dup0(local_uri);
	j->hdrs = dup0(hdrs);
	if (!j->remote_uri || !j->local_party || !j->local_uri || !j->hdrs) {
		job_free(j);
		atomic_store(&s->b2b_pending, false);
		return ENOMEM;
	}
	int err = job_post(j);
	if (err)
		atomic_store(&s->b2b_pending, false);
	return err;
}

int sems_b2b_terminate_other(struct sems_session *s)
{
	struct b2b_job *j;

	if (!s || !atomic_load(&s->b2b_pending))
		return ENOENT;
	if (!(j = calloc(1, sizeof(*j))))
		return ENOMEM;
	j->s = session_ref(s);
	j->action = B2B_TERMINATE;
	return job_post(j);
}

void sems_b2b_set_relay_only(struct sems_session *s, bool on)
{
	if (s)
		atomic_store(&s->relay_only, on);
}

bool sems_b2b_has_callee(struct sems_session *s)
{
	return s && atomic_load(&s->b2b_pending);
}

void b2b_relay_request(struct sems_session *s,
		       const struct sems_sip_request *req)
{
	struct b2b_job *j;

	if (!atomic_load(&s->relay_only) || !atomic_load(&s->b2b_pending))
		return;
	if (strcmp(req->method, "INFO")) {
		SEMS_DBG("b2b %s: %s not relayed (only INFO is)", s->dlg.callid,
			 req->method);
		return;
	}
	if (!(j = calloc(1, sizeof(*j))))
		return;
	j->s = session_ref(s);
	j->action = B2B_INFO;
	j->ctype = dup0(req->content_type);
	j->body = dup0(req->body);
	if (!j->ctype || !j->body) {
		job_free(j);
		return;
	}
	(void)job_post(j);
}

void b2b_session_release(struct sems_session *s)
{
	if (s->b2b)
		leg_end(s->b2b);
}
