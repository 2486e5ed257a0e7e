/* dbparts.h: the parts of a pass of dbsync.c that have files of their own: metric points
 * (dbpoints.c) and the stored files (dbfiles.c). Only
 * store/dbsync.c and those files include it. */
#ifndef SR_DBPARTS_H
#define SR_DBPARTS_H

#include <stddef.h>

struct db;
struct dbsync;

/* The points the database lacks: the handed-over ones, or (after they overflowed, or at
 * the end of a pass that is not the launcher's) every point of the run's metrics.json
 * past what the database holds. */
int dbpoints_store(struct db *d, struct dbsync *s, int final, char *err, size_t errlen);
/* The run's sources, resources and artifacts: each content once (by MD5), in chunks, and
 * the run's list of them. */
int dbfiles_store(struct db *d, long long id, const char *dir, char *err, size_t errlen);

#endif
