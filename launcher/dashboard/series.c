/* series.c: the metric cache (one entry per run directory: metrics.json's index, and each
 * series' arrays once asked for; replaced when the file's mtime or size changes, least
 * recently used dropped first) and the min/max reduction. Readers of different series
 * read at once; the cache's lock is never held while a file is read. */
#include "dashboard/series.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "json/json.h"
#include "record/metrics_read.h"
#include "record/sacred_files.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/timefmt.h"

enum { HAVE_VALUES = 1, HAVE_TIME = 2 }; /* what of a series is read */

struct entry {
    char *dir;
    struct stat st;         /* metrics.json's when it was indexed */
    int indexing;           /* the index is being built (wait on changed) */
    struct metrics_file mf; /* the index, and the descriptor series are read through */
    char *error;            /* why metrics.json could not be read */
    struct series *s;       /* one per mf.series */
    int *have, *busy;       /* per series: HAVE_ bits read; being read by a thread */
    size_t *by_name;        /* the series' indices in name order */
    size_t numbers;         /* doubles held */
    unsigned long used;
    int refs;               /* the cache's own, and one per caller using it */
};

struct series_cache {
    pthread_mutex_t lock;
    pthread_cond_t changed; /* an index or a series was read */
    struct entry **e;
    size_t n;
    size_t numbers, max_numbers;
    unsigned long clock;
};

struct series_cache *series_cache_new(size_t max_points)
{
    struct series_cache *c = xcalloc(1, sizeof(*c));
    pthread_mutex_init(&c->lock, NULL);
    pthread_cond_init(&c->changed, NULL);
    c->max_numbers = max_points;
    return c;
}

static void entry_free(struct entry *e)
{
    for (size_t i = 0; i < e->mf.n; i++) {
        free(e->s[i].step);
        free(e->s[i].time);
        free(e->s[i].value);
    }
    free(e->s);
    free(e->have);
    free(e->busy);
    free(e->by_name);
    metrics_file_close(&e->mf);
    free(e->dir);
    free(e->error);
    free(e);
}

/* Drops a reference; called with the lock held. */
static void entry_unref(struct entry *e)
{
    if (--e->refs == 0)
        entry_free(e);
}

/* Takes entry i out of the cache (callers using it keep it until they let go). */
static void drop(struct series_cache *c, size_t i)
{
    c->numbers -= c->e[i]->numbers;
    entry_unref(c->e[i]);
    c->e[i] = c->e[--c->n];
}

void series_cache_free(struct series_cache *c)
{
    while (c->n)
        drop(c, 0);
    free(c->e);
    pthread_cond_destroy(&c->changed);
    pthread_mutex_destroy(&c->lock);
    free(c);
}

static int by_index_name(const void *a, const void *b, void *arg)
{
    const struct series_info *si = arg;
    return strcmp(si[*(const size_t *)a].name, si[*(const size_t *)b].name);
}

/* Builds e's index from its metrics.json (without the cache's lock). */
static void entry_index(struct entry *e)
{
    char err[512];
    if (metrics_file_open(&e->mf, e->dir, METRICS_POINTS_UNCHECKED, err, sizeof(err)) < 0)
        e->error = xstrdup(err);
    size_t n = e->mf.n ? e->mf.n : 1;
    e->s = xcalloc(n, sizeof(*e->s));
    e->have = xcalloc(n, sizeof(int));
    e->busy = xcalloc(n, sizeof(int));
    e->by_name = xcalloc(n, sizeof(size_t));
    for (size_t i = 0; i < e->mf.n; i++) {
        e->s[i].name = e->mf.series[i].name;
        e->s[i].n = e->mf.series[i].count;
        e->by_name[i] = i;
    }
    qsort_r(e->by_name, e->mf.n, sizeof(size_t), by_index_name, e->mf.series);
}

/* The cache's entry for rundir, indexed, with a reference for the caller; a new one when
 * metrics.json changed. */
