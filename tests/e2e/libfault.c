/* libfault.c: a fault injector for testing the launcher itself (LD_PRELOAD, tests only).
 * Calls that write to files under $FAULT_PATH (write, pwrite, writev, open for writing,
 * mkdir, rename, ftruncate, fallocate, fsync, copy_file_range, close) are counted; the
 * $FAULT_AT-th fails with $FAULT_ERRNO (ENOSPC, EIO or EROFS), only that one
 * (FAULT_MODE=once) or every one from it on (FAULT_MODE=from). $FAULT_COUNT names a file
 * that gets the number of counted calls at exit. The variables are removed from the
 * environment at load, so the processes the launcher starts carry the library inert. */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

static char prefix[4096];
static size_t prefix_len;
static long fault_at, calls;
static int fault_errno, fault_from;
static char count_file[4096];

static void take(const char *name, char *dst, size_t size)
{
    const char *v = getenv(name);
    snprintf(dst, size, "%s", v ? v : "");
    unsetenv(name);
}

__attribute__((constructor)) static void fault_init(void)
{
    char at[32], err[32], mode[32];
    take("FAULT_PATH", prefix, sizeof(prefix));
    take("FAULT_AT", at, sizeof(at));
    take("FAULT_ERRNO", err, sizeof(err));
    take("FAULT_MODE", mode, sizeof(mode));
    take("FAULT_COUNT", count_file, sizeof(count_file));
    prefix_len = strlen(prefix);
    fault_at = atol(at);
    fault_errno = !strcmp(err, "EIO") ? EIO : !strcmp(err, "EROFS") ? EROFS : ENOSPC;
    fault_from = !strcmp(mode, "from");
}

