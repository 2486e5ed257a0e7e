/* sweep.h: "sacred-run sweep": a grid or random search over "with" updates, every point
 * an ordinary run, the sweep recorded once in the storage (README, "Sweeps"). */
#ifndef SR_SWEEP_H
#define SR_SWEEP_H

/* What a sweep needs of a run's command line, which the application (cli.c) owns. */
struct run_cli {
    /* 1: the option word takes the next word as value, 0: it does not, -1: no run option */
    int (*option_arity)(const char *word);
    /* the storage: given (-F), else $SACRED_RUN_STORAGE, else "runs" */
    const char *(*storage)(const char *given);
    /* parses argv (run options, "--", the program) as a run would, dying on bad input or
     * on an option a sweep cannot pass on; returns 1 when -f/--force was given */
    int (*check)(int argc, char **argv);
};

/* argv[0] is "sweep". Returns the exit status; bad input dies with 125 before anything
 * starts. */
int sweep_command(int argc, char **argv, const struct run_cli *cli);

#endif
