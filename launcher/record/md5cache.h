/* md5cache.h: MD5s of files cached per storage (.sacred-run-md5-cache), and of the system's
 * executables per user, keyed by device, inode, size and mtime, so a dataset or an
 * interpreter is hashed once across runs. Safe to share between the hasher thread and the
 * main thread; the hashing itself runs outside the lock. */
#ifndef SR_MD5CACHE_H
#define SR_MD5CACHE_H

#include <pthread.h>
#include <sys/stat.h>

#include "util/nameindex.h"
#include "util/strbuf.h"

struct md5_cache {
    char *path;
    struct strbuf text;   /* the cache file ("dev ino size sec nsec md5" lines), cut into keys */
    char **added;         /* "KEY\0MD5" entries computed in this run, appended when closing */
    size_t nadded, capadded;
    struct name_index ix; /* key -> position in md5 */
    const char **md5;
    size_t n, cap;
    pthread_mutex_t lock;
};

#define MD5_CACHE_NAME ".sacred-run-md5-cache" /* in a storage */

/* Reads the cache file path (absent: an empty cache; NULL: a cache never saved). */
void md5_cache_open(struct md5_cache *c, const char *path);
/* The MD5 of path (whose stat is st), from the cache or computed. 0 or -1 with errno. */
int md5_cache_get(struct md5_cache *c, const char *path, const struct stat *st, char md5[33]);
/* Appends what was computed and frees the cache. */
void md5_cache_close(struct md5_cache *c);

#endif
