/* files.h: the files the program tree opened (from the preload library's reports), with
 * how they were used, and the renames and links between them. Collects only; provenance.c decides. */
#ifndef SR_FILES_H
#define SR_FILES_H

#include <stddef.h>

#include "util/nameindex.h"

struct file_use {
    char *path;  /* absolute */
    int bits;    /* SR_FILE_READ | SR_FILE_WRITE */
};

struct files {
    struct file_use *f;
    size_t n, cap;
    struct name_index index; /* path -> position in f */
    char **renames; /* from, to, from, to, ... in order (renames and hard links) */
    size_t nrenames;
};

void files_init(struct files *fs);
void files_add(struct files *fs, const char *path, int bits);
void files_rename(struct files *fs, const char *from, const char *to);
/* Bits recorded for path, 0 if none. */
int files_bits(const struct files *fs, const char *path);
/* Orders the files by path, as Sacred lists sources (lookups keep working). */
void files_sort(struct files *fs);
void files_release(struct files *fs);

#endif
