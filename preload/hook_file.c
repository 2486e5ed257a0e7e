/* hook_file.c: the files each process opens or creates (open, openat, openat2, creat,
 * fopen, the mkstemp family, each with its 64-bit twin), reported once per (path, mode,
 * working directory). A lock-free table of path hashes makes a repeated open cost one hash
 * and one lookup; the first report costs a readlink of the new fd (the kernel's absolute
 * path) and one datagram. A name relative to a directory fd is deduplicated by that
 * absolute path; an O_TMPFILE open never is. Nothing here allocates, locks or changes errno. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <stdlib.h>
#include <unistd.h>

#include "channel.h"
#include "paths.h"
#include "real.h"
#include "sr_protocol.h"

enum { SEEN_SLOTS = 1 << 14 };
static uint64_t seen[SEEN_SLOTS]; /* hashes of (path, mode, cwd generation); 0 = free */
static unsigned cwd_generation;   /* bumped by chdir/fchdir, so relative paths re-report */

static uint64_t hash(const char *path, int bits)
{
    uint64_t h = 1469598103934665603ull ^ (uint64_t)bits;
    for (const unsigned char *p = (const unsigned char *)path; *p; p++)
        h = (h ^ *p) * 1099511628211ull;
    if (path[0] != '/')
        h = (h ^ __atomic_load_n(&cwd_generation, __ATOMIC_RELAXED)) * 1099511628211ull;
    return h ? h : 1;
}

/* 1 the first time this (path, bits) is seen; the table stops deduplicating when full. */
static int first_time(const char *path, int bits)
{
    uint64_t h = hash(path, bits);
    for (size_t i = 0, s = h & (SEEN_SLOTS - 1); i < 64; i++, s = (s + 1) & (SEEN_SLOTS - 1)) {
        uint64_t cur = __atomic_load_n(&seen[s], __ATOMIC_RELAXED);
        if (cur == h)
            return 0;
        if (cur == 0 && __atomic_compare_exchange_n(&seen[s], &cur, h, 0, __ATOMIC_RELAXED,
                                                    __ATOMIC_RELAXED))
            return 1;
        if (cur == h)
            return 0;
    }
    return 1;
}

/* Sends the file behind fd, unless its absolute path was sent with these bits already
 * (dedup 0: always, for an unnamed O_TMPFILE file). */
static void send_fd(int fd, int bits, int dedup)
{
    char target[PATH_MAX];
    ssize_t n = sr_fd_path(fd, target, sizeof(target));
    if (n > 0 && (!dedup || first_time(target, bits)))
        sr_send(SR_EV_FILE, 0, bits, target, (size_t)n + 1);
}

/* Reports the file behind fd, just opened from path (relative to dirfd) with flags and
 * bits. A name that is absolute or relative to the cwd is deduplicated before the
 * readlink; one relative to a directory fd means another file in another directory. */
static void report_fd(int fd, int dirfd, const char *path, int flags, int bits)
{
    if (fd < 0 || !path || !sr_channel_on())
        return;
    int tmpfile = (flags & __O_TMPFILE) == __O_TMPFILE, by_name = path[0] == '/' || dirfd == AT_FDCWD;
    if (!tmpfile && by_name && !first_time(path, bits))
        return;
    int saved = errno;
    send_fd(fd, bits, !tmpfile && !by_name);
    errno = saved;
}

static int mode_bits(int flags)
{
    int acc = flags & O_ACCMODE;
    return (acc == O_RDONLY || acc == O_RDWR ? SR_FILE_READ : 0)
           | (acc != O_RDONLY || (flags & (O_CREAT | O_TRUNC | O_APPEND | __O_TMPFILE)) ? SR_FILE_WRITE : 0);
}

static void report_open(int fd, int dirfd, const char *path, int flags)
{
    report_fd(fd, dirfd, path, flags, mode_bits(flags));
}

static mode_t mode_arg(int flags, va_list ap)
{
    return (flags & O_CREAT) || (flags & __O_TMPFILE) == __O_TMPFILE ? (mode_t)va_arg(ap, int) : 0;
}

#define OPEN_HOOK(name, at, ...)                                               \
    {                                                                          \
        va_list ap;                                                            \
        va_start(ap, flags);                                                   \
        mode_t mode = mode_arg(flags, ap);                                     \
        va_end(ap);                                                            \
        int fd = REAL(name)(__VA_ARGS__, mode);                                \
        report_open(fd, at, path, flags);                                      \
        return fd;                                                             \
    }

SR_EXPORT int open(const char *path, int flags, ...) OPEN_HOOK(open, AT_FDCWD, path, flags)
SR_EXPORT int open64(const char *path, int flags, ...) OPEN_HOOK(open64, AT_FDCWD, path, flags)
SR_EXPORT int openat(int dirfd, const char *path, int flags, ...) OPEN_HOOK(openat, dirfd, dirfd, path, flags)
SR_EXPORT int openat64(int dirfd, const char *path, int flags, ...) OPEN_HOOK(openat64, dirfd, dirfd, path, flags)

/* The fortified entry points (_FORTIFY_SOURCE) that open() becomes in many builds. */
#define OPEN2_HOOK(name, at, ...)                                              \
    {                                                                          \
        int fd = REAL(name)(__VA_ARGS__);                                      \
        report_open(fd, at, path, flags);                                      \
        return fd;                                                             \
    }

