/* sip.h: the SIP view a plug-in gets of a call: requests, replies, dialog.
 *
 * These are plain, immutable snapshots: every string is NUL-terminated and
 * never NULL ("" when absent).  They look the same whether the call came in
 * over SIP directly or from Kamailio's t_write_unix, so an application
 * cannot tell the two apart.
 *
 * `hdrs` holds the headers that have no field of their own, as CRLF
 * terminated lines ("P-App-Name: announce\r\n...").  From, To, Call-ID,
 * CSeq, Via, Route, Record-Route, Contact, Max-Forwards, Content-Type and
 * Content-Length are not in it.
 */
#ifndef SEMS_SIP_H
#define SEMS_SIP_H

#include <stddef.h>

struct sems_sip_request {
	const char *method;
	const char *user;       /* R-URI user                        */
	const char *domain;     /* R-URI host                        */
	const char *dstip;      /* where the request was received     */
	const char *port;       /* ... and its port, as text          */
	const char *r_uri;
	const char *from_uri;   /* URI of the From header             */
	const char *from;       /* whole From header value            */
	const char *to;         /* whole To header value              */
	const char *callid;
	const char *from_tag;
	const char *to_tag;
	const char *route;      /* route set, "Route: ..." lines or "" */
	const char *next_hop;
	const char *contact;    /* Contact URI ("" when absent)       */
	const char *content_type;
	const char *body;
	const char *hdrs;
	unsigned cseq;
};

struct sems_sip_reply {
	unsigned code;
	const char *reason;
	const char *next_request_uri;
	const char *contact;
	const char *next_hop;
	const char *route;
	const char *hdrs;
	const char *body;
	const char *from_tag;
	const char *to_tag;
	const char *remote_tag;
	const char *local_tag;
	unsigned cseq;
};

/* Dialog status, numbered as SEMS's AmSipDialog::Status. */
enum sems_dialog_status {
	SEMS_DLG_DISCONNECTED = 0,
	SEMS_DLG_TRYING,
	SEMS_DLG_PROCEEDING,
	SEMS_DLG_CANCELLING,
	SEMS_DLG_EARLY,
	SEMS_DLG_CONNECTED,
	SEMS_DLG_DISCONNECTING,
};

const char *sems_dialog_status_str(enum sems_dialog_status st);

/* A copy of the dialog's state at one moment; see sems_session_dialog(). */
struct sems_dialog {
	const char *user, *domain;
	const char *local_uri, *remote_uri;
	const char *callid, *remote_tag, *local_tag;
	const char *remote_party, *local_party;
	const char *route, *outbound_proxy;
	unsigned cseq;
	enum sems_dialog_status status;
	/* Old generation's fields: our SIP address and port (where the
	 * INVITE arrived), our Contact URI, the next hop ("" if none). */
	const char *sip_ip, *sip_port, *contact_uri, *next_hop;
};

/* Header helpers over a CRLF header block (`hdrs` above).  Names compare
 * case-insensitively and compact forms match their long names ("f" ==
 * "From").  Results are malloc()ed; the caller free()s them.  NULL only on
 * allocation failure. */
char *sems_header_get(const char *hdrs, const char *name);   /* first value or "" */
char *sems_header_get_all(const char *hdrs, const char *name); /* values joined ", " */
/* `name=value` inside the P-Iptel-Param header; "" when absent. */
char *sems_header_session_param(const char *hdrs, const char *name);
/* `name=value` in a `a=1;b=2` parameter list; "" when absent. */
char *sems_param_get(const char *params, const char *name);

#endif
