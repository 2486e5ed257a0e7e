/* cout.c: the cout.txt writer. Completed lines go at the committed offset; the pending
 * line is written after them and the file truncated to its end. No reads, no seeks back. */
#include "record/cout.h"

#include <fcntl.h>
#include <unistd.h>

#include "record/sacred_files.h"
#include "util/io.h"

int cout_open(struct cout_file *c, int dirfd)
{
    c->fd = openat(dirfd, COUT_TXT, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    c->committed = c->visible = 0;
    if (c->fd < 0)
        return -1;
    off_t end = lseek(c->fd, 0, SEEK_END);
    c->committed = c->visible = end < 0 ? 0 : end;
    return 0;
}

int cout_append(struct cout_file *c, const char *buf, size_t n)
{
    if (c->fd < 0)
        return 0;
    if (pwrite_full(c->fd, buf, n, c->committed) < 0)
        return -1;
    c->committed += (off_t)n;
    if (c->visible > c->committed && ftruncate(c->fd, c->committed) < 0)
        return -1;
    c->visible = c->committed;
    return 0;
}

int cout_show_pending(struct cout_file *c, const char *buf, size_t n)
{
    if (c->fd < 0)
        return 0;
    if (pwrite_full(c->fd, buf, n, c->committed) < 0)
        return -1;
    off_t end = c->committed + (off_t)n;
    if (c->visible > end && ftruncate(c->fd, end) < 0)
        return -1;
    c->visible = end;
    return 0;
}

void cout_close(struct cout_file *c)
{
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
}
