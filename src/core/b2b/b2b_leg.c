/* b2b_leg.c: the callee leg of a B2BUA call (sems/uac.h, b2b.h).
 *
 * A leg belongs to the caller's session (s->b2b, signalling thread) and
 * runs no application: it is a UAC dialog (sip/sip_uac.c) with its own
 * RTP stream.  Its replies and its BYE become events of the owner
 * (SEMS_EV_B2B_OTHER_REPLY, SEMS_EV_B2B_OTHER_BYE).  Once the callee
 * answers, the owner's stream is bridged to the leg's (media_bridge.c).
 * The leg ends by the callee (BYE, error reply, timeout), by
 * sems_b2b_terminate_other(), or with its owner (b2b_session_release).
 *
 * b2b_media=reinvite (SEMS's AmB2BCallerSession way) instead: the leg has
 * no RTP stream; its INVITE carries the caller's original SDP offer, and
 * the callee's answer goes to the caller (in our 200 if it was not
 * answered yet, else by a re-INVITE, sip_call_reinvite).  Once the caller
 * took it, the owner's stream is idle (rtp_stream_set_end_to_end) and the
 * phones send their RTP (RFC 4733 included) to each other.  The caller's
 * answer to the re-INVITE, and later offers of it, reach the callee by a
 * re-INVITE only when address, port or codecs differ from what the callee
 * has (sdp_differs).  Direct SIP only (see reinvite_possible).
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
#include "session/session_internal.h"
#include "signalling.h"
#include "sip_request.h"
#include "ser/ser_uac.h"
#include "sip/sip_call.h"
#include "sip/sip_uac.h"

struct b2b_leg {
	struct sems_session *owner;   /* reference */
	struct sip_uac *uac;
	struct rtp_stream *rtp;       /* NULL with b2b_media=reinvite */
	char r_uri[256];
	/* b2b_media=reinvite */
	bool reinvite;
	char *callee_sdp;             /* the callee's answer */
	char *sent_sdp;               /* the caller's SDP the callee has */
	struct tmr tmr;               /* re-INVITE not possible yet: again */
	unsigned retries;
};

enum b2b_action { B2B_CONNECT, B2B_TERMINATE, B2B_INFO };
enum { REINVITE_RETRY_MS = 100, REINVITE_RETRIES = 50 };

