/* paths.h: absolute paths as the kernel resolves them, for the file hooks: of an open fd,
 * and of a directory entry named relative to a directory fd. Syscalls and the stack only. */
#ifndef SR_PATHS_H
#define SR_PATHS_H

#include <stddef.h>
#include <sys/types.h>

/* The path of open fd into out (NUL-terminated); its length, or -1 if it has none. */
ssize_t sr_fd_path(int fd, char *out, size_t cap);

/* The absolute path of the entry path names relative to dirfd (AT_FDCWD or a directory
 * fd): its directory resolved by the kernel, then its last name, not followed. With
 * AT_EMPTY_PATH and "" it is dirfd's own file; with AT_SYMLINK_FOLLOW the last name is
 * followed (a /proc/self/fd link names the open file). Length, or -1. */
ssize_t sr_entry_path(int dirfd, const char *path, int at_flags, char *out, size_t cap);

#endif
