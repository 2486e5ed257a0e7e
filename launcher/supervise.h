/* supervise.h: the run while the program lives: one poll loop that relays and records
 * output, receives events, forwards signals and beats; then a bounded drain. */
#ifndef SR_SUPERVISE_H
#define SR_SUPERVISE_H

#include <signal.h>
#include <sys/types.h>

#include "capture/bsfilter.h"
#include "util/strbuf.h"

struct capture;
struct events;
struct files;
struct hasher;
struct measure;
struct options;
struct pollfd;
struct program_facts;
struct provenance;
struct record;
struct report_server;
struct run_state;
struct sysmon;

struct supervisor {
    const struct options *opt;
    struct record *rec;       /* NULL: nothing is recorded */
    struct capture *cap;
    struct events *ev;
    struct bsfilter filt;
    struct strbuf filtered;   /* filter output waiting to be appended to cout.txt */
    pid_t child;
    int status;               /* wait status of the program's own process */
    int child_done;
    int interrupted;          /* the signal that interrupted the run, or 0 */
    int sigfd, timerfd;
    char *buf;
    struct run_state *state;  /* metrics, info and result (with rec) */
    struct measure *meas;     /* metrics found in the output */
    struct report_server *rs; /* reports from the program */
    struct sysmon *sys;       /* NULL: no sys.* metrics */
    struct provenance *prov;  /* NULL: no files recorded */
    struct files *files;
    struct hasher *hasher;    /* hashes resources while the program runs */
    struct program_facts *facts; /* added to run.json at the first beat (NULL: none) */
    struct dbwriters *dbs;    /* the databases (-s), told of each beat; NULL: none */
    struct pollfd *pfd;       /* the poll set, grown with the report connections */
    size_t pfd_cap;
    long long last_reports_ns;/* when reports alone last woke the loop */
    long long pace_ns;        /* how long a burst of reports is let gather (pace_reports) */
    int paced;                /* the last wake-up for reports ended in such a pause */
};

/* The signals the supervisor handles through its signalfd; blocked before the fork. */
void supervise_signals(sigset_t *set);

/* Runs until the program's process has ended and its output is drained. */
void supervise(struct supervisor *s, const sigset_t *handled);

/* Ends the output: the filter's last line goes to cout.txt. */
void supervise_end_output(struct supervisor *s);

/* Writes the pending output line, run.json (heartbeat, processes, result), the sys.*
 * sample, metrics.json when due and info.json when changed. */
void supervise_beat(struct supervisor *s);
/* The beat at the end: the same without writing run.json or taking in the program facts
 * (the final run.json follows; the facts thread gets until then). */
void supervise_last_beat(struct supervisor *s);

#endif
