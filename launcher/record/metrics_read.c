/* metrics_read.c: metrics.json as an index of series plus cursors. The index is one pass
 * of the token reader over the whole file; a cursor reads the three lists of one series
 * side by side, each with its own reader. Nothing here prints. */
#include "record/metrics_read.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "json/json.h"
#include "json/json_parse.h"
#include "record/sacred_files.h"
#include "util/error.h"

static const char *const list_names[SERIES_LISTS] = { "steps", "timestamps", "values" };

int series_step_cmp(const struct series_step *a, const struct series_step *b)
{
    if (a->is_int && b->is_int)
        return (a->i > b->i) - (a->i < b->i);
    return (a->d > b->d) - (a->d < b->d);
}

/* A number token as a step; -1 when it is none. */
static int parse_step(const char *text, size_t n, struct series_step *st)
{
    st->is_int = json_scan_integer(text, n, &st->i);
    if (st->is_int) {
        st->d = (double)st->i;
        return 0;
    }
    st->is_int = !memchr(text, '.', n) && !memchr(text, 'e', n) && !memchr(text, 'E', n);
    if (st->is_int) {
        char small[64];
        if (n >= sizeof(small))
            return -1;
        memcpy(small, text, n);
        small[n] = '\0';
        errno = 0;
        st->i = strtoll(small, NULL, 10);
        st->d = (double)st->i;
        st->is_int = errno != ERANGE;
    }
    return st->is_int ? 0 : json_scan_double(text, n, &st->d);
}

struct indexer {
    struct json_scan s;
    int check_points;
    char *err;
    size_t errlen;
};

static int bad(struct indexer *x, enum json_token t, const char *expected)
{
    return error_text(x->err, x->errlen,
                      METRICS_JSON " is not valid JSON at byte %lld (%s): corrupt or half-written",
                      (long long)x->s.at, t == JSON_ERROR && x->s.error ? x->s.error : expected);
}

static int scalar(enum json_token t)
{
    return t == JSON_STRING || t == JSON_NUMBER || t == JSON_LITERAL;
}

/* One of the lists of series si: its offset, its length, whether its steps ascend. */
static int read_list(struct indexer *x, struct series_info *si, int which, size_t *count)
{
    struct json_scan *s = &x->s;
    struct series_step prev = { 0 }, st = { 0 };
    enum json_token t = json_scan_next(s);
    if (t == JSON_END || t == JSON_ERROR)
        return bad(x, t, "expected a list");
    if (t != JSON_OPEN_ARRAY)
        return error_text(x->err, x->errlen, METRICS_JSON ": metric '%s': '%s' is not a list",
                          si->name, list_names[which]);
    si->list[which] = s->at + 1;
    *count = 0;
    if (!x->check_points) {
        si->ascending = -1;
        return json_scan_count_list(s, count) < 0 ? bad(x, JSON_ERROR, "") : 0;
    }
    if ((t = json_scan_next(s)) == JSON_CLOSE_ARRAY)
        return 0;
    for (;; t = json_scan_next(s)) {
        if (t == JSON_OPEN_ARRAY || t == JSON_OPEN_OBJECT)
            return error_text(x->err, x->errlen, METRICS_JSON ": metric '%s': %s holds a list or an object",
                              si->name, list_names[which]);
        if (!scalar(t))
            return bad(x, t, "expected a value");
        if (which == SERIES_STEPS && (t != JSON_NUMBER || parse_step(s->text, s->n, &st) < 0))
            return error_text(x->err, x->errlen, METRICS_JSON ": metric '%s': step %zu is not a number",
                              si->name, *count + 1);
        if (which == SERIES_STEPS && *count && series_step_cmp(&st, &prev) < 0)
            si->ascending = 0;
        prev = st;
        (*count)++;
        if ((t = json_scan_next(s)) == JSON_CLOSE_ARRAY)
            return 0;
        if (t != JSON_COMMA)
            return bad(x, t, "expected ',' or ']'");
    }
}

