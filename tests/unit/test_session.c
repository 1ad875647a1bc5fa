/* test_session.c: sessions on the worker pool and the signalling thread
 * (session.c, session_events.c, session_control.c, worker_pool.c), with a
 * fake application and a fake signalling front. */
#include <check.h>
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <re.h>
#include <sems/session.h>
#include "app_registry.h"
#include "session/session_internal.h"
#include "signalling.h"
#include "sip_request.h"
#include "session/worker_pool.h"

#define MAX_SESSIONS 32
#define EVENTS_EACH 100

/* What the fake application saw, per session */
struct fake_state {
	int index;
	atomic_bool in_handler;
	int last_seq;         /* order check: events carry their number in cseq */
	int events;
	int invites;
	bool out_of_order, parallel;
};

enum app_mode { APP_COUNT, APP_ACCEPT_THEN_STOP, APP_IGNORE_BYE, APP_STOP_FIRST,
		APP_BLOCK_THEN_STOP, APP_BLOCK_LONG, APP_HELD, APP_REQUESTS, APP_DROP };
static enum app_mode app_mode;
static atomic_int states_freed, fake_index;

/* What the fake front was asked to do */
struct fake_front {
	struct sems_session *s;
	atomic_int answers, replies, byes, released, drops;
	unsigned last_code;
	/* requests (method, ruri or "", hdrs) and replies to held requests */
	char req_method[4][16], req_ruri[4][64], req_hdrs[4][160];
	int n_requests;
	unsigned held_cseq[4], held_code[4];
	int n_held_replies;
	int reply_request_errs[3];   /* what the app got back, APP_HELD */
};
static struct fake_front fronts[MAX_SESSIONS];
static struct fake_state *states[MAX_SESSIONS];

static int fake_new(void *arg, struct sems_session *s, void **statep)
{
	(void)arg;
	(void)s;
	struct fake_state *st = calloc(1, sizeof(*st));
	st->index = atomic_fetch_add(&fake_index, 1);
	states[st->index] = st;
	*statep = st;
	return 0;
}

static void fake_event(void *state, struct sems_session *s,
		       const struct sems_event *ev)
{
	struct fake_state *st = state;
	if (atomic_exchange(&st->in_handler, true))
		st->parallel = true;
	struct fake_front *f = NULL;
	for (int i = 0; i < MAX_SESSIONS; i++)
		if (fronts[i].s == s)
			f = &fronts[i];
	if (ev->type == SEMS_EV_INVITE && app_mode >= APP_HELD) {
		st->invites++;
		ck_assert_int_eq(sems_session_accept(s), 0);
		f->reply_request_errs[0] = sems_session_reply_request(s, 200, "OK", "");
		if (app_mode == APP_REQUESTS) {
			ck_assert_int_eq(sems_session_refer(s, "sip:x@example.org", 60,
							    "<sip:me@example.org>",
							    "X-A: 1\r\n"), 0);
			ck_assert_int_eq(sems_session_redirect(s, "sip:t@example.org"), 0);
			ck_assert_int_eq(sems_session_send_request(s, "BYE", "", NULL,
								   NULL), EINVAL);
			ck_assert_int_eq(sems_session_set_remote_uri(s,
						"sip:moved@example.org"), 0);
			ck_assert_int_eq(sems_session_send_request(s, "OPTIONS", "", NULL,
								   NULL), 0);
			sems_session_stop(s);
		} else if (app_mode == APP_DROP) {
			sems_session_drop(s);
		}
	} else if (ev->type == SEMS_EV_SIP_REQUEST && app_mode == APP_HELD) {
		if (!strcmp(ev->req->method, "MESSAGE")) {
			f->reply_request_errs[1] = sems_session_reply_request(
				s, 202, "Accepted", "");
			f->reply_request_errs[2] = sems_session_reply_request(
				s, 200, "OK", "");
		} else if (!strcmp(ev->req->method, "NOTIFY")) {
			sems_session_stop(s);   /* unanswered: the default reply */
		}
	} else if (ev->type == SEMS_EV_INVITE) {
		st->invites++;
		if (app_mode == APP_ACCEPT_THEN_STOP)
			ck_assert_int_eq(sems_session_accept(s), 0);
		if (app_mode == APP_ACCEPT_THEN_STOP || app_mode == APP_STOP_FIRST)
			sems_session_stop(s);
		if (app_mode == APP_BLOCK_LONG) {
			/* a script stuck for 1.2 s after answering */
			ck_assert_int_eq(sems_session_accept(s), 0);
			sems_session_set_activity(s, "onStuck");
			nanosleep(&(struct timespec){ 1, 200000000 }, NULL);
			sems_session_stop(s);
		}
		if (app_mode == APP_BLOCK_THEN_STOP) {
			/* a script waiting 300 ms on a database */
			nanosleep(&(struct timespec){ 0, 300000000 }, NULL);
			sems_session_stop(s);
		}
	} else if (ev->type == SEMS_EV_SIP_REQUEST) {
		if ((int)ev->req->cseq != st->last_seq + 1)
			st->out_of_order = true;
		st->last_seq = (int)ev->req->cseq;
		st->events++;
		if (app_mode == APP_COUNT && ev->req->cseq == EVENTS_EACH + 1)
			sems_session_stop(s);   /* the last one */
		if (st->events % 10 == 0)
			nanosleep(&(struct timespec){ 0, 100000 }, NULL);
	}
	atomic_store(&st->in_handler, false);
}

