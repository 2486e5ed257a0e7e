/* launch.h: an observed run of the program, from resolving its configuration to the
 * final record; what sacred-run does when no subcommand is given. */
#ifndef SR_LAUNCH_H
#define SR_LAUNCH_H

struct capture;
struct options;

/* Runs the program under observation (or print_dependencies); returns the exit status. */
int launch_run(struct options *opt, struct capture *cap);

#endif