/* A series object {"steps": [...], "timestamps": [...], "values": [...]}. */
static int read_series(struct indexer *x, struct series_info *si)
{
    struct json_scan *s = &x->s;
    size_t count[SERIES_LISTS] = { 0 };
    int seen[SERIES_LISTS] = { 0 };
    enum json_token t = json_scan_next(s);
    if (t == JSON_END || t == JSON_ERROR)
        return bad(x, t, "expected an object");
    if (t != JSON_OPEN_OBJECT)
        return error_text(x->err, x->errlen, METRICS_JSON ": metric '%s' is not an object", si->name);
    for (t = json_scan_next(s); t != JSON_CLOSE_OBJECT; t = json_scan_next(s)) {
        int which = SERIES_LISTS;
        for (int i = 0; t == JSON_STRING && i < SERIES_LISTS; i++)
            if (s->n == strlen(list_names[i]) + 2 && !memcmp(s->text + 1, list_names[i], s->n - 2))
                which = i;
        if (t != JSON_STRING || json_scan_next(s) != JSON_COLON)
            return bad(x, t, "expected a key");
        if (which == SERIES_LISTS) {
            if (json_scan_skip(s, json_scan_next(s)) < 0)
                return bad(x, JSON_ERROR, "");
        } else if (read_list(x, si, which, &count[which]) < 0)
            return -1;
        else
            seen[which] = 1;
        if ((t = json_scan_next(s)) == JSON_CLOSE_OBJECT)
            break;
        if (t != JSON_COMMA)
            return bad(x, t, "expected ',' or '}'");
    }
    for (int i = 0; i < SERIES_LISTS; i++)
        if (!seen[i] || count[i] != count[0])
            return error_text(x->err, x->errlen, METRICS_JSON ": metric '%s': %s", si->name,
                              seen[i] ? "steps, timestamps and values differ in length" : "a list is missing");
    si->count = count[0];
    return 0;
}

static int read_file(struct indexer *x, struct metrics_file *mf)
{
    struct json_scan *s = &x->s;
    enum json_token t = json_scan_next(s);
    if (t != JSON_OPEN_OBJECT)
        return bad(x, t, "expected an object");
    for (t = json_scan_next(s); t != JSON_CLOSE_OBJECT; t = json_scan_next(s)) {
        if (t != JSON_STRING)
            return bad(x, t, "expected a metric name");
        mf->series = xrealloc(mf->series, (mf->n + 1) * sizeof(*mf->series));
        struct series_info *si = &mf->series[mf->n++];
        *si = (struct series_info){ .ascending = 1 };
        si->name = json_scan_string(s->text, s->n);
        if ((t = json_scan_next(s)) != JSON_COLON)
            return bad(x, t, "expected ':'");
        if (read_series(x, si) < 0)
            return -1;
        if ((t = json_scan_next(s)) == JSON_CLOSE_OBJECT)
            break;
        if (t != JSON_COMMA)
            return bad(x, t, "expected ',' or '}'");
    }
    return (t = json_scan_next(s)) == JSON_END ? 0 : bad(x, t, "text after the end");
}

int metrics_file_open(struct metrics_file *mf, const char *dir, int flags, char *err, size_t errlen)
{
    char *path = xasprintf("%s/" METRICS_JSON, dir);
    memset(mf, 0, sizeof(*mf));
    mf->fd = open(path, O_RDONLY | O_CLOEXEC);
    free(path);
    if (mf->fd < 0)
        return errno == ENOENT ? 0 : error_text(err, errlen, "cannot read " METRICS_JSON ": %s", strerror(errno));
    struct indexer x = { .err = err, .errlen = errlen, .check_points = !(flags & METRICS_POINTS_UNCHECKED) };
    json_scan_open(&x.s, mf->fd, 0);
    int rc = read_file(&x, mf);
    json_scan_close(&x.s);
    if (rc < 0)
        metrics_file_close(mf);
    return rc;
}

const struct series_info *metrics_file_find(const struct metrics_file *mf, const char *name)
{
    for (size_t i = 0; i < mf->n; i++)
        if (!strcmp(mf->series[i].name, name))
            return &mf->series[i];
    return NULL;
}

void metrics_file_close(struct metrics_file *mf)
{
    for (size_t i = 0; i < mf->n; i++)
        free(mf->series[i].name);
    free(mf->series);
    if (mf->fd >= 0)
        close(mf->fd);
    memset(mf, 0, sizeof(*mf));
    mf->fd = -1;
}

void series_open(struct series_cursor *c, const struct metrics_file *mf, const struct series_info *si,
                 int lists)
{
    for (int i = 0; i < SERIES_LISTS; i++)
        json_scan_open(&c->scan[i], mf->fd, si->list[i]);
    c->lists = lists;
    c->left = si->count;
    c->done = 0;
}

