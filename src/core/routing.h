/* routing.h: which application a new call runs (`application=` setting).
 *
 *   $(ruri.user)   the user part of the request URI
 *   $(apphdr)      the value of the P-App-Name header
 *   $(ruri.param)  the `app` parameter of the request URI
 *   anything else  that fixed name
 */
#ifndef CORE_ROUTING_H
#define CORE_ROUTING_H

#include <stddef.h>

struct sems_sip_request;

/* Writes the selected name to out.  Returns 0, or ENOENT when the request
 * carries nothing to select by, ENAMETOOLONG when it does not fit.  The result is not validated: look it up
 * with app_find(), which rejects anything that is not a valid name. */
int routing_select_app(const char *application,
		       const struct sems_sip_request *req,
		       char *out, size_t outlen);

#endif
