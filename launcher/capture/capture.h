/* capture.h: the program's stdout and stderr at the file-descriptor level. Each of fds 1
 * and 2 gets a pseudo-terminal where ours is a terminal, a pipe otherwise; fds that refer
 * to the same file share one channel, so their relative order is kept. */
#ifndef SR_CAPTURE_H
#define SR_CAPTURE_H

#include <stddef.h>
#include <sys/types.h>

struct channel {
    int rfd;      /* our read end (pty master or pipe), -1 once closed */
    int child_fd; /* the program's end, -1 after fork in the parent */
    int out_fd;   /* where the bytes are relayed: our fd 1 or 2 */
    int is_pty;
    int out_dead; /* our destination failed (not EPIPE): keep capturing, stop relaying */
};

struct capture {
    struct channel ch[2];
    int nch;
    int target[3]; /* for fds 1 and 2: the index of their channel, or -1 to inherit ours */
    int closed[3]; /* fds 0-2 that were closed when we started: closed for the program too */
};

/* Makes sure fds 0-2 are open (on /dev/null), so that nothing we open lands on them;
 * remembers which were closed. Call first thing in main. */
void capture_check_fds(struct capture *c);

/* Sets up channels (after capture_check_fds); with enabled == 0 the program inherits our
 * fds. 0 or -1 (errno). */
int capture_setup(struct capture *c, int enabled);
/* In the child after fork: puts the channels on fds 1 and 2. Async-signal-safe. */
void capture_child(const struct capture *c);
/* In the parent after fork: closes the program's ends. */
void capture_parent(struct capture *c);
/* Reads from a channel; 0 at end of output (EOF, or EIO from a pty), -1 with EAGAIN. */
ssize_t capture_read(struct channel *ch, char *buf, size_t n);
/* Writes bytes to the channel's destination; -1 with EPIPE when the reader has gone. */
int capture_relay(struct channel *ch, const char *buf, size_t n);
/* Copies our terminal's window size to every pseudo-terminal; 1 if one changed. */
int capture_winsize(struct capture *c);
/* Closes one channel's read end. */
void capture_close(struct channel *ch);
int capture_open_channels(const struct capture *c);

#endif
