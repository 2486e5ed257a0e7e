/* worker.h: `sacred-run worker -s URL`: starts the runs queued in a database (-q), on any
 * number of machines at once (README "Queued runs and workers"). */
#ifndef SR_WORKER_H
#define SR_WORKER_H

/* argv[0] is "worker". Returns the exit status: 0, 128+N when stopped by signal N; bad
 * input or an unusable database dies with 125. */
int worker_command(int argc, char **argv);

#endif
