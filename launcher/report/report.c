/* report.c: the report socket server. Connections are non-blocking; a reporter that does
 * not read its error replies loses them rather than stalling the launcher. */
#include "report/report.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "util/error.h"
#include "util/unixsock.h"

enum { LINE_MAX_BYTES = 1 << 20, READ_CHUNK = 65536 };

int report_open(struct report_server *rs, const char *dir)
{
    memset(rs, 0, sizeof(*rs));
    rs->path = xasprintf("%s/report", dir);
    rs->lfd = unix_socket_bound(rs->path, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (rs->lfd < 0 || listen(rs->lfd, 128) < 0)
        return -1;
    return 0;
}

size_t report_poll_fds(const struct report_server *rs, struct pollfd *p)
{
    p[0] = (struct pollfd){ rs->lfd, POLLIN, 0 };
    for (size_t i = 0; i < rs->n; i++)
        p[i + 1] = (struct pollfd){ rs->c[i].fd, POLLIN, 0 };
    return rs->n + 1;
}

static void reply(struct report_conn *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void reply(struct report_conn *c, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (n > 0)
        (void)!send(c->fd, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1,
                    MSG_DONTWAIT | MSG_NOSIGNAL);
}

static void handle_line(struct report_conn *c, char *line, report_line_fn *fn, void *ctx)
{
    c->lines++;
    char err[512];
    if (!strcmp(line, "sync"))
        reply(c, "ok %lu\n", c->lines);
    else if (fn(ctx, line, err, sizeof(err)) < 0)
        reply(c, "error %lu: %s\n", c->lines, err);
}

/* Reads what a connection has; returns 0 when it is finished. */
static int on_conn(struct report_conn *c, report_line_fn *fn, void *ctx)
{
    char buf[READ_CHUNK];
    ssize_t n = read(c->fd, buf, sizeof(buf));
    if (n < 0)
        return errno == EAGAIN || errno == EINTR;
    if (n == 0) {
        if (c->in.len && !c->overlong)
            handle_line(c, c->in.buf, fn, ctx); /* a last line without '\n' */
        return 0;
    }
    for (char *p = buf, *end = buf + n, *nl; p < end; p = nl + 1) {
        nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = (size_t)((nl ? nl : end) - p);
        if (!c->overlong)
            strbuf_add(&c->in, p, len);
        if (c->in.len > LINE_MAX_BYTES && !c->overlong) {
            c->overlong = 1;
            c->lines++;
            reply(c, "error %lu: line longer than %d bytes\n", c->lines, LINE_MAX_BYTES);
        }
        if (!nl)
            break;
        if (!c->overlong)
            handle_line(c, c->in.buf, fn, ctx);
        c->overlong = 0;
        strbuf_reset(&c->in);
    }
    return 1;
}

void report_on_poll(struct report_server *rs, const struct pollfd *p, size_t np,
                    report_line_fn *fn, void *ctx)
{
    size_t live = 0;
    for (size_t i = 0; i + 1 < np && i < rs->n; i++) {
        struct report_conn *c = &rs->c[i];
        if (p[i + 1].revents && !on_conn(c, fn, ctx)) {
            close(c->fd);
            strbuf_release(&c->in);
            continue;
        }
        rs->c[live++] = *c;
    }
    for (size_t i = np - 1; i < rs->n; i++)
        rs->c[live++] = rs->c[i]; /* accepted after the poll set was built */
    rs->n = live;
    if (!(p[0].revents & POLLIN))
        return;
    int fd;
    while ((fd = accept4(rs->lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK)) >= 0) {
        if (rs->n == rs->cap) {
            rs->cap = rs->cap ? rs->cap * 2 : 8;
            rs->c = xrealloc(rs->c, rs->cap * sizeof(*rs->c));
        }
        rs->c[rs->n++] = (struct report_conn){ fd, STRBUF_INIT, 0, 0 };
    }
}

void report_drain(struct report_server *rs, report_line_fn *fn, void *ctx)
{
    for (;;) {
        struct pollfd *p = xcalloc(rs->n + 1, sizeof(*p));
        size_t np = report_poll_fds(rs, p);
        int ready = poll(p, (nfds_t)np, 0);
        if (ready > 0)
            report_on_poll(rs, p, np, fn, ctx);
        free(p);
        if (ready <= 0)
            return;
    }
}

void report_close(struct report_server *rs)
{
    for (size_t i = 0; i < rs->n; i++) {
        close(rs->c[i].fd);
        strbuf_release(&rs->c[i].in);
    }
    if (rs->lfd > 0)
        close(rs->lfd);
    if (rs->path)
        unlink(rs->path);
    free(rs->path);
    free(rs->c);
    memset(rs, 0, sizeof(*rs));
}