static void fake_free(void *state)
{
	(void)state;   /* kept for the assertions; freed by the test */
	atomic_fetch_add(&states_freed, 1);
}

static const struct sems_app_ops fake_ops = { fake_new, fake_event, fake_free, NULL };
static struct app fake_app = { "fake", &fake_ops, NULL, NULL, 0, false };

static int front_answer(void *sig, const char *sdp)
{
	(void)sdp;
	atomic_fetch_add(&((struct fake_front *)sig)->answers, 1);
	return 0;
}

static int front_reply(void *sig, unsigned code, const char *reason,
		       const char *hdrs)
{
	(void)reason;
	(void)hdrs;
	struct fake_front *f = sig;
	f->last_code = code;
	atomic_fetch_add(&f->replies, 1);
	return 0;
}

static int front_bye(void *sig, const char *hdrs)
{
	(void)hdrs;
	atomic_fetch_add(&((struct fake_front *)sig)->byes, 1);
	return 0;
}

static void front_release(void *sig)
{
	struct fake_front *f = sig;
	atomic_fetch_add(&f->released, 1);
	session_deref(f->s);
}

static int front_request(void *sig, const char *method, const char *ruri,
			 const char *hdrs, const char *ctype, const char *body)
{
	(void)ctype;
	(void)body;
	struct fake_front *f = sig;
	if (f->n_requests < 4) {
		int i = f->n_requests++;
		snprintf(f->req_method[i], sizeof(f->req_method[i]), "%s", method);
		snprintf(f->req_ruri[i], sizeof(f->req_ruri[i]), "%s",
			 ruri ? ruri : "");
		snprintf(f->req_hdrs[i], sizeof(f->req_hdrs[i]), "%s", hdrs);
	}
	return 0;
}

static int front_reply_request(void *sig, unsigned cseq, unsigned code,
			       const char *reason, const char *hdrs)
{
	(void)reason;
	(void)hdrs;
	struct fake_front *f = sig;
	if (f->n_held_replies < 4) {
		f->held_cseq[f->n_held_replies] = cseq;
		f->held_code[f->n_held_replies++] = code;
	}
	return 0;
}

static void front_drop(void *sig)
{
	atomic_fetch_add(&((struct fake_front *)sig)->drops, 1);
}

static const struct signalling_ops fake_front_ops = {
	.name = "fake", .answer = front_answer, .reply = front_reply,
	.bye = front_bye, .release = front_release,
	.request = front_request, .reply_request = front_reply_request,
	.drop = front_drop,
};

static struct sems_session *new_session(int i)
{
	char callid[32];
	snprintf(callid, sizeof(callid), "call-%d", i);
	struct sems_sip_request tpl = { .method = "INVITE", .callid = callid,
					.from_tag = "ft", .cseq = 1 };
	struct sems_sip_request *inv = sip_request_dup(&tpl);
	ck_assert_int_eq(session_alloc(&fronts[i].s, &fake_app, inv,
				       &fake_front_ops, &fronts[i]), 0);
	fronts[i].s->sdp_answer = strdup("v=0\r\n");
	ck_assert_int_eq(session_post_event(fronts[i].s, SEMS_EV_INVITE, inv, NULL), 0);
	return fronts[i].s;
}

/* Runs the signalling loop until `done()` or 5 s. */
static bool (*loop_done)(void);
static struct tmr loop_tmr;
static int loop_ticks;

static void loop_poll(void *arg)
{
	(void)arg;
	if (loop_done() || ++loop_ticks > 500) {
		re_cancel();
		return;
	}
	tmr_start(&loop_tmr, 10, loop_poll, NULL);
}

