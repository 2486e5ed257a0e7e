/* main.c: sacred-run's entry point: check everything that can fail before the program
 * starts (status 125/126/127, no run directory left), create the run, start the program
 * with the preload library, supervise it, finalise the record, exit with its status. */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#include "capture.h"
#include "cli.h"
#include "commands.h"
#include "config.h"
#include "config_print.h"
#include "error.h"
#include "events.h"
#include "finish.h"
#include "json.h"
#include "log.h"
#include "log_cmd.h"
#include "measure.h"
#include "metrics.h"
#include "record.h"
#include "rerun.h"
#include "report.h"
#include "report_verbs.h"
#include "run_json.h"
#include "sources.h"
#include "spawn.h"
#include "sr_protocol.h"
#include "supervise.h"
#include "sysmon.h"
#include "target.h"

extern char **environ;

static struct record the_record;

static void remove_half_made_run(void)
{
    record_remove(&the_record);
}

/* The preload library: $SACRED_RUN_PRELOAD, next to us (build tree), or ../lib/sacred-run. */
static char *find_preload(void)
{
    const char *env = getenv("SACRED_RUN_PRELOAD");
    char exe[PATH_MAX], real[PATH_MAX];
    if (env && *env) {
        if (env[0] != '/' || access(env, R_OK) < 0)
            die("SACRED_RUN_PRELOAD='%s' is not an absolute path to a readable file", env);
        return xstrdup(env);
    }
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n <= 0)
        die("cannot read /proc/self/exe to find the preload library; set SACRED_RUN_PRELOAD");
    exe[n] = '\0';
    *strrchr(exe, '/') = '\0';
    static const char *const where[] = { "/libsacred-preload.so",
                                         "/../lib/sacred-run/libsacred-preload.so" };
    for (size_t i = 0; i < sizeof(where) / sizeof(*where); i++) {
        char *cand = xasprintf("%s%s", exe, where[i]);
        int ok = realpath(cand, real) && access(real, R_OK) == 0;
        free(cand);
        if (ok)
            return xstrdup(real);
    }
    die("cannot find libsacred-preload.so next to '%s' or in '%s/../lib/sacred-run'; "
        "reinstall sacred-run or set SACRED_RUN_PRELOAD", exe, exe);
}

static void run_unobserved(char **argv, char **set)
{
    for (; *set; set++)
        putenv(*set);
    execvp(argv[0], argv);
    die_status(errno == ENOENT ? SR_EXIT_NOT_FOUND : SR_EXIT_CANNOT_RUN, "cannot run '%s': %s",
               argv[0], strerror(errno));
}

static cJSON *store_main_source(const struct record *r, const struct target *t, const char *cwd)
{
    cJSON *sources = cJSON_CreateArray();
    char stored[PATH_MAX];
    if (!t->main_is_source)
        return sources;
    if (store_file(r->basedir, "_sources", t->mainfile, stored, sizeof(stored)) < 0) {
        warning("cannot store source '%s': %s", t->mainfile, strerror(errno));
        return sources;
    }
    cJSON *pair = cJSON_CreateArray();
    char *rel = path_relative_to(t->mainfile, cwd);
    cJSON_AddItemToArray(pair, cJSON_CreateString(rel));
    cJSON_AddItemToArray(pair, cJSON_CreateString(stored));
    cJSON_AddItemToArray(sources, pair);
    free(rel);
    return sources;
}

static char **program_env(const struct record *r, const char *lib, const char *sock,
                          const char *report, char *const *config_env)
{
    const char *old = getenv("LD_PRELOAD");
    char **base = build_env(environ, config_env);
    char *set[] = {
        xasprintf("SACRED_CONFIG=%s/config.json", r->dir),
        xasprintf("SACRED_REPORT_SOCKET=%s", report),
        xasprintf("LD_PRELOAD=%s%s%s", lib, old && *old ? ":" : "", old ? old : ""),
        xasprintf("%s=%s", SR_ENV_PRELOAD, lib),
        xasprintf("%s=%s", SR_ENV_SOCKET, sock),
        xasprintf("%s=%s", SR_ENV_RUN_DIR, r->dir),
        xasprintf("%s=%s", SR_ENV_RUN_ID, r->id),
        NULL,
    };
    char **env = build_env(base, set);
    for (char **s = set; *s; s++)
        free(*s);
    free_env(base);
    return env;
}

/* meta.config_updates, named_configs and where each entry came from; the argv as typed
 * when the configuration changed it. */
static void add_config_meta(cJSON *run, const struct config *cfg, char **given)
{
    cJSON *meta = cJSON_GetObjectItemCaseSensitive(run, "meta");
    json_set(meta, "config_updates", cJSON_Duplicate(cfg->updates, 1));
    json_set(meta, "named_configs", cJSON_Duplicate(cfg->named, 1));
    json_set(meta, "config_sources", cJSON_Duplicate(cfg->origins, 1));
    int same = 1;
    for (size_t i = 0; given[i] || cfg->argv[i]; i++)
        same &= given[i] && cfg->argv[i] && !strcmp(given[i], cfg->argv[i]);
    if (!same)
        json_set(cJSON_GetObjectItemCaseSensitive(run, "program"), "argv_given", json_string_list(given));
}

/* Facts that cost a few milliseconds (hashing the executable, asking git) are gathered
 * while the program already runs; they reach run.json with the first heartbeat. */
