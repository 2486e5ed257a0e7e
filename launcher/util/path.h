/* path.h: how one path lies under another, on the text of the paths (no file-system
 * access, no symlinks resolved). */
#ifndef SR_PATH_H
#define SR_PATH_H

#include <stddef.h>

/* Where the part of path below dir starts (true), or 0 when path is not under dir. */
size_t path_under(const char *path, const char *dir);
/* path relative to base when it lies under it, else path itself (newly allocated). */
char *path_relative_to(const char *path, const char *base);
/* 1 when path is in a system location (/usr, /lib, /etc, /proc, ...): the system's files,
 * not the experiment's. */
int path_in_system_dir(const char *path);

#endif
