/* queue.h: queued runs in a database (-q, `worker`, `requeue`). A queued run's row holds
 * its Sacred document (status QUEUED) and, in runs.queue_spec, what a worker needs to
 * start it (README "Queued runs and workers"). Every change of such a row is one
 * transaction here, made only while no launcher records the run. Never prints. */
#ifndef SR_QUEUE_H
#define SR_QUEUE_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "store/db.h"

/* The start spec's keys (queue_spec): the words after sacred-run, the working directory,
 * the files whose MD5 must not change ([{"path", "md5"}]), the queued document and
 * configuration (given back by requeue), when it was queued and how many times started. */
#define QSPEC_ARGV "argv"
#define QSPEC_CWD "cwd"
#define QSPEC_FILES "files"
#define QSPEC_DOC "doc"
#define QSPEC_CONFIG "config"
#define QSPEC_TIME "queue_time"
#define QSPEC_ATTEMPT "attempt"

/* Connects to url (u receives it) with the schema checked; NULL with err. */
struct db *queue_connect(const char *url, struct db_url *u, char *err, size_t errlen);

/* Records a queued run: its id (preferred where it is free, else one past the largest),
 * its row with doc (status QUEUED), config and spec; priority (NULL: 0) orders the queue.
 * The id, or -1 with err. */
long long queue_insert(struct db *d, const char *preferred, const cJSON *doc, const cJSON *config,
                       const cJSON *spec, const double *priority, char *err, size_t errlen);

/* A run a worker claimed. */
struct queue_row {
    long long id;
    long long updated; /* the row's version after the claim */
    cJSON *doc;        /* run.json as the claim left it (status RUNNING, meta.queue) */
    cJSON *spec;
};

/* Claims the next QUEUED run (highest priority, then lowest id; one claimer per run, also
 * across machines): RUNNING, heartbeat now, meta.queue {queue_time, worker {host, pid},
 * attempt}, the worker as its launcher. 1 and row, 0 when none is queued, -1 with err. */
int queue_claim(struct db *d, struct queue_row *row, char *err, size_t errlen);

/* Ends a claimed run that no launcher recorded: FAILED with fail_trace (a list of lines)
 * and info (NULL: none), only when the row is as the claim left it. 1 done, 0 when a
 * launcher recorded it meanwhile, -1 with err. */
int queue_fail(struct db *d, const struct queue_row *row, const cJSON *trace, const cJSON *info,
               char *err, size_t errlen);

/* Gives a claimed run back to the queue (QUEUED, as it was) when no launcher recorded it:
 * its worker was stopped before the start. 1 done, 0 when a launcher recorded it, -1. */
int queue_unclaim(struct db *d, struct queue_row *row, char *err, size_t errlen);

/* Makes run id QUEUED again: its queued document (tags and notes kept) and configuration
 * back, what was recorded of the run started removed. Only for a queued run still RUNNING
 * in the database whose heartbeat stopped (late at now, as ls shows PROBABLY_DEAD), or,
 * without heartbeats, whose launcher is known to be gone. 0 done, 1 refused (err says
 * why), -1 with err. */
int queue_requeue(struct db *d, const char *id, double now, char *err, size_t errlen);

void queue_row_release(struct queue_row *row);

#endif
