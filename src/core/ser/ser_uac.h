/* ser_uac.h: INVITE dialogs we originate through Kamailio (SER mode).
 *
 * Dialouts and B2BUA callee legs (sip/sip_uac.h chooses this when
 * socket_name is set and uac_via is not "sip").  The INVITE leaves with
 * the RPC evrexec.run -> tm's t_uac_send, like our BYE (ser_rpc.h); tm
 * ACKs the 2xx and the error replies itself.  The replies come back
 * wrapped: the shipped config's reply_route sends each reply (but 100 and
 * those to BYE/CANCEL) whole, as the body of a MESSAGE to Kamailio itself,
 * which t_write_unix hands over with the command word "uac_reply".
 * Requests of the callee (BYE, INFO) come in like any request inside a
 * dialog: our From tag is their To tag.  CANCEL is the RPC tm.cancel.
 * Signalling thread only.
 */
#ifndef CORE_SER_UAC_H
#define CORE_SER_UAC_H

#include <stdbool.h>

struct ser_uac;
struct ser_request;
struct sip_uac_params;
struct sip_uac_handlers;

/* socket_name set and uac_via not "sip". */
bool ser_uac_enabled(void);

/* As sip_uac_connect(); the INVITE goes to Kamailio at once. */
int  ser_uac_connect(struct ser_uac **up, const struct sip_uac_params *p,
		     const struct sip_uac_handlers *h, void *arg);
const char *ser_uac_callid(const struct ser_uac *u);
bool ser_uac_answered(const struct ser_uac *u);
/* BYE once answered, CANCEL (tm.cancel) before; no handler runs again.
 * The dialog is remembered for a while after (a 2xx crossing our CANCEL
 * gets a BYE, retransmissions are ignored, a crossing BYE gets 200). */
void ser_uac_hangup(struct ser_uac *u, const char *hdrs);
int  ser_uac_info(struct ser_uac *u, const char *ctype, const char *body);

/* A wrapped reply (command "uac_reply"): to the INVITE of one of ours,
 * or to a request inside a call that came in (ser_call_reply_in). */
void ser_uac_reply_in(const struct ser_request *sr);
/* A request inside one of our dialogs: handled (true), or not ours. */
bool ser_uac_in_dialog(const struct ser_request *sr);
/* Forgets every dialog (shutdown); nothing is sent. */
void ser_uac_close_all(void);

#endif
