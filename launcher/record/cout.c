/* cout.c: the cout.txt writer. Completed lines go at the committed offset; the pending
 * line is written after them and the file truncated to its end. No reads, no seeks back.
 * The first failed write ends the writing: the rest is counted, never written with a gap. */
#include "record/cout.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "record/sacred_files.h"
#include "util/io.h"

int cout_open(struct cout_file *c, int dirfd)
{
    c->fd = openat(dirfd, COUT_TXT, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    c->committed = c->visible = 0;
    c->failed = 0;
    c->lost = 0;
    if (c->fd < 0)
        return -1;
    off_t end = lseek(c->fd, 0, SEEK_END);
    c->committed = c->visible = end < 0 ? 0 : end;
    return 0;
}

/* After a failure the file may hold part of a write past the committed text: cut it. */
static void cut_back(struct cout_file *c)
{
    if (c->visible != c->committed && ftruncate(c->fd, c->committed) == 0)
        c->visible = c->committed;
}

/* The first failure: remembered, reported once (-1 with errno). */
static int fail(struct cout_file *c, size_t n)
{
    c->failed = errno ? errno : EIO;
    c->lost += n;
    c->visible = -1; /* unknown until cut back */
    cut_back(c);
    errno = c->failed;
    return -1;
}

int cout_append(struct cout_file *c, const char *buf, size_t n)
{
    if (c->fd < 0)
        return 0;
    if (c->failed) {
        c->lost += n;
        return 0;
    }
    if (pwrite_full(c->fd, buf, n, c->committed) < 0)
        return fail(c, n);
    c->committed += (off_t)n;
    if (c->visible > c->committed && ftruncate(c->fd, c->committed) < 0)
        return fail(c, 0);
    c->visible = c->committed;
    return 0;
}

int cout_show_pending(struct cout_file *c, const char *buf, size_t n)
{
    if (c->fd < 0 || c->failed)
        return 0;
    off_t end = c->committed + (off_t)n;
    if (pwrite_full(c->fd, buf, n, c->committed) < 0
        || (c->visible > end && ftruncate(c->fd, end) < 0))
        return fail(c, 0);
    c->visible = end;
    return 0;
}

void cout_close(struct cout_file *c)
{
    if (c->fd >= 0 && c->failed)
        cut_back(c);
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
}
