/* timefmt.c: fixed-width UTC timestamps for every record file, and reading them back. */
#include "util/timefmt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void time_iso(const struct timespec *ts, char buf[TIME_ISO_LEN])
{
    /* The date and time of day are formatted once per second (metrics stamp many points
     * per second); the microseconds every time. The cache is per thread. */
    static _Thread_local time_t cached_sec = -1;
    static _Thread_local char prefix[TIME_ISO_LEN];
    if (ts->tv_sec != cached_sec) {
        struct tm tm;
        gmtime_r(&ts->tv_sec, &tm);
        snprintf(prefix, sizeof(prefix), "%04d-%02d-%02dT%02d:%02d:%02d.", tm.tm_year + 1900,
                 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
        cached_sec = ts->tv_sec;
    }
    size_t n = strlen(prefix);
    memcpy(buf, prefix, n);
    long us = ts->tv_nsec / 1000;
    for (int i = 5; i >= 0; i--, us /= 10)
        buf[n + (size_t)i] = (char)('0' + us % 10);
    buf[n + 6] = '\0';
}

void time_iso_now(char buf[TIME_ISO_LEN])
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    time_iso(&ts, buf);
}

/* n digits at s as a number, or -1. */
static int digits(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

/* The form this launcher and Sacred write, "YYYY-MM-DDTHH:MM:SS.ffffff", read without sscanf
 * and timegm (metrics.json holds one per point): days from the civil date. 0, or -1 when s
 * is not in exactly that form (time_iso_parse then reads it the general way). */
static int iso_exact(const char *s, double *t)
{
    if (strlen(s) != 26 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':'
        || s[16] != ':' || s[19] != '.')
        return -1;
    int y = digits(s, 4), mo = digits(s + 5, 2), d = digits(s + 8, 2), h = digits(s + 11, 2);
    int mi = digits(s + 14, 2), sec = digits(s + 17, 2), us = digits(s + 20, 6);
    if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || mi < 0 || sec < 0 || sec >= 61
        || us < 0)
        return -1;
    long yy = y - (mo <= 2), era = yy / 400, yoe = yy - era * 400;
    long doy = (153L * (mo > 2 ? mo - 3 : mo + 9) + 2) / 5 + d - 1;
    long days = era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
    *t = (double)days * 86400 + h * 3600 + mi * 60 + sec + us / 1e6;
    return 0;
}

int time_iso_parse(const char *s, double *t)
{
    if (iso_exact(s, t) == 0)
        return 0;
    struct tm tm = { 0 };
    int n = 0;
    double frac = 0;
    if (sscanf(s, "%4d-%2d-%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &n) != 3)
        return -1;
    const char *p = s + n;
    if (*p == 'T' || *p == ' ') {
        n = 0;
        if (sscanf(p + 1, "%2d:%2d%n", &tm.tm_hour, &tm.tm_min, &n) != 2)
            return -1;
        p += 1 + n;
        if (*p == ':') {
            char *end;
            double sec = strtod(p + 1, &end);
            if (end == p + 1 || sec < 0 || sec >= 61)
                return -1;
            tm.tm_sec = (int)sec;
            frac = sec - tm.tm_sec;
            p = end;
        }
    }
    if (*p || tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 || tm.tm_mday > 31)
        return -1;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    *t = (double)timegm(&tm) + frac;
    return 0;
}