static struct entry *acquire(struct series_cache *c, const char *rundir)
{
    struct stat st;
    char *path = xasprintf("%s/" METRICS_JSON, rundir);
    if (stat(path, &st) < 0)
        memset(&st, 0, sizeof(st));
    free(path);
    pthread_mutex_lock(&c->lock);
    struct entry *e = NULL;
    size_t i = 0;
    while (i < c->n && strcmp(c->e[i]->dir, rundir))
        i++;
    if (i < c->n && stat_unchanged(&c->e[i]->st, &st))
        e = c->e[i];
    else if (i < c->n)
        drop(c, i); /* metrics.json changed: a new entry replaces it */
    if (!e) {
        e = xcalloc(1, sizeof(*e));
        *e = (struct entry){ .dir = xstrdup(rundir), .st = st,
                             .indexing = 1, .refs = 2 };
        e->mf.fd = -1;
        c->e = xrealloc(c->e, (c->n + 1) * sizeof(*c->e));
        c->e[c->n++] = e;
        pthread_mutex_unlock(&c->lock);
        entry_index(e);
        pthread_mutex_lock(&c->lock);
        e->indexing = 0;
        pthread_cond_broadcast(&c->changed);
    } else {
        e->refs++;
        while (e->indexing)
            pthread_cond_wait(&c->changed, &c->lock);
    }
    e->used = ++c->clock;
    pthread_mutex_unlock(&c->lock);
    return e;
}

/* Lets go of e, then drops least recently used entries not in use while over budget. */
static void release(struct series_cache *c, struct entry *e)
{
    pthread_mutex_lock(&c->lock);
    entry_unref(e);
    while (c->numbers > c->max_numbers) {
        size_t old = SIZE_MAX;
        for (size_t i = 0; i < c->n; i++)
            if (c->e[i]->refs == 1 && (old == SIZE_MAX || c->e[i]->used < c->e[old]->used))
                old = i;
        if (old == SIZE_MAX)
            break;
        drop(c, old);
    }
    pthread_mutex_unlock(&c->lock);
}

/* A timestamp token ("2026-01-01T00:00:00.000000") as seconds since the epoch, or NAN. */
static double stamp_of(const struct series_point *p)
{
    char buf[64];
    size_t n = p->n[SERIES_STAMPS];
    double t;
    if (p->kind[SERIES_STAMPS] != JSON_STRING || n < 2 || n - 2 >= sizeof(buf))
        return NAN;
    memcpy(buf, p->text[SERIES_STAMPS] + 1, n - 2);
    buf[n - 2] = '\0';
    return time_iso_parse(buf, &t) == 0 ? t : NAN;
}

/* Reads the lists of what (HAVE_ bits) of series k of e into out (without the lock). */
static int read_points(const struct entry *e, size_t k, int what, struct series *out, char *err,
                       size_t errlen)
{
    const struct series_info *si = &e->mf.series[k];
    size_t n = si->count ? si->count : 1;
    int lists = (what & HAVE_VALUES ? (1 << SERIES_STEPS) | (1 << SERIES_VALUES) : 0)
                | (what & HAVE_TIME ? 1 << SERIES_STAMPS : 0);
    if (what & HAVE_VALUES) {
        out->step = xmalloc(n * sizeof(double));
        out->value = xmalloc(n * sizeof(double));
    }
    if (what & HAVE_TIME)
        out->time = xmalloc(n * sizeof(double));
    struct series_cursor cur;
    struct series_point p;
    int r;
    series_open(&cur, &e->mf, si, lists);
    for (size_t i = 0; (r = series_next(&cur, &p, err, errlen)) > 0; i++) {
        if (what & HAVE_VALUES) {
            out->step[i] = p.step.d;
            if (!series_number(&p, SERIES_VALUES, &out->value[i]))
                out->value[i] = NAN;
        }
        if (what & HAVE_TIME)
            out->time[i] = stamp_of(&p);
    }
    series_close(&cur);
    return r;
}

/* Makes sure series k of e has what read: 0, or -1 with err. */
static int load(struct series_cache *c, struct entry *e, size_t k, int what, char *err, size_t errlen)
{
    pthread_mutex_lock(&c->lock);
    while (e->busy[k])
        pthread_cond_wait(&c->changed, &c->lock);
    int need = what & ~e->have[k], rc = 0;
    if (need) {
        struct series got = { 0 };
        e->busy[k] = 1;
        pthread_mutex_unlock(&c->lock);
        rc = read_points(e, k, need, &got, err, errlen);
        pthread_mutex_lock(&c->lock);
        e->busy[k] = 0;
        if (rc == 0) {
            size_t lists = (need & HAVE_VALUES ? 2 : 0) + (need & HAVE_TIME ? 1 : 0);
            if (need & HAVE_VALUES) {
                e->s[k].step = got.step;
                e->s[k].value = got.value;
            }
            if (need & HAVE_TIME)
                e->s[k].time = got.time;
            e->have[k] |= need;
            e->numbers += lists * e->s[k].n;
            c->numbers += lists * e->s[k].n;
        } else {
            free(got.step);
            free(got.value);
            free(got.time);
        }
        pthread_cond_broadcast(&c->changed);
    }
    pthread_mutex_unlock(&c->lock);
    return rc;
}