SR_EXPORT int __open_2(const char *path, int flags) OPEN2_HOOK(open_2, AT_FDCWD, path, flags)
SR_EXPORT int __open64_2(const char *path, int flags) OPEN2_HOOK(open64_2, AT_FDCWD, path, flags)
SR_EXPORT int __openat_2(int dirfd, const char *path, int flags) OPEN2_HOOK(openat_2, dirfd, dirfd, path, flags)
SR_EXPORT int __openat64_2(int dirfd, const char *path, int flags) OPEN2_HOOK(openat64_2, dirfd, dirfd, path, flags)

/* creat(path, mode) is open(path, O_CREAT | O_WRONLY | O_TRUNC, mode). */
#define CREAT_FLAGS (O_CREAT | O_WRONLY | O_TRUNC)

SR_EXPORT int creat(const char *path, mode_t mode)
{
    int fd = REAL(creat)(path, mode);
    report_open(fd, AT_FDCWD, path, CREAT_FLAGS);
    return fd;
}

SR_EXPORT int creat64(const char *path, mode_t mode)
{
    int fd = REAL(creat64)(path, mode);
    report_open(fd, AT_FDCWD, path, CREAT_FLAGS);
    return fd;
}

/* The mkstemp family opens the name it made with glibc's internal open, which no open
 * hook sees; the template holds that name when the call returns. */
#define MKSTEMP_HOOK(name, ...)                                                \
    {                                                                          \
        int fd = REAL(name)(__VA_ARGS__);                                      \
        report_open(fd, AT_FDCWD, tmpl, O_RDWR | O_CREAT | O_EXCL);            \
        return fd;                                                             \
    }

SR_EXPORT int mkstemp(char *tmpl) MKSTEMP_HOOK(mkstemp, tmpl)
SR_EXPORT int mkstemp64(char *tmpl) MKSTEMP_HOOK(mkstemp64, tmpl)
SR_EXPORT int mkostemp(char *tmpl, int flags) MKSTEMP_HOOK(mkostemp, tmpl, flags)
SR_EXPORT int mkostemp64(char *tmpl, int flags) MKSTEMP_HOOK(mkostemp64, tmpl, flags)
SR_EXPORT int mkstemps(char *tmpl, int suffixlen) MKSTEMP_HOOK(mkstemps, tmpl, suffixlen)
SR_EXPORT int mkstemps64(char *tmpl, int suffixlen) MKSTEMP_HOOK(mkstemps64, tmpl, suffixlen)
SR_EXPORT int mkostemps(char *tmpl, int suffixlen, int flags) MKSTEMP_HOOK(mkostemps, tmpl, suffixlen, flags)
SR_EXPORT int mkostemps64(char *tmpl, int suffixlen, int flags) MKSTEMP_HOOK(mkostemps64, tmpl, suffixlen, flags)

/* glibc 2.36 has no openat2 wrapper: programs call syscall(SYS_openat2, ...). Every other
 * number passes straight through (six words, as glibc's own syscall reads them). */
SR_EXPORT long syscall(long number, ...)
{
    va_list ap;
    va_start(ap, number);
    long a[6];
    for (int i = 0; i < 6; i++)
        a[i] = va_arg(ap, long);
    va_end(ap);
    long rc = REAL(syscall)(number, a[0], a[1], a[2], a[3], a[4], a[5]);
    if (number == SYS_openat2 && rc >= 0 && a[2]) {
        const struct open_how *how = (const struct open_how *)a[2];
        report_open((int)rc, (int)a[0], (const char *)a[1], (int)how->flags);
    }
    return rc;
}

static int fmode_bits(const char *mode)
{
    int plus = strchr(mode, '+') != NULL;
    return mode[0] == 'r' ? SR_FILE_READ | (plus ? SR_FILE_WRITE : 0)
                          : SR_FILE_WRITE | (plus ? SR_FILE_READ : 0);
}

static void report_stream(FILE *f, const char *path, const char *mode)
{
    if (f && mode)
        report_fd(fileno(f), AT_FDCWD, path, 0, fmode_bits(mode));
}

SR_EXPORT FILE *fopen(const char *path, const char *mode)
{
    FILE *f = REAL(fopen)(path, mode);
    report_stream(f, path, mode);
    return f;
}

SR_EXPORT FILE *fopen64(const char *path, const char *mode)
{
    FILE *f = REAL(fopen64)(path, mode);
    report_stream(f, path, mode);
    return f;
}

SR_EXPORT FILE *freopen(const char *path, const char *mode, FILE *stream)
{
    FILE *f = REAL(freopen)(path, mode, stream);
    report_stream(f, path, mode);
    return f;
}

SR_EXPORT FILE *freopen64(const char *path, const char *mode, FILE *stream)
{
    FILE *f = REAL(freopen64)(path, mode, stream);
    report_stream(f, path, mode);
    return f;
}

SR_EXPORT int chdir(const char *path)
{
    int rc = REAL(chdir)(path);
    if (rc == 0)
        __atomic_add_fetch(&cwd_generation, 1, __ATOMIC_RELAXED);
    return rc;
}

SR_EXPORT int fchdir(int fd)
{
    int rc = REAL(fchdir)(fd);
    if (rc == 0)
        __atomic_add_fetch(&cwd_generation, 1, __ATOMIC_RELAXED);
    return rc;
}
