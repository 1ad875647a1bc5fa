/* dialout.c: outbound calls (sems_dialout, sems/uac.h).
 *
 * sems_dialout() copies its arguments into a job for the signalling
 * thread, which allocates the RTP stream, makes our SDP offer, sends the
 * INVITE (sip/sip_uac.c) and creates the session with the INVITE's
 * Call-ID.  The session is a normal one with its own signalling_ops:
 * replies become SEMS_EV_SIP_REPLY, the answer SEMS_EV_SESSION_START
 * (media starts when its handler returned, as for an accepted incoming
 * call), the callee's BYE SEMS_EV_BYE.  Ending the session hangs up (BYE,
 * or CANCEL while it rings).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <re.h>
#include <sems/log.h>
#include <sems/uac.h>
#include "app_registry.h"
#include "core_config.h"
#include "media/rtp_stream.h"
#include "media/sdp_negotiate.h"
#include "session/session_internal.h"
#include "signalling.h"
#include "sip_request.h"
#include "sip/sip_uac.h"

struct dialout {
	struct sems_session *s;     /* reference until release */
	struct sip_uac *uac;
};

struct dialout_job {
	char *app, *user, *r_uri, *from, *from_uri, *to, *hdrs, *params;
	char tag[24];
};

static void job_free(struct dialout_job *j)
{
	free(j->app); free(j->user); free(j->r_uri); free(j->from);
	free(j->from_uri); free(j->to); free(j->hdrs); free(j->params);
	free(j);
}

/* ---- signalling_ops of a dialout session ---- */

static int dialout_answer(void *sig, const char *sdp)
{
	(void)sig;
	(void)sdp;
	return EALREADY;     /* nothing to answer: we are the caller */
}

/* A "reply" before the answer (session stopped early): give up, CANCEL. */
static int dialout_reply(void *sig, unsigned code, const char *reason,
			 const char *hdrs)
{
	struct dialout *d = sig;
	(void)reason;
	if (code < 300)
		return 0;
	sip_uac_hangup(d->uac, hdrs);
	d->uac = NULL;
	return 0;
}

static int dialout_bye(void *sig, const char *hdrs)
{
	struct dialout *d = sig;
	sip_uac_hangup(d->uac, hdrs);
	d->uac = NULL;
	return 0;
}

static void dialout_release(void *sig)
{
	struct dialout *d = sig;
	sip_uac_hangup(d->uac, "");
	session_deref(d->s);
	free(d);
}

static const struct signalling_ops dialout_ops = {
	.name = "sip-uac",
	.answer = dialout_answer,
	.reply = dialout_reply,
	.bye = dialout_bye,
	.release = dialout_release,
};

/* ---- what the INVITE brings ---- */

static void dlg_set(struct sems_session *s, char **field, const char *v)
{
	char *copy = strdup(v ? v : "");
	if (!copy)
		return;
	pthread_mutex_lock(&s->dlg_lock);
	free(*field);
	*field = copy;
	pthread_mutex_unlock(&s->dlg_lock);
}

static void on_reply(void *arg, const struct sems_sip_reply *reply)
{
	struct dialout *d = arg;
	struct sems_session *s = d->s;

	if (reply->code < 200)
		session_set_status(s, reply->to_tag[0] ? SEMS_DLG_EARLY
						       : SEMS_DLG_PROCEEDING);
	if (reply->to_tag[0])
		dlg_set(s, &s->dlg.remote_tag, reply->to_tag);
	SEMS_DBG("dialout %s: %u %s", s->dlg.callid, reply->code, reply->reason);
	session_post_event(s, SEMS_EV_SIP_REPLY, s->invite, reply);
}

static int on_answer(void *arg, const struct sems_sip_reply *reply)
{
	struct dialout *d = arg;
	struct sems_session *s = d->s;
	struct media_params params;
	int err = sdp_answer_parse(reply->body, &params);

	if (err) {
		SEMS_WARN("dialout %s to %s: unusable SDP answer (%s): BYE",
			  s->dlg.callid, s->dlg.remote_uri, strerror(err));
		return err;
	}
	rtp_stream_set_params(s->rtp, &params);
	if (reply->contact[0])
		dlg_set(s, &s->dlg.remote_uri, reply->contact);
	atomic_store(&s->accepted, true);
	atomic_store(&s->final_replied, true);
	session_set_status(s, SEMS_DLG_CONNECTED);
	SEMS_INFO("dialout %s to %s answered: running application '%s'",
		  s->dlg.callid, s->dlg.remote_uri, s->app->name);
	session_post_event(s, SEMS_EV_SESSION_START, NULL, reply);
	return 0;
}

