/* log_internal.h: logger set-up, for main.c. */
#ifndef CORE_LOG_INTERNAL_H
#define CORE_LOG_INTERNAL_H
#include <stdbool.h>
void log_setup(int level, bool to_stderr);
#endif
