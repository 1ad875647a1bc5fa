/* listen_ws.c: the WebSocket side of the listen taps (signalling thread).
 *
 * libre's websock client (re_websock.h) over its HTTP client, so ws:// and
 * wss:// (libre's OpenSSL TLS; libre 1.1.0's client does not verify the
 * server's certificate).  One 20 ms libre timer serves every open tap: it
 * sends the caller's audio that the media threads queued in `up` as
 * binary frames of 20 ms at the tap's rate (resampled here), moves the
 * server's audio into `down` (at most 100 ms ahead: the rest waits in
 * `dq`, so `clear` is quick) and reports marks once the media thread has
 * played past them.  Nothing here blocks: when the socket's send queue
 * grows (a slow server), frames wait in `up`, and beyond half a second
 * the oldest are dropped and counted.
 *
 * A tap ends once (tap_end: connect failure or timeout, TLS, the server's
 * close, a protocol error, a frame too big, stopListen, the session's end);
 * its libre objects are freed from a zero timer, outside libre's callbacks.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include <sems/audio.h>
#include <sems/log.h>
#include "session/session_internal.h"
#include "signalling.h"
#include "listen/listen_tap.h"
#include <re_sa.h>
#include <re_dns.h>
#include <re_tcp.h>
#include <re_msg.h>
#include <re_http.h>
#include <re_websock.h>

enum {
	TICK_MS = 20,
	CONNECT_TIMEOUT_MS = 5000,
	TXQ_MAX = 64 * 1024,          /* bytes queued on the socket */
	MAX_BINARY = 64 * 1024,       /* a frame from the server */
	MAX_TEXT = 16 * 1024,
	DQ_MAX_SECONDS = 20,          /* the server's audio ahead of playback */
	DOWN_AHEAD_FRAMES = 5,        /* in `down`: 100 ms */
	FRAME_MAX = SEMS_AUDIO_RATE_MAX / 50 * 2,   /* samples, stereo */
};

static struct dnsc *dnsc;
static struct http_cli *http;
static struct websock *ws_sock;
static struct tmr tick_tmr;
static struct list taps;          /* open or connecting */

static int globals(void)
{
	struct sa nsv[4];
	uint32_t nsn = ARRAY_SIZE(nsv);
	char domain[64];
	int err;

	if (ws_sock)
		return 0;
	if (dns_srv_get(domain, sizeof(domain), nsv, &nsn) || !nsn) {
		sa_set_str(&nsv[0], "127.0.0.1", 53);
		nsn = 1;
	}
	if (!dnsc && (err = dnsc_alloc(&dnsc, NULL, nsv, nsn)))
		return err;
	if (!http && (err = http_client_alloc(&http, dnsc)))
		return err;
	return websock_alloc(&ws_sock, NULL, NULL);
}

static const char *tap_id(const struct listen_tap *t)
{
	return sems_session_id(t->sess);
}

static void tap_cleanup(void *arg)
{
	struct listen_tap *t = arg;

	t->conn = mem_deref(t->conn);
	t->text = mem_deref(t->text);
	list_unlink(&t->le);
	if (list_isempty(&taps)) {      /* no fd of ours is left open */
		tmr_cancel(&tick_tmr);
		ws_sock = mem_deref(ws_sock);
		http = mem_deref(http);
		dnsc = mem_deref(dnsc);
	}
	SEMS_INFO("session %s: listen ended: %s (%lu frames sent)", tap_id(t),
		  t->reason, t->frames_sent);
	size_t lost = t->up_dropped + audio_ring_dropped(&t->up);
	if (lost || t->down_dropped)
		SEMS_WARN("session %s: listen lost %zu ms of the caller's audio, "
			  "%zu ms of the server's (queues full)", tap_id(t),
			  lost * 1000 / (t->call_rate * t->channels),
			  t->down_dropped * 1000 / t->call_rate);
	session_post_text(t->sess, SEMS_EV_LISTEN_END, t->reason);
	listen_table_forget(t);
	listen_tap_deref(t);          /* the signalling thread's */
}

