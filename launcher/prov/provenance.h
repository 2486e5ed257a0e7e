/* provenance.h: what the program tree read and wrote, as Sacred's sources, resources
 * and artifacts (plus the repositories of the sources), decided at the end of the run
 * from the files the preload library reported. */
#ifndef SR_PROVENANCE_H
#define SR_PROVENANCE_H

#include "observe/files.h"
#include "prov/file_rules.h"
#include "record/md5cache.h"
#include "record/record.h"

struct provenance {
    const struct file_rules *rules;
    const char *preload;    /* our library: not a dependency of the program */
    const char *base_dir;   /* sources are under it */
    const char *cwd;        /* artifacts are under it */
    const char *skip_dir;   /* the launcher's own temporary directory */
    struct md5_cache *cache;/* shared with the hasher thread */
    const char *module;     /* python -m MODULE whose file was not found before the start */
};

/* 1 if a file read at path would be recorded (so it is worth hashing early). */
int provenance_wanted(const struct provenance *p, const struct record *r, const char *path);

/* Adds experiment.sources/repositories (and, for p->module, the module's file as
 * experiment.mainfile), resources (and resource_files) and artifacts to
 * r->run, storing and copying files as needed. Failures are reported and skipped. */
void provenance_record(const struct provenance *p, struct files *fs, struct record *r);

#endif
