/* core_config.h: the settings of sems.conf, checked and typed.
 *
 *   sip_ip=127.0.0.1            address for SIP (and default for media)
 *   sip_port=5060
 *   media_ip=                   default: sip_ip
 *   rtp_low_port=10000          even ports from low to high are used
 *   rtp_high_port=60000
 *   plugin_path=/usr/local/lib/sems/plug-in
 *   load_plugins=ivr            ';'-separated; empty: every *.so
 *   plugin_config_path=/usr/local/etc/sems/etc
 *   application=$(ruri.user)    or $(apphdr), $(ruri.param), fixed name
 *   loglevel=2                  0 error .. 3 debug
 *   stderr=no                   log to stderr (else syslog)
 *   fork=yes                    daemonize (-E forces no)
 *   session_processor_threads=4       workers always running
 *   session_processor_threads_max=256 more start while scripts block
 *   media_processor_threads=    default: number of cores
 *   dead_rtp_time=300           seconds without RTP before RTP timeout; 0 off
 *   max_shutdown_time=10        seconds calls may go on after SIGTERM (then BYE)
 *   handler_warn_time=5         a handler running longer is logged once; 0 off
 *   session_expires=0           RFC 4028 session timer we ask for (s); 0:
 *                               only when the caller asks
 *   minimum_session_expires=90  smaller Session-Expires: 422 with Min-SE
 *   codec_order=                our codec preference, e.g. opus,G722,PCMA,PCMU
 *                               (',' ';' or ' '); empty: the caller's order
 *   signature=SEMS-C            Server/User-Agent header
 *   outbound_proxy=             SIP URI every request we originate
 *                               (dialouts, B2BUA legs) is routed through
 *                               (a Route header); empty: none
 *   dialout_timeout=60          seconds an outgoing INVITE may ring before
 *                               it is CANCELled
 *   socket_name=                unix socket for Kamailio's t_write_unix
 *   ser_socket_name=            Kamailio's jsonrpcs datagram socket
 *   reply_socket_name=          our socket for Kamailio's RPC replies
 *   dtmf_inband=auto            in-band DTMF detection: auto (on calls
 *                               without telephone-event), always, never
 *   uac_via=                    kamailio or sip: how dialouts and B2BUA
 *                               legs leave when socket_name is set (through
 *                               Kamailio's t_uac_send, or our own SIP
 *                               stack); empty: kamailio.  Without
 *                               socket_name always sip.
 *   http_listen=                IP:PORT of the HTTP monitoring/control
 *                               server (/metrics /calls /drain); empty: off
 *   http_token=                 bearer token every HTTP request must bring
 *                               (empty: control from loopback only)
 */
#ifndef CORE_CORE_CONFIG_H
#define CORE_CORE_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

struct core_config {
	char sip_ip[64];
	unsigned sip_port;
	char media_ip[64];
	unsigned rtp_low_port, rtp_high_port;
	char plugin_path[512];
	char load_plugins[512];
	char plugin_config_path[512];
	char application[128];
	unsigned loglevel;
	bool log_stderr;
	bool daemonize;
	unsigned session_threads, session_threads_max;
	unsigned media_threads;
	unsigned dead_rtp_time;
	unsigned max_shutdown_time;
	unsigned handler_warn_time;
	unsigned session_expires, min_session_expires;
	char codec_order[256];
	char signature[128];
	char outbound_proxy[256];
	unsigned dialout_timeout;
	char socket_name[108];
	char ser_socket_name[108];
	char reply_socket_name[108];
	char uac_via[16];
	char dtmf_inband[8];
	char http_listen[80];
	char http_token[256];
};

extern struct core_config core_cfg;   /* the running server's settings */

void core_config_defaults(struct core_config *cfg);
/* Reads and checks `path` into cfg (defaults first).  On error returns an
 * errno value and writes "file:line: what is wrong" to errbuf. */
int core_config_load(struct core_config *cfg, const char *path,
		     char *errbuf, size_t errlen);

/* The keys of sems.conf, in table order (docs/configuration.md test). */
size_t core_config_key_count(void);
const char *core_config_key_name(size_t i);

#endif
