/* dbsync.h: bringing one run of a file storage into a database. A pass writes, in one
 * transaction, what the database lacks of the run directory: run.json (with the tags and
 * notes edited in the database kept), config.json, info.json, cout.txt, metric points,
 * and at the end the sources, resources and artifacts. A pass repeated or cut short
 * applies nothing twice. Never prints. */
#ifndef SR_DBSYNC_H
#define SR_DBSYNC_H

#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "util/nameindex.h"
#include "util/strbuf.h"

struct db;

struct dbsync {
    long long id;        /* the run's id in the database */
    char *dir;           /* the run directory */
    char *file_storage;  /* recorded with the run when it is a file storage's too, else NULL */
    char *file_id;
    /* What the database is known to hold, after a pass or a claim (known = 0: ask it). */
    int known;
    long long cout_stable; /* bytes of cout.txt stored as complete lines */
    long long cout_held;   /* bytes of cout.txt stored, the unfinished last line too */
    /* Points handed over by dbsync_point and not yet committed, as rows of
     * "name\tseq\tstep\tstamp\tvalue\n" (names never hold tabs or newlines). */
    struct strbuf points, inflight;
    size_t max_points_bytes; /* beyond that, points are dropped and read back from metrics.json */
    int overflow;
    struct stat file_loaded; /* metrics.json when its points were last loaded */
    int live;                /* the launcher hands over every point (dbsync_point) */
};

/* A new run's id in the database: preferred (a file storage's id) when it is free there,
 * else one past the largest, claimed atomically with a placeholder row, so the database
 * holds nothing else of the run (its dbsync may start known). The id, or -1 with the
 * reason in err. */
long long dbsync_claim(struct db *d, const char *preferred, char *err, size_t errlen);
void dbsync_init(struct dbsync *s, long long id, const char *dir);
/* A metric point as the launcher records it; seq is its index in its metric. Not
 * thread-safe: the caller serialises it with dbsync_pass. */
void dbsync_point(struct dbsync *s, const char *name, long long seq, long long step,
                  const char *stamp, const char *value);
/* Moves the handed-over points to the pass's own buffer (under the caller's lock). */
void dbsync_take_points(struct dbsync *s);
/* One pass; final adds the stored files, and without live reads every metric point back
 * from metrics.json (what the database lacks of it). 0, or -1 with the reason in err
 * (nothing of the pass is applied then). */
int dbsync_pass(struct db *d, struct dbsync *s, int final, char *err, size_t errlen);
void dbsync_release(struct dbsync *s);

#endif
