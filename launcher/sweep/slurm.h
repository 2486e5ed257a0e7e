/* slurm.h: a sweep as one Slurm job array: the script (each task runs its point's
 * sacred-run), sbatch, a job that closes the record once every task ended (afterany),
 * and the two commands those jobs run: --point ID INDEX and --finish ID. */
#ifndef SR_SWEEP_SLURM_H
#define SR_SWEEP_SLURM_H

#include <stddef.h>

#include <cjson/cJSON.h>

struct slurm_submit {
    const char *storage;     /* absolute, reachable from the nodes */
    const char *id;          /* the sweep ("ID" in a --dry-run's script) */
    const long *todo;        /* the points to run */
    size_t ntodo;
    long throttle;           /* -j: at most this many tasks at a time (%N), 0: no limit */
    char **sbatch_args;      /* after --slurm --, for sbatch */
    size_t nargs;
};

/* The job script for s (what sbatch gets and the record keeps). Newly allocated. */
char *slurm_script(const struct slurm_submit *s, const char *self);

/* Submits the array and the closing job, keeps both ids and the script in the record
 * (slurm.submissions), and prints the job id. The exit status: 0, or 125 when sbatch
 * failed (its own message is on stderr). */
int slurm_submit(const struct slurm_submit *s);

/* 1 when a job of the sweep's last submission is still known to squeue. */
int slurm_active(const cJSON *doc);

/* --point ID INDEX, an array task: runs the point's sacred-run in the sweep's working
 * directory (exec); returns only on failure, with an exit status. */
int slurm_point(const char *storage, const char *id, long index);

/* --finish ID, after every task ended: points never started become NOT_STARTED, points
 * whose launcher was killed before recording their end INTERRUPTED; the sweep's state. */
int slurm_finish(const char *storage, const char *id);

#endif
