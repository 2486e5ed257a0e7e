/* metrics_read.h: a run's metrics.json read as a stream (10 metrics of 1,000,000 points):
 * an index of its series, cursors over one series' points, and every series' roll-ups.
 * Never writes; memory must not grow with the number of points. */
#ifndef SR_METRICS_READ_H
#define SR_METRICS_READ_H

#include <stddef.h>
#include <sys/types.h>

#include <cjson/cJSON.h>

#include "json/json_scan.h"

/* A step: an integer exactly, else a float. */
struct series_step {
    int is_int;
    long long i;
    double d;
};
/* <0, 0, >0 as a is below, equal to or above b (by value: 3 equals 3.0). */
int series_step_cmp(const struct series_step *a, const struct series_step *b);

enum { SERIES_STEPS, SERIES_STAMPS, SERIES_VALUES, SERIES_LISTS };

struct series_info {
    char *name;
    off_t list[SERIES_LISTS]; /* where each list's first element is (just after its '[') */
    size_t count;             /* points (the three lists are as long) */
    int ascending;            /* steps never decrease (-1: not known, points unchecked) */
};

struct metrics_file {
    int fd;                     /* -1 when the run has no metrics.json */
    struct series_info *series; /* in the file's order */
    size_t n;
};

/* metrics_file_open's flags: the lists' elements are only counted, not checked (a cursor
 * checks the points it reads), and ascending is left at -1: for a reader that reads only
 * some series of a large file. */
enum { METRICS_POINTS_UNCHECKED = 1 };
/* Opens and indexes dir/metrics.json, checking all of it unless flags say otherwise: 0 (an
 * absent file has no series), or -1 with the reason in err (not JSON, or not Sacred's
 * layout). */
int metrics_file_open(struct metrics_file *mf, const char *dir, int flags, char *err, size_t errlen);
/* count, first, last, min and max of the values of every series of dir/metrics.json, one
 * pass over each: {name: {"count", "first", "last", "min", "max"}}, values as written (min
 * and max over the numbers, NaN left out; null where there is none); {} without the file.
 * NULL with the reason in err when it is damaged. */
cJSON *metrics_file_summaries(const char *dir, char *err, size_t errlen);
/* The series named name, or NULL. */
const struct series_info *metrics_file_find(const struct metrics_file *mf, const char *name);
void metrics_file_close(struct metrics_file *mf);

/* One point: the JSON text and token kind of its step, timestamp and value. */
struct series_point {
    const char *text[SERIES_LISTS];
    size_t n[SERIES_LISTS];
    enum json_token kind[SERIES_LISTS];
    struct series_step step;
};

struct series_cursor {
    struct json_scan scan[SERIES_LISTS];
    int lists;  /* the lists read: bit 1 << SERIES_STEPS ... */
    size_t left, done;
};

#define SERIES_ALL ((1 << SERIES_STEPS) | (1 << SERIES_STAMPS) | (1 << SERIES_VALUES))
/* Starts reading the lists of si that are in the mask lists (SERIES_ALL, 1 << SERIES_VALUES). */
void series_open(struct series_cursor *c, const struct metrics_file *mf, const struct series_info *si,
                 int lists);
/* 1 with the next point (its texts valid until the next call; step only when the steps
 * are read), 0 after the last one, -1 with err when the file no longer reads as it was
 * indexed. */
int series_next(struct series_cursor *c, struct series_point *p, char *err, size_t errlen);
void series_close(struct series_cursor *c);
/* The list which of point p as a number (Python's NaN and infinities too): 1, or 0 when
 * it is not a number. */
int series_number(const struct series_point *p, int which, double *d);

#endif
