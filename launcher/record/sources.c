/* sources.c: the _sources store. An existing stored file is trusted as Sacred does; a new
 * one appears atomically, so concurrent runs never see half. Private files never enter. */
#include "record/sources.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "record/private.h"
#include "util/error.h"
#include "util/fs.h"

void store_name(const char *subdir, const char *path, const char *md5, char *stored,
                size_t storedlen)
{
    const char *b = strrchr(path, '/');
    b = b ? b + 1 : path;
    const char *dot = strrchr(b, '.');
    if (dot == b)
        dot = NULL; /* a dotfile has no extension, as in os.path.splitext */
    int stem = dot ? (int)(dot - b) : (int)strlen(b);
    snprintf(stored, storedlen, "%s/%.*s_%s%s", subdir, stem, b, md5, dot ? dot : "");
}

int store_file(const char *basedir, const char *subdir, const char *path, char *stored,
               size_t storedlen)
{
    char md5[33];
    if (private_file(path)) {
        errno = EPERM;
        return -1;
    }
    if (md5_file(path, md5) < 0)
        return -1;
    store_name(subdir, path, md5, stored, storedlen);
    char *dir = xasprintf("%s/%s", basedir, subdir);
    char *dest = xasprintf("%s/%s", basedir, stored);
    struct stat st;
    int rc = 0;
    if (stat(dest, &st) < 0)
        rc = mkdir_p(dir, 0777) < 0 ? -1 : copy_file(path, dest);
    else
        utimensat(AT_FDCWD, dest, NULL, 0); /* best effort: a read-only store stays as it is */
    free(dir);
    free(dest);
    return rc;
}
