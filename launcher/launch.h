/* launch.h: an observed run of the program, from resolving its configuration to the
 * final record; what sacred-run does when no subcommand is given. */
#ifndef SR_LAUNCH_H
#define SR_LAUNCH_H

#include <limits.h>
#include <signal.h>
#include <time.h>

#include "capture/capture.h"
#include "capture/measure.h"
#include "cli.h"
#include "config/config.h"
#include "observe/events.h"
#include "observe/files.h"
#include "observe/hasher.h"
#include "observe/sysmon.h"
#include "prov/provenance.h"
#include "prov/target.h"
#include "record/md5cache.h"
#include "record/metrics.h"
#include "record/record.h"
#include "report/report.h"
#include "report/report_verbs.h"
#include "supervise.h"

struct launch {
    struct options *opt;
    struct capture *cap;      /* set up before anything was opened (capture_check_fds) */
    struct config cfg;
    char **given_argv;        /* the program's argv as typed */
    struct target tgt;
    char cwd[PATH_MAX];
    char base_dir[PATH_MAX];  /* --base-dir made absolute, else cwd */
    struct files files;       /* what the tree opened */
    struct provenance prov;
    struct md5_cache md5;
    struct hasher hasher;
    cJSON *repos;             /* with -e: checked before the start, then recorded */
    char *lib, *name;
    struct record rec;
    struct events ev;
    struct report_server rs;
    struct metrics ms;
    struct measure meas;
    struct run_state state;
    struct sysmon sys;
    sigset_t handled;
    char **env;
    pid_t child;
    struct timespec t0;
};

/* Runs the program under observation (or print_dependencies); returns the exit status. */
int launch_run(struct options *opt, struct capture *cap);

#endif
