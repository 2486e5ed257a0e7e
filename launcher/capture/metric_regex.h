/* metric_regex.h: user metric patterns (--metric): PCRE2 regular expressions with named
 * groups (?<name>...) and (?<value>...), optionally (?<step>...); every match on a line
 * is a measurement. */
#ifndef SR_METRIC_REGEX_H
#define SR_METRIC_REGEX_H

#include <stddef.h>

struct metric_regex {
    void *code, *md;           /* pcre2_code, pcre2_match_data */
    int name_grp, value_grp, step_grp;
    char *fixed_name;          /* NAME of "NAME=REGEX" (a pattern without a name group) */
};

typedef void metric_hit_fn(void *ctx, const char *name, size_t nlen, const char *value,
                           size_t vlen, const char *step, size_t slen);

/* Compiles pattern, "REGEX" with a name group or "NAME=REGEX"; on error writes a one-line
 * reason to err and returns -1. */
int metric_regex_compile(struct metric_regex *r, const char *pattern, char *err, size_t errlen);
/* Calls hit for every match in line. */
void metric_regex_scan(struct metric_regex *r, const char *line, size_t n, metric_hit_fn *hit,
                       void *ctx);
void metric_regex_free(struct metric_regex *r);

#endif
