/* fs.c: mkdir -p, rm -r, copying, MD5 (libmd) and atomic replacement of files. Every function
 * reports failure as -1 with errno and never prints; a copy never widens who may read. */
#include "util/fs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <md5.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/error.h"
#include "util/io.h"
#include "util/strbuf.h"

enum { BLOCK = 1 << 20 };

/* path exists and is a directory (after mkdir said EEXIST or made it). */
static int is_dir(const char *path)
{
    struct stat st;
    if (stat(path, &st) < 0)
        return -1;
    if (!S_ISDIR(st.st_mode)) {
        errno = ENOTDIR;
        return -1;
    }
    return 0;
}

int mkdir_p(const char *path, int mode)
{
    char buf[4096];
    if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf)) {
        errno = ENAMETOOLONG;
        return -1;
    }
    if (mkdir(buf, (mode_t)mode) == 0 || errno == EEXIST) /* the parents exist: one call */
        return is_dir(buf);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(buf, (mode_t)mode) < 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    if (mkdir(buf, (mode_t)mode) < 0 && errno != EEXIST)
        return -1;
    return is_dir(buf);
}

int remove_tree(int dirfd, const char *name)
{
    if (unlinkat(dirfd, name, 0) == 0 || errno == ENOENT)
        return 0;
    if (errno != EISDIR && errno != EPERM) /* a directory: EISDIR on Linux, EPERM in POSIX */
        return -1;
    int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    DIR *d = fd < 0 ? NULL : fdopendir(fd);
    if (!d) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    int rc = 0;
    for (struct dirent *e; (e = readdir(d));)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") && remove_tree(fd, e->d_name) < 0)
            rc = -1;
    int saved = errno;
    closedir(d);
    if (rc == 0 && unlinkat(dirfd, name, AT_REMOVEDIR) == 0)
        return 0;
    if (rc == 0)
        saved = errno;
    errno = saved;
    return -1;
}

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

