/* ser_rpc.h: JSON-RPC client for Kamailio's jsonrpcs datagram transport.
 *
 *   ser_socket_name=/tmp/kamailio_rpc.sock   Kamailio's jsonrpcs dgram_socket
 *   reply_socket_name=/tmp/sems_rpc_reply    our socket, answers come here
 *
 * Requests carry increasing ids; an answer is matched to its request by
 * id.  A request that gets no answer within SER_RPC_TIMEOUT_MS reports
 * ETIMEDOUT.  Signalling thread only.
 */
#ifndef CORE_SER_RPC_H
#define CORE_SER_RPC_H

#define SER_RPC_TIMEOUT_MS 3000

/* err: 0, ETIMEDOUT, or EPROTO with Kamailio's error code and message. */
typedef void (ser_rpc_h)(int err, int code, const char *message, void *arg);

int  ser_rpc_open(const char *local_path, const char *kamailio_path);
void ser_rpc_close(void);

/* tm.reply: a reply to the inbound transaction hash_label.  All six
 * parameters are always sent ("" for no headers or no body).  h may be
 * NULL (errors are then only logged, with callid). */
int  ser_rpc_reply(const char *hash_label, unsigned code, const char *reason,
		   const char *to_tag, const char *hdrs, const char *body,
		   const char *callid, ser_rpc_h *h, void *arg);

/* A request of ours: inside a dialog (BYE ...), or the INVITE of a call
 * we place.  hdrs must hold From/To with tags, Call-ID, CSeq (and Route,
 * Content-Type when needed).  contact_user: not "" for an INVITE: the
 * config adds "Contact: <sip:USER@its address>" (the callee's requests
 * then come through Kamailio).  Sent through the evrexec route
 * "evrexec:sems_uac" (tm's t_uac_send keeps our From tag), or
 * tm.t_uac_start when Kamailio has no evrexec module (Kamailio 5.6 then
 * appends a second From tag of its own).  The replies come back wrapped
 * (ser/ser_uac.h). */
int  ser_rpc_uac(const char *method, const char *ruri, const char *next_hop,
		 const char *contact_user, const char *hdrs, const char *body,
		 const char *callid, ser_rpc_h *h, void *arg);

/* tm.cancel: CANCELs our INVITE transaction (Call-ID, CSeq number). */
int  ser_rpc_cancel(const char *callid, unsigned cseq, ser_rpc_h *h,
		    void *arg);

/* Pending requests of arg report nothing any more (arg is going away). */
void ser_rpc_forget(const void *arg);

#endif
