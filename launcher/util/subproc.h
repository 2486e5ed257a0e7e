/* subproc.h: running a helper command (git, dpkg-query, nvidia-smi) from an argv vector,
 * no shell, collecting its standard output. Its stdin is /dev/null and its standard error
 * is discarded; it inherits no other descriptor of the launcher (they are all close-on-exec).
 * posix_spawn, so it may be called while other threads run. */
#ifndef SR_SUBPROC_H
#define SR_SUBPROC_H

#include <sys/types.h>

#include "util/strbuf.h"

/* execvp's search of PATH for name (without '/'): 0 and *found (newly allocated), or an
 * errno (ENOENT, EACCES). */
int subproc_search(const char *name, char **found);

/* Runs argv[0] (searched on PATH) with extra environment entries env (may be NULL);
 * appends its output to out. Returns its exit status, or -1 if it could not run. */
int subproc_output(char *const argv[], char *const env[], struct strbuf *out);

/* Starts argv[0] (searched on PATH) without waiting, in a process group of its own (a
 * terminal's Ctrl-C reaches the caller only, which decides), with fds[i] as its
 * descriptor i (-1: /dev/null), the signals at their defaults. Its pid, or -1 with errno;
 * the caller waits for it. */
pid_t subproc_start(char *const argv[], const int fds[3]);
/* The same with the environment env (NULL: ours) and the working directory dir (NULL:
 * ours; argv[0] is then best a path: a relative one is taken from dir). */
pid_t subproc_start_in(char *const argv[], char *const env[], const char *dir, const int fds[3]);

#endif
