/* rowcache.c: run documents kept by id with the stamps of the files they came from; one
 * lock, held from row_cache_rows to row_cache_done, so no request sees a document that
 * another replaces. A run removed from the storage leaves the cache at the next call; any
 * change drops the kept reply. */
#include "dashboard/rowcache.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "record/runread.h"
#include "record/sacred_files.h"
#include "util/error.h"
#include "util/nameindex.h"

static const char *const STAMPED[] = { RUN_JSON, CONFIG_JSON, INFO_JSON };
enum { NSTAMPED = sizeof(STAMPED) / sizeof(*STAMPED) };

struct stamp {
    struct timespec mtime;
    off_t size;
    ino_t ino;
};

struct cached {
    struct run_doc doc; /* doc.id NULL: moved to the next generation */
    struct stamp st[NSTAMPED];
};

struct row_cache {
    pthread_mutex_t lock;
    struct cached *e;
    size_t n;
    struct name_index ix; /* doc.id -> index in e */
    char *memo_key, *memo;  /* the reply kept for memo_key, or NULL */
};

struct row_cache *row_cache_new(void)
{
    struct row_cache *c = xcalloc(1, sizeof(*c));
    pthread_mutex_init(&c->lock, NULL);
    return c;
}

static void release_entries(struct cached *e, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (e[i].doc.id)
            run_doc_release(&e[i].doc);
    free(e);
}

static void forget_memo(struct row_cache *c)
{
    free(c->memo_key);
    free(c->memo);
    c->memo_key = c->memo = NULL;
}

void row_cache_free(struct row_cache *c)
{
    forget_memo(c);
    release_entries(c->e, c->n);
    name_index_release(&c->ix);
    pthread_mutex_destroy(&c->lock);
    free(c);
}

static void stamps_of(const char *storage, const char *id, struct stamp st[NSTAMPED])
{
    for (size_t i = 0; i < NSTAMPED; i++) {
        struct stat sb;
        char *path = xasprintf("%s/%s/%s", storage, id, STAMPED[i]);
        memset(&st[i], 0, sizeof(st[i]));
        if (stat(path, &sb) == 0)
            st[i] = (struct stamp){ sb.st_mtim, sb.st_size, sb.st_ino };
        free(path);
    }
}

static int same_stamps(const struct stamp *a, const struct stamp *b)
{
    for (size_t i = 0; i < NSTAMPED; i++)
        if (a[i].size != b[i].size || a[i].ino != b[i].ino || a[i].mtime.tv_sec != b[i].mtime.tv_sec
            || a[i].mtime.tv_nsec != b[i].mtime.tv_nsec)
            return 0;
    return 1;
}

/* The cache made current: unchanged runs kept, changed and new ones read. */
static void refresh(struct row_cache *c, const char *storage, char **ids, size_t n)
{
    struct cached *next = xcalloc(n ? n : 1, sizeof(*next));
    int changed = n != c->n;
    for (size_t i = 0; i < n; i++) {
        stamps_of(storage, ids[i], next[i].st);
        long k = name_index_get(&c->ix, ids[i], strlen(ids[i]));
        if (k >= 0 && same_stamps(c->e[k].st, next[i].st)) {
            next[i].doc = c->e[k].doc;
            c->e[k].doc.id = NULL;
        } else {
            run_doc_load(&next[i].doc, storage, ids[i]);
            changed = 1;
        }
    }
    if (changed)
        forget_memo(c);
    release_entries(c->e, c->n);
    name_index_release(&c->ix);
    c->e = next;
    c->n = n;
    for (size_t i = 0; i < n; i++)
        name_index_put(&c->ix, c->e[i].doc.id, i);
}

int row_cache_rows(struct row_cache *c, const char *storage, struct run_set *set, char *err,
                   size_t errlen)
{
    char **ids;
    size_t n;
    memset(set, 0, sizeof(*set));
    pthread_mutex_lock(&c->lock);
    if (storage_run_ids(storage, &ids, &n) < 0) {
        int e = errno;
        pthread_mutex_unlock(&c->lock);
        return error_text(err, errlen, "cannot read storage '%s': %s", storage, strerror(e));
    }
    refresh(c, storage, ids, n);
    run_ids_free(ids, n);
    set->rows = xcalloc(n ? n : 1, sizeof(*set->rows));
    for (size_t i = 0; i < n; i++)
        run_row_borrow(&set->rows[i], &c->e[i].doc);
    set->n = n;
    return 0;
}

void row_cache_done(struct row_cache *c)
{
    pthread_mutex_unlock(&c->lock);
}

const char *row_cache_memo(const struct row_cache *c, const char *key)
{
    return c->memo_key && !strcmp(c->memo_key, key) ? c->memo : NULL;
}

void row_cache_memo_keep(struct row_cache *c, const char *key, const char *text)
{
    forget_memo(c);
    c->memo_key = xstrdup(key);
    c->memo = xstrdup(text);
}