static void run_signalling_until(bool (*done)(void))
{
	loop_done = done;
	loop_ticks = 0;
	tmr_init(&loop_tmr);
	tmr_start(&loop_tmr, 10, loop_poll, NULL);
	(void)re_main(NULL);
	tmr_cancel(&loop_tmr);
}

static int n_sessions;

static bool all_released(void)
{
	for (int i = 0; i < n_sessions; i++)
		if (!atomic_load(&fronts[i].released))
			return false;
	return session_count() == 0;
}

static void setup(void)
{
	memset(fronts, 0, sizeof(fronts));
	memset(states, 0, sizeof(states));
	atomic_store(&states_freed, 0);
	atomic_store(&fake_index, 0);
	ck_assert_int_eq(libre_init(), 0);
	ck_assert_int_eq(signalling_init(), 0);
	ck_assert_int_eq(worker_pool_start(4, 4), 0);
}

static void teardown(void)
{
	worker_pool_stop();
	signalling_close();
	for (int i = 0; i < MAX_SESSIONS; i++)
		free(states[i]);
	libre_close();
}

START_TEST(events_of_a_session_run_in_order_and_never_in_parallel)
{
	app_mode = APP_COUNT;
	n_sessions = MAX_SESSIONS;
	for (int i = 0; i < n_sessions; i++)
		new_session(i);
	/* interleave the sessions' events, as calls do */
	for (int seq = 1; seq <= EVENTS_EACH; seq++) {
		for (int i = 0; i < n_sessions; i++) {
			struct sems_sip_request req = { .method = "INFO", .cseq = (unsigned)seq };
			ck_assert_int_eq(session_post_event(fronts[i].s, SEMS_EV_SIP_REQUEST,
							    &req, NULL), 0);
		}
	}
	/* the application stops itself at this last event: stopping from
	 * here would race with the worker (a session could end before it
	 * saw any event) */
	for (int i = 0; i < n_sessions; i++) {
		struct sems_sip_request req = { .method = "INFO", .cseq = EVENTS_EACH + 1 };
		session_post_event(fronts[i].s, SEMS_EV_SIP_REQUEST, &req, NULL);
	}
	run_signalling_until(all_released);

	ck_assert_int_eq(atomic_load(&states_freed), n_sessions);
	for (int i = 0; i < n_sessions; i++) {
		struct fake_state *st = states[i];
		ck_assert_ptr_nonnull(st);
		ck_assert_int_eq(st->invites, 1);
		ck_assert_msg(!st->parallel, "session %d ran two handlers at once", i);
		ck_assert_msg(!st->out_of_order, "session %d saw events out of order", i);
		ck_assert_int_eq(st->events, EVENTS_EACH + 1);
		ck_assert_int_eq(atomic_load(&fronts[i].released), 1);
	}
	ck_assert_uint_eq(session_count(), 0);
}
END_TEST

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* 16 handlers blocking 300 ms each, 2 fixed workers: extras start, so all
 * are done in about 300 ms, not 16 * 300 / 2 = 2.4 s; at a cap of 4 with
 * sessions waiting the pool says it is saturated. */
START_TEST(blocked_workers_get_company_up_to_the_cap)
{
	unsigned workers, busy;
	double t0;

	worker_pool_stop();
	ck_assert_int_eq(worker_pool_start(2, 20), 0);
	app_mode = APP_BLOCK_THEN_STOP;
	n_sessions = 16;
	t0 = now_s();
	for (int i = 0; i < n_sessions; i++)
		new_session(i);
	run_signalling_until(all_released);
	ck_assert_msg(now_s() - t0 < 1.2, "took %.2f s", now_s() - t0);
	ck_assert_int_eq(atomic_load(&states_freed), n_sessions);
	worker_pool_stats(&workers, &busy);
	ck_assert_uint_le(workers, 20);
	ck_assert_uint_ge(workers, 2);

	worker_pool_stop();
	ck_assert_int_eq(worker_pool_start(1, 4), 0);
	memset(fronts, 0, sizeof(fronts));
	for (int i = 0; i < MAX_SESSIONS; i++) {   /* the first round's */
		free(states[i]);
		states[i] = NULL;
	}
	atomic_store(&states_freed, 0);
	atomic_store(&fake_index, 0);
	n_sessions = 8;
	for (int i = 0; i < n_sessions; i++)
		new_session(i);
	nanosleep(&(struct timespec){ 0, 100000000 }, NULL);
	ck_assert(worker_pool_saturated());
	worker_pool_stats(&workers, &busy);
	ck_assert_uint_eq(workers, 4);
	ck_assert_uint_eq(busy, 4);
	run_signalling_until(all_released);
	ck_assert(!worker_pool_saturated());
}
END_TEST

