/* dbpoints.c: metric points into the metrics table with bulk loads. A point's key is
 * (run, name, seq), seq its index in its metric; only points past what the database
 * already holds of each metric are loaded, so nothing is loaded twice. Never prints. */
#include "store/dbparts.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "record/metrics_read.h"
#include "record/sacred_files.h"
#include "store/db.h"
#include "store/dbsync.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/nameindex.h"

static const char *const cols[] = { "run_id", "name", "seq", "step", "timestamp", "value", "value_text" };

/* How many points of each metric the database holds (one past its largest seq). */
struct counts {
    struct name_index ix;
    char **name;
    long long *next;
    size_t n;
};

static int counts_load(struct db *d, long long id, struct counts *c)
{
    memset(c, 0, sizeof(*c));
    char key[24];
    snprintf(key, sizeof(key), "%lld", id);
    struct db_param p = DB_TEXT(key);
    struct db_rows *r;
    if (db_exec(d, "SELECT name, max(seq) + 1 FROM metrics WHERE run_id = $1 GROUP BY name", 1, &p, &r))
        return -1;
    c->n = db_rows_count(r);
    c->name = xcalloc(c->n + 1, sizeof(*c->name));
    c->next = xcalloc(c->n + 1, sizeof(*c->next));
    for (size_t i = 0; i < c->n; i++) {
        c->name[i] = xstrdup(db_value(r, i, 0));
        c->next[i] = db_value_ll(r, i, 1, 0);
        name_index_put(&c->ix, c->name[i], i);
    }
    db_rows_free(r);
    return 0;
}

static long long counts_of(const struct counts *c, const char *name, size_t len)
{
    long at = name_index_get(&c->ix, name, len);
    return at < 0 ? 0 : c->next[at];
}

static void counts_release(struct counts *c)
{
    for (size_t i = 0; i < c->n; i++)
        free(c->name[i]);
    free(c->name);
    free(c->next);
    name_index_release(&c->ix);
}

/* The number column: the value when it is one (Python's NaN and infinities too), as its
 * own text, which both databases read; out of a double's range, the double it rounds to. */
static const char *number_text(const char *value, char buf[40])
{
    char *end;
    errno = 0;
    double v = strtod(value, &end);
    if (end == value || *end)
        return NULL;
    if (errno != ERANGE)
        return value;
    if (isinf(v))
        return v > 0 ? "Infinity" : "-Infinity";
    snprintf(buf, 40, "%.17g", v);
    return buf;
}

static int load_point(struct db *d, const char *key, const char *name, const char *seq,
                      const char *step, const char *stamp, const char *value)
{
    char num[40];
    const char *vals[] = { key, name, seq, step, stamp, number_text(value, num), value };
    return db_load_row(d, vals);
}

/* The handed-over rows "name\tseq\tstep\tstamp\tvalue\n", those past c when c. */
static int load_inflight(struct db *d, struct dbsync *s, const char *key, const struct counts *c)
{
    char *buf = s->inflight.buf, *end = buf + s->inflight.len;
    for (char *line = buf; line && line < end;) {
        char *f[5], *nl = memchr(line, '\n', (size_t)(end - line));
        *nl = 0;
        for (int i = 0; i < 5; i++) {
            f[i] = line;
            char *tab = strchr(line, '\t');
            if (tab)
                *tab = 0;
            line = tab ? tab + 1 : line + strlen(line);
        }
        int skip = c && strtoll(f[1], NULL, 10) < counts_of(c, f[0], strlen(f[0]));
        int rc = skip ? 0 : load_point(d, key, f[0], f[1], f[2], f[3], f[4]);
        for (char *p = f[0]; p < nl; p++) /* back to the rows as they were, for a retry */
            if (!*p)
                *p = '\t';
        *nl = '\n';
        if (rc)
            return -1;
        line = nl + 1;
    }
    return 0;
}

/* A JSON text of the file as the column's text: strings without their quotes. */
static char *point_text(const struct series_point *p, int which)
{
    const char *t = p->text[which];
    size_t n = p->n[which];
    if (n >= 2 && t[0] == '"')
        return xstrndup(t + 1, n - 2);
    return xstrndup(t, n);
}

static int load_series(struct db *d, const struct metrics_file *mf, const struct series_info *si,
                       const char *key, long long from, char *err, size_t errlen)
{
    struct series_cursor cur;
    struct series_point pt;
    series_open(&cur, mf, si, SERIES_ALL);
    int rc = 0, more;
    for (long long seq = 0; !rc && (more = series_next(&cur, &pt, err, errlen)) == 1; seq++) {
        if (seq < from)
            continue;
        char sq[24], *step = point_text(&pt, SERIES_STEPS), *stamp = point_text(&pt, SERIES_STAMPS);
        char *value = point_text(&pt, SERIES_VALUES);
        snprintf(sq, sizeof(sq), "%lld", seq);
        if (load_point(d, key, si->name, sq, step, stamp, value))
            rc = error_text(err, errlen, "%s", db_error(d));
        free(step);
        free(stamp);
        free(value);
    }
    series_close(&cur);
    return rc ? rc : more < 0 ? -1 : 0;
}

/* Every point of metrics.json past what c says the database holds. */
static int load_file(struct db *d, struct dbsync *s, const char *key, const struct counts *c,
                     char *err, size_t errlen)
{
    struct metrics_file mf;
    if (metrics_file_open(&mf, s->dir, 0, err, errlen))
        return -1;
    int rc = 0;
    for (size_t i = 0; !rc && i < mf.n; i++) {
        long long from = counts_of(c, mf.series[i].name, strlen(mf.series[i].name));
        if ((size_t)from < mf.series[i].count)
            rc = load_series(d, &mf, &mf.series[i], key, from, err, errlen);
    }
    metrics_file_close(&mf);
    return rc;
}

/* metrics.json is as it was when its points were last loaded and committed (the launcher
 * rewrites it at a beat when it is due): nothing to read. Else notes its state. */
static int file_unchanged(struct dbsync *s)
{
    struct stat st;
    char *p = xasprintf("%s/" METRICS_JSON, s->dir);
    int got = stat(p, &st) == 0;
    free(p);
    if (got && s->known && stat_unchanged(&st, &s->file_loaded))
        return 1;
    s->file_loaded = got ? st : (struct stat){ .st_size = -1 };
    return 0;
}

int dbpoints_store(struct db *d, struct dbsync *s, int final, char *err, size_t errlen)
{
    /* The launcher hands over every point up to a bound; metrics.json is read only for
     * those it dropped (overflow) or when the points are not the launcher's (sync, export). */
    int from_file = s->overflow || (final && !s->live);
    if (from_file ? file_unchanged(s) : !s->inflight.len)
        return 0;
    struct counts c;
    int need = from_file || !s->known;
    if (need && counts_load(d, s->id, &c))
        return error_text(err, errlen, "%s", db_error(d));
    char key[24];
    snprintf(key, sizeof(key), "%lld", s->id);
    int rc = db_load_begin(d, "metrics", cols, 7) ? error_text(err, errlen, "%s", db_error(d)) : 0;
    if (!rc) {
        rc = from_file ? load_file(d, s, key, &c, err, errlen)
             : load_inflight(d, s, key, need ? &c : NULL) ? error_text(err, errlen, "%s", db_error(d))
                                                          : 0;
        if (db_load_end(d) && !rc)
            rc = error_text(err, errlen, "%s", db_error(d));
    }
    if (need)
        counts_release(&c);
    return rc;
}
