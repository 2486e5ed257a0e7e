/* requeue.h: `sacred-run requeue -s URL ID...`: a queued run whose worker went away while
 * it ran (its heartbeat stopped) is made QUEUED again, for another worker to start. */
#ifndef SR_REQUEUE_H
#define SR_REQUEUE_H

/* argv[0] is "requeue". 0 when every run was requeued; 125 when one could not be (one
 * line each; it is left as it was), or for bad input. */
int requeue_command(int argc, char **argv);

#endif
