/* session_control.c: what an application can ask of its session.
 *
 * Signalling requests are copied into a job and run on the signalling
 * thread (libre is single threaded); media requests go to the RTP stream.
 */
#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <re.h>
#include <sems/log.h>
#include "media/rtp_stream.h"
#include "metrics/metrics.h"
#include "session/session_internal.h"
#include "signalling.h"

enum sig_action {
	SIG_ANSWER, SIG_REPLY, SIG_BYE,
	SIG_EARLY, SIG_REQUEST, SIG_REPLY_REQ, SIG_DROP,
};

struct sig_job {
	struct sems_session *s;   /* reference */
	enum sig_action action;
	unsigned code;
	unsigned cseq;            /* SIG_REPLY_REQ */
	bool with_sdp;            /* SIG_EARLY */
	char *reason;             /* SIG_REQUEST: the method */
	char *hdrs;
	char *ruri, *ctype, *body;  /* SIG_REQUEST */
};

static void sig_job_free(struct sig_job *job)
{
	session_deref(job->s);
	free(job->reason);
	free(job->hdrs);
	free(job->ruri);
	free(job->ctype);
	free(job->body);
	free(job);
}

static const char *sig_action_name(enum sig_action a)
{
	switch (a) {
	case SIG_ANSWER: return "answer";
	case SIG_REPLY: return "reply";
	case SIG_BYE: return "BYE";
	case SIG_EARLY: return "provisional reply";
	case SIG_REQUEST: return "request";
	case SIG_REPLY_REQ: return "reply to a request";
	case SIG_DROP: return "drop";
	}
	return "?";
}

/* A failure to send (the call ends without it) is logged per call, but
 * when one cause fails every call at once (Kamailio's socket gone: the
 * transport logs that itself) the lines for the same transport and error
 * are limited to one per SEND_FAILED_LOG_MS, with the count of the calls
 * in between.  Signalling thread only. */
enum { SEND_FAILED_LOG_MS = 10000 };
static struct {
	const char *transport;
	int err;
	uint64_t log_at;          /* tmr_jiffies() of the last line */
	uint64_t unlogged;
} send_failed;

static void log_send_failed(struct sems_session *s, enum sig_action action,
			    int err)
{
	uint64_t now = tmr_jiffies();

	if (send_failed.err == err && send_failed.transport == s->sig_ops->name &&
	    now - send_failed.log_at < SEND_FAILED_LOG_MS) {
		send_failed.unlogged++;
		return;
	}
	if (send_failed.unlogged)
		SEMS_ERROR("%s: %llu more calls could not send their message"
			   " (%s) and ended", send_failed.transport,
			   (unsigned long long)send_failed.unlogged,
			   strerror(send_failed.err));
	SEMS_ERROR("%s: call %s: cannot send %s: %s", s->sig_ops->name,
		   s->dlg.callid, sig_action_name(action), strerror(err));
	send_failed.transport = s->sig_ops->name;
	send_failed.err = err;
	send_failed.log_at = now;
	send_failed.unlogged = 0;
}

/* Signalling thread. */
static void sig_job_run(void *arg)
{
	struct sig_job *job = arg;
	struct sems_session *s = job->s;
	int err = 0;

	if (!s->sig || atomic_load(&s->dialog_over))
		goto out;       /* the call is already gone: nothing to send */
	if (atomic_load(&s->dropped) && job->action != SIG_DROP)
		goto out;       /* forgotten: nothing is sent any more */

	switch (job->action) {
	case SIG_ANSWER:
		err = s->sig_ops->answer(s->sig, s->sdp_answer);
		break;
	case SIG_REPLY:
		err = s->sig_ops->reply(s->sig, job->code, job->reason, job->hdrs);
		if (!err && job->code >= 300)
			session_mark_dialog_over(s);
		break;
	case SIG_BYE:
		session_set_status(s, SEMS_DLG_DISCONNECTING);
		err = s->sig_ops->bye(s->sig, job->hdrs);
		session_mark_dialog_over(s);
		break;
	case SIG_EARLY:
		err = s->sig_ops->early ?
			s->sig_ops->early(s->sig, job->code, job->reason,
					  job->with_sdp ? s->sdp_answer : NULL) :
			ENOTSUP;
		break;
	case SIG_REQUEST:
		err = s->sig_ops->request ?
			s->sig_ops->request(s->sig, job->reason,
					    job->ruri[0] ? job->ruri : NULL,
					    job->hdrs, job->ctype, job->body) :
			ENOTSUP;
		if (err) {   /* the call goes on; the request just failed */
			SEMS_WARN("%s: call %s: cannot send %s: %s",
				  s->sig_ops->name, s->dlg.callid, job->reason,
				  strerror(err));
			err = 0;
		}
		break;
	case SIG_REPLY_REQ:
		if (s->sig_ops->reply_request)
			(void)s->sig_ops->reply_request(s->sig, job->cseq,
							job->code, job->reason,
							job->hdrs);
		break;
	case SIG_DROP:
		if (s->sig_ops->drop)
			s->sig_ops->drop(s->sig);
		session_mark_dialog_over(s);
		break;
	}
	if (err) {
		log_send_failed(s, job->action, err);
		session_mark_dialog_over(s);
	}
 out:
	sig_job_free(job);
}

