/* sources.h: Sacred's content-addressed file store: BASEDIR/_sources/<stem>_<md5><ext>,
 * written once (temporary file + rename) and shared by every run of the storage. */
#ifndef SR_SOURCES_H
#define SR_SOURCES_H

#include <stddef.h>

/* Lowercase hex MD5 of a file's content. 0 or -1 with errno. */
int md5_file(const char *path, char hex[33]);

/* Stores path under basedir/subdir; writes "subdir/<stem>_<md5><ext>" to stored.
 * 0 or -1 with errno. */
int store_file(const char *basedir, const char *subdir, const char *path, char *stored,
               size_t storedlen);

/* Copies a file (temporary file + rename, so the destination appears whole). 0 or -1. */
int copy_file(const char *from, const char *to);

/* Where the part of path below dir starts (true), or 0 when path is not under dir. */
size_t path_under(const char *path, const char *dir);
/* path relative to base when it lies under it, else path itself (newly allocated). */
char *path_relative_to(const char *path, const char *base);

#endif
