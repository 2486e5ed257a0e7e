/* pointargv.h: the command line that runs one point of a sweep: sacred-run itself with
 * the sweep's run options, --sweep-point (meta.sweep), the program and the point's updates
 * after the fixed ones. Built from the sweep record only, so a Slurm task on another node
 * runs exactly what the local sweep would. */
#ifndef SR_SWEEP_POINTARGV_H
#define SR_SWEEP_POINTARGV_H

#include <cjson/cJSON.h>

/* The path of the running sacred-run (/proc/self/exe), or dies. Newly allocated. */
char *sweep_self(void);

/* argv for point (an item of doc's "points"), NULL-terminated, newly allocated (free with
 * sweep_argv_free). self: the sacred-run to run. */
char **sweep_point_argv(const cJSON *doc, const cJSON *point, const char *self);
void sweep_argv_free(char **argv);

#endif