static struct sig_job *sig_job_new(struct sems_session *s,
				   enum sig_action action, unsigned code,
				   const char *reason, const char *hdrs)
{
	struct sig_job *job = calloc(1, sizeof(*job));
	if (!job)
		return NULL;
	job->s = session_ref(s);
	job->action = action;
	job->code = code;
	job->reason = strdup(reason ? reason : "");
	job->hdrs = strdup(hdrs ? hdrs : "");
	job->ruri = strdup("");
	job->ctype = strdup("");
	job->body = strdup("");
	if (!job->reason || !job->hdrs || !job->ruri || !job->ctype ||
	    !job->body) {
		sig_job_free(job);
		return NULL;
	}
	return job;
}

static int sig_job_send(struct sig_job *job)
{
	if (!job)
		return ENOMEM;
	int err = signalling_call(sig_job_run, job);
	if (err)
		sig_job_free(job);
	return err;
}

static int sig_job_post(struct sems_session *s, enum sig_action action,
			unsigned code, const char *reason, const char *hdrs)
{
	return sig_job_send(sig_job_new(s, action, code, reason, hdrs));
}

static int str_set(char **dst, const char *src)
{
	char *c = strdup(src ? src : "");
	if (!c)
		return ENOMEM;
	free(*dst);
	*dst = c;
	return 0;
}

int sems_session_accept(struct sems_session *s)
{
	/* a dialled call is answered by the far end, never by us */
	if (s->uac || atomic_load(&s->final_replied) ||
	    atomic_load(&s->dialog_over))
		return EALREADY;
	atomic_store(&s->accepted, true);
	atomic_store(&s->final_replied, true);
	metrics_invite_reply(200);
	/* as in SEMS, the dialog is connected once the 200 is decided */
	session_set_status(s, SEMS_DLG_CONNECTED);
	return sig_job_post(s, SIG_ANSWER, 200, "OK", NULL);
}

int sems_session_reply(struct sems_session *s, unsigned code,
		       const char *reason, const char *hdrs)
{
	if (code < 100 || code > 699 || (code >= 200 && code < 300))
		return EINVAL;    /* a 2xx needs the SDP: sems_session_accept() */
	if (atomic_load(&s->final_replied))
		return EALREADY;
	if (code >= 200) {
		atomic_store(&s->final_replied, true);
		if (!s->uac)
			metrics_invite_reply(code);
	}
	return sig_job_post(s, SIG_REPLY, code, reason, hdrs);
}

int sems_session_bye(struct sems_session *s, const char *hdrs)
{
	if (atomic_load(&s->dialog_over))
		return 0;
	atomic_store(&s->final_replied, true);
	return sig_job_post(s, SIG_BYE, 0, NULL, hdrs);
}

int sems_session_ring(struct sems_session *s)
{
	if (!s->sig_ops->early)
		return ENOTSUP;     /* e.g. a dialled call: we are not ringing */
	if (atomic_load(&s->final_replied) || atomic_load(&s->dialog_over))
		return EALREADY;
	if (s->dlg.status < SEMS_DLG_PROCEEDING)
		session_set_status(s, SEMS_DLG_PROCEEDING);
	struct sig_job *job = sig_job_new(s, SIG_EARLY, 180, "Ringing", "");
	return sig_job_send(job);
}