static void tap_end(struct listen_tap *t, const char *fmt, ...)
{
	va_list ap;

	if (t->ending)
		return;
	t->ending = true;
	va_start(ap, fmt);
	vsnprintf(t->reason, sizeof(t->reason), fmt, ap);
	va_end(ap);
	atomic_store(&t->open, false);
	atomic_store(&t->dead, true);
	tmr_start(&t->tmr, 0, tap_cleanup, t);   /* outside libre's handler */
}

static void tap_fail(struct listen_tap *t, enum websock_scode code,
		     const char *fmt, ...)
{
	char why[100];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	if (t->conn && atomic_load(&t->open))
		(void)websock_close(t->conn, code, "%s", why);
	tap_end(t, "error: %s", why);
}

/* ---- to the server ---- */

static void send_text(struct listen_tap *t, const char *text)
{
	int err = websock_send(t->conn, WEBSOCK_TEXT, "%s", text);

	if (err)
		SEMS_WARN("session %s: listen: text frame not sent: %s",
			  tap_id(t), strerror(err));
}

static void send_audio(struct listen_tap *t, const int16_t *pcm, size_t n)
{
	uint8_t b[FRAME_MAX * 2];

	for (size_t i = 0; i < n; i++) {
		b[2 * i] = (uint8_t)((uint16_t)pcm[i] & 0xff);
		b[2 * i + 1] = (uint8_t)((uint16_t)pcm[i] >> 8);
	}
	if (websock_send(t->conn, WEBSOCK_BIN, "%b", b, 2 * n))
		t->up_dropped += n * t->call_rate / t->rate;
	else
		t->frames_sent++;
}

/* One frame at call_rate -> up_out at rate (interleaved channels). */
static void up_convert(struct listen_tap *t, const int16_t *f, size_t n)
{
	float fin[FRAME_MAX], fout[FRAME_MAX * 2 + 64];
	size_t room = FRAME_MAX * 4 - t->up_out_n;

	if (!t->src_up) {
		if (n > room)
			n = room;
		memcpy(t->up_out + t->up_out_n, f, n * sizeof(*f));
		t->up_out_n += n;
		return;
	}
	src_short_to_float_array(f, fin, (int)n);
	SRC_DATA d = {
		.data_in = fin, .data_out = fout,
		.input_frames = (long)(n / t->channels),
		.output_frames = (long)(ARRAY_SIZE(fout) / t->channels),
		.src_ratio = (double)t->rate / t->call_rate,
	};
	if (src_process(t->src_up, &d) || d.output_frames_gen <= 0)
		return;
	size_t gen = (size_t)d.output_frames_gen * t->channels;
	if (gen > room)
		gen = room;
	src_float_to_short_array(fout, t->up_out + t->up_out_n, (int)gen);
	t->up_out_n += gen;
}

static void pump_up(struct listen_tap *t)
{
	size_t fin = t->call_rate / 50 * t->channels;
	size_t fout = t->rate / 50 * t->channels;
	struct tcp_conn *tc = websock_tcp(t->conn);
	int16_t f[FRAME_MAX];

	while (audio_ring_used(&t->up) >= fin) {
		if (tc && tcp_conn_txqsz(tc) > TXQ_MAX)
			break;               /* the server reads slowly */
		audio_ring_pop(&t->up, f, fin);
		up_convert(t, f, fin);
		while (t->up_out_n >= fout) {
			send_audio(t, t->up_out, fout);
			t->up_out_n -= fout;
			memmove(t->up_out, t->up_out + fout,
				t->up_out_n * sizeof(*t->up_out));
		}
	}
	if (audio_ring_used(&t->up) <= LISTEN_UP_RING / 2)
		return;
	if (!t->up_dropped)
		SEMS_WARN("session %s: listen: the server does not keep up, "
			  "dropping the oldest audio", tap_id(t));
	while (audio_ring_used(&t->up) > 2 * fin) {   /* drop the oldest */
		audio_ring_pop(&t->up, f, fin);
		t->up_dropped += fin;
	}
}

