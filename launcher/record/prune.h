/* prune.h: removing runs from a file storage, and the files of its stores (_sources/,
 * _resources/) that no run references. What to remove is the caller's decision; this
 * only finds references, lists the stores and removes. Never prints. */
#ifndef SR_PRUNE_H
#define SR_PRUNE_H

#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "util/nameindex.h"

/* The stored files runs reference, as "SUBDIR/NAME" ("_sources/exp_1a2b....py"). */
struct store_refs {
    char **name;
    size_t n, cap;
    struct name_index ix;
};

/* Adds what run (a run.json) references: experiment.sources, resources and
 * resource_files[].stored, in every form Sacred and sacred-run write them ([name, stored
 * path], absolute or relative to anywhere; {"py/tuple": [name, md5]} of a queued run). */
void store_refs_add(struct store_refs *refs, const cJSON *run);
int store_refs_has(const struct store_refs *refs, const char *name);
void store_refs_release(struct store_refs *refs);

/* A file of a store. */
struct store_entry {
    char *name;            /* "SUBDIR/NAME" */
    off_t size;
    struct timespec mtime;
};

/* The files in storage's _sources/ and _resources/ that refs does not name (by name,
 * sorted; temporary files of a store being written are left out). 0, or -1 with errno. */
int store_unreferenced(const char *storage, const struct store_refs *refs,
                       struct store_entry **out, size_t *n);
void store_entries_free(struct store_entry *e, size_t n);
/* Removes storage/name (a store file). 0, or -1 with errno. */
int store_remove(const char *storage, const char *name);

/* The earliest mtime (seconds since the epoch) of the directories of storage that have
 * no run.json yet and changed in the last max_age seconds: runs being created, whose
 * launcher may have stored files already. INFINITY when there is none. */
double storage_runs_starting(const char *storage, double max_age);

/* Removes the run directory storage/id: under the run's lock (so an edit in progress
 * completes first), renamed to a hidden name (it leaves listings at once), then deleted.
 * 0, or -1 with a message in err. */
int run_remove(const char *storage, const char *id, char *err, size_t errlen);

#endif