static void add_program_facts(cJSON *run, const struct target *t, const char *cwd)
{
    char md5[33];
    cJSON *prog = cJSON_GetObjectItemCaseSensitive(run, "program");
    if (md5_file(t->real, md5) == 0)
        json_set(prog, "md5", cJSON_CreateString(md5));
    json_set(cJSON_GetObjectItemCaseSensitive(run, "experiment"), "repositories",
             run_repositories(t, cwd));
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

int main(int argc, char **argv)
{
    struct options opt;
    struct target tgt;
    struct capture cap;
    struct events ev;
    char err[PATH_MAX + 256], cwd[PATH_MAX];
    struct timespec t0;

    capture_check_fds(&cap);
    if (argc > 1 && !strcmp(argv[1], "log"))
        return log_command(argc - 1, argv + 1);
    cli_parse(&opt, argc, argv);
    if (opt.command && !strcmp(opt.command, "rerun"))
        return rerun_command(&opt);
    if (opt.metric_test)
        return measure_test_file(opt.metric_test, !opt.no_default_metrics, opt.metric,
                                 opt.nmetric, !opt.no_filter);
    if (opt.command && strcmp(opt.command, "print_dependencies"))
        return run_command(&opt);
    struct config cfg;
    if (config_resolve(&cfg, opt.argv, opt.with_words, opt.with, opt.force, err, sizeof(err)) < 0)
        die("%s", err);
    char **given_argv = opt.argv;
    opt.argv = cfg.argv; /* the program runs with the configuration in its options */
    if (opt.print_config) {
        config_print(stdout, &cfg, isatty(STDOUT_FILENO));
        printf("%.79s\n", "----------------------------------------------------------------"
                          "---------------");
        fflush(stdout);
    }
    if (opt.unobserved)
        run_unobserved(opt.argv, cfg.env);
    struct metrics ms;
    struct measure meas;
    measure_init(&meas, &ms, !opt.no_default_metrics, opt.metric, opt.nmetric);
    int code = target_resolve(&tgt, opt.argv, err, sizeof(err));
    if (code)
        die_status(code, "%s", err);
    if (!getcwd(cwd, sizeof(cwd)))
        die("cannot determine the working directory: %s", strerror(errno));
    if (opt.command) {
        int rc = print_dependencies(&tgt, cwd);
        target_release(&tgt);
        config_release(&cfg);
        measure_release(&meas);
        cli_release(&opt);
        return rc;
    }
    char *lib = find_preload();
    char *name = opt.name ? xstrdup(opt.name) : target_experiment_name(&tgt, opt.argv[0]);
    log_setup(opt.loglevel, name);

    if (record_claim(&the_record, opt.storage_used, opt.id) < 0)
        exit(SR_EXIT_TOOL);
    set_die_cleanup(remove_half_made_run);
    cJSON *sources = store_main_source(&the_record, &tgt, cwd);
    cJSON *run = run_json_new(&opt, &tgt, cwd, sources, environ);
    add_config_meta(run, &cfg, given_argv);
    if (record_start(&the_record, run, cfg.tree) < 0)
        die("cannot start the run record");
    if (events_open(&ev) < 0)
        die("cannot create the event socket in $TMPDIR: %s", strerror(errno));
    struct report_server rs;
    if (report_open(&rs, ev.dir) < 0)
        die("cannot create the report socket in '%s': %s", ev.dir, strerror(errno));
    metrics_init(&ms, the_record.dirfd);
    struct run_state state = { &the_record, &ms, cJSON_CreateObject(), 0 };
    struct sysmon sys;
    cJSON *host = cJSON_GetObjectItemCaseSensitive(the_record.run, "host");
    sysmon_init(&sys, cJSON_HasObjectItem(host, "gpus"));
    if (capture_setup(&cap, opt.capture) < 0)
        die("cannot set up output capture: %s", strerror(errno));

    sigset_t handled, orig;
    supervise_signals(&handled);
    sigprocmask(SIG_BLOCK, &handled, &orig);
    int sigpipe_was_default = signal(SIGPIPE, SIG_IGN) == SIG_DFL;
    prctl(PR_SET_CHILD_SUBREAPER, 1);
    char **env = program_env(&the_record, lib, ev.path, rs.path, cfg.env);
    log_msg(LOG_INFO, "Running command 'main'");
    clock_gettime(CLOCK_MONOTONIC, &t0);
    char **sh_argv = shell_argv(tgt.path, opt.argv);
    struct spawn_req req = { tgt.path, opt.argv, sh_argv, env, &cap, &orig, sigpipe_was_default };
    pid_t child = spawn_program(&req);
    free(sh_argv);
    if (child < 0)
        die_status(errno == ENOENT ? SR_EXIT_NOT_FOUND : SR_EXIT_CANNOT_RUN,
                   "cannot execute '%s': %s", opt.argv[0], strerror(errno));
    set_die_cleanup(NULL);
    log_msg(LOG_INFO, "Started run with ID \"%s\"", the_record.id);
    capture_parent(&cap);
    add_program_facts(the_record.run, &tgt, cwd);
    events_add_main(&ev, child, tgt.path, opt.argv, cwd);

    struct supervisor sup = { .opt = &opt, .rec = &the_record, .cap = &cap, .ev = &ev,
                              .child = child, .state = &state, .meas = &meas, .rs = &rs,
                              .sys = opt.no_sys_metrics ? NULL : &sys };
    bsfilter_init(&sup.filt);
    supervise(&sup, &handled);
    int status = finish_run(&sup, seconds_since(&t0));
    finish_forward_rest(&sup);

    bsfilter_release(&sup.filt);
    strbuf_release(&sup.filtered);
    for (int i = 0; i < cap.nch; i++)
        capture_close(&cap.ch[i]);
    close(sup.sigfd);
    report_close(&rs);
    measure_release(&meas);
    metrics_release(&ms, !ms.failed);
    sysmon_release(&sys);
    cJSON_Delete(state.info);
    events_close(&ev);
    record_release(&the_record);
    target_release(&tgt);
    free_env(env);
    config_release(&cfg);
    free(lib);
    free(name);
    cli_release(&opt);
    return status;
}
