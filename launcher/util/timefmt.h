/* timefmt.h: Sacred's timestamps: naive UTC ISO 8601, always with six digits of
 * microseconds (Sacred drops them at .000000, which breaks Sacredboard's parser). */
#ifndef SR_TIMEFMT_H
#define SR_TIMEFMT_H

#include <time.h>

#define TIME_ISO_LEN 80

/* "YYYY-MM-DDTHH:MM:SS.ffffff" for ts (CLOCK_REALTIME). */
void time_iso(const struct timespec *ts, char buf[TIME_ISO_LEN]);
/* The same for now. */
void time_iso_now(char buf[TIME_ISO_LEN]);
/* Reads a naive UTC "YYYY-MM-DD", "YYYY-MM-DDTHH:MM[:SS[.ffffff]]" (or with ' ' for 'T')
 * into seconds since the epoch. 0, or -1 when s is not such a time. */
int time_iso_parse(const char *s, double *t);

#endif
