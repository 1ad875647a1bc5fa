/* ser_rpc.c: JSON-RPC requests to Kamailio over unix datagrams (jansson).
 *
 * One unbound-to-Kamailio socket of ours (reply_socket_name) sends every
 * request with sendto() and receives every answer; jsonrpcs answers to
 * the sender's address.  Pending requests live in a list with a timer
 * each; an answer or the timer, whichever comes first, ends them.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <jansson.h>
/* not <re.h>: its re_json.h clashes with jansson's enumerators */
#include <re_types.h>
#include <re_fmt.h>
#include <re_list.h>
#include <re_main.h>
#include <re_tmr.h>
#include <sems/log.h>
#include "metrics/metrics.h"
#include "ser/ser_rpc.h"
#include "ser/ser_socket.h"

#define UAC_ROUTE "evrexec:sems_uac"

struct rpc_pending {
	struct le le;
	struct tmr tmr;
	json_int_t id;
	char method[24];
	char callid[128];
	json_t *fallback;         /* tm.t_uac_start params, for evrexec.run */
	ser_rpc_h *h;
	void *arg;
};

static struct ser_socket rpc_sock = { .fd = -1 };
static struct sockaddr_un kam_addr;
static struct list pending;
static json_int_t next_id = 1;
static bool uac_without_evrexec;   /* Kamailio has no evrexec.run */

static void pending_free(struct rpc_pending *p)
{
	tmr_cancel(&p->tmr);
	list_unlink(&p->le);
	json_decref(p->fallback);
	free(p);
}

static void pending_finish(struct rpc_pending *p, int err, int code,
			   const char *msg)
{
	ser_rpc_h *h = p->h;
	void *arg = p->arg;
	if (err)
		metric_add(&metrics.kamailio_rpc_errors, 1);
	if (err == ETIMEDOUT)
		SEMS_WARN("ser: call %s: %s: no answer from Kamailio in %d ms",
			  p->callid, p->method, SER_RPC_TIMEOUT_MS);
	else if (err)
		SEMS_WARN("ser: call %s: %s refused by Kamailio: %d %s", p->callid,
			  p->method, code, msg ? msg : "");
	pending_free(p);
	if (h)
		h(err, code, msg, arg);
}

static void pending_timeout(void *arg)
{
	pending_finish(arg, ETIMEDOUT, 0, "timeout");
}

/* Kamailio gone (stopped, restarting): every request fails at once.  The
 * first failure is logged, then one line per SEND_LOG_MS with the count,
 * and the first success after them. */
enum { SEND_LOG_MS = 10000 };
static struct {
	uint64_t failed;          /* since the last success */
	uint64_t log_at;          /* tmr_jiffies() of the last line */
} unreachable;

static void send_failed(const char *method, const char *callid, int err)
{
	uint64_t now = tmr_jiffies();

	metric_add(&metrics.kamailio_rpc_errors, 1);
	if (!unreachable.failed++)
		SEMS_ERROR("ser: call %s: cannot send %s to Kamailio at %s: %s"
			   " (Kamailio down? further failures are counted)",
			   callid, method, kam_addr.sun_path, strerror(err));
	else if (now - unreachable.log_at >= SEND_LOG_MS)
		SEMS_ERROR("ser: Kamailio at %s still unreachable: %s; %llu"
			   " requests failed (last: %s of call %s)",
			   kam_addr.sun_path, strerror(err),
			   (unsigned long long)unreachable.failed, method,
			   callid);
	else
		return;
	unreachable.log_at = now;
}

static void send_worked(void)
{
	if (!unreachable.failed)
		return;
	SEMS_INFO("ser: Kamailio at %s reachable again (%llu requests failed"
		  " while it was not)", kam_addr.sun_path,
		  (unsigned long long)unreachable.failed);
	unreachable.failed = 0;
}

static int rpc_send(const char *method, json_t *params, const char *callid,
		    json_t *fallback, ser_rpc_h *h, void *arg)
{
	int err = 0;
	char *text = NULL;
	struct rpc_pending *p = calloc(1, sizeof(*p));
	json_t *req = json_pack("{s:s, s:s, s:o, s:I}", "jsonrpc", "2.0",
				"method", method, "params", params, "id", next_id);
	if (!p || !req) {
		err = ENOMEM;
		goto out;
	}
	text = json_dumps(req, JSON_COMPACT);
	if (!text) {
		err = ENOMEM;
		goto out;
	}
	if (rpc_sock.fd < 0) {
		err = ENOTCONN;
		goto out;
	}
	if (sendto(rpc_sock.fd, text, strlen(text), 0, (struct sockaddr *)&kam_addr,
		   sizeof(kam_addr)) < 0) {
		err = errno;
		send_failed(method, callid, err);
		goto out;
	}
	send_worked();
	p->id = next_id++;
	snprintf(p->method, sizeof(p->method), "%s", method);
	snprintf(p->callid, sizeof(p->callid), "%s", callid);
	p->fallback = fallback;
	fallback = NULL;
	p->h = h;
	p->arg = arg;
	tmr_init(&p->tmr);
	tmr_start(&p->tmr, SER_RPC_TIMEOUT_MS, pending_timeout, p);
	list_append(&pending, &p->le, p);
	p = NULL;
 out:
	json_decref(req);      /* "o" stole params, even on failure */
	json_decref(fallback);
	free(text);
	free(p);
	return err;
}

