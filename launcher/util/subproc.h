/* subproc.h: running a helper command (git, dpkg-query) from an argv vector, no shell,
 * collecting its standard output; its standard error is discarded. */
#ifndef SR_SUBPROC_H
#define SR_SUBPROC_H

#include "util/strbuf.h"

/* Runs argv[0] (searched on PATH) with extra environment entries env (may be NULL);
 * appends its output to out. Returns its exit status, or -1 if it could not run. */
int subproc_output(char *const argv[], char *const env[], struct strbuf *out);

#endif
