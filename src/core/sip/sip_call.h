/* sip_call.h: one call over direct SIP (see sip_call.c). */
#ifndef CORE_SIP_CALL_H
#define CORE_SIP_CALL_H

#include <stdbool.h>
#include <re.h>

struct sip;
struct sip_msg;
struct sipsess;
struct sipsess_sock;
struct sems_session;

struct sip_call {
	struct sems_session *s;         /* reference, dropped on release */
	const struct sip_msg *invite;   /* held until answered or rejected */
	struct sipsess *sess;           /* once answered                 */
	struct tmr answer_tmr;          /* while the INVITE is held      */
};

void sip_call_setup(struct sip *sip, struct sipsess_sock *sock);
/* sipsess connect handler: a new INVITE. */
void sip_call_incoming(const struct sip_msg *msg, void *arg);
/* The front's state of s, or NULL when s is not a direct-SIP call. */
struct sip_call *sip_call_of(struct sems_session *s);
/* session_find() (our tag) or session_find_remote() (the caller's) for
 * a message's Call-ID and tag, of any length.  New reference, or NULL. */
struct sems_session *sip_call_find(const struct pl *callid,
				   const struct pl *tag, bool remote);

#endif