/* ---- from the server ---- */

static void dq_append(struct listen_tap *t, const int16_t *pcm, size_t n)
{
	size_t max = (size_t)t->call_rate * DQ_MAX_SECONDS;

	if (n > max) {
		t->down_dropped += n - max;
		pcm += n - max;
		n = max;
	}
	if (t->dq_n + n > max) {            /* drop the oldest */
		size_t drop = t->dq_n + n - max;

		t->dq_off += drop;
		t->dq_n -= drop;
		t->down_dropped += drop;
	}
	if (t->dq_off + t->dq_n + n > t->dq_cap) {
		if (t->dq_n)        /* t->dq is NULL before the first frame */
			memmove(t->dq, t->dq + t->dq_off,
				t->dq_n * sizeof(*t->dq));
		t->dq_off = 0;
	}
	if (t->dq_n + n > t->dq_cap) {
		size_t cap = t->dq_cap ? t->dq_cap : 8192;
		int16_t *dq;

		while (cap < t->dq_n + n)
			cap *= 2;
		if (!(dq = realloc(t->dq, cap * sizeof(*dq)))) {
			t->down_dropped += n;
			return;
		}
		t->dq = dq;
		t->dq_cap = cap;
	}
	memcpy(t->dq + t->dq_off + t->dq_n, pcm, n * sizeof(*pcm));
	t->dq_n += n;
}

static void down_samples(struct listen_tap *t, const int16_t *pcm, size_t n)
{
	float fin[1024], fout[1024 * 2 + 64];
	int16_t out[ARRAY_SIZE(fout)];

	if (!t->src_down) {
		dq_append(t, pcm, n);
		return;
	}
	src_short_to_float_array(pcm, fin, (int)n);
	SRC_DATA d = {
		.data_in = fin, .data_out = fout,
		.input_frames = (long)n, .output_frames = ARRAY_SIZE(fout),
		.src_ratio = (double)t->call_rate / t->rate,
	};
	if (src_process(t->src_down, &d) || d.output_frames_gen <= 0)
		return;
	src_float_to_short_array(fout, out, (int)d.output_frames_gen);
	dq_append(t, out, (size_t)d.output_frames_gen);
}

/* L16 little-endian bytes; a sample may be split across frames. */
static void down_bytes(struct listen_tap *t, const uint8_t *p, size_t len)
{
	int16_t pcm[1024];
	size_t n = 0;

	if (t->has_odd && len) {
		pcm[n++] = (int16_t)(t->odd | (uint16_t)p[0] << 8);
		p++;
		len--;
		t->has_odd = false;
	}
	for (; len >= 2; p += 2, len -= 2) {
		pcm[n++] = (int16_t)(p[0] | (uint16_t)p[1] << 8);
		if (n == ARRAY_SIZE(pcm)) {
			down_samples(t, pcm, n);
			n = 0;
		}
	}
	if (len) {
		t->odd = p[0];
		t->has_odd = true;
	}
	if (n)
		down_samples(t, pcm, n);
}

static void pump_down(struct listen_tap *t)
{
	size_t ahead = DOWN_AHEAD_FRAMES * t->call_rate / 50;
	size_t used = audio_ring_used(&t->down), k;

	if (used >= ahead || !t->dq_n)
		return;
	k = ahead - used < t->dq_n ? ahead - used : t->dq_n;
	k = audio_ring_push(&t->down, t->dq + t->dq_off, k);
	t->dq_off += k;
	t->dq_n -= k;
	if (!t->dq_n)
		t->dq_off = 0;
}

static void mark_post(struct listen_tap *t, struct listen_mark *m)
{
	session_post_text(t->sess, SEMS_EV_LISTEN_MARK, m->name);
	free(m);
}

static void marks_check(struct listen_tap *t)
{
	size_t tail = atomic_load_explicit(&t->down.tail, memory_order_acquire);

	while (t->marks && t->marks->pos <= tail) {
		struct listen_mark *m = t->marks;

		if (!(t->marks = m->next))
			t->marks_tail = &t->marks;
		mark_post(t, m);
	}
}

