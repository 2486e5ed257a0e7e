/* timefmt.c: fixed-width UTC timestamps for every record file. */
#include "timefmt.h"

#include <stdio.h>

void time_iso(const struct timespec *ts, char buf[TIME_ISO_LEN])
{
    struct tm tm;
    gmtime_r(&ts->tv_sec, &tm);
    snprintf(buf, TIME_ISO_LEN, "%04d-%02d-%02dT%02d:%02d:%02d.%06ld", tm.tm_year + 1900,
             tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ts->tv_nsec / 1000);
}

void time_iso_now(char buf[TIME_ISO_LEN])
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    time_iso(&ts, buf);
}