int sems_session_pre_answer(struct sems_session *s)
{
	if (!s->sig_ops->early)
		return ENOTSUP;
	if (atomic_load(&s->final_replied) || atomic_load(&s->dialog_over))
		return EALREADY;
	if (!s->sdp_answer)
		return ENOTSUP;
	struct sig_job *job = sig_job_new(s, SIG_EARLY, 183, "Session Progress",
					  "");
	if (!job)
		return ENOMEM;
	job->with_sdp = true;
	atomic_store(&s->early_media, true);
	session_set_status(s, SEMS_DLG_EARLY);
	return sig_job_send(job);
}

static bool method_sendable(const char *m)
{
	if (!m || !m[0] || strlen(m) > 32)
		return false;
	for (const char *p = m; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		      *p == '-' || *p == '_' || *p == '.' || *p == '!' ||
		      *p == '%' || *p == '*' || *p == '+' || *p == '`' ||
		      *p == '\'' || *p == '~' || (*p >= '0' && *p <= '9')))
			return false;
	static const char *const core[] = { "INVITE", "ACK", "CANCEL", "BYE" };
	for (size_t i = 0; i < sizeof(core) / sizeof(core[0]); i++)
		if (!strcmp(m, core[i]))
			return false;
	return true;
}

/* The dialog exists (answered, or early with our 183). */
static bool dialog_usable(struct sems_session *s)
{
	if (atomic_load(&s->dialog_over) || atomic_load(&s->dropped))
		return false;
	return atomic_load(&s->accepted) || atomic_load(&s->early_media);
}

static int request_post(struct sems_session *s, const char *method,
			const char *ruri, const char *hdrs, const char *ctype,
			const char *body)
{
	if (!s->sig_ops->request)
		return ENOTSUP;    /* refer/redirect on a front without it */
	struct sig_job *job = sig_job_new(s, SIG_REQUEST, 0, method, hdrs);
	if (!job || str_set(&job->ruri, ruri) || str_set(&job->ctype, ctype) ||
	    str_set(&job->body, body)) {
		if (job)
			sig_job_free(job);
		return ENOMEM;
	}
	return sig_job_send(job);
}

/* The URI set by sems_session_set_remote_uri, or "" (malloc()ed). */
static char *remote_uri_override(struct sems_session *s)
{
	pthread_mutex_lock(&s->dlg_lock);
	char *u = strdup(s->dlg.remote_uri_set ? s->dlg.remote_uri : "");
	pthread_mutex_unlock(&s->dlg_lock);
	return u;
}

int sems_session_send_request(struct sems_session *s, const char *method,
			      const char *hdrs, const char *ctype,
			      const char *body)
{
	if (!method_sendable(method))
		return EINVAL;
	if (!s->sig_ops->request)
		return ENOTSUP;
	if (!dialog_usable(s))
		return ENOTCONN;
	if (body && body[0] && (!ctype || !ctype[0]))
		return EINVAL;
	char *ruri = remote_uri_override(s);
	if (!ruri)
		return ENOMEM;
	int err = request_post(s, method, ruri, hdrs, ctype, body);
	free(ruri);
	return err;
}

int session_reply_held(struct sems_session *s, unsigned code,
		       const char *reason, const char *hdrs)
{
	if (!s->held_req.cseq)
		return ENOENT;
	if (!s->held_req.open)
		return EALREADY;
	if (code == 0 || code >= 200)
		s->held_req.open = false;
	struct sig_job *job = sig_job_new(s, SIG_REPLY_REQ, code,
					  reason && reason[0] ? reason :
					  code < 300 ? "OK" : "Error", hdrs);
	if (!job)
		return ENOMEM;
	job->cseq = s->held_req.cseq;
	return sig_job_send(job);
}

int sems_session_reply_request(struct sems_session *s, unsigned code,
			       const char *reason, const char *hdrs)
{
	if (code < 100 || code > 699)
		return EINVAL;
	return session_reply_held(s, code, reason, hdrs);
}

