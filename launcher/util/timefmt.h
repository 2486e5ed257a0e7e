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

#endif
