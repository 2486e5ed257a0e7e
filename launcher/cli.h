/* cli.h: sacred-run's command line. Sacred's flags where they make sense for a wrapper,
 * a few of our own; options end at the program name (or "--"). */
#ifndef SR_CLI_H
#define SR_CLI_H

#include <cjson/cJSON.h>

#include "prov/file_rules.h"

#define SR_VERSION "0.1.0"

struct options {
    const char *storage;        /* -F as typed, or NULL */
    const char *storage_used;   /* -F, else $SACRED_RUN_STORAGE, else "runs"; with -s and no
                                   -F, set by the launch to the spool (store/journal.h) */
    char **db;                  /* -s URL (repeatable), else $SACRED_RUN_DB */
    int ndb;
    char **db_shown;            /* the same without passwords (set by the launch), for run.json */
    int db_retry;               /* --db-retry */
    const char *name;           /* -n */
    const char *comment;        /* -c */
    const char *beat_str;       /* -b as typed */
    double beat;                /* heartbeat interval in seconds; <= 0: none */
    const char *id;             /* -i */
    int unobserved;             /* -u */
    const char *capture_str;    /* -C as typed */
    int capture;                /* 1: fd (default), 0: no */
    const char *loglevel_str;   /* -l as typed */
    int loglevel;
    int debug;                  /* -d */
    const char *priority_str;   /* -P as typed */
    double priority;
    int no_filter;              /* --no-filter */
    const char **env_allow;     /* --env-allow NAME (repeatable) */
    int nallow;
    const char **env_deny;      /* --env-deny PATTERN (repeatable) */
    int ndeny;
    char **metric;              /* --metric PATTERN (repeatable) */
    int nmetric;
    int no_default_metrics;     /* --no-default-metrics */
    const char *metric_test;    /* --metric-test FILE */
    const char *result_metric;  /* --result METRIC */
    int no_sys_metrics;         /* --no-sys-metrics */
    int force;                  /* -f: accept update keys nothing defines */
    int enforce_clean;          /* -e: refuse to start from a dirty repository */
    int print_config;           /* -p: print the configuration, then run */
    int no_with;                /* --no-with: "with" is an ordinary argument */
    const char *command;        /* print_config, save_config, or NULL (run) */
    char **with_words;          /* the words after "with" (NULL-terminated) */
    int with;                   /* "with" was given */
    const char *rerun_id;       /* rerun ID */
    int rerun_check;            /* --check: only report the differences */
    const char *rerun_of;       /* --rerun-of RUN_DIR (set by rerun for the new run) */
    cJSON *sweep;               /* --sweep-point JSON (set by sweep): meta.sweep, owned */
    int queue;                  /* -q: record the run as QUEUED for a worker (with -s) */
    cJSON *queued;              /* --queued-run JSON (set by worker): the claimed row, owned */
    char **replay;              /* the options as "--name[=value]" words, but -s and -i (for -q) */
    int nreplay;
    const char *base_dir;       /* --base-dir DIR (default: the working directory) */
    struct file_rules files;    /* --source, --exclude, --include, --artifact, the limits */
    int no_files;               /* --no-files: record no files the program opened */
    char **argv;                /* the program and its arguments (NULL with --metric-test) */
};

/* Parses argv; prints help/version and exits 0, or dies with status 125 on bad input. */
void cli_parse(struct options *o, int argc, char **argv);
void cli_release(struct options *o);

/* The storage: given (-F), else $SACRED_RUN_STORAGE, else "runs"; dies when empty. */
const char *cli_storage(const char *given);

/* For a command that passes run options on (sweep): 1 when the option word w takes the
 * next word as its value, 0 when not (a flag, or "--name=value"), -1 when it is not an
 * option of a run. */
int cli_option_arity(const char *w);

/* For sweep: parses argv (run options, "--", the program) as a run would, and dies on the
 * options a sweep's points cannot share (-i, -u, --no-with); returns 1 when -f was given. */
int cli_check_point_options(int argc, char **argv);

/* meta.options: Sacred's option keys (with Sacred's defaults) plus ours. */
cJSON *cli_meta_options(const struct options *o);

#endif