int sems_session_refer(struct sems_session *s, const char *refer_to,
		       int expires, const char *referred_by, const char *hdrs)
{
	char *h = NULL;
	if (!refer_to || !refer_to[0])
		return EINVAL;
	bool bracket = refer_to[0] != '<' && !strchr(refer_to, '<');
	char exp[32] = "";
	if (expires >= 0)
		snprintf(exp, sizeof(exp), "Expires: %d\r\n", expires);
	if (asprintf(&h, "Refer-To: %s%s%s\r\n%s%s%s%s%s", bracket ? "<" : "",
		     refer_to, bracket ? ">" : "", exp,
		     referred_by && referred_by[0] ? "Referred-By: " : "",
		     referred_by ? referred_by : "",
		     referred_by && referred_by[0] ? "\r\n" : "",
		     hdrs ? hdrs : "") < 0)
		return ENOMEM;
	int err = sems_session_send_request(s, "REFER", h, NULL, NULL);
	free(h);
	return err;
}

int sems_session_redirect(struct sems_session *s, const char *uri)
{
	char *h = NULL;
	if (!uri || !uri[0])
		return EINVAL;
	if (!atomic_load(&s->accepted) || atomic_load(&s->dialog_over) ||
	    atomic_load(&s->dropped))
		return ENOTCONN;
	/* the route set as SEMS prints it: the Route header's values */
	pthread_mutex_lock(&s->dlg_lock);
	const char *r = s->dlg.route;
	if (!strncasecmp(r, "Route:", 6))
		r += 6;
	while (*r == ' ')
		r++;
	int n = asprintf(&h, "P-App-Param: Transfer-RR=\"%.*s\"\r\n",
			 (int)strcspn(r, "\r\n"), r);
	pthread_mutex_unlock(&s->dlg_lock);
	if (n < 0)
		return ENOMEM;
	int err = request_post(s, "REFER", uri, h, NULL, NULL);
	free(h);
	return err;
}

int sems_session_set_remote_uri(struct sems_session *s, const char *uri)
{
	if (!uri || !uri[0])
		return EINVAL;
	char *c = strdup(uri);
	if (!c)
		return ENOMEM;
	pthread_mutex_lock(&s->dlg_lock);
	/* snapshots taken before still point at the old string: keep it */
	session_keep_string(s, s->dlg.remote_uri);
	s->dlg.remote_uri = c;
	s->dlg.remote_uri_set = true;
	pthread_mutex_unlock(&s->dlg_lock);
	return 0;
}

void sems_session_drop(struct sems_session *s)
{
	if (!atomic_load(&s->dialog_over) &&
	    !atomic_exchange(&s->dropped, true)) {
		atomic_store(&s->final_replied, true);
		if (sig_job_post(s, SIG_DROP, 0, NULL, NULL))
			session_mark_dialog_over(s);
	}
	atomic_store(&s->stop_requested, true);
}

void sems_session_stop(struct sems_session *s)
{
	atomic_store(&s->stop_requested, true);
}

bool sems_session_stopped(const struct sems_session *s)
{
	return atomic_load(&s->stop_requested);
}

int sems_session_enqueue(struct sems_session *s, struct sems_audio *play,
			 struct sems_audio *record)
{
	if (!s->rtp)
		return ENODEV;
	return rtp_stream_enqueue(s->rtp, play, record);
}

void sems_session_flush(struct sems_session *s)
{
	if (s->rtp && rtp_stream_flush(s->rtp))
		session_post_event(s, SEMS_EV_AUDIO_CLEARED, NULL, NULL);
}

bool sems_session_queue_empty(struct sems_session *s)
{
	return s->rtp ? rtp_stream_queue_empty(s->rtp) : true;
}

void sems_session_set_media(struct sems_session *s, enum sems_media_flag f,
			    bool on)
{
	if (f == SEMS_MEDIA_DTMF_DETECTION)
		atomic_store(&s->dtmf_detection, on);
	if (s->rtp)
		rtp_stream_set_flag(s->rtp, f, on);
}

int sems_session_send_dtmf(struct sems_session *s, const char *digits,
			   unsigned duration_ms)
{
	if (!digits)
		return EINVAL;
	if (!s->rtp)
		return ENOTSUP;
	return rtp_stream_send_dtmf(s->rtp, digits,
				    duration_ms ? duration_ms : 100);
}