static int atomic_create(struct atomic_file *a, int dirfd, const char *name, mode_t mode)
{
    const char *base = strrchr(name, '/');
    int dirlen = base ? (int)(base + 1 - name) : 0;
    a->dirfd = dirfd;
    a->name = name;
    if (snprintf(a->tmp, sizeof(a->tmp), "%.*s.%s.tmp%ld", dirlen, name, name + dirlen,
                 (long)getpid()) >= (int)sizeof(a->tmp)) {
        errno = ENAMETOOLONG;
        return -1;
    }
    a->adopted = 0;
    a->fd = openat(dirfd, a->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    return a->fd < 0 ? -1 : 0;
}

int atomic_open(struct atomic_file *a, int dirfd, const char *name)
{
    return atomic_create(a, dirfd, name, 0644);
}

int atomic_adopt(struct atomic_file *a, int dirfd, const char *name, const char *spare, int fd)
{
    a->dirfd = dirfd;
    a->name = name;
    a->fd = fd;
    a->adopted = 1;
    if (snprintf(a->tmp, sizeof(a->tmp), "%s", spare) >= (int)sizeof(a->tmp)
        || lseek(fd, 0, SEEK_SET) < 0 || fchmod(fd, 0644 & ~process_umask()) < 0) {
        int saved = errno ? errno : ENAMETOOLONG;
        close(fd);
        errno = saved;
        return -1;
    }
    return 0;
}

int atomic_commit(struct atomic_file *a, int rc)
{
    int saved = errno;
    off_t end = a->adopted && rc == 0 ? lseek(a->fd, 0, SEEK_CUR) : 0;
    if (end < 0 || (a->adopted && rc == 0 && ftruncate(a->fd, end) < 0))
        rc = -1, saved = errno;
    if (close(a->fd) < 0 && rc == 0)
        rc = -1, saved = errno;
    if (rc == 0 && renameat(a->dirfd, a->tmp, a->dirfd, a->name) == 0)
        return 0;
    if (rc == 0)
        saved = errno;
    unlinkat(a->dirfd, a->tmp, 0);
    errno = saved;
    return -1;
}

int write_file_atomic(int dirfd, const char *name, const void *data, size_t len)
{
    struct atomic_file a;
    if (atomic_open(&a, dirfd, name) < 0)
        return -1;
    return atomic_commit(&a, write_full(a.fd, data, len));
}

static mode_t umask_value;
static pthread_once_t umask_once = PTHREAD_ONCE_INIT;

static void read_umask(void)
{
    struct strbuf sb = STRBUF_INIT;
    const char *v = strbuf_read_file(&sb, "/proc/self/status") == 0
                  ? strbuf_line_value(&sb, "Umask:", 6) : NULL;
    umask_value = v ? (mode_t)strtoul(v, NULL, 8) & 0777 : 077; /* unknown: the strictest */
    strbuf_release(&sb);
}

mode_t process_umask(void)
{
    pthread_once(&umask_once, read_umask);
    return umask_value;
}

mode_t copy_mode(const struct stat *orig, gid_t copy_gid)
{
    mode_t m = (orig->st_mode & 0644) | S_IRUSR;
    if (copy_gid != orig->st_gid) /* another group: only what everyone may */
        m &= ~(mode_t)070 | (m & 07) << 3;
    return m & ~process_umask();
}

/* Copies in to out from their current offsets: in the kernel (copy_file_range, which
 * also reflinks where the file system can), else through a buffer (another file system
 * before Linux 5.19, or a file system without it). 0 or -1 with errno. */
static int copy_data(int in, int out)
{
    ssize_t n;
    while ((n = copy_file_range(in, NULL, out, NULL, BLOCK, 0)) > 0 || (n < 0 && errno == EINTR))
        ;
    if (n == 0)
        return 0;
    if (errno != EXDEV && errno != ENOSYS && errno != EINVAL && errno != EOPNOTSUPP)
        return -1;
    unsigned char *buf = xmalloc(BLOCK);
    int rc = 0;
    while (rc == 0 && (n = read(in, buf, BLOCK)) != 0)
        rc = n < 0 ? (errno == EINTR ? 0 : -1) : write_full(out, buf, (size_t)n);
    free(buf);
    return rc;
}

int copy_file(const char *from, const char *to)
{
    int in = open(from, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK); /* a FIFO never blocks */
    struct atomic_file a;
    struct stat st, out;
    if (in < 0)
        return -1;
    int ok = fstat(in, &st) == 0 && (S_ISREG(st.st_mode) || (errno = EINVAL, 0));
    if (!ok || atomic_create(&a, AT_FDCWD, to, 0600) < 0) {
        int saved = errno;
        close(in);
        errno = saved;
        return -1;
    }
    int rc = fstat(a.fd, &out) < 0 || fchmod(a.fd, copy_mode(&st, out.st_gid)) < 0 ? -1 : 0;
    if (rc == 0)
        rc = copy_data(in, a.fd);
    int saved = errno;
    close(in);
    errno = saved;
    return atomic_commit(&a, rc);
}

int lock_open(int dirfd, const char *name)
{
    int fd = openat(dirfd, name, O_RDWR | O_CREAT | O_CLOEXEC, 0644), rc;
    if (fd < 0)
        return -1;
    while ((rc = flock(fd, LOCK_EX)) < 0 && errno == EINTR)
        ;
    if (rc < 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    return fd;
}

int copy_file_mkdir(const char *from, const char *to)
{
    if (copy_file(from, to) == 0)
        return 0;
    const char *slash = strrchr(to, '/');
    if (errno != ENOENT || !slash || slash == to)
        return -1;
    char *dir = xstrndup(to, (size_t)(slash - to));
    int rc = mkdir_p(dir, 0777);
    free(dir);
    return rc == 0 ? copy_file(from, to) : -1;
}

char *xdg_dir(const char *var, const char *home_rel, const char *name)
{
    const char *xdg = getenv(var), *home = getenv("HOME");
    char *dir = xdg && *xdg == '/' ? xasprintf("%s/sacred-run/%s", xdg, name)
              : xasprintf("%s/%s/sacred-run/%s", home && *home ? home : "/tmp", home_rel, name);
    if (mkdir_p(dir, 0700) < 0) {
        free(dir);
        return NULL;
    }
    return dir;
}

int stat_unchanged(const struct stat *a, const struct stat *b)
{
    return a->st_size == b->st_size && a->st_mtim.tv_sec == b->st_mtim.tv_sec
           && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}
