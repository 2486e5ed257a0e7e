/* metric_parse.h: the default metric patterns: "name: value" and "name=value" pairs, any
 * number of them on a line, with a step from step/epoch/iter keys, "epoch 3", "(step 5)"
 * or a leading "[12]". Works on one line of filtered output; never allocates. */
#ifndef SR_METRIC_PARSE_H
#define SR_METRIC_PARSE_H

#include <stddef.h>

enum { METRIC_HITS_MAX = 32, METRIC_NAME_MAX = 200 };

/* Whether name[0..n) may name a metric: 1 to METRIC_NAME_MAX bytes, none of them a
 * control character (they would reach terminals and tables through the readers). */
int metric_name_valid(const char *name, size_t n);

struct metric_hit {
    const char *name;  /* points into the line */
    size_t name_len;
    const char *value; /* the numeric token */
    size_t value_len;
};

struct metric_line {
    struct metric_hit hit[METRIC_HITS_MAX];
    int n;
    int has_step;
    long long step;
};

/* Fills out with what the line yields (out->n == 0: nothing). */
void metric_parse_line(const char *s, size_t n, struct metric_line *out);

#endif
