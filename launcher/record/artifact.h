/* artifact.h: files copied into the run directory under a name. A name may not be empty,
 * absolute, contain "." or ".." or hidden components, or replace a record file. */
#ifndef SR_ARTIFACT_H
#define SR_ARTIFACT_H

#include <stddef.h>

/* 0 if name is acceptable, else -1 with a one-line reason in err. */
int artifact_name_check(const char *name, char *err, size_t errlen);
/* Copies src to rundir/name (creating subdirectories), never more readable than src and
 * never a private file (record/private.h). 0, or -1 with a reason in err. */
int artifact_copy(const char *rundir, const char *src, const char *name, char *err, size_t errlen);

#endif
