/* requeue.c: the requeue command (requeue.h). Each run named is checked and put back in
 * one transaction of its own (queue.c); one refused is one line on stderr and leaves it as
 * it was, the others are requeued. */
#include "store/requeue.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/queue.h"
#include "util/error.h"

static const char usage[] = "usage: sacred-run requeue -s URL ID...";

static const char *parse(int argc, char **argv)
{
    static const struct option opts[] = { { "sql", required_argument, NULL, 's' },
                                          { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 } };
    const char *url = NULL;
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "+s:h", opts, NULL)) != -1) {
        if (c == 'h') {
            printf("%s\nMakes queued runs whose worker stopped while they ran (PROBABLY_DEAD, DIED: no\n"
                   "heartbeat for two beat intervals and 10 s) QUEUED again, for another worker.\n", usage);
            exit(0);
        }
        if (c != 's')
            die("unknown or incomplete option '%s'; %s", argv[optind - 1], usage);
        url = optarg;
    }
    const char *env = getenv("SACRED_RUN_DB");
    if (!url && env && *env)
        url = env;
    if (!url)
        die("no database given; %s", usage);
    if (optind >= argc)
        die("no run id given; %s", usage);
    for (int i = optind; i < argc; i++) {
        char *end;
        if (strtoll(argv[i], &end, 10) <= 0 || *end)
            die("'%s' is no run id of a database (a number); %s", argv[i], usage);
    }
    return url;
}

int requeue_command(int argc, char **argv)
{
    set_program_name("sacred-run requeue");
    const char *url = parse(argc, argv);
    char err[2048];
    struct db_url u;
    struct db *d = queue_connect(url, &u, err, sizeof(err));
    if (!d)
        die("%s; start the database or fix -s", err);
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    double now = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
    int refused = 0;
    for (int i = optind; i < argc; i++) {
        int rc = queue_requeue(d, argv[i], now, err, sizeof(err));
        if (rc)
            refused = error("%s", err);
        else
            printf("run %s: QUEUED again\n", argv[i]);
    }
    db_close(d);
    db_url_release(&u);
    return refused ? SR_EXIT_TOOL : 0;
}