#define REAL(ret, name, ...)                                                  \
    static ret (*real_##name)(__VA_ARGS__);                                   \
    if (!real_##name)                                                         \
        real_##name = (ret(*)(__VA_ARGS__))dlsym(RTLD_NEXT, #name)

static int under(const char *path)
{
    return prefix_len && !strncmp(path, prefix, prefix_len)
        && (path[prefix_len] == '/' || path[prefix_len] == '\0' || path[prefix_len] == ' ');
}

static int fd_under(int fd)
{
    char link[64], path[4096];
    if (!prefix_len || fd < 0)
        return 0;
    snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, path, sizeof(path) - 1);
    if (n <= 0)
        return 0;
    path[n] = '\0';
    return under(path);
}

static int at_under(int dirfd, const char *name)
{
    char dir[4096], path[8192];
    if (!prefix_len || !name)
        return 0;
    if (name[0] == '/')
        return under(name);
    if (dirfd == AT_FDCWD) {
        if (!getcwd(dir, sizeof(dir)))
            return 0;
    } else {
        char link[64];
        snprintf(link, sizeof(link), "/proc/self/fd/%d", dirfd);
        ssize_t n = readlink(link, dir, sizeof(dir) - 1);
        if (n <= 0)
            return 0;
        dir[n] = '\0';
    }
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    return under(path);
}

/* Counts a call on the storage; 1 when it is to fail (errno set). */
static int hit(int counted)
{
    if (!counted)
        return 0;
    long n = __atomic_add_fetch(&calls, 1, __ATOMIC_SEQ_CST);
    if (fault_at > 0 && (n == fault_at || (fault_from && n > fault_at))) {
        errno = fault_errno;
        return 1;
    }
    return 0;
}

__attribute__((destructor)) static void fault_report(void)
{
    if (!*count_file)
        return;
    int fd = open(count_file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return;
    char buf[32];
    int n = snprintf(buf, sizeof(buf), "%ld\n", calls);
    (void)!write(fd, buf, (size_t)n);
    close(fd);
}

static int writes(int flags)
{
    return (flags & (O_WRONLY | O_RDWR | O_CREAT | O_TRUNC)) != 0;
}

ssize_t write(int fd, const void *buf, size_t n)
{
    REAL(ssize_t, write, int, const void *, size_t);
    return hit(fd_under(fd)) ? -1 : real_write(fd, buf, n);
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t off)
{
    REAL(ssize_t, pwrite, int, const void *, size_t, off_t);
    return hit(fd_under(fd)) ? -1 : real_pwrite(fd, buf, n, off);
}

ssize_t pwrite64(int fd, const void *buf, size_t n, off_t off)
{
    REAL(ssize_t, pwrite64, int, const void *, size_t, off_t);
    return hit(fd_under(fd)) ? -1 : real_pwrite64(fd, buf, n, off);
}

ssize_t writev(int fd, const struct iovec *iov, int cnt)
{
    REAL(ssize_t, writev, int, const struct iovec *, int);
    return hit(fd_under(fd)) ? -1 : real_writev(fd, iov, cnt);
}

static int open_mode(int flags, va_list ap)
{
    return (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE ? va_arg(ap, int) : 0;
}

int open(const char *path, int flags, ...)
{
    REAL(int, open, const char *, int, ...);
    va_list ap;
    va_start(ap, flags);
    int mode = open_mode(flags, ap);
    va_end(ap);
    return writes(flags) && hit(at_under(AT_FDCWD, path)) ? -1 : real_open(path, flags, mode);
}

int open64(const char *path, int flags, ...)
{
    REAL(int, open64, const char *, int, ...);
    va_list ap;
    va_start(ap, flags);
    int mode = open_mode(flags, ap);
    va_end(ap);
    return writes(flags) && hit(at_under(AT_FDCWD, path)) ? -1 : real_open64(path, flags, mode);
}

int openat(int dirfd, const char *path, int flags, ...)
{
    REAL(int, openat, int, const char *, int, ...);
    va_list ap;
    va_start(ap, flags);
    int mode = open_mode(flags, ap);
    va_end(ap);
    return writes(flags) && hit(at_under(dirfd, path)) ? -1 : real_openat(dirfd, path, flags, mode);
}

int openat64(int dirfd, const char *path, int flags, ...)
{
    REAL(int, openat64, int, const char *, int, ...);
    va_list ap;
    va_start(ap, flags);
    int mode = open_mode(flags, ap);
    va_end(ap);
    return writes(flags) && hit(at_under(dirfd, path)) ? -1 : real_openat64(dirfd, path, flags, mode);
}

int mkdir(const char *path, mode_t mode)
{
    REAL(int, mkdir, const char *, mode_t);
    return hit(at_under(AT_FDCWD, path)) ? -1 : real_mkdir(path, mode);
}

int mkdirat(int dirfd, const char *path, mode_t mode)
{
    REAL(int, mkdirat, int, const char *, mode_t);
    return hit(at_under(dirfd, path)) ? -1 : real_mkdirat(dirfd, path, mode);
}

int rename(const char *from, const char *to)
{
    REAL(int, rename, const char *, const char *);
    return hit(at_under(AT_FDCWD, to)) ? -1 : real_rename(from, to);
}

int renameat(int fromfd, const char *from, int tofd, const char *to)
{
    REAL(int, renameat, int, const char *, int, const char *);
    return hit(at_under(tofd, to)) ? -1 : real_renameat(fromfd, from, tofd, to);
}

int ftruncate(int fd, off_t len)
{
    REAL(int, ftruncate, int, off_t);
    return hit(fd_under(fd)) ? -1 : real_ftruncate(fd, len);
}

int ftruncate64(int fd, off_t len)
{
    REAL(int, ftruncate64, int, off_t);
    return hit(fd_under(fd)) ? -1 : real_ftruncate64(fd, len);
}

int fallocate(int fd, int mode, off_t off, off_t len)
{
    REAL(int, fallocate, int, int, off_t, off_t);
    return hit(fd_under(fd)) ? -1 : real_fallocate(fd, mode, off, len);
}

int fallocate64(int fd, int mode, off_t off, off_t len)
{
    REAL(int, fallocate64, int, int, off_t, off_t);
    return hit(fd_under(fd)) ? -1 : real_fallocate64(fd, mode, off, len);
}

int fsync(int fd)
{
    REAL(int, fsync, int);
    return hit(fd_under(fd)) ? -1 : real_fsync(fd);
}

int fdatasync(int fd)
{
    REAL(int, fdatasync, int);
    return hit(fd_under(fd)) ? -1 : real_fdatasync(fd);
}

ssize_t copy_file_range(int in, off_t *inoff, int out, off_t *outoff, size_t n, unsigned flags)
{
    REAL(ssize_t, copy_file_range, int, off_t *, int, off_t *, size_t, unsigned);
    return hit(fd_under(out)) ? -1 : real_copy_file_range(in, inoff, out, outoff, n, flags);
}

/* A failing close (of a file open for writing) still closes, as on Linux. */
int close(int fd)
{
    REAL(int, close, int);
    int fl = fcntl(fd, F_GETFL);
    int fail = fl >= 0 && (fl & O_ACCMODE) != O_RDONLY && hit(fd_under(fd)), saved = errno;
    int rc = real_close(fd);
    if (fail) {
        errno = saved;
        return -1;
    }
    return rc;
}
