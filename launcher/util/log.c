/* log.c: Sacred-style log lines for the run's life cycle; one write per line. */
#include "util/log.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

static int log_threshold = LOG_INFO;
static const char *log_name = "sacred-run";

void log_setup(int threshold, const char *name)
{
    log_threshold = threshold;
    log_name = name;
}

static const char *level_name(int level)
{
    return level >= LOG_CRITICAL ? "CRITICAL" : level >= LOG_ERROR ? "ERROR"
         : level >= LOG_WARNING ? "WARNING" : level >= LOG_INFO ? "INFO" : "DEBUG";
}

void log_msg(int level, const char *fmt, ...)
{
    if (level < log_threshold)
        return;
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    dprintf(STDERR_FILENO, "%s - %s - %s\n", level_name(level), log_name, msg);
}

void log_elapsed(double secs, char *buf, unsigned len)
{
    long long s = llrint(secs);
    long long days = s / 86400;
    s %= 86400;
    if (days)
        snprintf(buf, len, "%lld day%s, %lld:%02lld:%02lld", days, days == 1 ? "" : "s", s / 3600,
                 s / 60 % 60, s % 60);
    else
        snprintf(buf, len, "%lld:%02lld:%02lld", s / 3600, s / 60 % 60, s % 60);
}