int series_names(struct series_cache *c, const char *rundir,
                 void (*fn)(const char *name, size_t count, void *arg), void *arg, char *err,
                 size_t errlen)
{
    struct entry *e = acquire(c, rundir);
    int rc = e->error ? error_text(err, errlen, "%s", e->error) : 0;
    for (size_t i = 0; !rc && i < e->mf.n; i++)
        fn(e->s[e->by_name[i]].name, e->s[e->by_name[i]].n, arg);
    release(c, e);
    return rc;
}

int series_with(struct series_cache *c, const char *rundir, const char *name, int with_time,
                void (*fn)(const struct series *s, void *arg), void *arg, char *err, size_t errlen)
{
    struct entry *e = acquire(c, rundir);
    int rc = e->error ? error_text(err, errlen, "%s", e->error) : 0;
    size_t k = SIZE_MAX;
    for (size_t i = 0; !rc && i < e->mf.n && k == SIZE_MAX; i++)
        if (!strcmp(e->s[i].name, name))
            k = i;
    if (k != SIZE_MAX)
        rc = load(c, e, k, HAVE_VALUES | (with_time ? HAVE_TIME : 0), err, errlen);
    if (k != SIZE_MAX && rc == 0)
        fn(&e->s[k], arg);
    release(c, e);
    return rc;
}

static void emit(const struct series *s, const double *x, size_t i, cJSON *xs, cJSON *ys)
{
    double v = x[i];
    int whole = x == s->step && v == floor(v) && fabs(v) < 9007199254740992.0;
    cJSON_AddItemToArray(xs, whole ? json_int((long long)v) : cJSON_CreateNumber(v));
    cJSON_AddItemToArray(ys, isfinite(s->value[i]) ? cJSON_CreateNumber(s->value[i]) : cJSON_CreateNull());
}

/* Emits the distinct indices of k[0..n) (SIZE_MAX: none) in increasing order. */
static void emit_sorted(const struct series *s, const double *x, size_t *k, int n, cJSON *xs,
                        cJSON *ys)
{
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && k[j] < k[j - 1]; j--) {
            size_t t = k[j];
            k[j] = k[j - 1];
            k[j - 1] = t;
        }
    for (int i = 0; i < n; i++)
        if (k[i] != SIZE_MAX && (i == 0 || k[i] != k[i - 1]))
            emit(s, x, k[i], xs, ys);
}

size_t series_reduce(const struct series *s, int by_time, double lo, double hi, size_t width,
                     cJSON *xs, cJSON *ys)
{
    const double *x = by_time ? s->time : s->step;
    size_t in = 0, first = SIZE_MAX, last = SIZE_MAX;
    for (size_t i = 0; i < s->n; i++)
        if (x[i] >= lo && x[i] <= hi) {
            in++;
            if (first == SIZE_MAX || x[i] < x[first])
                first = i;
            if (last == SIZE_MAX || x[i] >= x[last])
                last = i;
        }
    if (in <= 2 * width) {
        for (size_t i = 0; i < s->n; i++)
            if (x[i] >= lo && x[i] <= hi)
                emit(s, x, i, xs, ys);
        return in;
    }
    size_t *lo_i = xmalloc(2 * width * sizeof(size_t)), *hi_i = lo_i + width;
    memset(lo_i, 0xff, 2 * width * sizeof(size_t));
    double x0 = x[first], span = x[last] > x0 ? x[last] - x0 : 1;
    for (size_t i = 0; i < s->n; i++) {
        if (!(x[i] >= lo && x[i] <= hi) || !isfinite(s->value[i]))
            continue;
        size_t b = (size_t)((x[i] - x0) / span * (double)width);
        b = b < width ? b : width - 1;
        if (lo_i[b] == SIZE_MAX || s->value[i] < s->value[lo_i[b]])
            lo_i[b] = i;
        if (hi_i[b] == SIZE_MAX || s->value[i] > s->value[hi_i[b]])
            hi_i[b] = i;
    }
    for (size_t b = 0; b < width; b++) {
        size_t k[4] = { lo_i[b], hi_i[b], b == 0 ? first : SIZE_MAX, b == width - 1 ? last : SIZE_MAX };
        emit_sorted(s, x, k, 4, xs, ys);
    }
    free(lo_i);
    return in;
}
