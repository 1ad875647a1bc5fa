/* fuzz_ser_rpc.c: libFuzzer target for Kamailio's JSON-RPC answers as
 * ser/ser_rpc.c reads them (rpc_answer, static: the file is included).
 * Each input meets one pending request, id 1 (the first byte chooses
 * whether it has an evrexec.run fallback to retry with, and what id a
 * second one has), so answers that match, fail, fall back or are late
 * all run. */
#include "../../src/core/ser/ser_rpc.c"

struct sems_metrics metrics;   /* the counters ser_rpc.c bumps */
#include "log_internal.h"

static unsigned answered;

static void on_done(int err, int code, const char *msg, void *arg)
{
	(void)err;
	(void)code;
	(void)msg;
	(void)arg;
	answered++;
}

static void pending_add(json_int_t id, bool fallback)
{
	struct rpc_pending *p = calloc(1, sizeof(*p));
	if (!p)
		return;
	tmr_init(&p->tmr);
	p->id = id;
	snprintf(p->method, sizeof(p->method), "tm.reply");
	snprintf(p->callid, sizeof(p->callid), "fuzz");
	p->fallback = fallback ? json_pack("[s]", "x") : NULL;
	p->h = on_done;
	list_append(&pending, &p->le, p);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_setup(-1, true);
	return libre_init();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text;

	if (size < 1)
		return 0;
	text = malloc(size);
	if (!text)
		return 0;
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';      /* as rpc_readable() terminates */
	pending_add(1, data[0] & 1);
	pending_add((json_int_t)(data[0] >> 1), !(data[0] & 1));
	rpc_answer(text, size - 1);
	while (pending.head)
		pending_free(pending.head->data);
	free(text);
	return 0;
}
