/* metrics.h: what plug-ins tell the server's monitoring (GET /metrics,
 * GET /calls).  Any thread; none of these block for long. */
#ifndef SEMS_METRICS_H
#define SEMS_METRICS_H

#include <stdbool.h>

/* A script handler of application `app_name` raised an exception. */
void sems_metric_script_exception(const char *app_name);

/* Call `callid`'s monitoring properties (ivr: monitorLog/monitorLogAdd).
 * json is one JSON value (text); append: add it to the list `prop`
 * instead of replacing.  Shown in GET /calls while the call lives. */
void sems_monitor_set(const char *callid, const char *prop, const char *json,
		      bool append);
/* Forget call `callid`'s properties (monitorFinish; also at its end). */
void sems_monitor_forget(const char *callid);

#endif
