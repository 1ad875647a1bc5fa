/* log.h: the server's logger, shared by core and plug-ins.
 *
 * Levels follow SEMS: 0 error, 1 warning, 2 info, 3 debug.  A line is
 * written only when its level is <= the configured `loglevel`.  Thread safe;
 * lines are written whole.
 */
#ifndef SEMS_LOG_H
#define SEMS_LOG_H

enum sems_log_level {
	SEMS_L_ERR = 0,
	SEMS_L_WARN = 1,
	SEMS_L_INFO = 2,
	SEMS_L_DBG = 3,
};

void sems_log(int level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int sems_log_level(void);

#define SEMS_ERROR(...) sems_log(SEMS_L_ERR, __VA_ARGS__)
#define SEMS_WARN(...)  sems_log(SEMS_L_WARN, __VA_ARGS__)
#define SEMS_INFO(...)  sems_log(SEMS_L_INFO, __VA_ARGS__)
#define SEMS_DBG(...)   sems_log(SEMS_L_DBG, __VA_ARGS__)

#endif
