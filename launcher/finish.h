/* finish.h: how a run ends: the status Sacred's front ends switch on, the fail_trace,
 * the program's exit facts, the final records, and the launcher's own exit status. */
#ifndef SR_FINISH_H
#define SR_FINISH_H

#include "supervise.h"

/* Finalises the record (if any) and returns the exit status sacred-run should exit with. */
int finish_run(struct supervisor *s, double elapsed_secs);

/* Keeps relaying channels still held open by descendants, in a detached child, so their
 * later output reaches where it would have gone (it is no longer recorded). */
void finish_forward_rest(struct supervisor *s);

#endif
