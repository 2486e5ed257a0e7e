/* series.h: metric series for plots: metrics.json indexed once, each series read into
 * arrays when first asked for, cached per run by the file's mtime and size, and a range of
 * a series reduced to what a plot of a given pixel width can show. Never writes. */
#ifndef SR_DASH_SERIES_H
#define SR_DASH_SERIES_H

#include <stddef.h>

#include <cjson/cJSON.h>

struct series {
    char *name;
    size_t n;
    double *step;  /* as recorded */
    double *time;  /* seconds since the epoch (UTC); NAN when unreadable; NULL until read */
    double *value; /* NAN when not a number */
};

struct series_cache;

/* A cache holding up to about max_points numbers (a run in use is kept even when larger). */
struct series_cache *series_cache_new(size_t max_points);
void series_cache_free(struct series_cache *c);

/* Calls fn(name, count, arg) for each metric of the run directory rundir, by name, without
 * reading its points (an absent metrics.json has none). 0, or -1 with err (corrupt). */
int series_names(struct series_cache *c, const char *rundir,
                 void (*fn)(const char *name, size_t count, void *arg), void *arg, char *err,
                 size_t errlen);

/* Calls fn(s, arg) with the metric name of rundir, its steps and values read (and its
 * timestamps when with_time); fn is not called when there is no such metric. Several
 * threads read several metrics at once. 0, or -1 with err. */
int series_with(struct series_cache *c, const char *rundir, const char *name, int with_time,
                void (*fn)(const struct series *s, void *arg), void *arg, char *err, size_t errlen);

/* The points of s whose x (step, or time when by_time) lies in [lo, hi], appended to xs
 * and ys (non-finite values as null). More than 2 * width points are reduced to each
 * column's lowest and highest value over width columns, keeping the first and last point,
 * so a plot shows every extreme. Returns the number of points in the range. */
size_t series_reduce(const struct series *s, int by_time, double lo, double hi, size_t width,
                     cJSON *xs, cJSON *ys);

#endif
