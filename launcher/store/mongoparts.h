/* mongoparts.h: what mongodump.c (the dump's files, GridFS) and mongorun.c (a run's
 * documents) share. Only those two files include it. */
#ifndef SR_MONGOPARTS_H
#define SR_MONGOPARTS_H

#include <stdio.h>

#include <bson/bson.h>

#include "store/mongodump.h"
#include "util/nameindex.h"

enum { MONGO_RUNS, MONGO_METRICS, MONGO_FILES, MONGO_CHUNKS, MONGO_NCOLL };
enum { MONGO_CHUNK = 255 * 1024 };       /* pymongo's GridFS chunk size */
#define MONGO_DOC_MAX (16 * 1024 * 1024) /* MongoDB's largest document */

struct mongo_shared {
    char *key; /* "MD5 FILENAME" */
    bson_oid_t id;
};

struct mongodump {
    char *outdir, *dir; /* dir: OUTDIR/DB */
    int made_outdir, made_dir;
    FILE *f[MONGO_NCOLL];
    struct name_index ix; /* key -> shared */
    struct mongo_shared *shared;
    size_t nshared;
    struct mongodump_counts counts;
};

/* Appends document b to collection coll. 0, or -1 with err. */
int mongo_write(struct mongodump *m, int coll, const bson_t *b, char *err, size_t errlen);
/* Stores path's content as a GridFS file named filename (an artifact's has metadata and
 * contentType). 0 with *id, 1 when path cannot be read, -1 with err. */
int mongo_put_file(struct mongodump *m, const char *path, const char *filename, int artifact,
                   const char *content_type, bson_oid_t *id, char *err, size_t errlen);
/* The same, once per filename and MD5. md5: of path's content, or "" (then computed and
 * filled in). */
int mongo_put_shared(struct mongodump *m, const char *path, const char *filename, char md5[33],
                     bson_oid_t *id, char *err, size_t errlen);

#endif