static void on_closed(void *arg, int err, unsigned code, const char *reason)
{
	struct dialout *d = arg;
	struct sems_session *s = d->s;

	if (atomic_load(&s->accepted)) {
		if (err == ECONNRESET) {
			SEMS_INFO("dialout %s: callee hung up", s->dlg.callid);
			session_post_event(s, SEMS_EV_BYE, NULL, NULL);
		}
		else
			SEMS_INFO("dialout %s: SIP session closed: %s",
				  s->dlg.callid, strerror(err));
	}
	else if (code) {
		SEMS_INFO("dialout %s to %s failed: %u %s", s->dlg.callid,
			  s->dlg.remote_uri, code, reason);
	}
	else {
		/* no reply at all: tell the application as SEMS does (408) */
		struct sems_sip_reply r = {
			.code = 408,
			.reason = err == ETIMEDOUT ? "Request Timeout"
						   : "Request Timeout (no reply)",
		};
		struct sems_sip_reply *copy = sip_reply_dup(&r);
		SEMS_INFO("dialout %s to %s failed: %s", s->dlg.callid,
			  s->dlg.remote_uri, err == ETIMEDOUT ?
			  "no answer in time (CANCELled)" : strerror(err));
		if (copy)
			session_post_event(s, SEMS_EV_SIP_REPLY, s->invite, copy);
		free(copy);
	}
	sip_uac_hangup(d->uac, NULL);
	d->uac = NULL;
	session_mark_dialog_over(s);
}

static void on_request(void *arg, const struct sems_sip_request *req)
{
	struct dialout *d = arg;
	session_post_event(d->s, SEMS_EV_SIP_REQUEST, req, NULL);
}

static const struct sip_uac_handlers dialout_handlers = {
	.reply = on_reply,
	.answer = on_answer,
	.closed = on_closed,
	.request = on_request,
};

/* "sip:user@host:port;x" -> host */
static void uri_host(const char *uri, char *out, size_t len)
{
	const char *p = strchr(uri, '@'), *e;
	if (!p)
		p = strchr(uri, ':');
	p = p ? p + 1 : uri;
	for (e = p; *e && *e != ':' && *e != ';' && *e != '>' && *e != '?'; e++)
		;
	snprintf(out, len, "%.*s", (int)(e - p), p);
}

static void uri_user(const char *uri, char *out, size_t len)
{
	const char *p = strchr(uri, ':'), *at = strchr(uri, '@');
	out[0] = '\0';
	if (p && at && p < at)
		snprintf(out, len, "%.*s", (int)(at - p - 1), p + 1);
}

