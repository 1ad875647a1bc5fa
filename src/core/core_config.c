/* core_config.c: sems.conf -> struct core_config, with checked values.
 *
 * Each key has one row in `core_keys` (end of file): its name, how its value
 * is parsed and where it goes.  A bad value stops start-up with the file
 * name and line; an unknown key is only a warning, as in SEMS.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sems/config.h>
#include <sems/log.h>
#include "config_internal.h"
#include "core_config.h"

struct core_config core_cfg;

enum key_kind { K_STRING, K_UINT, K_BOOL, K_IP };

struct core_key {
	const char *name;
	enum key_kind kind;
	size_t offset;
	size_t size;             /* K_STRING/K_IP: buffer size     */
	unsigned min, max;       /* K_UINT: accepted range          */
};

#define STR(field, key) { key, K_STRING, offsetof(struct core_config, field), \
			  sizeof(((struct core_config *)0)->field), 0, 0 }
#define IP(field, key)  { key, K_IP, offsetof(struct core_config, field), \
			  sizeof(((struct core_config *)0)->field), 0, 0 }
#define UINT(field, key, lo, hi) { key, K_UINT, offsetof(struct core_config, field), 0, lo, hi }
#define BOOL(field, key) { key, K_BOOL, offsetof(struct core_config, field), 0, 0, 0 }

static const struct core_key core_keys[] = {
	IP(sip_ip, "sip_ip"),
	UINT(sip_port, "sip_port", 1, 65535),
	IP(media_ip, "media_ip"),
	UINT(rtp_low_port, "rtp_low_port", 1024, 65535),
	UINT(rtp_high_port, "rtp_high_port", 1024, 65535),
	STR(plugin_path, "plugin_path"),
	STR(load_plugins, "load_plugins"),
	STR(plugin_config_path, "plugin_config_path"),
	STR(application, "application"),
	UINT(loglevel, "loglevel", 0, 3),
	BOOL(log_stderr, "stderr"),
	BOOL(daemonize, "fork"),
	UINT(session_threads, "session_processor_threads", 1, 256),
	UINT(session_threads_max, "session_processor_threads_max", 1, 4096),
	UINT(media_threads, "media_processor_threads", 1, 256),
	UINT(dead_rtp_time, "dead_rtp_time", 0, 86400),
	UINT(max_shutdown_time, "max_shutdown_time", 0, 3600),
	UINT(handler_warn_time, "handler_warn_time", 0, 86400),
	UINT(session_expires, "session_expires", 0, 86400),
	UINT(min_session_expires, "minimum_session_expires", 1, 86400),
	STR(codec_order, "codec_order"),
	STR(signature, "signature"),
	STR(outbound_proxy, "outbound_proxy"),
	UINT(dialout_timeout, "dialout_timeout", 1, 3600),
	STR(socket_name, "socket_name"),
	STR(ser_socket_name, "ser_socket_name"),
	STR(reply_socket_name, "reply_socket_name"),
	STR(uac_via, "uac_via"),
	STR(dtmf_inband, "dtmf_inband"),
	STR(http_listen, "http_listen"),
	STR(http_token, "http_token"),
};

void core_config_defaults(struct core_config *cfg)
{
	long cores = sysconf(_SC_NPROCESSORS_ONLN);

	memset(cfg, 0, sizeof(*cfg));
	strcpy(cfg->sip_ip, "127.0.0.1");
	cfg->sip_port = 5060;
	cfg->rtp_low_port = 10000;
	cfg->rtp_high_port = 60000;
	strcpy(cfg->plugin_path, "/usr/local/lib/sems/plug-in");
	strcpy(cfg->plugin_config_path, "/usr/local/etc/sems/etc");
	strcpy(cfg->application, "$(ruri.user)");
	strcpy(cfg->dtmf_inband, "auto");
	cfg->loglevel = 2;
	cfg->daemonize = true;
	cfg->session_threads = 4;
	cfg->session_threads_max = 256;
	cfg->media_threads = cores > 0 ? (unsigned)cores : 1;
	cfg->dead_rtp_time = 300;
	cfg->max_shutdown_time = 10;
	cfg->handler_warn_time = 5;
	cfg->dialout_timeout = 60;
	cfg->min_session_expires = 90;
	strcpy(cfg->signature, "SEMS-C");
}

static int parse_uint(const char *v, unsigned lo, unsigned hi, unsigned *out)
{
	char *end;
	errno = 0;
	unsigned long n = strtoul(v, &end, 10);
	if (!*v || *end || errno || *v == '-' || n < lo || n > hi)
		return EINVAL;
	*out = (unsigned)n;
	return 0;
}

