/* rerun.h: "sacred-run rerun ID": start a recorded run again (same executable, argv,
 * working directory, configuration and recorded environment), after reporting every
 * difference from the recorded run that can be seen. With --check it only reports. */
#ifndef SR_RERUN_H
#define SR_RERUN_H

#include "cli.h"

/* Returns an exit status (only with --check or on error; otherwise it execs). */
int rerun_command(const struct options *opt);

#endif
