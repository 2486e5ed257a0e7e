/* files.c: a hash set of reported paths with their accumulated use. */
#include "files.h"

#include <stdlib.h>
#include <string.h>

#include "error.h"

void files_init(struct files *fs)
{
    memset(fs, 0, sizeof(*fs));
}

static size_t hash(const char *s)
{
    size_t h = 1469598103934665603u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

static void reindex(struct files *fs)
{
    free(fs->slot);
    fs->nslot = fs->nslot ? fs->nslot * 2 : 256;
    fs->slot = xcalloc(fs->nslot, sizeof(*fs->slot));
    for (size_t i = 0; i < fs->n; i++) {
        size_t h = hash(fs->f[i].path) & (fs->nslot - 1);
        while (fs->slot[h])
            h = (h + 1) & (fs->nslot - 1);
        fs->slot[h] = i + 1;
    }
}

static struct file_use *find(const struct files *fs, const char *path, size_t *free_slot)
{
    if (!fs->nslot)
        return NULL;
    size_t h = hash(path) & (fs->nslot - 1);
    for (; fs->slot[h]; h = (h + 1) & (fs->nslot - 1))
        if (!strcmp(fs->f[fs->slot[h] - 1].path, path))
            return &fs->f[fs->slot[h] - 1];
    if (free_slot)
        *free_slot = h;
    return NULL;
}

void files_add(struct files *fs, const char *path, int bits)
{
    size_t at = 0;
    if (!fs->nslot)
        reindex(fs);
    struct file_use *u = find(fs, path, &at);
    if (u) {
        u->bits |= bits;
        return;
    }
    if (fs->n == fs->cap) {
        fs->cap = fs->cap ? fs->cap * 2 : 64;
        fs->f = xrealloc(fs->f, fs->cap * sizeof(*fs->f));
    }
    fs->f[fs->n++] = (struct file_use){ xstrdup(path), bits };
    if (2 * fs->n > fs->nslot)
        reindex(fs);
    else
        fs->slot[at] = fs->n;
}

void files_rename(struct files *fs, const char *from, const char *to)
{
    fs->renames = xrealloc(fs->renames, (fs->nrenames + 2) * sizeof(*fs->renames));
    fs->renames[fs->nrenames++] = xstrdup(from);
    fs->renames[fs->nrenames++] = xstrdup(to);
}

int files_bits(const struct files *fs, const char *path)
{
    const struct file_use *u = find(fs, path, NULL);
    return u ? u->bits : 0;
}

void files_release(struct files *fs)
{
    for (size_t i = 0; i < fs->n; i++)
        free(fs->f[i].path);
    for (size_t i = 0; i < fs->nrenames; i++)
        free(fs->renames[i]);
    free(fs->f);
    free(fs->slot);
    free(fs->renames);
    memset(fs, 0, sizeof(*fs));
}