static struct rpc_pending *pending_find(json_int_t id)
{
	struct le *le;
	LIST_FOREACH(&pending, le) {
		struct rpc_pending *p = le->data;
		if (p->id == id)
			return p;
	}
	return NULL;
}

/* evrexec.run unknown: send the same request with tm.t_uac_start. */
static bool uac_fall_back(struct rpc_pending *p, const char *msg)
{
	if (!p->fallback || !msg || strcasecmp(msg, "Method Not Found"))
		return false;
	SEMS_WARN("ser: Kamailio has no evrexec module: using tm.t_uac_start "
		  "(Kamailio 5.6 adds a second From tag to such requests)");
	uac_without_evrexec = true;
	json_t *params = p->fallback;
	ser_rpc_h *h = p->h;
	void *arg = p->arg;
	char callid[sizeof(p->callid)];
	memcpy(callid, p->callid, sizeof(callid));
	p->fallback = NULL;
	pending_free(p);
	int err = rpc_send("tm.t_uac_start", params, callid, NULL, h, arg);
	if (err && h)
		h(err, 0, strerror(err), arg);
	return true;
}

static void rpc_answer(const char *data, size_t len)
{
	json_error_t jerr;
	json_t *ans = json_loadb(data, len, 0, &jerr);
	json_t *id = ans ? json_object_get(ans, "id") : NULL;
	if (!json_is_integer(id)) {
		SEMS_WARN("ser: unusable answer from Kamailio: %.200s", data);
		goto out;
	}
	struct rpc_pending *p = pending_find(json_integer_value(id));
	if (!p) {
		SEMS_DBG("ser: late answer from Kamailio (id %lld)",
			 (long long)json_integer_value(id));
		goto out;
	}
	json_t *error = json_object_get(ans, "error");
	if (!error) {
		pending_finish(p, 0, 0, NULL);
		goto out;
	}
	int code = (int)json_integer_value(json_object_get(error, "code"));
	const char *msg = json_string_value(json_object_get(error, "message"));
	if (!uac_fall_back(p, msg))
		pending_finish(p, EPROTO, code, msg ? msg : "");
 out:
	json_decref(ans);
}

static void rpc_readable(int flags, void *arg)
{
	static char buf[65536];
	(void)flags;
	(void)arg;
	for (;;) {
		ssize_t n = recv(rpc_sock.fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);
		if (n < 0)
			return;
		buf[n] = '\0';
		rpc_answer(buf, (size_t)n);
	}
}

int ser_rpc_reply(const char *hash_label, unsigned code, const char *reason,
		  const char *to_tag, const char *hdrs, const char *body,
		  const char *callid, ser_rpc_h *h, void *arg)
{
	json_t *params = json_pack("[I, s, s, s, s, s]", (json_int_t)code, reason,
				   hash_label, to_tag, hdrs, body);
	if (!params)
		return ENOMEM;
	return rpc_send("tm.reply", params, callid, NULL, h, arg);
}

int ser_rpc_uac(const char *method, const char *ruri, const char *next_hop,
		const char *contact_user, const char *hdrs, const char *body,
		const char *callid, ser_rpc_h *h, void *arg)
{
	json_t *tuac = json_pack("[s, s, s, s, s, s]", method, ruri,
				 next_hop[0] ? next_hop : ".", ".", hdrs, body);
	if (!tuac)
		return ENOMEM;
	if (uac_without_evrexec)
		return rpc_send("tm.t_uac_start", tuac, callid, NULL, h, arg);

	json_t *data = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "method",
				 method, "ruri", ruri, "nexthop", next_hop,
				 "contact_user", contact_user, "headers", hdrs,
				 "body", body);
	char *text = data ? json_dumps(data, JSON_COMPACT) : NULL;
	json_t *params = text ? json_pack("[s, s]", UAC_ROUTE, text) : NULL;
	json_decref(data);
	free(text);
	if (!params) {
		json_decref(tuac);
		return ENOMEM;
	}
	return rpc_send("evrexec.run", params, callid, tuac, h, arg);
}

int ser_rpc_cancel(const char *callid, unsigned cseq, ser_rpc_h *h,
		   void *arg)
{
	char num[16];
	snprintf(num, sizeof(num), "%u", cseq);
	json_t *params = json_pack("[s, s]", callid, num);
	if (!params)
		return ENOMEM;
	return rpc_send("tm.cancel", params, callid, NULL, h, arg);
}

void ser_rpc_forget(const void *arg)
{
	struct le *le;
	LIST_FOREACH(&pending, le) {
		struct rpc_pending *p = le->data;
		if (p->arg == arg)
			p->h = NULL;
	}
}

int ser_rpc_open(const char *local, const char *kamailio_path)
{
	if (!local[0] || !kamailio_path[0] ||
	    strlen(kamailio_path) >= sizeof(kam_addr.sun_path))
		return EINVAL;   /* `local` is checked by ser_socket_open() */
	kam_addr = (struct sockaddr_un){ .sun_family = AF_UNIX };
	strcpy(kam_addr.sun_path, kamailio_path);
	return ser_socket_open(&rpc_sock, local, rpc_readable, NULL);
}

void ser_rpc_close(void)
{
	while (pending.head)
		pending_free(pending.head->data);
	ser_socket_close(&rpc_sock);
}