START_TEST(a_session_stopped_while_connected_gets_its_bye_sent)
{
	app_mode = APP_ACCEPT_THEN_STOP;
	n_sessions = 1;
	new_session(0);
	run_signalling_until(all_released);
	ck_assert_int_eq(atomic_load(&fronts[0].answers), 1);
	ck_assert_int_eq(atomic_load(&fronts[0].byes), 1);
	ck_assert_int_eq(atomic_load(&fronts[0].replies), 0);
	ck_assert_int_eq(atomic_load(&fronts[0].released), 1);
	ck_assert_int_eq(atomic_load(&states_freed), 1);
}
END_TEST

START_TEST(a_session_stopped_before_answering_gets_a_500)
{
	app_mode = APP_STOP_FIRST;
	n_sessions = 1;
	new_session(0);
	run_signalling_until(all_released);
	ck_assert_int_eq(atomic_load(&fronts[0].answers), 0);
	ck_assert_int_eq(atomic_load(&fronts[0].replies), 1);
	ck_assert_uint_eq(fronts[0].last_code, 500);
	ck_assert_int_eq(atomic_load(&fronts[0].released), 1);
}
END_TEST

static bool bye_delivered(void)
{
	return states[0] && states[0]->events == 1;
}

START_TEST(a_dialog_ended_by_the_caller_ends_the_session_after_its_bye)
{
	app_mode = APP_IGNORE_BYE;   /* the script never calls stopSession() */
	n_sessions = 1;
	struct sems_session *s = new_session(0);
	struct sems_sip_request bye = { .method = "BYE", .cseq = 1 };
	/* a front reports a caller's BYE as: the event, then the dialog over */
	session_post_event(s, SEMS_EV_SIP_REQUEST, &bye, NULL);
	session_mark_dialog_over(s);
	run_signalling_until(all_released);
	ck_assert(bye_delivered());
	ck_assert_int_eq(atomic_load(&fronts[0].byes), 0);   /* no BYE back */
	ck_assert_int_eq(atomic_load(&fronts[0].released), 1);
	ck_assert_int_eq(atomic_load(&states_freed), 1);
	ck_assert_uint_eq(session_count(), 0);
}
END_TEST

static bool first_released(void)
{
	return atomic_load(&fronts[0].released) > 0;
}

static bool first_freed(void)
{
	return atomic_load(&states_freed) > 0;
}