static void dialout_run(void *arg)
{
	struct dialout_job *j = arg;
	const struct app *app = app_get(j->app);
	struct rtp_stream *rs = NULL;
	struct sems_session *s = NULL;
	struct dialout *d = NULL;
	struct sems_sip_request *inv = NULL;
	char *offer = NULL, host[128], user[128];
	int err;

	if (!app) {
		SEMS_ERROR("dialout to %s: unknown application '%s'", j->r_uri,
			   j->app);
		goto out;
	}
	err = rtp_stream_alloc(&rs, NULL, core_cfg.media_ip);
	if (err) {
		SEMS_ERROR("dialout to %s: no RTP port: %s", j->r_uri,
			   strerror(err));
		goto out;
	}
	err = sdp_offer_create(core_cfg.media_ip, rtp_stream_local_port(rs),
			       core_cfg.codec_order, &offer);
	if (!err && !(d = calloc(1, sizeof(*d))))
		err = ENOMEM;
	uri_user(j->r_uri, user, sizeof(user));
	if (!err) {
		struct sip_uac_params p = {
			.r_uri = j->r_uri, .to = j->to, .local_tag = j->tag,
			.from = j->from, .from_uri = j->from_uri,
			.contact_user = j->user[0] ? j->user : user,
			.hdrs = j->hdrs, .sdp_offer = offer,
			.timeout_s = core_cfg.dialout_timeout,
		};
		err = sip_uac_connect(&d->uac, &p, &dialout_handlers, d);
	}
	if (err) {
		SEMS_ERROR("dialout to %s: cannot send the INVITE: %s", j->r_uri,
			   strerror(err));
		goto out;
	}
	uri_host(j->r_uri, host, sizeof(host));
	struct sems_sip_request tpl = {
		.method = "INVITE", .user = j->user[0] ? j->user : user,
		.domain = host, .r_uri = j->r_uri, .from_uri = j->from_uri,
		.from = j->from, .to = j->to, .callid = sip_uac_callid(d->uac),
		.contact = j->r_uri, .content_type = "application/sdp",
		.body = offer, .hdrs = j->hdrs, .cseq = 1,
	};
	if ((inv = sip_request_dup(&tpl))) {
		err = session_alloc_tagged(&s, app, inv, &dialout_ops, d, j->tag);
		app = NULL;     /* the session's reference now, or released */
	}
	if (!inv || err) {
		SEMS_ERROR("dialout to %s: cannot create the session", j->r_uri);
		sip_uac_hangup(d->uac, NULL);
		free(inv);
		goto out;
	}
	/* the dialog as seen from our side: we are From, they are To */
	dlg_set(s, &s->dlg.local_uri, j->from_uri);
	dlg_set(s, &s->dlg.remote_uri, j->r_uri);
	dlg_set(s, &s->dlg.local_party, j->from);
	dlg_set(s, &s->dlg.remote_party, j->to);
	dlg_set(s, &s->dlg.remote_tag, "");
	dlg_set(s, &s->dlg.outbound_proxy, core_cfg.outbound_proxy);
	s->uac = true;
	s->session_params = j->params;
	j->params = NULL;
	s->rtp = rs;
	rtp_stream_set_session(rs, s);
	rs = NULL;
	d->s = s;          /* the reference session_alloc gave us */
	d = NULL;
	SEMS_INFO("dialout %s: INVITE %s for application '%s' (session %s)",
		  s->dlg.callid, j->r_uri, s->app->name, s->local_tag);
 out:
	app_put(app);
	if (d)
		free(d);
	if (rs)
		rtp_stream_release(rs);
	free(offer);
	job_free(j);
}

static char *dup0(const char *s)
{
	return strdup(s ? s : "");
}

int sems_dialout(const char *app_name, const char *user, const char *r_uri,
		 const char *from, const char *from_uri, const char *to,
		 const char *local_tag, const char *hdrs,
		 const char *session_params, char *tag_out, size_t tag_len)
{
	struct dialout_job *j;
	int err;

	if (!app_name || !r_uri || !r_uri[0] || !from_uri || !from_uri[0])
		return EINVAL;
	if (!app_exists(app_name))
		return ENOENT;
	if (!(j = calloc(1, sizeof(*j))))
		return ENOMEM;
	j->app = dup0(app_name);
	j->user = dup0(user);
	j->r_uri = dup0(r_uri);
	j->from = dup0(from && from[0] ? from : NULL);
	j->from_uri = dup0(from_uri);
	j->to = dup0(to);
	j->hdrs = dup0(hdrs);
	j->params = session_params ? strdup(session_params) : NULL;
	if (!j->from[0]) {
		free(j->from);
		if (asprintf(&j->from, "<%s>", from_uri) < 0)
			j->from = NULL;
	}
	if (!j->to[0]) {
		free(j->to);
		if (asprintf(&j->to, "<%s>", r_uri) < 0)
			j->to = NULL;
	}
	if (!j->app || !j->user || !j->r_uri || !j->from || !j->from_uri ||
	    !j->to || !j->hdrs || (session_params && !j->params)) {
		job_free(j);
		return ENOMEM;
	}
	if (local_tag && local_tag[0])
		snprintf(j->tag, sizeof(j->tag), "%s", local_tag);
	else
		snprintf(j->tag, sizeof(j->tag), "%016llx",
			 (unsigned long long)rand_u64());
	if (tag_out && tag_len)
		snprintf(tag_out, tag_len, "%s", j->tag);
	err = signalling_call(dialout_run, j);
	if (err)
		job_free(j);
	return err;
}

const char *sems_session_params(const struct sems_session *s)
{
	return s ? s->session_params : NULL;
}
