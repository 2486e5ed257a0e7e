/* log.h: sacred-run's own lines on stderr during a run, in Sacred's logging format
 * ("INFO - name - Started run with ID \"3\""), filtered by --loglevel. Never in cout.txt.
 * Once log_setup() ran, warning() (util/error.h) prints through here too. */
#ifndef SR_LOG_H
#define SR_LOG_H

#include <stdarg.h>

/* Python logging's levels (--loglevel); lines below the threshold are not printed. */
enum log_level { LOG_DEBUG = 10, LOG_INFO = 20, LOG_WARNING = 30, LOG_ERROR = 40, LOG_CRITICAL = 50 };

void log_setup(int threshold, const char *name);
void log_msg(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A warning as a WARNING line, or 0 when logging is not set up (the caller prints it).
 * Of each kind (the text with its quoted names left out) only the first is printed; the
 * others are counted for log_repeats(). */
int log_vwarning(const char *fmt, va_list ap);
/* One WARNING line per kind that came more than once: how many more, and the last one. */
void log_repeats(void);
/* Python's str(timedelta(seconds=round(secs))): "0:00:03", "1 day, 2:00:00". */
void log_elapsed(double secs, char *buf, unsigned len);

#endif
