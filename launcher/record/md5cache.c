/* md5cache.c: the per-storage MD5 cache. Appends only; a stale line is harmless because
 * the key includes size and mtime (to the nanosecond). */
#include "record/md5cache.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"
#include "util/fs.h"

void md5_cache_open(struct md5_cache *c, const char *basedir)
{
    c->path = xasprintf("%s/.sacred-run-md5-cache", basedir);
    c->text = (struct strbuf)STRBUF_INIT;
    c->added = (struct strbuf)STRBUF_INIT;
    pthread_mutex_init(&c->lock, NULL);
    strbuf_read_file(&c->text, c->path); /* no cache file yet: an empty one */
}

static int lookup(const struct strbuf *sb, const char *key, size_t k, char md5[33])
{
    const char *v = strbuf_line_value(sb, key, k);
    if (!v || strcspn(v, "\n") < 32)
        return -1;
    memcpy(md5, v, 32);
    md5[32] = '\0';
    return 0;
}

int md5_cache_get(struct md5_cache *c, const char *path, const struct stat *st, char md5[33])
{
    char key[128];
    int k = snprintf(key, sizeof(key), "%llu %llu %lld %lld %ld ", (unsigned long long)st->st_dev,
                     (unsigned long long)st->st_ino, (long long)st->st_size,
                     (long long)st->st_mtim.tv_sec, st->st_mtim.tv_nsec);
    pthread_mutex_lock(&c->lock);
    int hit = lookup(&c->text, key, (size_t)k, md5) == 0 || lookup(&c->added, key, (size_t)k, md5) == 0;
    pthread_mutex_unlock(&c->lock);
    if (hit)
        return 0;
    if (md5_file(path, md5) < 0)
        return -1;
    pthread_mutex_lock(&c->lock);
    strbuf_addf(&c->added, "%s%s\n", key, md5);
    pthread_mutex_unlock(&c->lock);
    return 0;
}

void md5_cache_close(struct md5_cache *c)
{
    FILE *f = c->added.len ? fopen(c->path, "ae") : NULL;
    if (f) {
        fwrite(c->added.buf, 1, c->added.len, f);
        fclose(f);
    }
    strbuf_release(&c->text);
    strbuf_release(&c->added);
    pthread_mutex_destroy(&c->lock);
    free(c->path);
}
