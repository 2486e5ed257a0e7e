/* report.h: the report channel: a unix stream socket (path in SACRED_REPORT_SOCKET) that
 * takes one report per line from any process. Replies are sent only for errors
 * ("error N: why") and for "sync" ("ok N"), so a reporter can stream without waiting. */
#ifndef SR_REPORT_H
#define SR_REPORT_H

#include <poll.h>
#include <stddef.h>

#include "util/strbuf.h"

struct report_conn {
    int fd;
    struct strbuf in;
    unsigned long lines;
    int overlong;           /* discarding the rest of a line that was too long */
};

struct report_server {
    int lfd;
    char *path;
    struct report_conn *c;
    size_t n, cap;
};

/* Applies one report line; returns 0, or -1 with a one-line reason in err. */
typedef int report_line_fn(void *ctx, char *line, char *err, size_t errlen);

/* Listens on dir/report. 0 or -1 with errno. */
int report_open(struct report_server *rs, const char *dir);
/* Fills p with the fds to poll (listener first); returns how many. */
size_t report_poll_fds(const struct report_server *rs, struct pollfd *p);
/* Handles what poll reported for the fds report_poll_fds gave. */
void report_on_poll(struct report_server *rs, const struct pollfd *p, size_t np,
                    report_line_fn *fn, void *ctx);
/* Reads every connection (and pending connection) until nothing more is ready. */
void report_drain(struct report_server *rs, report_line_fn *fn, void *ctx);
void report_close(struct report_server *rs);

#endif
