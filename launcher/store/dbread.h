/* dbread.h: a database's runs for the commands that read a storage. The runs are brought
 * into a local copy in the file storage's layout ($XDG_CACHE_HOME/sacred-run/db/KEY, else
 * ~/.cache/...), only those changed since the last time, so that every reader of a file
 * storage reads a database the same way. Edits (tags, notes, removing runs) are made in
 * the database first, under its lock, and never race a launcher's writes there. */
#ifndef SR_DBREAD_H
#define SR_DBREAD_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "record/runedit.h"
#include "store/db.h"

struct dbread {
    struct db_url url;
    struct db *db;
    char *cache; /* the local copy's directory */
    int fresh;   /* the copy was brought up to date by this process */
};

/* Connects (the schema checked) and brings the copy up to date. 0, or -1 with err. */
int dbread_open(struct dbread *r, const char *url, char *err, size_t errlen);
/* Connects only: the copy is left as it is (dbread_refresh, dbread_docs). */
int dbread_connect(struct dbread *r, const char *url, char *err, size_t errlen);
/* Brings the copy up to date (what dbread_open did first). 0, or -1 with err. */
int dbread_refresh(struct dbread *r, char *err, size_t errlen);
/* Calls fn for each run, ids ascending, with the texts of its run.json, config.json and
 * info.json (NULL where it has none) straight from the runs table, in one query: what a
 * listing needs, without writing the copy. 0, or -1 with err. */
typedef void dbread_doc_fn(void *arg, const char *id, const char *run, const char *config,
                           const char *info);
int dbread_docs(struct dbread *r, dbread_doc_fn *fn, void *arg, char *err, size_t errlen);
/* A user's edit of run id's run.json (record/runedit.h), made in the database in one
 * transaction that a launcher's pass over the same run waits for, then the run's copy
 * refreshed. 0, or -1 with err. */
int dbread_edit(struct dbread *r, const char *id, run_edit_fn edit, void *arg, char *err, size_t errlen);
/* Removes run id from the database (its points, output and file list), then every stored
 * content no run lists any more (id NULL: only that, as gc does). 0, or -1 with err. */
int dbread_remove(struct dbread *r, const char *id, char *err, size_t errlen);
void dbread_close(struct dbread *r);

#endif
