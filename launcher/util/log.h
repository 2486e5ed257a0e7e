/* log.h: sacred-run's own progress lines on stderr, in Sacred's logging format
 * ("INFO - name - Started run with ID \"3\""), filtered by --loglevel. Never in cout.txt. */
#ifndef SR_LOG_H
#define SR_LOG_H

void log_setup(int threshold, const char *name);
void log_msg(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Python's str(timedelta(seconds=round(secs))): "0:00:03", "1 day, 2:00:00". */
void log_elapsed(double secs, char *buf, unsigned len);

#endif
