/* subproc.h: running a helper command (git, dpkg-query, nvidia-smi) from an argv vector,
 * no shell, collecting its standard output. Its stdin is /dev/null and its standard error
 * is discarded; it inherits no other descriptor of the launcher (they are all close-on-exec).
 * posix_spawn, so it may be called while other threads run. */
#ifndef SR_SUBPROC_H
#define SR_SUBPROC_H

#include "util/strbuf.h"

/* execvp's search of PATH for name (without '/'): 0 and *found (newly allocated), or an
 * errno (ENOENT, EACCES). */
int subproc_search(const char *name, char **found);

/* Runs argv[0] (searched on PATH) with extra environment entries env (may be NULL);
 * appends its output to out. Returns its exit status, or -1 if it could not run. */
int subproc_output(char *const argv[], char *const env[], struct strbuf *out);

#endif