static void mark_add(struct listen_tap *t, const char *name)
{
	size_t len = strlen(name);
	struct listen_mark *m = malloc(sizeof(*m) + len + 1);

	if (!m)
		return;
	memcpy(m->name, name, len + 1);
	m->next = NULL;
	m->pos = atomic_load_explicit(&t->down.head, memory_order_relaxed) +
		 t->dq_n;
	*t->marks_tail = m;
	t->marks_tail = &m->next;
	marks_check(t);
}

/* Barge-in: what is queued is dropped, marks waiting for it come back. */
static void clear(struct listen_tap *t)
{
	t->dq_n = t->dq_off = 0;
	atomic_store_explicit(&t->clear_upto,
			      atomic_load_explicit(&t->down.head,
						   memory_order_relaxed),
			      memory_order_release);
	while (t->marks) {
		struct listen_mark *m = t->marks;

		t->marks = m->next;
		mark_post(t, m);
	}
	t->marks_tail = &t->marks;
}

static void text_message(struct listen_tap *t, const char *text, size_t len)
{
	json_t *o = json_loadb(text, len, 0, NULL), *mk;
	const char *type = NULL, *name;

	if (o && json_is_object(o)) {
		type = json_string_value(json_object_get(o, "type"));
		if (!type)        /* Twilio's media streams say "event" */
			type = json_string_value(json_object_get(o, "event"));
	}
	if (type && !strcmp(type, "clear")) {
		clear(t);
	}
	else if (type && !strcmp(type, "mark")) {
		name = json_string_value(json_object_get(o, "name"));
		if (!name && (mk = json_object_get(o, "mark")))
			name = json_string_value(json_object_get(mk, "name"));
		mark_add(t, name ? name : "");
	}
	else {
		session_post_text(t->sess, SEMS_EV_LISTEN_MESSAGE, text);
	}
	json_decref(o);
}

static void text_part(struct listen_tap *t, const uint8_t *p, size_t len,
		      bool fin)
{
	if (!t->text && !(t->text = mbuf_alloc(len + 1)))
		return;
	if (t->text->end + len > MAX_TEXT) {
		tap_fail(t, WEBSOCK_MESSAGE_TOO_BIG, "text frame too big "
			 "(over %u bytes)", MAX_TEXT);
		return;
	}
	(void)mbuf_write_mem(t->text, p, len);
	if (!fin)
		return;
	(void)mbuf_write_u8(t->text, 0);
	text_message(t, (const char *)t->text->buf, t->text->end - 1);
	t->text = mem_deref(t->text);
}

static void recv_h(const struct websock_hdr *hdr, struct mbuf *mb, void *arg)
{
	struct listen_tap *t = arg;
	size_t len = mbuf_get_left(mb);
	int op = hdr->opcode;

	if (t->ending)
		return;
	if (op == WEBSOCK_CONT) {
		if (t->frag < 0) {
			tap_fail(t, WEBSOCK_PROTOCOL_ERROR, "protocol: "
				 "continuation frame outside a message");
			return;
		}
		op = t->frag;
	}
	else if (t->frag >= 0) {
		tap_fail(t, WEBSOCK_PROTOCOL_ERROR, "protocol: new message "
			 "inside a fragmented one");
		return;
	}
	t->frag = hdr->fin ? -1 : op;
	if (op == WEBSOCK_BIN) {
		if (len > MAX_BINARY) {
			tap_fail(t, WEBSOCK_MESSAGE_TOO_BIG, "binary frame too "
				 "big (%zu bytes)", len);
			return;
		}
		if (t->bidir != SEMS_LISTEN_SEND_ONLY)
			down_bytes(t, mbuf_buf(mb), len);
	}
	else if (op == WEBSOCK_TEXT) {
		text_part(t, mbuf_buf(mb), len, hdr->fin);
	}
}

/* ---- the connection ---- */

