/* log.c: the server's logger (stderr or syslog), level-filtered. */
#include <stdarg.h>
#include <stdio.h>
#include <syslog.h>
#include <time.h>
#include <sems/log.h>
#include "log_internal.h"

static int log_level = SEMS_L_INFO;
static bool log_to_stderr = true;

static const char *const level_names[] = { "ERROR", "WARNING", "INFO", "DEBUG" };

void log_setup(int level, bool to_stderr)
{
	log_level = level;
	log_to_stderr = to_stderr;
	if (!to_stderr)
		openlog("sems", LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

int sems_log_level(void)
{
	return log_level;
}

/* "2026-11-29 09:40:01.123 INFO: text", written with one call */
static void log_stderr_line(const char *level, const char *text)
{
	struct timespec now;
	struct tm tm;
	char stamp[32];

	clock_gettime(CLOCK_REALTIME, &now);
	localtime_r(&now.tv_sec, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S", &tm);
	fprintf(stderr, "%s.%03ld %s: %s\n", stamp, now.tv_nsec / 1000000, level, text);
}

void sems_log(int level, const char *fmt, ...)
{
	static const int syslog_prio[] = { LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG };
	char line[2048];
	va_list ap;

	if (level > log_level)
		return;
	if (level < SEMS_L_ERR)
		level = SEMS_L_ERR;
	if (level > SEMS_L_DBG)
		level = SEMS_L_DBG;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);

	if (log_to_stderr)
		log_stderr_line(level_names[level], line);
	else
		syslog(syslog_prio[level], "%s: %s", level_names[level], line);
}
