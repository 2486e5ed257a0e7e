/* files.c: a hash set of reported paths with their accumulated use. */
#include "observe/files.h"

#include <stdlib.h>
#include <string.h>

#include "util/error.h"
#include "util/utf8.h"

void files_init(struct files *fs)
{
    memset(fs, 0, sizeof(*fs));
}

void files_add(struct files *fs, const char *path, int bits)
{
    long at = name_index_get(&fs->index, path, strlen(path));
    if (at >= 0) {
        fs->f[at].bits |= bits;
        return;
    }
    if (fs->n == fs->cap) {
        fs->cap = fs->cap ? fs->cap * 2 : 64;
        fs->f = xrealloc(fs->f, fs->cap * sizeof(*fs->f));
    }
    fs->f[fs->n] = (struct file_use){ xstrdup(path), bits };
    name_index_put(&fs->index, fs->f[fs->n].path, fs->n);
    fs->n++;
}

void files_rename(struct files *fs, const char *from, const char *to)
{
    fs->renames = xrealloc(fs->renames, (fs->nrenames + 2) * sizeof(*fs->renames));
    fs->renames[fs->nrenames++] = xstrdup(from);
    fs->renames[fs->nrenames++] = xstrdup(to);
}

int files_bits(const struct files *fs, const char *path)
{
    long at = name_index_get(&fs->index, path, strlen(path));
    return at >= 0 ? fs->f[at].bits : 0;
}

static int by_path(const void *a, const void *b)
{
    return utf8_cmp(((const struct file_use *)a)->path, ((const struct file_use *)b)->path);
}

void files_sort(struct files *fs)
{
    if (fs->n)
        qsort(fs->f, fs->n, sizeof(*fs->f), by_path);
    name_index_release(&fs->index);
    for (size_t i = 0; i < fs->n; i++)
        name_index_put(&fs->index, fs->f[i].path, i);
}

void files_release(struct files *fs)
{
    for (size_t i = 0; i < fs->n; i++)
        free(fs->f[i].path);
    for (size_t i = 0; i < fs->nrenames; i++)
        free(fs->renames[i]);
    free(fs->f);
    name_index_release(&fs->index);
    free(fs->renames);
    memset(fs, 0, sizeof(*fs));
}
