/* capture.c: pseudo-terminals and pipes for the program's output, and relaying it to
 * where it would have gone. The bytes relayed are never changed; OPOST is off on ptys. */
#include "capture/capture.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "util/io.h"

static int same_file(int a, int b)
{
    struct stat x, y;
    return fstat(a, &x) == 0 && fstat(b, &y) == 0 && x.st_dev == y.st_dev && x.st_ino == y.st_ino
           && x.st_rdev == y.st_rdev;
}

static int open_pty(struct channel *ch, int like_fd)
{
    char name[128];
    int m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (m < 0 || grantpt(m) < 0 || unlockpt(m) < 0 || ptsname_r(m, name, sizeof(name)) != 0)
        goto fail;
    int s = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (s < 0)
        goto fail;
    struct termios t;
    if (tcgetattr(like_fd, &t) == 0) {
        t.c_oflag &= (tcflag_t)~OPOST; /* bytes pass unchanged: no \n -> \r\n */
        tcsetattr(s, TCSANOW, &t);
    }
    struct winsize ws;
    if (ioctl(like_fd, TIOCGWINSZ, &ws) == 0)
        ioctl(m, TIOCSWINSZ, &ws);
    ch->rfd = m;
    ch->child_fd = s;
    ch->is_pty = 1;
    return 0;
fail:
    if (m >= 0)
        close(m);
    return -1;
}

enum { PIPE_SIZE = 1 << 20 };

/* Our output, when it goes to a pipe, is relayed in pieces of up to the capture pipe's
 * size: into a 64 KiB pipe each piece would stop halfway, and we and the reader would take
 * turns instead of running side by side (512 MiB: 1.09 s against 0.61 s). So that pipe is
 * widened too; it is never narrowed, and a reader sees only that more can be buffered. */
static void widen_if_pipe(int fd)
{
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode) && fcntl(fd, F_GETPIPE_SZ) < PIPE_SIZE)
        fcntl(fd, F_SETPIPE_SZ, PIPE_SIZE); /* best effort: pipe-max-size may refuse it */
}

static int open_pipe(struct channel *ch)
{
    int p[2];
    if (pipe2(p, O_CLOEXEC) < 0)
        return -1;
    fcntl(p[1], F_SETPIPE_SZ, PIPE_SIZE); /* best effort: fewer wake-ups at high output rates */
    widen_if_pipe(ch->out_fd);
    ch->rfd = p[0];
    ch->child_fd = p[1];
    ch->is_pty = 0;
    return 0;
}

void capture_check_fds(struct capture *c)
{
    memset(c, 0, sizeof(*c));
    for (int fd = 0; fd <= 2; fd++) {
        if (fcntl(fd, F_GETFD) >= 0)
            continue;
        c->closed[fd] = 1;
        int n = open("/dev/null", O_RDWR);
        if (n >= 0 && n != fd) {
            dup2(n, fd);
            close(n);
        }
    }
}

int capture_setup(struct capture *c, int enabled)
{
    c->nch = 0;
    c->target[0] = c->target[1] = c->target[2] = -1;
    for (int fd = 1; enabled && fd <= 2; fd++) {
        if (c->closed[fd])
            continue; /* closed: the program gets it closed too */
        if (fd == 2 && c->target[1] >= 0 && same_file(1, 2)) {
            c->target[2] = c->target[1];
            continue;
        }
        struct channel *ch = &c->ch[c->nch];
        ch->out_fd = fd;
        if ((isatty(fd) ? open_pty(ch, fd) : open_pipe(ch)) < 0)
            return -1;
        fcntl(ch->rfd, F_SETFL, fcntl(ch->rfd, F_GETFL) | O_NONBLOCK);
        c->target[fd] = c->nch++;
    }
    return 0;
}

void capture_child(const struct capture *c)
{
    for (int fd = 0; fd <= 2; fd++) {
        if (c->target[fd] >= 0)
            dup2(c->ch[c->target[fd]].child_fd, fd);
        else if (c->closed[fd])
            close(fd);
    }
}

void capture_parent(struct capture *c)
{
    for (int i = 0; i < c->nch; i++) {
        close(c->ch[i].child_fd);
        c->ch[i].child_fd = -1;
    }
}

ssize_t capture_read(struct channel *ch, char *buf, size_t n)
{
    for (;;) {
        ssize_t r = read(ch->rfd, buf, n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0 && errno == EIO && ch->is_pty)
            return 0; /* every slave fd is closed */
        return r;
    }
}

int capture_relay(struct channel *ch, const char *buf, size_t n)
{
    return write_full(ch->out_fd, buf, n);
}

int capture_winsize(struct capture *c)
{
    int changed = 0;
    for (int i = 0; i < c->nch; i++) {
        struct winsize ws, old;
        struct channel *ch = &c->ch[i];
        if (!ch->is_pty || ch->rfd < 0 || ioctl(ch->out_fd, TIOCGWINSZ, &ws) < 0)
            continue;
        if (ioctl(ch->rfd, TIOCGWINSZ, &old) == 0 && old.ws_row == ws.ws_row
            && old.ws_col == ws.ws_col)
            continue;
        ioctl(ch->rfd, TIOCSWINSZ, &ws);
        changed = 1;
    }
    return changed;
}

void capture_close(struct channel *ch)
{
    if (ch->rfd >= 0)
        close(ch->rfd);
    ch->rfd = -1;
}

int capture_open_channels(const struct capture *c)
{
    int n = 0;
    for (int i = 0; i < c->nch; i++)
        n += c->ch[i].rfd >= 0;
    return n;
}
