/* monitor.h: the monitorLog store of live calls (monitor.c). */
#ifndef CORE_METRICS_MONITOR_H
#define CORE_METRICS_MONITOR_H

#include <jansson.h>

/* A copy of call callid's properties (an empty object if none). */
json_t *monitor_copy(const char *callid);

#endif
