/* sigwatch.h: the signals a command that runs children waits for in its poll loop (sweep,
 * worker): SIGINT, SIGTERM and SIGHUP (stop) and SIGCHLD (reap), blocked and read from a
 * signalfd; SIGPIPE ignored, so a closed terminal or pager does not end the command. */
#ifndef SR_SIGWATCH_H
#define SR_SIGWATCH_H

#include <signal.h>

/* The signalfd (non-blocking, close-on-exec); old (may be NULL) receives the mask before.
 * -1 with errno. */
int sigwatch_open(sigset_t *old);

/* Reads all that arrived: the last stop signal among it, or 0 (only SIGCHLD, or none). */
int sigwatch_read(int fd);

#endif
