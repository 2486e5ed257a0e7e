/* paths.c: resolving the paths the file hooks report, with readlink on /proc/self/fd.
 * Nothing here allocates, locks, or calls a hooked function by its public name. */
#include "paths.h"

#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

#include "real.h"

ssize_t sr_fd_path(int fd, char *out, size_t cap)
{
    char link[32] = "/proc/self/fd/", digits[12];
    int k = 0;
    for (unsigned v = (unsigned)fd; k == 0 || v; v /= 10)
        digits[k++] = (char)('0' + v % 10);
    size_t at = strlen(link);
    while (k > 0)
        link[at++] = digits[--k];
    link[at] = '\0';
    ssize_t n = fd < 0 || cap < 2 ? -1 : readlink(link, out, cap - 1);
    if (n <= 0 || out[0] != '/')
        return -1;
    out[n] = '\0';
    return n;
}

/* The path of what openat(dirfd, path, O_PATH | extra) finds. */
static ssize_t opened_path(int dirfd, const char *path, int extra, char *out, size_t cap)
{
    int fd = REAL(openat)(dirfd, path, O_PATH | O_CLOEXEC | extra);
    if (fd < 0)
        return -1;
    ssize_t n = sr_fd_path(fd, out, cap);
    close(fd);
    return n;
}

ssize_t sr_entry_path(int dirfd, const char *path, int at_flags, char *out, size_t cap)
{
    if ((at_flags & AT_EMPTY_PATH) && !*path)
        return sr_fd_path(dirfd, out, cap);
    if (at_flags & AT_SYMLINK_FOLLOW)
        return opened_path(dirfd, path, 0, out, cap);
    const char *slash = strrchr(path, '/'), *name = slash ? slash + 1 : path;
    char dir[PATH_MAX] = ".";
    if (slash) {
        size_t len = slash == path ? 1 : (size_t)(slash - path);
        if (len >= sizeof(dir))
            return -1;
        memcpy(dir, path, len);
        dir[len] = '\0';
    }
    size_t nlen = strlen(name);
    if (!nlen || !strcmp(name, ".") || !strcmp(name, ".."))
        return -1;
    ssize_t n = opened_path(dirfd, dir, O_DIRECTORY, out, cap);
    if (n < 0 || (size_t)n + 1 + nlen >= cap)
        return -1;
    if (n > 1)
        out[n++] = '/';
    memcpy(out + n, name, nlen + 1);
    return n + (ssize_t)nlen;
}
