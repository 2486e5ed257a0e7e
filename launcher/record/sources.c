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

int store_file(const char *basedir, const char *subdir, const char *path, const char *known_md5,
               char *stored, size_t storedlen)
{
    char md5[33];
    if (private_file(path)) {
        errno = EPERM;
        return -1;
    }
    if (known_md5)
        memcpy(md5, known_md5, sizeof(md5));
    else if (md5_file(path, md5) < 0)
        return -1;
    store_name(subdir, path, md5, stored, storedlen);
    char *dest = xasprintf("%s/%s", basedir, stored);
    int rc = 0;
    if (utimensat(AT_FDCWD, dest, NULL, 0) < 0 && errno == ENOENT)
        rc = copy_file_mkdir(path, dest);
    free(dest);
    return rc;
}
