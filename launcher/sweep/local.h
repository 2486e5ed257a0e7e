/* local.h: running a sweep's points on this machine, N at a time: each an ordinary
 * sacred-run child, its output relayed with the point's index in front, one progress line
 * on a terminal, Ctrl-C passed to every running point. */
#ifndef SR_SWEEP_LOCAL_H
#define SR_SWEEP_LOCAL_H

#include <stddef.h>

#include <cjson/cJSON.h>

struct sweep_job {
    const char *storage;   /* absolute */
    const char *id;        /* the sweep */
    const cJSON *doc;      /* its record (the points' command lines) */
    const long *todo;      /* the indices of the points to run, in order */
    size_t ntodo;
    long jobs;             /* at most this many at a time */
    int fail_fast;         /* launch nothing more after a failure */
    int quiet;             /* no run output on the terminal */
};

/* Runs the points and keeps the record current (a point's state when its launcher could
 * not record it, the points not started, the sweep's state). Returns the sweep's exit
 * status: 0 all completed, 1 some failed, 128+N when stopped by signal N. */
int sweep_run_local(const struct sweep_job *j);

#endif
