/* log.h: sacred-run's own progress lines on stderr, in Sacred's logging format
 * ("INFO - name - Started run with ID \"3\""), filtered by --loglevel. Never in cout.txt. */
#ifndef SR_LOG_H
#define SR_LOG_H

/* Python logging's levels (--loglevel); lines below the threshold are not printed. */
enum log_level { LOG_DEBUG = 10, LOG_INFO = 20, LOG_WARNING = 30, LOG_ERROR = 40, LOG_CRITICAL = 50 };

void log_setup(int threshold, const char *name);
void log_msg(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Python's str(timedelta(seconds=round(secs))): "0:00:03", "1 day, 2:00:00". */
void log_elapsed(double secs, char *buf, unsigned len);

#endif
