/* rowcache.h: the runs of the storage for the runs list, kept parsed between requests: a run
 * is read again only when its run.json, config.json or info.json changed (mtime, size,
 * inode), so polling a large storage costs a stat per file. Reads only. */
#ifndef SR_DASH_ROWCACHE_H
#define SR_DASH_ROWCACHE_H

#include <stddef.h>

#include "inspect/runs.h"

struct row_cache;

struct row_cache *row_cache_new(void);
void row_cache_free(struct row_cache *c);

/* Locks the cache and fills set with rows (status computed now) that borrow its documents,
 * brought up to date with storage first. Release the set, then call row_cache_done. 0, or
 * -1 with err when the storage cannot be read (the cache is then not locked). */
int row_cache_rows(struct row_cache *c, const char *storage, struct run_set *set, char *err,
                   size_t errlen);
void row_cache_done(struct row_cache *c);

/* A reply kept while no run changes: the text last kept for key, or NULL when a run was
 * read again since, or another key was kept. Call between row_cache_rows and _done. */
const char *row_cache_memo(const struct row_cache *c, const char *key);
/* Keeps text as the reply for key (a reply that does not depend on the time of asking). */
void row_cache_memo_keep(struct row_cache *c, const char *key, const char *text);

#endif
