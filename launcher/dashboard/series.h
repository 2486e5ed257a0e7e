/* series.h: metric series for plots: metrics.json parsed once into arrays and cached per
 * run by the file's mtime and size, and a range of a series reduced to what a plot of a
 * given pixel width can show. Reads metrics.json only; never writes. */
#ifndef SR_DASH_SERIES_H
#define SR_DASH_SERIES_H

#include <stddef.h>

#include <cjson/cJSON.h>

struct series {
    char *name;
    size_t n;
    double *step;  /* as recorded (the index when a step is not a number) */
    double *time;  /* seconds since the epoch (UTC); NAN when unreadable */
    double *value; /* NAN when not a number */
};

struct metric_set {
    struct series *s; /* sorted by name */
    size_t n;
};

struct series_cache;

/* A cache holding up to about max_points points (the run in use is kept even when larger). */
struct series_cache *series_cache_new(size_t max_points);
void series_cache_free(struct series_cache *c);

/* Calls fn(set, arg) with the metrics of the run directory rundir (an absent metrics.json
 * is an empty set), under the cache's lock. 0, or -1 with err (corrupt metrics.json). */
int series_use(struct series_cache *c, const char *rundir,
               void (*fn)(const struct metric_set *set, void *arg), void *arg, char *err,
               size_t errlen);

/* The series called name, or NULL. */
const struct series *metric_set_find(const struct metric_set *set, const char *name);

/* The points of s whose x (step, or time when by_time) lies in [lo, hi], appended to xs
 * and ys (non-finite values as null). More than 2 * width points are reduced to each
 * column's lowest and highest value over width columns, keeping the first and last point,
 * so a plot shows every extreme. Returns the number of points in the range. */
size_t series_reduce(const struct series *s, int by_time, double lo, double hi, size_t width,
                     cJSON *xs, cJSON *ys);

#endif
