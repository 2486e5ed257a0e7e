/* metrics.h: the run's measurements and metrics.json. Points are appended to per-metric
 * fragment files (.metrics/ in the run directory) as ready-made JSON text; metrics.json is
 * assembled from them by concatenation, atomically, never re-read or re-parsed. Memory:
 * one entry per distinct name plus what is pending for the next flush. A failed write
 * loses nothing already on disk: fragments are written at their known length and read
 * back only up to it, and what could not be written stays pending for the next try. */
#ifndef SR_METRICS_H
#define SR_METRICS_H

#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include "json/numtext.h"
#include "util/nameindex.h"
#include "util/strbuf.h"

struct metric {
    char *name;
    long long last_step;
    int any;                       /* a point was logged */
    char last_value[NUMTEXT_MAX];  /* JSON text of the last value */
    struct strbuf frag[3];         /* pending ",\n      X" for steps, timestamps, values */
    off_t disk_len[3];             /* bytes of each fragment file known to be written */
    unsigned long long pending_points, disk_points;
    int on_disk;                   /* fragment files exist */
};

struct metrics {
    struct metric *m;
    size_t n, cap;
    struct name_index index;       /* name -> position in m */
    int dirfd;                     /* the run directory */
    size_t pending;                /* bytes waiting in frag buffers */
    unsigned long long points, since_write;
    unsigned long long points_in_json; /* in the metrics.json on disk */
    size_t flush_at;               /* pending bytes that trigger a flush */
    off_t json_size;
    struct timespec last_write;
    int failed;                    /* errno of the last failed write, or 0 */
    /* Told of every point as it is added (the databases' writers, store/dbwriter.h); seq
     * is the point's index in its metric. NULL: nobody. */
    void (*sink)(void *arg, const char *name, long long seq, long long step, const char *stamp,
                 const char *value);
    void *sink_arg;
};

void metrics_init(struct metrics *ms, int dirfd);
/* Adds a point and returns its step; value is JSON number text (numtext_json), stamp its
 * time (time_iso). Without a step, the step is one past the metric's last (from 0), as in
 * Sacred. With dirfd < 0 points are only counted. */
long long metrics_add(struct metrics *ms, const char *name, size_t nlen, const char *value,
                      int has_step, long long step, const char *stamp);
/* Writes pending points to the fragment files. 0 or -1 with errno. */
int metrics_flush(struct metrics *ms);
/* Flushes and rebuilds metrics.json from the fragments on disk, also when the flush
 * failed (what was flushed before is not lost). 0, or -1 with errno when the flush or the
 * rebuild failed; points_in_json says what metrics.json holds. */
int metrics_write_json(struct metrics *ms);
/* 1 if metrics.json should be rebuilt at a heartbeat of interval beat seconds: new
 * points, and either a small file or enough time since the last rebuild for its size. */
int metrics_due(const struct metrics *ms, double beat);
/* The JSON text of a metric's last value, or NULL. */
const char *metrics_last(const struct metrics *ms, const char *name);
/* Points on disk in fragments (flushed), whether or not metrics.json has them. */
unsigned long long metrics_points_on_disk(const struct metrics *ms);
/* Frees memory; with remove_fragments also deletes .metrics/ (else cuts each fragment
 * back to its known length). */
void metrics_release(struct metrics *ms, int remove_fragments);

#endif
