/* http_server.c: the HTTP endpoints (see http_server.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <stdlib.h>
#include <re.h>
#include <sems/log.h>
#include "http/http_server.h"
#include "metrics/metrics.h"
#include "session/session_internal.h"

char *calls_json(void);   /* calls_json.c */

static struct http_sock *http_sock;
static char token[256];

static void reply_text(struct http_conn *conn, uint16_t code,
		       const char *reason, const char *ctype, const char *body)
{
	(void)http_creply(conn, code, reason, ctype, "%s", body);
}

static void send_metrics(struct http_conn *conn)
{
	struct mbuf *mb = mbuf_alloc(8192);

	if (!mb || metrics_render(mb)) {
		reply_text(conn, 500, "Internal Server Error", "text/plain",
			   "out of memory\n");
		mem_deref(mb);
		return;
	}
	(void)http_creply(conn, 200, "OK", "text/plain; version=0.0.4; "
			  "charset=utf-8", "%b", mb->buf, mb->end);
	mem_deref(mb);
}

static void send_calls(struct http_conn *conn)
{
	char *text = calls_json();

	if (!text) {
		reply_text(conn, 500, "Internal Server Error", "text/plain",
			   "out of memory\n");
		return;
	}
	(void)http_creply(conn, 200, "OK", "application/json", "%s\n", text);
	free(text);
}

static void send_drain_state(struct http_conn *conn)
{
	char body[96];

	snprintf(body, sizeof(body), "{\"draining\":%s,\"sessions\":%u}\n",
		 server_draining() ? "true" : "false", session_count());
	reply_text(conn, 200, "OK", "application/json", body);
}

/* Constant time over the token's length. */
static bool token_ok(const struct http_msg *msg)
{
	const struct http_hdr *h = http_msg_hdr(msg, HTTP_HDR_AUTHORIZATION);
	size_t tlen = strlen(token);
	unsigned char diff = 0;
	struct pl v;

	if (!h || h->val.l < 7 || strncasecmp(h->val.p, "Bearer ", 7))
		return false;
	v.p = h->val.p + 7;
	v.l = h->val.l - 7;
	while (v.l && v.p[v.l - 1] == ' ')
		v.l--;
	if (v.l != tlen)
		return false;
	for (size_t i = 0; i < tlen; i++)
		diff |= (unsigned char)(v.p[i] ^ token[i]);
	return diff == 0;
}

static void on_request(struct http_conn *conn, const struct http_msg *msg,
		       void *arg)
{
	bool get = !pl_strcmp(&msg->met, "GET") || !pl_strcmp(&msg->met, "HEAD");
	bool post = !pl_strcmp(&msg->met, "POST");
	bool control = !pl_strcmp(&msg->path, "/drain") ||
		       !pl_strcmp(&msg->path, "/undrain");
	bool view = !pl_strcmp(&msg->path, "/metrics") ||
		    !pl_strcmp(&msg->path, "/calls");

	(void)arg;
	if (!control && !view) {
		reply_text(conn, 404, "Not Found", "text/plain",
			   "endpoints: GET /metrics, GET /calls, POST /drain, "
			   "POST /undrain\n");
		return;
	}
	if (token[0] && !token_ok(msg)) {
		(void)http_reply(conn, 401, "Unauthorized",
				 "WWW-Authenticate: Bearer\r\n"
				 "Content-Type: text/plain\r\n"
				 "Content-Length: 13\r\n\r\nunauthorized\n");
		return;
	}
	if (control && !token[0] && !sa_is_loopback(http_conn_peer(conn))) {
		reply_text(conn, 403, "Forbidden", "text/plain",
			   "control from loopback only (or set http_token)\n");
		return;
	}
	if ((view && !get) || (control && !post)) {
		(void)http_reply(conn, 405, "Method Not Allowed",
				 "Allow: %s\r\nContent-Length: 0\r\n\r\n",
				 view ? "GET" : "POST");
		return;
	}
	if (!pl_strcmp(&msg->path, "/metrics"))
		send_metrics(conn);
	else if (!pl_strcmp(&msg->path, "/calls"))
		send_calls(conn);
	else {
		server_set_draining(!pl_strcmp(&msg->path, "/drain"));
		send_drain_state(conn);
	}
}

int http_server_start(const char *listen, const char *tok)
{
	struct sa laddr;
	int err;

	if (!listen || !listen[0])
		return 0;
	snprintf(token, sizeof(token), "%s", tok ? tok : "");
	err = sa_decode(&laddr, listen, strlen(listen));
	if (err) {
		SEMS_ERROR("http_listen=%s: expected IP:PORT", listen);
		return err;
	}
	err = http_listen(&http_sock, &laddr, on_request, NULL);
	if (err) {
		SEMS_ERROR("HTTP: cannot listen on %s: %s", listen, strerror(err));
		return err;
	}
	SEMS_INFO("HTTP listening on %s (/metrics, /calls, /drain, /undrain%s)",
		  listen, token[0] ? "; bearer token required" : "");
	return 0;
}

void http_server_stop(void)
{
	http_sock = mem_deref(http_sock);
}
