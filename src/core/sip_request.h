/* sip_request.h: building owned copies of struct sems_sip_request/reply.
 *
 * A copy is one malloc() block holding the struct and all its strings, so
 * it is freed with one free().  NULL fields in the template become "".
 */
#ifndef CORE_SIP_REQUEST_H
#define CORE_SIP_REQUEST_H

#include <sems/sip.h>

struct sems_sip_request *sip_request_dup(const struct sems_sip_request *tpl);
struct sems_sip_reply *sip_reply_dup(const struct sems_sip_reply *tpl);

#endif
