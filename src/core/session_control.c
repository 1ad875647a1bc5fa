/* session_control.c: what an application can ask of its session.
 *
 * Signalling requests are copied into a job and run on the signalling
 * thread (libre is single threaded); media requests go to the RTP stream.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sems/log.h>
#include "media/rtp_stream.h"
#include "session_internal.h"
#include "signalling.h"

enum sig_action { SIG_ANSWER, SIG_REPLY, SIG_BYE };

struct sig_job {
	struct sems_session *s;   /* reference */
	enum sig_action action;
	unsigned code;
	char *reason;
	char *hdrs;
};

static void sig_job_free(struct sig_job *job)
{
	session_deref(job->s);
	free(job->reason);
	free(job->hdrs);
	free(job);
}

/* Signalling thread. */
static void sig_job_run(void *arg)
{
	struct sig_job *job = arg;
	struct sems_session *s = job->s;
	int err = 0;

	if (!s->sig || atomic_load(&s->dialog_over))
		goto out;       /* the call is already gone: nothing to send */

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
	}
	if (err) {
		SEMS_ERROR("%s: call %s: cannot send %s: %s", s->sig_ops->name,
			   s->dlg.callid,
			   job->action == SIG_ANSWER ? "answer" :
			   job->action == SIG_REPLY ? "reply" : "BYE",
			   strerror(err));
		session_mark_dialog_over(s);
	}
 out:
	sig_job_free(job);
}

static int sig_job_post(struct sems_session *s, enum sig_action action,
			unsigned code, const char *reason, const char *hdrs)
{
	struct sig_job *job = calloc(1, sizeof(*job));
	if (!job)
		return ENOMEM;
	job->s = session_ref(s);
	job->action = action;
	job->code = code;
	job->reason = strdup(reason ? reason : "");
	job->hdrs = strdup(hdrs ? hdrs : "");
	if (!job->reason || !job->hdrs) {
		sig_job_free(job);
		return ENOMEM;
	}
	int err = signalling_call(sig_job_run, job);
	if (err)
		sig_job_free(job);
	return err;
}

int sems_session_accept(struct sems_session *s)
{
	if (atomic_load(&s->final_replied) || atomic_load(&s->dialog_over))
		return EALREADY;
	atomic_store(&s->accepted, true);
	atomic_store(&s->final_replied, true);
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
	if (code >= 200)
		atomic_store(&s->final_replied, true);
	return sig_job_post(s, SIG_REPLY, code, reason, hdrs);
}

int sems_session_bye(struct sems_session *s, const char *hdrs)
{
	if (atomic_load(&s->dialog_over))
		return 0;
	atomic_store(&s->final_replied, true);
	return sig_job_post(s, SIG_BYE, 0, NULL, hdrs);
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