static void tick(void *arg)
{
	struct le *le;

	(void)arg;
	tmr_start(&tick_tmr, TICK_MS, tick, NULL);
	for (le = list_head(&taps); le; le = le->next) {
		struct listen_tap *t = le->data;

		if (t->ending || !atomic_load(&t->open))
			continue;
		pump_up(t);
		if (t->bidir != SEMS_LISTEN_SEND_ONLY) {
			pump_down(t);
			marks_check(t);
		}
	}
}

static void estab_h(void *arg)
{
	struct listen_tap *t = arg;

	tmr_cancel(&t->tmr);
	atomic_store(&t->open, true);
	SEMS_INFO("session %s: listen: connected to %s", tap_id(t), t->url);
	send_text(t, t->start_json);
	while (t->pending) {
		struct listen_text *x = t->pending;

		t->pending = x->next;
		send_text(t, x->text);
		free(x);
	}
	t->pending_tail = &t->pending;
	if (!tmr_isrunning(&tick_tmr))
		tmr_start(&tick_tmr, TICK_MS, tick, NULL);
}

static const char *err_text(int err)
{
	switch (err) {
	case EOVERFLOW: return "frame too big";
	case EPROTO:    return "protocol error";
	case EBADMSG:   return "bad message";
	default:        return strerror(err);
	}
}

static void close_h(int err, void *arg)
{
	struct listen_tap *t = arg;

	if (t->ending)
		return;
	if (!atomic_load(&t->open))
		tap_end(t, "error: connect failed: %s",
			err == EPROTO ? "handshake failed (HTTP or TLS)" :
			err ? err_text(err) : "connection closed");
	else if (!err)
		tap_end(t, "closed");
	else
		tap_end(t, "error: %s", err_text(err));
}

static void connect_timeout(void *arg)
{
	tap_end(arg, "error: connect timeout");
}

void listen_ws_open(void *arg)
{
	struct listen_tap *t = arg;        /* the signalling thread's ref */
	int err;

	tmr_init(&t->tmr);
	list_append(&taps, &t->le, t);
	if (atomic_load(&t->dead)) {
		tap_end(t, "stopped");
		return;
	}
	err = globals();
	if (!err)
		err = websock_connect(&t->conn, ws_sock, http, t->url, 0,
				      estab_h, recv_h, close_h, t,
				      "User-Agent: sems-listen\r\n");
	if (err) {
		tap_end(t, "error: connect failed: %s", err == ENOTSUP ?
			"scheme not supported" : strerror(err));
		return;
	}
	tmr_start(&t->tmr, CONNECT_TIMEOUT_MS, connect_timeout, t);
}

void listen_ws_stop(void *arg)
{
	struct listen_tap *t = arg;

	if (!t->ending) {
		if (t->conn && atomic_load(&t->open))
			(void)websock_close(t->conn, WEBSOCK_NORMAL_CLOSURE,
					    "stopped");
		tap_end(t, "stopped");
	}
	listen_tap_deref(t);
}

struct send_job {
	struct listen_tap *t;
	char text[];
};

static void send_job_run(void *arg)
{
	struct send_job *j = arg;
	struct listen_tap *t = j->t;

	if (t->ending) {
		/* dropped */
	}
	else if (atomic_load(&t->open)) {
		send_text(t, j->text);
	}
	else {
		size_t n = strlen(j->text);
		struct listen_text *x = malloc(sizeof(*x) + n + 1);

		if (x) {
			memcpy(x->text, j->text, n + 1);
			x->next = NULL;
			*t->pending_tail = x;
			t->pending_tail = &x->next;
		}
	}
	listen_tap_deref(t);
	free(j);
}

int listen_ws_send(struct listen_tap *t, const char *text)
{
	size_t n = strlen(text);
	struct send_job *j;
	int err;

	if (n > MAX_TEXT * 4)
		return EMSGSIZE;
	if (!(j = malloc(sizeof(*j) + n + 1)))
		return ENOMEM;
	memcpy(j->text, text, n + 1);
	j->t = listen_tap_ref(t);
	if ((err = signalling_call(send_job_run, j))) {
		listen_tap_deref(t);
		free(j);
	}
	return err;
}
