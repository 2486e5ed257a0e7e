/* io.c: the launcher's only write loops; nothing else retries writes by hand. */
#include "util/io.h"

#include <errno.h>
#include <poll.h>
#include <unistd.h>

/* One write or pwrite (off < 0: write); the bytes written, or -1 with errno. */
static ssize_t write_some(int fd, const char *p, size_t n, off_t off)
{
    for (;;) {
        ssize_t w = off < 0 ? write(fd, p, n) : pwrite(fd, p, n, off);
        if (w >= 0 || errno != EINTR) {
            if (w < 0 && errno == EAGAIN) {
                struct pollfd pfd = { fd, POLLOUT, 0 };
                poll(&pfd, 1, -1);
                continue;
            }
            return w;
        }
    }
}

static int write_loop(int fd, const char *p, size_t n, off_t off)
{
    while (n) {
        ssize_t w = write_some(fd, p, n, off);
        if (w < 0)
            return -1;
        p += w;
        n -= (size_t)w;
        if (off >= 0)
            off += w;
    }
    return 0;
}

int write_full(int fd, const void *buf, size_t n)
{
    return write_loop(fd, buf, n, -1);
}

int pwrite_full(int fd, const void *buf, size_t n, off_t off)
{
    return write_loop(fd, buf, n, off);
}
