/* sweeprec.h: the sweep record, STORAGE/_sweeps/ID/sweep.json: one sweep's command, axes
 * and points with each point's run id and state (README, "Sweeps"). Its writers (the sweep
 * command, each point's launcher, on any node) hold _sweeps/ID/.lock around every
 * read-modify-write, and the file is only ever replaced atomically. Never prints. */
#ifndef SR_SWEEPREC_H
#define SR_SWEEPREC_H

#include <stddef.h>

#include <cjson/cJSON.h>

#define SWEEPS_DIR "_sweeps"
#define SWEEP_JSON "sweep.json"

/* Creates STORAGE/_sweeps/ID for the next free numeric id and writes doc (with "id" set
 * to it) as its record. 0, or -1 with a message in err. */
int sweep_create(const char *storage, cJSON *doc, char *id, size_t idlen, char *err, size_t errlen);

/* The record of sweep id, or NULL with a message in err. */
cJSON *sweep_load(const char *storage, const char *id, char *err, size_t errlen);

/* Under the lock: reads the record, calls edit (it returns 1 when it changed the tree, 0
 * when not), writes a changed tree. 0, or -1 with a message in err. */
typedef int (*sweep_edit_fn)(cJSON *doc, void *arg);
int sweep_edit(const char *storage, const char *id, sweep_edit_fn edit, void *arg, char *err,
               size_t errlen);

/* Point index of the record, or NULL. */
cJSON *sweep_point(const cJSON *doc, long index);
/* A point's integer field (index, exit_status), or -1. */
long sweep_int(const cJSON *obj, const char *key);
/* 1 when a point state is final: COMPLETED, FAILED, INTERRUPTED. */
int sweep_state_final(const char *state);

/* Closes a sweep that ended: points still QUEUED become NOT_STARTED, points still RUNNING
 * (their launcher ended before it could record the end) INTERRUPTED; the sweep's state is
 * INTERRUPTED when stopped (stopped < 0: when a point is INTERRUPTED or NOT_STARTED),
 * else COMPLETED when every point completed, else FAILED. */
void sweep_close(cJSON *doc, int stopped);

/* A point's launcher reporting: sets run_id (when not NULL), state and exit_status (when
 * >= 0) of point index. 0, or -1 with a message in err. */
int sweep_point_report(const char *storage, const char *id, long index, const char *run_id,
                       const char *state, int exit_status, char *err, size_t errlen);

#endif
