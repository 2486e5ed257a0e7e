/* log.c: Sacred-style log lines for the run's life cycle and its warnings; one write per
 * line. Nothing here allocates: the kinds of warnings seen are a fixed table. */
#include "util/log.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int log_threshold = LOG_INFO;
static const char *log_name = "sacred-run";
static int log_active;

/* A kind of warning: its text without the quoted parts, how often it came, the last one. */
static struct repeat {
    char kind[160], last[512];
    unsigned more;
} repeats[32];
static unsigned nrepeats;

void log_setup(int threshold, const char *name)
{
    log_threshold = threshold;
    log_name = name;
    log_active = 1;
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

/* "artifact 'a.bin' is larger" -> "artifact '' is larger". */
static void kind_of(const char *msg, char *kind, size_t len)
{
    size_t k = 0;
    for (int quoted = 0; *msg && k + 1 < len; msg++) {
        if (!quoted || *msg == '\'')
            kind[k++] = *msg;
        quoted ^= *msg == '\'';
    }
    kind[k] = '\0';
}

/* 1 when msg is a repeat of a kind already printed (and is counted), else 0. */
static int repeated(const char *msg)
{
    char kind[sizeof(repeats->kind)];
    kind_of(msg, kind, sizeof(kind));
    for (unsigned i = 0; i < nrepeats; i++)
        if (!strcmp(repeats[i].kind, kind)) {
            repeats[i].more++;
            snprintf(repeats[i].last, sizeof(repeats[i].last), "%s", msg);
            return 1;
        }
    if (nrepeats < sizeof(repeats) / sizeof(*repeats))
        snprintf(repeats[nrepeats++].kind, sizeof(kind), "%s", kind);
    return 0;
}

int log_vwarning(const char *fmt, va_list ap)
{
    if (!log_active)
        return 0;
    if (LOG_WARNING < log_threshold)
        return 1;
    char msg[sizeof(repeats->last)];
    vsnprintf(msg, sizeof(msg), fmt, ap);
    if (!repeated(msg))
        log_msg(LOG_WARNING, "%s", msg);
    return 1;
}

void log_repeats(void)
{
    for (unsigned i = 0; i < nrepeats; i++)
        if (repeats[i].more)
            log_msg(LOG_WARNING, "%u more warning%s of this kind, the last: %s", repeats[i].more,
                    repeats[i].more == 1 ? "" : "s", repeats[i].last);
    nrepeats = 0;
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
