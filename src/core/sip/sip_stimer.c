/* sip_stimer.c: RFC 4028 session timers of direct-SIP calls, as SEMS's
 * session_timer plug-in does them.
 *
 *   sems.conf  session_expires=0          the interval we ask for (0: a
 *                                         timer only when the caller asks)
 *              minimum_session_expires=90 smaller: 422 with Min-SE
 *
 * The caller's Session-Expires (or ours) gives the interval; its refresher
 * parameter the refresher, else the caller (uac) when it supports timers,
 * else us.  Our 2xx carries Session-Expires with the refresher, Require:
 * timer when the caller supports them.  The refresher refreshes at half
 * the interval (sip_call_refresh: UPDATE if the caller allows it, else
 * re-INVITE); when the caller is the refresher and no refresh came within
 * the interval, sip_call_timer_expired ends the call with BYE.
 * Signalling thread.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <re.h>
#include <sems/log.h>
#include "core_config.h"
#include "sip/sip_call.h"

/* Session-Expires: delta and refresher ("uac", "uas" or unset). */
static bool se_parse(const struct sip_msg *msg, unsigned *delta,
		     struct pl *refresher)
{
	const struct sip_hdr *h = sip_msg_hdr(msg, SIP_HDR_SESSION_EXPIRES);
	struct pl num, params;

	*refresher = pl_null;
	if (!h || re_regex(h->val.p, h->val.l, "[ \t]*[0-9]+[^]*", NULL, &num,
			   &params))
		return false;
	*delta = pl_u32(&num);
	(void)msg_param_decode(&params, "refresher", refresher);
	return *delta > 0;
}

static unsigned min_se_of(const struct sip_msg *msg)
{
	const struct sip_hdr *h = sip_msg_hdr(msg, SIP_HDR_MIN_SE);
	struct pl num;
	if (!h || re_regex(h->val.p, h->val.l, "[ \t]*[0-9]+", NULL, &num))
		return 0;
	return pl_u32(&num);
}

static bool supports_timer(const struct sip_msg *msg)
{
	return sip_msg_hdr_has_value(msg, SIP_HDR_SUPPORTED, "timer") ||
	       sip_msg_hdr_has_value(msg, SIP_HDR_REQUIRE, "timer");
}

unsigned sip_stimer_too_small(const struct sip_msg *invite)
{
	unsigned delta;
	struct pl refresher;
	unsigned min = core_cfg.min_session_expires;
	if (!se_parse(invite, &delta, &refresher) || delta >= min ||
	    !supports_timer(invite))
		return 0;
	return min;
}

void sip_stimer_negotiate(struct sip_stimer *t, const struct sip_msg *msg)
{
	unsigned delta = 0, min = core_cfg.min_session_expires;
	struct pl refresher = PL_INIT;
	bool asked = se_parse(msg, &delta, &refresher);

	t->peer_supports = supports_timer(msg);
	t->peer_update = sip_msg_hdr_has_value(msg, SIP_HDR_ALLOW, "UPDATE");
	if (!asked) {
		if (!core_cfg.session_expires) {
			t->interval = 0;
			return;
		}
		delta = core_cfg.session_expires;
	}
	if (min_se_of(msg) > min)
		min = min_se_of(msg);
	t->interval = delta < min ? min : delta;
	if (pl_isset(&refresher))
		t->we_refresh = !pl_strcasecmp(&refresher, "uas");
	else
		t->we_refresh = !t->peer_supports;
}

void sip_stimer_hdrs(const struct sip_stimer *t, char *buf, size_t len)
{
	if (!t->interval) {
		snprintf(buf, len, "Supported: timer\r\n");
		return;
	}
	snprintf(buf, len, "Session-Expires: %u;refresher=%s\r\n%s"
		 "Supported: timer\r\n", t->interval,
		 t->we_refresh ? "uas" : "uac",
		 t->peer_supports ? "Require: timer\r\n" : "");
}

static void stimer_fired(void *arg)
{
	struct sip_call *call = arg;
	if (call->stimer.we_refresh)
		sip_call_refresh(call);
	else
		sip_call_timer_expired(call);
}

void sip_stimer_start(struct sip_call *call)
{
	struct sip_stimer *t = &call->stimer;
	if (!t->interval) {
		tmr_cancel(&t->tmr);
		return;
	}
	uint64_t ms = (uint64_t)t->interval * 1000;
	tmr_start(&t->tmr, t->we_refresh ? ms / 2 : ms, stimer_fired, call);
}

void sip_stimer_stop(struct sip_stimer *t)
{
	tmr_cancel(&t->tmr);
}
