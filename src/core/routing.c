/* routing.c: picks the application of a new direct-SIP call. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sems/sip.h>
#include "routing.h"

/* The `app` parameter of the R-URI: sip:u@h;app=NAME;x=y */
static char *ruri_app_param(const char *r_uri)
{
	const char *semi = strchr(r_uri, ';');
	if (!semi)
		return strdup("");
	char *params = strdup(semi + 1);
	if (!params)
		return NULL;
	char *q = strpbrk(params, "?>");
	if (q)
		*q = '\0';
	char *v = sems_param_get(params, "app");
	free(params);
	return v;
}

static int copy_out(char *out, size_t outlen, char *value)
{
	if (!value)
		return ENOMEM;
	int err = !*value ? ENOENT : strlen(value) >= outlen ? ENAMETOOLONG : 0;
	if (!err)
		snprintf(out, outlen, "%s", value);
	free(value);
	return err;
}

int routing_select_app(const char *application,
		       const struct sems_sip_request *req,
		       char *out, size_t outlen)
{
	if (!strcmp(application, "$(ruri.user)"))
		return copy_out(out, outlen, strdup(req->user));
	if (!strcmp(application, "$(apphdr)"))
		return copy_out(out, outlen, sems_header_get(req->hdrs, "P-App-Name"));
	if (!strcmp(application, "$(ruri.param)"))
		return copy_out(out, outlen, ruri_app_param(req->r_uri));
	return copy_out(out, outlen, strdup(application));
}
