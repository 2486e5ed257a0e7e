/* md5cache.c: an MD5 cache file (md5cache.h). Appends only; a stale line is harmless because
 * the key includes size and mtime (to the nanosecond). Lookups go through a hash index
 * of the keys, so a run that reads many files over a large cache stays linear. */
#include "record/md5cache.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"
#include "util/fs.h"

/* Indexes key (NUL-terminated) whose MD5 text is md5; the first of equal keys wins. */
static void index_entry(struct md5_cache *c, const char *key, const char *md5)
{
    if (name_index_get(&c->ix, key, strlen(key)) >= 0)
        return;
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 256;
        c->md5 = xrealloc(c->md5, c->cap * sizeof(*c->md5));
    }
    c->md5[c->n] = md5;
    name_index_put(&c->ix, key, c->n++);
}

/* Cuts the file's lines "KEY MD5\n" in place into NUL-terminated keys and MD5s. */
static void index_text(struct md5_cache *c)
{
    for (char *line = c->text.buf; line && *line;) {
        char *nl = strchr(line, '\n'), *next = nl ? nl + 1 : NULL;
        if (nl)
            *nl = '\0';
        char *sp = strrchr(line, ' ');
        if (sp && strlen(sp + 1) == 32) {
            *sp = '\0';
            index_entry(c, line, sp + 1);
        }
        line = next;
    }
}

void md5_cache_open(struct md5_cache *c, const char *path)
{
    memset(c, 0, sizeof(*c));
    c->path = path ? xstrdup(path) : NULL;
    c->text = (struct strbuf)STRBUF_INIT;
    pthread_mutex_init(&c->lock, NULL);
    if (path)
        strbuf_read_file(&c->text, c->path); /* no cache file yet: an empty one */
    index_text(c);
}

int md5_cache_get(struct md5_cache *c, const char *path, const struct stat *st, char md5[33])
{
    char key[128];
    int k = snprintf(key, sizeof(key), "%llu %llu %lld %lld %ld", (unsigned long long)st->st_dev,
                     (unsigned long long)st->st_ino, (long long)st->st_size,
                     (long long)st->st_mtim.tv_sec, st->st_mtim.tv_nsec);
    pthread_mutex_lock(&c->lock);
    long at = name_index_get(&c->ix, key, (size_t)k);
    if (at >= 0)
        memcpy(md5, c->md5[at], 33);
    pthread_mutex_unlock(&c->lock);
    if (at >= 0)
        return 0;
    if (md5_file(path, md5) < 0)
        return -1;
    char *entry = xmalloc((size_t)k + 34); /* "KEY\0MD5\0" */
    memcpy(entry, key, (size_t)k + 1);
    memcpy(entry + k + 1, md5, 33);
    pthread_mutex_lock(&c->lock);
    if (c->nadded == c->capadded) {
        c->capadded = c->capadded ? c->capadded * 2 : 64;
        c->added = xrealloc(c->added, c->capadded * sizeof(*c->added));
    }
    c->added[c->nadded++] = entry;
    index_entry(c, entry, entry + k + 1);
    pthread_mutex_unlock(&c->lock);
    return 0;
}

void md5_cache_close(struct md5_cache *c)
{
    FILE *f = c->nadded && c->path ? fopen(c->path, "ae") : NULL;
    for (size_t i = 0; i < c->nadded; i++) {
        if (f)
            fprintf(f, "%s %s\n", c->added[i], c->added[i] + strlen(c->added[i]) + 1);
        free(c->added[i]);
    }
    if (f)
        fclose(f);
    free(c->added);
    free(c->md5);
    name_index_release(&c->ix);
    strbuf_release(&c->text);
    pthread_mutex_destroy(&c->lock);
    free(c->path);
}
