/* runread.h: reading a file storage back: the run ids in it and one run's files, from any
 * writer (this launcher, older versions, Python Sacred). Never writes; a corrupt or
 * half-written run is returned with the reason, never as a failure of the whole read. */
#ifndef SR_RUNREAD_H
#define SR_RUNREAD_H

#include <stddef.h>

#include <cjson/cJSON.h>

struct run_doc {
    char *id;
    char *dir;      /* STORAGE/ID */
    cJSON *run;     /* run.json, or NULL when it could not be read */
    cJSON *config;  /* config.json, or an empty object */
    cJSON *info;    /* info.json, or an empty object */
    char *error;    /* why run.json could not be read, or NULL */
};

/* The run directories of storage: numeric ids ascending, then other names sorted; the
 * stores (_sources, _resources) and hidden entries are not runs. 0, or -1 with errno. */
int storage_run_ids(const char *storage, char ***ids, size_t *n);
void run_ids_free(char **ids, size_t n);
/* 1 when storage/id is a run directory (it holds run.json). */
int storage_has_run(const char *storage, const char *id);

/* Reads run.json, config.json and info.json of storage/id. */
void run_doc_load(struct run_doc *d, const char *storage, const char *id);
/* The same from their texts, read elsewhere (a database's runs table; NULL: the file is
 * absent); dir is storage/id as for run_doc_load. */
void run_doc_parse(struct run_doc *d, const char *storage, const char *id, const char *run,
                   const char *config, const char *info);
/* metrics.json parsed ({} when absent); NULL with the reason in err when corrupt. */
cJSON *run_doc_metrics(const struct run_doc *d, char *err, size_t errlen);
void run_doc_release(struct run_doc *d);

#endif
