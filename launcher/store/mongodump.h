/* mongodump.h: runs of a file storage written as a mongodump directory (OUTDIR/DB/runs.bson,
 * metrics.bson, fs.files.bson, fs.chunks.bson, each with its .metadata.json), the
 * documents shaped as Sacred's MongoObserver writes them, for `mongorestore OUTDIR`.
 * Never prints: what a run loses on the way is handed back as lines of notes. */
#ifndef SR_MONGODUMP_H
#define SR_MONGODUMP_H

#include <stddef.h>

#include "record/runread.h"
#include "util/strbuf.h"

struct mongodump;

struct mongodump_counts {
    long long runs, metrics, files, bytes; /* bytes: of the .bson files */
};

/* Starts a dump of database db in outdir (made with its parents when missing; the caller
 * has checked that it is new or empty). NULL with err. */
struct mongodump *mongodump_open(const char *outdir, const char *db, char *err, size_t errlen);
/* Adds run d of storage: its runs document, one metrics document per series, and its
 * sources, resources and artifacts as GridFS files (a source or resource already in the
 * dump under the same file name and MD5 is not stored twice, as MongoObserver does).
 * 0; 1 when the run cannot be added (run.json unreadable, or too large for a MongoDB
 * document), with the reason in err and no runs or metrics document of it in the dump
 * (GridFS files it stored stay, as MongoObserver leaves them); -1 with err when writing
 * or reading a file failed midway. What the run lost (a file gone, a series or output cut to 16 MiB) is
 * appended to notes, a line each. */
int mongodump_add_run(struct mongodump *m, const char *storage, const struct run_doc *d,
                      struct strbuf *notes, char *err, size_t errlen);
/* Writes the collections' metadata and closes the dump, freeing m: 0, or -1 with err
 * (then the dump is removed as by mongodump_abort). */
int mongodump_finish(struct mongodump *m, struct mongodump_counts *counts, char *err, size_t errlen);
/* Removes what the dump wrote (and outdir when it made it), freeing m. */
void mongodump_abort(struct mongodump *m);

#endif
