/* measure.h: finding measurements in the program's (filtered) output: splits it into
 * lines and runs the default patterns and the --metric patterns over each. */
#ifndef SR_MEASURE_H
#define SR_MEASURE_H

#include <stddef.h>

#include "capture/metric_regex.h"
#include "record/metrics.h"
#include "util/strbuf.h"
#include "util/timefmt.h"

/* Called for each measurement found (after the step is settled). */
typedef void measure_seen_fn(void *ctx, size_t lineno, const char *name, const char *value,
                             long long step);

struct measure {
    struct metrics *ms;
    int defaults;                /* use the default patterns */
    struct metric_regex *rx;
    int nrx;
    struct strbuf partial;       /* an unfinished line */
    size_t lineno;               /* lines parsed (all of them when seen is set) */
    unsigned long long bad_names; /* points dropped: a name with a control character */
    measure_seen_fn *seen;       /* optional observer (--metric-test prints) */
    void *seen_ctx;
    char stamp[TIME_ISO_LEN];    /* arrival time of the output being parsed */
};

/* Compiles the --metric patterns; dies with status 125 on a bad one. */
void measure_init(struct measure *m, struct metrics *ms, int defaults, char **patterns,
                  int npatterns);
/* Feeds output; complete lines are parsed. */
void measure_feed(struct measure *m, const char *buf, size_t n);
/* Parses the last, unterminated line. */
void measure_finish(struct measure *m);
void measure_release(struct measure *m);

/* --metric-test: prints what a log file would yield and returns the exit status. */
int measure_test_file(const char *path, int defaults, char **patterns, int npatterns, int filter);

#endif
