/* runfiles.h: the files a run's record names (sources, resources, artifacts), found in
 * the storage, with their sizes and MD5s, for any writer: this launcher, Python Sacred
 * (also a queued run's copies and absolute stored paths). Reads only; never prints. */
#ifndef SR_RUNFILES_H
#define SR_RUNFILES_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "record/runread.h"

enum run_file_kind { RUN_SOURCES, RUN_RESOURCES, RUN_ARTIFACTS };

struct run_file {
    char *name;      /* the source's name, the resource's path, the artifact's name */
    char *stored;    /* the stored copy as recorded, or NULL (artifacts; not stored) */
    char *path;      /* where the copy is now, or NULL when it is not there */
    long long size;  /* bytes: of the copy, or as recorded for a file not stored; -1: unknown */
    char md5[33];    /* from the stored name or the record (a source: else of its copy), or "" */
};

/* The files of one kind that d's run.json lists, in its order. */
struct run_file *run_files(const struct run_doc *d, const char *storage, enum run_file_kind kind,
                           size_t *n);
void run_files_free(struct run_file *f, size_t n);
/* The MD5 in a content-addressed stored name ".../<stem>_<md5><ext>": 0, or -1 (md5 "")
 * when the name holds none. */
int run_file_stored_md5(const char *stored, char md5[33]);
/* [{"name", "stored", "size", "md5"}] (null where unknown), for --json. */
cJSON *run_files_json(const struct run_file *f, size_t n);

#endif