static int parse_bool(const char *v, bool *out)
{
	if (!strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "1"))
		*out = true;
	else if (!strcmp(v, "no") || !strcmp(v, "false") || !strcmp(v, "0"))
		*out = false;
	else
		return EINVAL;
	return 0;
}

static int parse_ip(const char *v, char *out, size_t size)
{
	struct in6_addr a6;
	struct in_addr a4;
	if (inet_pton(AF_INET, v, &a4) != 1 && inet_pton(AF_INET6, v, &a6) != 1)
		return EINVAL;
	snprintf(out, size, "%s", v);
	return 0;
}

/* Stores value; on error writes what was expected to `want`. */
static int core_key_apply(struct core_config *cfg, const struct core_key *k,
			  const char *v, const char **want)
{
	static char range[64];   /* start-up only, single threaded */
	char *field = (char *)cfg + k->offset;
	switch (k->kind) {
	case K_STRING:
		*want = "a shorter value";
		if (strlen(v) >= k->size)
			return EINVAL;
		strcpy(field, v);
		return 0;
	case K_IP:
		*want = "an IPv4 or IPv6 address";
		return parse_ip(v, field, k->size);
	case K_BOOL:
		*want = "yes or no";
		return parse_bool(v, (bool *)field);
	case K_UINT:
		snprintf(range, sizeof(range), "a number from %u to %u", k->min, k->max);
		*want = range;
		return parse_uint(v, k->min, k->max, (unsigned *)field);
	}
	return EINVAL;
}

static const struct core_key *core_key_find(const char *name)
{
	for (size_t i = 0; i < sizeof(core_keys) / sizeof(core_keys[0]); i++)
		if (!strcmp(core_keys[i].name, name))
			return &core_keys[i];
	return NULL;
}

static int core_config_check(const struct core_config *cfg, const char *path,
			     char *errbuf, size_t errlen)
{
	if (cfg->rtp_low_port > cfg->rtp_high_port) {
		snprintf(errbuf, errlen, "%s: rtp_low_port (%u) is above rtp_high_port (%u)",
			 path, cfg->rtp_low_port, cfg->rtp_high_port);
		return EINVAL;
	}
	if (cfg->uac_via[0] && strcmp(cfg->uac_via, "kamailio") &&
	    strcmp(cfg->uac_via, "sip")) {
		snprintf(errbuf, errlen, "%s: uac_via must be kamailio or sip, not '%s'",
			 path, cfg->uac_via);
		return EINVAL;
	}
	if (strcmp(cfg->dtmf_inband, "auto") && strcmp(cfg->dtmf_inband, "always") &&
	    strcmp(cfg->dtmf_inband, "never")) {
		snprintf(errbuf, errlen, "%s: dtmf_inband must be auto, always or never, not '%s'",
			 path, cfg->dtmf_inband);
		return EINVAL;
	}
	if (!cfg->application[0]) {
		snprintf(errbuf, errlen, "%s: application must not be empty", path);
		return EINVAL;
	}
	return 0;
}

int core_config_load(struct core_config *cfg, const char *path,
		     char *errbuf, size_t errlen)
{
	struct sems_config *file = NULL;
	unsigned line = 0;
	int err;

	core_config_defaults(cfg);
	err = sems_config_load(&file, path, &line);
	if (err == EINVAL) {
		snprintf(errbuf, errlen, "%s:%u: expected key=value", path, line);
		return err;
	}
	if (err) {
		snprintf(errbuf, errlen, "%s: %s", path, strerror(err));
		return err;
	}

	for (size_t i = 0; i < sems_config_count(file); i++) {
		const char *key, *value, *want = "";
		sems_config_entry(file, i, &key, &value);
		const struct core_key *k = core_key_find(key);
		if (!k) {
			SEMS_WARN("%s:%u: unknown key '%s' ignored", path,
				  config_entry_line(file, i), key);
			continue;
		}
		if (!*value && k->kind == K_IP)
			continue;     /* empty address: keep the default */
		err = core_key_apply(cfg, k, value, &want);
		if (err) {
			snprintf(errbuf, errlen, "%s:%u: bad value '%s' for %s: expected %s",
				 path, config_entry_line(file, i), value, key, want);
			goto out;
		}
	}
	if (!cfg->media_ip[0])
		strcpy(cfg->media_ip, cfg->sip_ip);
	err = core_config_check(cfg, path, errbuf, errlen);
 out:
	sems_config_free(file);
	return err;
}

size_t core_config_key_count(void)
{
	return sizeof(core_keys) / sizeof(core_keys[0]);
}

const char *core_config_key_name(size_t i)
{
	return i < core_config_key_count() ? core_keys[i].name : NULL;
}

const char *sems_core_sip_ip(void)
{
	return core_cfg.sip_ip;
}

unsigned sems_core_sip_port(void)
{
	return core_cfg.sip_port;
}
