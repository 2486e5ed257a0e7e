/* metric_regex.c: --metric patterns through PCRE2 (JIT-compiled when available). Lines
 * that are not valid UTF-8 are still matched (PCRE2_MATCH_INVALID_UTF). */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "capture/metric_regex.h"

#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"

/* The NAME of "NAME=REGEX", or NULL (then the whole pattern is the regex). */
static char *fixed_name(const char *pattern, const char **regex)
{
    size_t n = strspn(pattern, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./-");
    *regex = pattern;
    if (n == 0 || pattern[n] != '=' || strstr(pattern, "(?<name>") || strstr(pattern, "(?P<name>"))
        return NULL;
    *regex = pattern + n + 1;
    return xstrndup(pattern, n);
}

static pcre2_code *compile(const char *regex, const char *pattern, char *err, size_t errlen)
{
    int code;
    PCRE2_SIZE at;
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)regex, PCRE2_ZERO_TERMINATED,
                                   PCRE2_UTF | PCRE2_MATCH_INVALID_UTF, &code, &at, NULL);
    if (!re) {
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(code, msg, sizeof(msg));
        snprintf(err, errlen, "invalid --metric pattern '%s' at offset %zu: %s", pattern,
                 (size_t)at, (char *)msg);
    }
    return re;
}

int metric_regex_compile(struct metric_regex *r, const char *pattern, char *err, size_t errlen)
{
    const char *regex;
    r->fixed_name = fixed_name(pattern, &regex);
    pcre2_code *re = compile(regex, pattern, err, errlen);
    if (!re)
        goto fail;
    r->name_grp = pcre2_substring_number_from_name(re, (PCRE2_SPTR) "name");
    r->value_grp = pcre2_substring_number_from_name(re, (PCRE2_SPTR) "value");
    r->step_grp = pcre2_substring_number_from_name(re, (PCRE2_SPTR) "step");
    if ((r->name_grp < 0 && !r->fixed_name) || r->value_grp < 0) {
        snprintf(err, errlen, "--metric pattern '%s' needs the named groups (?<name>...) and "
                 "(?<value>...), or the form NAME=REGEX with (?<value>...)", pattern);
        pcre2_code_free(re);
        goto fail;
    }
    pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
    r->code = re;
    r->md = pcre2_match_data_create_from_pattern(re, NULL);
    return 0;
fail:
    free(r->fixed_name);
    r->fixed_name = NULL;
    return -1;
}

static void group(PCRE2_SIZE *ov, int g, const char *line, const char **s, size_t *n)
{
    *s = NULL;
    *n = 0;
    if (g > 0 && ov[2 * g] != PCRE2_UNSET) {
        *s = line + ov[2 * g];
        *n = ov[2 * g + 1] - ov[2 * g];
    }
}

void metric_regex_scan(struct metric_regex *r, const char *line, size_t n, metric_hit_fn *hit,
                       void *ctx)
{
    PCRE2_SIZE start = 0;
    while (start <= n) {
        int rc = pcre2_match(r->code, (PCRE2_SPTR)line, n, start, 0, r->md, NULL);
        if (rc < 0)
            return;
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(r->md);
        const char *name, *value, *step;
        size_t nl, vl, sl;
        group(ov, r->name_grp, line, &name, &nl);
        if (r->fixed_name) {
            name = r->fixed_name;
            nl = strlen(name);
        }
        group(ov, r->value_grp, line, &value, &vl);
        group(ov, r->step_grp, line, &step, &sl);
        if (name && value)
            hit(ctx, name, nl, value, vl, step, sl);
        start = ov[1] > ov[0] ? ov[1] : ov[0] + 1;
    }
}

void metric_regex_free(struct metric_regex *r)
{
    pcre2_match_data_free(r->md);
    pcre2_code_free(r->code);
    free(r->fixed_name);
    r->md = r->code = NULL;
    r->fixed_name = NULL;
}
