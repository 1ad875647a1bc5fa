/* http_server.h: monitoring and control over HTTP (libre's http server,
 * on the signalling thread).
 *
 *   GET  /metrics   Prometheus text format (metrics/metrics.c)
 *   GET  /calls     JSON: one object per live call
 *   POST /drain     new INVITEs and OPTIONS get 503, live calls go on
 *   POST /undrain   back to normal
 *
 * Access: without http_token, /drain and /undrain answer only loopback
 * clients (others: 403) and /metrics, /calls everyone; with http_token
 * every request must carry "Authorization: Bearer TOKEN" (else 401).
 */
#ifndef CORE_HTTP_HTTP_SERVER_H
#define CORE_HTTP_HTTP_SERVER_H

/* listen: "IP:PORT" ("[v6]:PORT"), empty: off.  token may be empty. */
int  http_server_start(const char *listen, const char *token);
void http_server_stop(void);

#endif
