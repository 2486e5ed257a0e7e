/* fs.h: file-system helpers: mkdir -p, whole-file copy and MD5, and the one way a file is
 * replaced atomically (a temporary file beside it, then rename), so no reader sees half. */
#ifndef SR_FS_H
#define SR_FS_H

#include <stddef.h>
#include <sys/stat.h>

/* 1 when a and b have the same size and modification time (to the nanosecond): the file
 * was not rewritten between the two stats. */
int stat_unchanged(const struct stat *a, const struct stat *b);

/* mkdir -p. 0 or -1 with errno. */
int mkdir_p(const char *path, int mode);

/* rm -r of dirfd/name (symlinks removed, never followed). 0 or -1 with errno. */
int remove_tree(int dirfd, const char *name);

/* Lowercase hex MD5 of a file's content. 0 or -1 with errno. */
int md5_file(const char *path, char hex[33]);

/* Copies a regular file; the destination appears whole (atomic replace), with the mode
 * copy_mode gives, set before any byte is written. 0 or -1 with errno (EINVAL: not a
 * regular file). */
int copy_file(const char *from, const char *to);
/* copy_file, making to's directory (mkdir -p, mode 0777 less the umask) when it is
 * missing: a copy into an existing directory costs no mkdir. */
int copy_file_mkdir(const char *from, const char *to);

/* The mode of a copy of orig owned by copy_gid: never more readable than the original
 * (its bits, at most rw-r--r--, readable by its owner), group access only when the group
 * is the original's, less the umask. */
mode_t copy_mode(const struct stat *orig, gid_t copy_gid);

/* The process's umask, read from /proc without changing it (077 if unknown). */
mode_t process_umask(void);

/* A file being replaced: written to a temporary name in the same directory, renamed over
 * name by atomic_commit. name may contain '/' (relative to dirfd, or AT_FDCWD). */
struct atomic_file {
    int dirfd;
    int fd;             /* write here */
    int adopted;        /* fd is a spare file given by the caller (atomic_adopt) */
    const char *name;
    char tmp[4096];
};

/* Creates the temporary file. 0 or -1 with errno. */
int atomic_open(struct atomic_file *a, int dirfd, const char *name);
/* Like atomic_open, with dirfd/spare (open on fd) as the temporary file: written from its
 * start and cut to what was written, so space already allocated to it is reused and a
 * full file system can still take the new file. atomic_commit closes fd either way. */
int atomic_adopt(struct atomic_file *a, int dirfd, const char *name, const char *spare, int fd);
/* Closes; when rc is 0 renames it over the name, else removes it (errno kept). 0 or -1
 * with errno. */
int atomic_commit(struct atomic_file *a, int rc);

/* Opens (creating it) and locks (flock, exclusive) the lock file dirfd/name, waiting for
 * its holder. The lock's fd (closing it releases the lock), or -1 with errno. */
int lock_open(int dirfd, const char *name);

/* Writes len bytes to dir/name atomically. 0 or -1 with errno. */
int write_file_atomic(int dirfd, const char *name, const void *data, size_t len);

/* $VAR/sacred-run/name when the environment variable var holds an absolute path, else
 * $HOME/home_rel/sacred-run/name (XDG's defaults: ".cache", ".local/state"), created
 * with mode 0700. NULL with errno when it cannot be made. */
char *xdg_dir(const char *var, const char *home_rel, const char *name);

#endif