int series_next(struct series_cursor *c, struct series_point *p, char *err, size_t errlen)
{
    if (!c->left)
        return 0;
    for (int i = 0; i < SERIES_LISTS; i++) {
        struct json_scan *s = &c->scan[i];
        if (!(c->lists & (1 << i)))
            continue;
        if ((c->done && json_scan_next(s) != JSON_COMMA) || !scalar(p->kind[i] = json_scan_next(s)))
            return error_text(err, errlen, METRICS_JSON " changed while it was read");
        p->text[i] = s->text;
        p->n[i] = s->n;
    }
    if ((c->lists & (1 << SERIES_STEPS)) && parse_step(p->text[SERIES_STEPS], p->n[SERIES_STEPS], &p->step) < 0)
        return error_text(err, errlen, METRICS_JSON " changed while it was read");
    c->done++;
    c->left--;
    return 1;
}

void series_close(struct series_cursor *c)
{
    for (int i = 0; i < SERIES_LISTS; i++)
        json_scan_close(&c->scan[i]);
}

/* A value token as a number (Python's NaN and infinities too); 0 when it is none. */
static int number_of(enum json_token kind, const char *text, size_t n, double *d)
{
    if (kind == JSON_LITERAL) {
        int nan = n == 3 && !memcmp(text, "NaN", 3), inf = n == 8 && !memcmp(text, "Infinity", 8);
        int minus_inf = n == 9 && !memcmp(text, "-Infinity", 9);
        *d = nan ? NAN : inf ? INFINITY : -INFINITY;
        return nan || inf || minus_inf;
    }
    return kind == JSON_NUMBER && json_scan_double(text, n, d) == 0;
}

int series_number(const struct series_point *p, int which, double *d)
{
    return number_of(p->kind[which], p->text[which], p->n[which], d);
}

static void keep(struct strbuf *sb, const char *text, size_t n)
{
    strbuf_reset(sb);
    strbuf_add(sb, text, n);
}

/* The JSON value of a kept token, or null when there is none. */
static cJSON *kept_value(const struct strbuf *sb)
{
    cJSON *v = sb->len ? json_parse_typed(sb->buf) : NULL;
    return v ? v : cJSON_CreateNull();
}

static int summarise(const struct metrics_file *mf, const struct series_info *si, cJSON *out,
                     char *err, size_t errlen)
{
    enum { FIRST, LAST, MIN, MAX };
    static const char *const names[] = { "first", "last", "min", "max" };
    struct strbuf kept[4] = { STRBUF_INIT, STRBUF_INIT, STRBUF_INIT, STRBUF_INIT };
    struct series_cursor c;
    struct series_point p;
    double d, lo = 0, hi = 0;
    int r;
    series_open(&c, mf, si, 1 << SERIES_VALUES);
    while ((r = series_next(&c, &p, err, errlen)) > 0) {
        const char *t = p.text[SERIES_VALUES];
        size_t n = p.n[SERIES_VALUES];
        if (c.done == 1)
            keep(&kept[FIRST], t, n);
        keep(&kept[LAST], t, n);
        if (!number_of(p.kind[SERIES_VALUES], t, n, &d) || isnan(d))
            continue;
        if (!kept[MIN].len || d < lo)
            keep(&kept[MIN], t, n), lo = d;
        if (!kept[MAX].len || d > hi)
            keep(&kept[MAX], t, n), hi = d;
    }
    series_close(&c);
    cJSON *s = r < 0 ? NULL : cJSON_AddObjectToObject(out, si->name);
    if (s)
        cJSON_AddItemToObject(s, "count", json_int((long long)si->count));
    for (int k = 0; k < 4; k++) {
        if (s)
            cJSON_AddItemToObject(s, names[k], kept_value(&kept[k]));
        strbuf_release(&kept[k]);
    }
    return r < 0 ? -1 : 0;
}

cJSON *metrics_file_summaries(const char *dir, char *err, size_t errlen)
{
    struct metrics_file mf;
    if (metrics_file_open(&mf, dir, 0, err, errlen) < 0)
        return NULL;
    cJSON *out = cJSON_CreateObject();
    for (size_t i = 0; i < mf.n && out; i++)
        if (summarise(&mf, &mf.series[i], out, err, errlen) < 0) {
            cJSON_Delete(out);
            out = NULL;
        }
    metrics_file_close(&mf);
    return out;
}