struct b2b_job {
	struct sems_session *s;       /* reference */
	enum b2b_action action;
	char *remote_uri, *local_party, *local_uri, *hdrs;   /* CONNECT */
	char *ctype, *body;                                  /* INFO */
	enum sems_b2b_media media;                           /* CONNECT */
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
	tmr_cancel(&leg->tmr);
	atomic_store(&s->b2b_pending, false);
	session_deref(s);
	free(leg->callee_sdp);
	free(leg->sent_sdp);
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

/* ---- b2b_media=reinvite ---- */

/* What of an SDP matters to the far end: the first audio stream's
 * address (media-level c= before session-level), port and formats. */
struct sdp_brief {
	char addr[64];
	unsigned port;
	char fmts[256];        /* " 0 8 101 " */
};

static void sdp_brief_of(const char *sdp, struct sdp_brief *b)
{
	char sess_addr[64] = "", line[512];
	bool in_audio = false, seen_audio = false;

	memset(b, 0, sizeof(*b));
	for (const char *p = sdp; p && *p; ) {
		size_t n = strcspn(p, "\r\n");
		snprintf(line, sizeof(line), "%.*s", (int)n, p);
		p += n;
		p += strspn(p, "\r\n");
		if (!strncmp(line, "m=", 2)) {
			in_audio = !seen_audio && !strncmp(line, "m=audio ", 8);
			if (in_audio) {
				char *f = NULL;
				seen_audio = true;
				b->port = (unsigned)strtoul(line + 8, &f, 10);
				f = f ? strchr(f + (*f == ' '), ' ') : NULL;
				snprintf(b->fmts, sizeof(b->fmts), "%s ",
					 f ? f : "");
			}
		}
		else if (!strncmp(line, "c=", 2)) {
			const char *a = strrchr(line, ' ');
			a = a ? a + 1 : line + 2;
			if (in_audio)
				snprintf(b->addr, sizeof(b->addr), "%.63s", a);
			else if (!seen_audio)
				snprintf(sess_addr, sizeof(sess_addr), "%.63s", a);
		}
	}
	if (!b->addr[0])
		snprintf(b->addr, sizeof(b->addr), "%s", sess_addr);
}

/* Must `now` be passed on to a far end that has `had`?  When the address
 * or port differ, or `now` has a format `had` did not list. */
static bool sdp_differs(const char *had, const char *now)
{
	struct sdp_brief a, b;
	char fmt[24];

	sdp_brief_of(had, &a);
	sdp_brief_of(now, &b);
	if (strcmp(a.addr, b.addr) || a.port != b.port)
		return true;
	for (const char *f = b.fmts; *f; ) {
		f += strspn(f, " ");
		size_t n = strcspn(f, " ");
		if (!n)
			break;
		snprintf(fmt, sizeof(fmt), " %.*s ", (int)n, f);
		if (!strstr(a.fmts, fmt))
			return true;
		f += n;
	}
	return false;
}

/* The callee gets `sdp` of the caller by a re-INVITE, if it differs. */
static void pass_to_callee(struct b2b_leg *leg, const char *sdp,
			   const char *what)
{
	const char *callid = leg->owner->dlg.callid;
	char *copy;
	int err;

	if (!sdp || !sdp[0] || !leg->sent_sdp || !sdp_differs(leg->sent_sdp, sdp))
		return;
	err = sip_uac_modify(leg->uac, sdp);
	if (err) {
		SEMS_WARN("b2b %s: the caller's %s differs from what the callee "
			  "has, but cannot be sent on: %s", callid, what,
			  strerror(err));
		return;
	}
	SEMS_INFO("b2b %s: the caller's %s differs from what the callee has: "
		  "re-INVITE of the callee", callid, what);
	if ((copy = strdup(sdp))) {
		free(leg->sent_sdp);
		leg->sent_sdp = copy;
	}
}

void b2b_caller_answer(struct sems_session *s, const char *sdp)
{
	struct b2b_leg *leg = s->b2b;

	if (!leg || !leg->reinvite)
		return;
	rtp_stream_set_end_to_end(s->rtp, true);
	SEMS_INFO("b2b %s: the caller took the callee's SDP: media end to end",
		  s->dlg.callid);
	pass_to_callee(leg, sdp, "answer to the re-INVITE");
}

int b2b_caller_reoffer(struct sems_session *s, const char *offer)
{
	if (s->b2b && s->b2b->reinvite)
		pass_to_callee(s->b2b, offer, "new offer");
	return 0;
}

static void caller_reinvite(void *arg)
{
	struct b2b_leg *leg = arg;
	struct sems_session *s = leg->owner;
	struct sip_call *call = sip_call_of(s);
	int err = call ? sip_call_reinvite(call, leg->callee_sdp) : ENOTCONN;

	if (err == EINVAL && ++leg->retries < REINVITE_RETRIES) {
		tmr_start(&leg->tmr, REINVITE_RETRY_MS, caller_reinvite, leg);
		return;   /* our 200 to its INVITE is not ACKed yet */
	}
	if (err)
		SEMS_ERROR("b2b %s: cannot re-INVITE the caller with the callee's "
			   "SDP: %s", s->dlg.callid, strerror(err));
	else
		SEMS_INFO("b2b %s: re-INVITE of the caller with the callee's SDP",
			  s->dlg.callid);
}

/* The callee answered the caller's offer: its answer goes to the caller. */
static int leg_answer_reinvite(struct b2b_leg *leg,
			       const struct sems_sip_reply *reply)
{
	struct sems_session *s = leg->owner;
	char *sdp = NULL, *ours = NULL;

	if (!reply->body || !strstr(reply->body, "m=") ||
	    !(sdp = strdup(reply->body)) || !(ours = strdup(reply->body))) {
		SEMS_WARN("b2b %s: callee %s: no SDP answer: BYE", s->dlg.callid,
			  leg->r_uri);
		free(sdp);
		session_post_event(s, SEMS_EV_B2B_OTHER_REPLY, NULL, reply);
		return EPROTO;
	}
	free(leg->callee_sdp);
	leg->callee_sdp = sdp;
	/* from now on what we give the caller (re-INVITEs of it, refreshes) */
	free(s->sdp_answer);
	s->sdp_answer = ours;
	if (!atomic_load(&s->accepted) && !atomic_load(&s->final_replied)) {
		/* connectCallee() before the caller was answered: our 200 to it
		 * carries the callee's answer to its own offer */
		rtp_stream_set_end_to_end(s->rtp, true);
		SEMS_INFO("b2b %s: callee %s answered: the caller is answered "
			  "with its SDP, media end to end", s->dlg.callid,
			  leg->r_uri);
		sems_session_accept(s);
	}
	else {
		SEMS_INFO("b2b %s: callee %s answered, its SDP goes to the caller",
			  s->dlg.callid, leg->r_uri);
		leg->retries = 0;
		caller_reinvite(leg);
	}
	session_post_event(s, SEMS_EV_B2B_OTHER_REPLY, NULL, reply);
	return 0;
}

static int leg_answer(void *arg, const struct sems_sip_reply *reply)
{
	struct b2b_leg *leg = arg;
	struct sems_session *s = leg->owner;
	struct media_params params;

	if (leg->reinvite)
		return leg_answer_reinvite(leg, reply);
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

/* b2b_media=reinvite needs a direct SIP caller (sipsess re-INVITEs it)
 * and a direct SIP callee leg: through Kamailio our requests go out by
 * t_uac_send, and for the 2xx of a re-INVITE (its SDP answer, the ACK)
 * the SER code has no path, so the media is relayed there (a warning,
 * once per call). */
static bool reinvite_possible(struct sems_session *s)
{
	const char *why = NULL;

	if (ser_uac_enabled() || !sip_call_of(s))
		why = "through Kamailio (SER mode) re-INVITEs with an SDP are "
		      "not supported";
	else if (!s->invite->body || !strstr(s->invite->body, "m="))
		why = "the caller's INVITE has no SDP offer";
	else if (!s->rtp)
		why = "the call has no RTP stream";
	if (!why)
		return true;
	if (!s->b2b_reinvite_warned)
		SEMS_WARN("b2b %s: b2b_media=reinvite not possible (%s): media "
			  "relayed", s->dlg.callid, why);
	s->b2b_reinvite_warned = true;
	return false;
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
	tmr_init(&leg->tmr);
	leg->reinvite = j->media == SEMS_B2B_MEDIA_REINVITE &&
			reinvite_possible(s);
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
	if (leg->reinvite) {      /* the caller's own offer */
		if (!from || !(offer = strdup(inv->body)) ||
		    !(leg->sent_sdp = strdup(inv->body)))
			goto fail;
	}
	else {
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
	}
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
	SEMS_INFO("b2b %s: INVITE %s (callee leg %s, media %s)", s->dlg.callid,
		  leg->r_uri, sip_uac_callid(leg->uac),
		  leg->reinvite ? "end to end (b2b_media=reinvite)" : "relayed");
	free(offer);
	free(from);
	return;
 fail:
	if (leg) {
		rtp_stream_release(leg->rtp);
		free(leg->sent_sdp);
	}
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
	return sems_b2b_connect_callee_media(s, remote_party, remote_uri,
					     local_party, local_uri, hdrs,
					     SEMS_B2B_MEDIA_RELAY);
}

int sems_b2b_connect_callee_media(struct sems_session *s,
				  const char *remote_party,
				  const char *remote_uri,
				  const char *local_party,
				  const char *local_uri, const char *hdrs,
				  enum sems_b2b_media media)
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
	j->media = media;
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
