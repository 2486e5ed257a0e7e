/* io.h: complete writes. Loops over short writes and EINTR, and waits (poll) when a
 * descriptor someone else made non-blocking says EAGAIN. 0, or -1 with errno. */
#ifndef SR_IO_H
#define SR_IO_H

#include <stddef.h>
#include <sys/types.h>

int write_full(int fd, const void *buf, size_t n);
int pwrite_full(int fd, const void *buf, size_t n, off_t off);

#endif
