/* record.h: one run directory of the file storage and the files in it. The launcher is
 * the only writer; after the program has started, write failures are reported once and
 * never stop the run, and the final run.json says what they cost (record_incomplete), in
 * space kept aside for it from the start. */
#ifndef SR_RECORD_H
#define SR_RECORD_H

#include <cjson/cJSON.h>

#include "record/cout.h"
#include "record/redact.h"
#include "record/runedit.h"

struct metrics;

struct record {
    char *basedir; /* absolute path of the storage */
    char *id;
    char *dir;     /* absolute path of the run directory */
    int dirfd;
    cJSON *run;    /* run.json as it stands */
    int lockfd;    /* RUN_LOCK, held around each write of run.json */
    struct run_stamp written; /* the run.json this launcher wrote last */
    struct cout_file cout;
    int reserve_fd;  /* RESERVE_FILE, the space kept for the final writes; -1 once released */
    off_t reserve_size;
    int info_failed; /* errno of the last failed write of info.json, 0 after a good one */
    int warned;
    const struct redact_rules *redact; /* applied to run.json and config.json at each write */
    int config_redacted;               /* config.json differs from the configuration */
};

/* Creates the storage if needed and claims a run directory: forced_id, else preferred
 * (a database's id for the run) where it is free, else the next. Returns 0, or -1 after
 * printing a one-line error. */
int record_claim(struct record *r, const char *storage, const char *forced_id, const char *preferred);
/* Writes run.json (taking run over), config.json (from config), cout.txt, info.json and
 * metrics.json, the JSON files redacted (record/redact.h). Returns 0, or -1 after printing
 * an error. */
int record_start(struct record *r, cJSON *run, const cJSON *config);
/* Rewrites run.json (redacted), keeping what users edited in it meanwhile (record/runedit.h); a
 * failure is reported on stderr once per run. */
void record_write_run(struct record *r);
/* Rewrites info.json from info; a failure is reported as for run.json. 0 or -1. */
int record_write_info(struct record *r, const cJSON *info);
/* Gives the final writes half of the space kept for them (all of it with all). */
void record_release_space(struct record *r, int all);
/* The final run.json: record_incomplete from what was lost (cout.txt's text, the metric
 * points ms has that metrics.json lacks, info.json), written in the kept space (tried
 * again, then without the process list, when that fails) and synced; says on stderr
 * exactly what is incomplete, or that run.json could not be written. */
void record_finish(struct record *r, const struct metrics *ms);
/* Reports a write failure after start (once). */
void record_failed(struct record *r, const char *what);
/* Removes the run directory (only before the program started). */
void record_remove(struct record *r);
void record_release(struct record *r);

#endif