static double now_mono(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

/* The caller hangs up while the handler is stuck: the front is released
 * (and the session stops counting) within a second, the handler still
 * running; when it returns, the session ends once, without a second
 * release. */
START_TEST(a_dialog_ended_under_a_stuck_handler_is_released_at_once)
{
	app_mode = APP_BLOCK_LONG;
	n_sessions = 1;
	struct sems_session *s = new_session(0);
	for (int i = 0; i < 100 && !(states[0] && atomic_load(&states[0]->in_handler)); i++)
		nanosleep(&(struct timespec){ 0, 10000000 }, NULL);
	ck_assert(states[0] && atomic_load(&states[0]->in_handler));
	double t0 = now_mono();
	session_mark_dialog_over(s);
	run_signalling_until(first_released);
	ck_assert_int_eq(atomic_load(&fronts[0].released), 1);
	ck_assert_msg(now_mono() - t0 < 0.9, "released after %.2f s", now_mono() - t0);
	ck_assert_int_eq(atomic_load(&states_freed), 0);   /* still running */
	ck_assert_uint_eq(session_count(), 0);
	ck_assert_uint_eq(session_abandoned_count(), 1);
	run_signalling_until(first_freed);
	ck_assert_int_eq(atomic_load(&states_freed), 1);
	run_signalling_until(all_released);
	ck_assert_int_eq(atomic_load(&fronts[0].released), 1);
	ck_assert_int_eq(atomic_load(&fronts[0].byes), 0);
	ck_assert_uint_eq(session_count(), 0);
}
END_TEST

START_TEST(a_final_reply_is_sent_once_and_2xx_needs_accept)
{
	app_mode = APP_COUNT;
	n_sessions = 1;
	struct sems_session *s = new_session(0);
	ck_assert_int_eq(sems_session_reply(s, 200, "OK", ""), EINVAL);
	ck_assert_int_eq(sems_session_reply(s, 99, "x", ""), EINVAL);
	ck_assert_int_eq(sems_session_reply(s, 486, "Busy Here", ""), 0);
	ck_assert_int_eq(sems_session_reply(s, 487, "Again", ""), EALREADY);
	ck_assert_int_eq(sems_session_accept(s), EALREADY);
	run_signalling_until(all_released);
	ck_assert_int_eq(atomic_load(&fronts[0].replies), 1);
	ck_assert_uint_eq(fronts[0].last_code, 486);
	ck_assert_int_eq(atomic_load(&fronts[0].released), 1);
}
END_TEST

START_TEST(held_requests_are_answered_once_or_by_default)
{
	app_mode = APP_HELD;
	n_sessions = 1;
	struct sems_session *s = new_session(0);
	struct sems_sip_request msg = { .method = "MESSAGE", .cseq = 5 };
	struct sems_sip_request notify = { .method = "NOTIFY", .cseq = 6 };
	ck_assert_int_eq(session_post_request(s, &msg, true), 0);
	ck_assert_int_eq(session_post_request(s, &notify, true), 0);
	run_signalling_until(all_released);
	ck_assert_int_eq(fronts[0].reply_request_errs[0], ENOENT);
	ck_assert_int_eq(fronts[0].reply_request_errs[1], 0);
	ck_assert_int_eq(fronts[0].reply_request_errs[2], EALREADY);
	ck_assert_int_eq(fronts[0].n_held_replies, 2);
	ck_assert_uint_eq(fronts[0].held_cseq[0], 5);
	ck_assert_uint_eq(fronts[0].held_code[0], 202);
	ck_assert_uint_eq(fronts[0].held_cseq[1], 6);
	ck_assert_uint_eq(fronts[0].held_code[1], 0);   /* the front's default */
	ck_assert_int_eq(atomic_load(&fronts[0].byes), 1);
}
END_TEST

START_TEST(refer_redirect_and_remote_uri_shape_the_requests)
{
	app_mode = APP_REQUESTS;
	n_sessions = 1;
	new_session(0);
	run_signalling_until(all_released);
	struct fake_front *f = &fronts[0];
	ck_assert_int_eq(f->n_requests, 3);
	ck_assert_str_eq(f->req_method[0], "REFER");
	ck_assert_str_eq(f->req_ruri[0], "");
	ck_assert_str_eq(f->req_hdrs[0], "Refer-To: <sip:x@example.org>\r\n"
			 "Expires: 60\r\nReferred-By: <sip:me@example.org>\r\n"
			 "X-A: 1\r\n");
	ck_assert_str_eq(f->req_method[1], "REFER");
	ck_assert_str_eq(f->req_ruri[1], "sip:t@example.org");
	ck_assert_str_eq(f->req_hdrs[1], "P-App-Param: Transfer-RR=\"\"\r\n");
	ck_assert_str_eq(f->req_method[2], "OPTIONS");
	ck_assert_str_eq(f->req_ruri[2], "sip:moved@example.org");
}
END_TEST

START_TEST(a_dropped_session_sends_no_bye)
{
	app_mode = APP_DROP;
	n_sessions = 1;
	new_session(0);
	run_signalling_until(all_released);
	ck_assert_int_eq(atomic_load(&fronts[0].drops), 1);
	ck_assert_int_eq(atomic_load(&fronts[0].byes), 0);
	ck_assert_int_eq(atomic_load(&fronts[0].replies), 0);
	ck_assert_int_eq(atomic_load(&fronts[0].released), 1);
}
END_TEST

Suite *session_suite(void)
{
	Suite *s = suite_create("session");
	TCase *tc = tcase_create("session");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, events_of_a_session_run_in_order_and_never_in_parallel);
	tcase_add_test(tc, a_session_stopped_while_connected_gets_its_bye_sent);
	tcase_add_test(tc, blocked_workers_get_company_up_to_the_cap);
	tcase_add_test(tc, a_session_stopped_before_answering_gets_a_500);
	tcase_add_test(tc, a_dialog_ended_by_the_caller_ends_the_session_after_its_bye);
	tcase_add_test(tc, a_dialog_ended_under_a_stuck_handler_is_released_at_once);
	tcase_add_test(tc, a_final_reply_is_sent_once_and_2xx_needs_accept);
	tcase_add_test(tc, held_requests_are_answered_once_or_by_default);
	tcase_add_test(tc, refer_redirect_and_remote_uri_shape_the_requests);
	tcase_add_test(tc, a_dropped_session_sends_no_bye);
	suite_add_tcase(s, tc);
	return s;
}
