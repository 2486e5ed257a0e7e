/* series.c: the metric cache (one entry per run directory, replaced when metrics.json's
 * mtime or size changes, least recently used dropped first) and the min/max reduction.
 * The cJSON tree of a large metrics.json is freed as soon as its arrays are filled. */
#include "dashboard/series.h"

#include <errno.h>
#include <malloc.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "json/json.h"
#include "json/json_parse.h"
#include "record/sacred_files.h"
#include "util/error.h"
#include "util/strbuf.h"
#include "util/timefmt.h"

struct entry {
    char *dir;
    struct timespec mtime;
    off_t size;
    struct metric_set set;
    size_t points;
    char *error; /* why metrics.json could not be read */
    unsigned long used;
};

struct series_cache {
    pthread_mutex_t lock;
    struct entry *e;
    size_t n;
    size_t points, max_points;
    unsigned long clock;
};

struct series_cache *series_cache_new(size_t max_points)
{
    struct series_cache *c = xcalloc(1, sizeof(*c));
    pthread_mutex_init(&c->lock, NULL);
    c->max_points = max_points;
    return c;
}

static void set_release(struct metric_set *set)
{
    for (size_t i = 0; i < set->n; i++) {
        free(set->s[i].name);
        free(set->s[i].step);
        free(set->s[i].time);
        free(set->s[i].value);
    }
    free(set->s);
    memset(set, 0, sizeof(*set));
}

static void entry_release(struct entry *e)
{
    free(e->dir);
    free(e->error);
    set_release(&e->set);
}

void series_cache_free(struct series_cache *c)
{
    for (size_t i = 0; i < c->n; i++)
        entry_release(&c->e[i]);
    free(c->e);
    pthread_mutex_destroy(&c->lock);
    free(c);
}

/* A Sacred timestamp as seconds since the epoch, NAN when it is none. */
static double timestamp(const cJSON *t)
{
    double v;
    const char *s = cJSON_GetStringValue(t);
    return s && time_iso_parse(s, &v) == 0 ? v : NAN;
}

static double number_or(const cJSON *j, double fallback)
{
    if (cJSON_IsNumber(j))
        return j->valuedouble;
    if (cJSON_IsRaw(j))
        return strtod(j->valuestring, NULL);
    return fallback;
}

/* One metric's three lists into arrays; unequal lengths keep the common part. */
static void series_fill(struct series *s, const cJSON *m)
{
    const cJSON *steps = cJSON_GetObjectItemCaseSensitive(m, "steps");
    const cJSON *times = cJSON_GetObjectItemCaseSensitive(m, "timestamps");
    const cJSON *values = cJSON_GetObjectItemCaseSensitive(m, "values");
    size_t n = (size_t)cJSON_GetArraySize(values);
    s->name = xstrdup(m->string);
    s->step = xmalloc((n ? n : 1) * sizeof(double));
    s->time = xmalloc((n ? n : 1) * sizeof(double));
    s->value = xmalloc((n ? n : 1) * sizeof(double));
    const cJSON *a = steps ? steps->child : NULL, *t = times ? times->child : NULL;
    const cJSON *v = values ? values->child : NULL;
    for (s->n = 0; v; v = v->next, s->n++) {
        s->step[s->n] = number_or(a, (double)s->n);
        s->time[s->n] = timestamp(t);
        s->value[s->n] = number_or(v, NAN);
        a = a ? a->next : NULL;
        t = t ? t->next : NULL;
    }
}

static int by_name(const void *a, const void *b)
{
    return strcmp(((const struct series *)a)->name, ((const struct series *)b)->name);
}

/* Parses dir's metrics.json into e->set, or sets e->error. */
static void entry_load(struct entry *e)
{
    struct strbuf sb = STRBUF_INIT;
    char *path = xasprintf("%s/" METRICS_JSON, e->dir);
    cJSON *j = NULL;
    if (strbuf_read_file(&sb, path) < 0)
        e->error = errno == ENOENT ? NULL : xasprintf("cannot read " METRICS_JSON ": %s", strerror(errno));
    else if (!cJSON_IsObject(j = json_parse_typed(sb.buf ? sb.buf : "")))
        e->error = xstrdup(METRICS_JSON " is not a JSON object (corrupt or half-written)");
    free(path);
    strbuf_release(&sb);
    size_t n = cJSON_IsObject(j) ? (size_t)cJSON_GetArraySize(j) : 0;
    e->set.s = xcalloc(n ? n : 1, sizeof(struct series));
    for (const cJSON *m = n ? j->child : NULL; m; m = m->next) {
        if (!cJSON_IsObject(m))
            continue;
        series_fill(&e->set.s[e->set.n], m);
        e->points += e->set.s[e->set.n++].n;
    }
    qsort(e->set.s, e->set.n, sizeof(struct series), by_name);
    cJSON_Delete(j);
    if (e->points > 100000)
        malloc_trim(0); /* a large tree's many small blocks go back to the system */
}

/* Drops least recently used entries other than keep while over the point budget. */
static void evict(struct series_cache *c, const char *keep)
{
    while (c->points > c->max_points && c->n > 1) {
        size_t old = SIZE_MAX;
        for (size_t i = 0; i < c->n; i++)
            if (strcmp(c->e[i].dir, keep) && (old == SIZE_MAX || c->e[i].used < c->e[old].used))
                old = i;
        if (old == SIZE_MAX)
            return;
        c->points -= c->e[old].points;
        entry_release(&c->e[old]);
        c->e[old] = c->e[--c->n];
    }
}

/* The entry of rundir, loaded again when metrics.json changed. Called with the lock held. */
static struct entry *lookup(struct series_cache *c, const char *rundir)
{
    struct stat st;
    char *path = xasprintf("%s/" METRICS_JSON, rundir);
    if (stat(path, &st) < 0)
        memset(&st, 0, sizeof(st));
    free(path);
    struct entry *e = NULL;
    for (size_t i = 0; i < c->n && !e; i++)
        if (!strcmp(c->e[i].dir, rundir))
            e = &c->e[i];
    if (e && e->size == st.st_size && e->mtime.tv_sec == st.st_mtim.tv_sec
        && e->mtime.tv_nsec == st.st_mtim.tv_nsec)
        return e;
    if (e) {
        c->points -= e->points;
        entry_release(e);
    } else {
        c->e = xrealloc(c->e, (c->n + 1) * sizeof(*c->e));
        e = &c->e[c->n++];
    }
    memset(e, 0, sizeof(*e));
    e->dir = xstrdup(rundir);
    e->mtime = st.st_mtim;
    e->size = st.st_size;
    entry_load(e);
    c->points += e->points;
    return e;
}

int series_use(struct series_cache *c, const char *rundir,
               void (*fn)(const struct metric_set *set, void *arg), void *arg, char *err,
               size_t errlen)
{
    pthread_mutex_lock(&c->lock);
    struct entry *e = lookup(c, rundir);
    e->used = ++c->clock;
    int rc = e->error ? error_text(err, errlen, "%s", e->error) : 0;
    if (!rc)
        fn(&e->set, arg);
    evict(c, rundir);
    pthread_mutex_unlock(&c->lock);
    return rc;
}

const struct series *metric_set_find(const struct metric_set *set, const char *name)
{
    struct series key = { .name = (char *)name };
    return bsearch(&key, set->s, set->n, sizeof(struct series), by_name);
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
