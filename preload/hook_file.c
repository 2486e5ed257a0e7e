/* hook_file.c: the files each process opens and renames, reported once per (path, mode,
 * working directory). A lock-free table of path hashes makes a repeated open cost one hash
 * and one lookup; the first report costs a readlink of the new fd (the kernel's absolute
 * path) and one datagram. Nothing here allocates, locks or changes errno. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <stdlib.h>
#include <unistd.h>

#include "channel.h"
#include "real.h"
#include "sr_protocol.h"

enum { SEEN_SLOTS = 1 << 14 };
static uint64_t seen[SEEN_SLOTS]; /* hashes of (path, mode, cwd generation); 0 = free */
static unsigned cwd_generation;   /* bumped by chdir/fchdir, so relative paths re-report */
static int reporting = -1;        /* -1 unknown, 0 off (not under sacred-run), 1 on */

static int on(void)
{
    if (reporting < 0)
        reporting = getenv(SR_ENV_SOCKET) != NULL;
    return reporting;
}

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

static int mode_bits(int flags)
{
    int acc = flags & O_ACCMODE;
    return (acc == O_RDONLY || acc == O_RDWR ? SR_FILE_READ : 0)
           | (acc != O_RDONLY || (flags & (O_CREAT | O_TRUNC | O_APPEND)) ? SR_FILE_WRITE : 0);
}

/* Reports the file behind fd (just opened from path with bits). */
static void report_fd(int fd, const char *path, int bits)
{
    if (fd < 0 || !path || !on() || !first_time(path, bits))
        return;
    int saved = errno;
    char link[64], target[4096];
    snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, target, sizeof(target) - 1);
    if (n > 0 && target[0] == '/') {
        target[n] = '\0';
        sr_send(SR_EV_FILE, 0, bits, target, (size_t)n + 1);
    }
    errno = saved;
}

static mode_t mode_arg(int flags, va_list ap)
{
    return (flags & O_CREAT) || (flags & __O_TMPFILE) == __O_TMPFILE ? (mode_t)va_arg(ap, int) : 0;
}

#define OPEN_HOOK(name, ...)                                                   \
    {                                                                          \
        va_list ap;                                                            \
        va_start(ap, flags);                                                   \
        mode_t mode = mode_arg(flags, ap);                                     \
        va_end(ap);                                                            \
        int fd = REAL(name)(__VA_ARGS__, mode);                              \
        report_fd(fd, path, mode_bits(flags));                                 \
        return fd;                                                             \
    }

SR_EXPORT int open(const char *path, int flags, ...) OPEN_HOOK(open, path, flags)
SR_EXPORT int open64(const char *path, int flags, ...) OPEN_HOOK(open64, path, flags)
SR_EXPORT int openat(int dirfd, const char *path, int flags, ...) OPEN_HOOK(openat, dirfd, path, flags)
SR_EXPORT int openat64(int dirfd, const char *path, int flags, ...) OPEN_HOOK(openat64, dirfd, path, flags)

/* The fortified entry points (_FORTIFY_SOURCE) that open() becomes in many builds. */
#define OPEN2_HOOK(name, ...)                                                  \
    {                                                                          \
        int fd = REAL(name)(__VA_ARGS__);                                    \
        report_fd(fd, path, mode_bits(flags));                                 \
        return fd;                                                             \
    }

SR_EXPORT int __open_2(const char *path, int flags) OPEN2_HOOK(open_2, path, flags)
SR_EXPORT int __open64_2(const char *path, int flags) OPEN2_HOOK(open64_2, path, flags)
SR_EXPORT int __openat_2(int dirfd, const char *path, int flags) OPEN2_HOOK(openat_2, dirfd, path, flags)
SR_EXPORT int __openat64_2(int dirfd, const char *path, int flags) OPEN2_HOOK(openat64_2, dirfd, path, flags)

SR_EXPORT int creat(const char *path, mode_t mode)
{
    int fd = REAL(creat)(path, mode);
    report_fd(fd, path, SR_FILE_WRITE);
    return fd;
}

SR_EXPORT int creat64(const char *path, mode_t mode)
{
    int fd = REAL(creat64)(path, mode);
    report_fd(fd, path, SR_FILE_WRITE);
    return fd;
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
        report_fd(fileno(f), path, fmode_bits(mode));
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

/* A rename is reported with both names made absolute (relative ones against the cwd);
 * only renames between paths relative to the cwd or absolute are reported. */
static void report_rename(int rc, int olddir, const char *from, int newdir, const char *to)
{
    if (rc != 0 || !on() || (from[0] != '/' && olddir != AT_FDCWD) || (to[0] != '/' && newdir != AT_FDCWD))
        return;
    int saved = errno;
    char cwd[4096] = "";
    if ((from[0] != '/' || to[0] != '/') && !getcwd(cwd, sizeof(cwd)))
        cwd[0] = '\0';
    struct sr_chunker c = { .type = SR_EV_RENAME };
    const char *names[2] = { from, to };
    for (int i = 0; i < 2; i++) {
        if (names[i][0] != '/') {
            sr_chunk_add(&c, cwd, strlen(cwd));
            sr_chunk_add(&c, "/", 1);
        }
        sr_chunk_add(&c, names[i], strlen(names[i]) + 1);
    }
    sr_chunk_end(&c);
    errno = saved;
}

SR_EXPORT int rename(const char *from, const char *to)
{
    int rc = REAL(rename)(from, to);
    report_rename(rc, AT_FDCWD, from, AT_FDCWD, to);
    return rc;
}

SR_EXPORT int renameat(int olddir, const char *from, int newdir, const char *to)
{
    int rc = REAL(renameat)(olddir, from, newdir, to);
    report_rename(rc, olddir, from, newdir, to);
    return rc;
}

SR_EXPORT int renameat2(int olddir, const char *from, int newdir, const char *to, unsigned int flags)
{
    int rc = REAL(renameat2)(olddir, from, newdir, to, flags);
    report_rename(rc, olddir, from, newdir, to);
    return rc;
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
