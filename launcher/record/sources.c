/* sources.c: MD5 hashing (libmd) and the _sources store. An existing stored file is
 * trusted as Sacred does; a new one appears atomically, so concurrent runs never see half. */
#include "record/sources.h"

#include <errno.h>
#include <fcntl.h>
#include <md5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/error.h"
#include "util/io.h"
#include "record/runid.h"

enum { BLOCK = 1 << 20 };

int md5_file(const char *path, char hex[33])
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    MD5_CTX ctx;
    MD5Init(&ctx);
    unsigned char *buf = xmalloc(BLOCK);
    ssize_t n;
    while ((n = read(fd, buf, BLOCK)) > 0 || (n < 0 && errno == EINTR))
        if (n > 0)
            MD5Update(&ctx, buf, (size_t)n);
    int saved = errno;
    free(buf);
    close(fd);
    if (n < 0) {
        errno = saved;
        return -1;
    }
    unsigned char d[MD5_DIGEST_LENGTH];
    MD5Final(d, &ctx);
    for (int i = 0; i < MD5_DIGEST_LENGTH; i++)
        sprintf(hex + 2 * i, "%02x", d[i]);
    return 0;
}

int copy_file(const char *from, const char *to)
{
    int in = open(from, O_RDONLY | O_CLOEXEC), out = -1, rc = -1;
    char *tmp = xasprintf("%s.tmp%ld", to, (long)getpid());
    unsigned char *buf = xmalloc(BLOCK);
    if (in < 0 || (out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) < 0)
        goto done;
    ssize_t n;
    while ((n = read(in, buf, BLOCK)) > 0)
        if (write_full(out, buf, (size_t)n) < 0)
            goto done;
    if (n == 0 && close(out) == 0) {
        out = -1;
        rc = rename(tmp, to);
    }
done:
    if (out >= 0)
        close(out);
    if (in >= 0)
        close(in);
    if (rc < 0)
        unlink(tmp);
    free(tmp);
    free(buf);
    return rc;
}

int store_file(const char *basedir, const char *subdir, const char *path, char *stored,
               size_t storedlen)
{
    char md5[33];
    if (md5_file(path, md5) < 0)
        return -1;
    const char *b = strrchr(path, '/');
    b = b ? b + 1 : path;
    const char *dot = strrchr(b, '.');
    if (dot == b)
        dot = NULL; /* a dotfile has no extension, as in os.path.splitext */
    int stem = dot ? (int)(dot - b) : (int)strlen(b);
    snprintf(stored, storedlen, "%s/%.*s_%s%s", subdir, stem, b, md5, dot ? dot : "");
    char *dir = xasprintf("%s/%s", basedir, subdir);
    char *dest = xasprintf("%s/%s", basedir, stored);
    struct stat st;
    int rc = 0;
    if (stat(dest, &st) < 0)
        rc = mkdir_p(dir, 0777) < 0 ? -1 : copy_file(path, dest);
    free(dir);
    free(dest);
    return rc;
}

size_t path_under(const char *path, const char *dir)
{
    size_t n = strlen(dir);
    while (n > 1 && dir[n - 1] == '/')
        n--;
    return !strncmp(path, dir, n) && path[n] == '/' ? n + 1 : 0;
}

char *path_relative_to(const char *path, const char *base)
{
    return xstrdup(path + path_under(path, base));
}
