/* enqueue.h: -q/--queue: a run recorded in its database as QUEUED, for `sacred-run worker`
 * to start later (README "Queued runs and workers"). */
#ifndef SR_ENQUEUE_H
#define SR_ENQUEUE_H

struct config;
struct options;
struct target;

/* What the launch resolved, as a run would have started with it. */
struct enqueue {
    const struct options *opt;
    const struct config *cfg;
    char **given_argv;       /* the program's argv as typed */
    const struct target *tgt;
    const char *cwd, *base_dir;
};

/* Queues the run and prints its id; dies (125) when it cannot. Returns 0. */
int enqueue_run(const struct enqueue *q);

#endif
