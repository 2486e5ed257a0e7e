/* launch.c: one observed run, phase by phase: resolve what will run (configuration,
 * program), create the record, start the program with capture and the preload library,
 * supervise it, finalise. Everything before the start fails with 125/126/127 and leaves
 * no run directory; nothing after it stops the program. */
#include "launch.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "capture/capture.h"
#include "capture/measure.h"
#include "capture/spawn.h"
#include "cli.h"
#include "commands.h"
#include "config/config.h"
#include "config/config_print.h"
#include "enqueue.h"
#include "finish.h"
#include "json/json.h"
#include "observe/events.h"
#include "observe/files.h"
#include "observe/hasher.h"
#include "observe/sysmon.h"
#include "prov/facts.h"
#include "preload/sr_protocol.h"
#include "prov/elfdeps.h"
#include "prov/provenance.h"
#include "prov/target.h"
#include "record/md5cache.h"
#include "record/metrics.h"
#include "record/record.h"
#include "record/sacred_files.h"
#include "record/sources.h"
#include "record/sweeprec.h"
#include "report/report.h"
#include "report/report_verbs.h"
#include "run_json.h"
#include "supervise.h"
#include "store/dbwriter.h"
#include "store/journal.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/log.h"
#include "util/path.h"

/* One observed run: everything the phases below share. */
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
    struct md5_cache md5;     /* the storage's */
    struct md5_cache md5_system; /* the user's, for the system's executables */
    struct hasher hasher;
    cJSON *repos;             /* with -e: checked before the start, then recorded */
    struct program_facts facts; /* gathered from the MD5 cache's opening, beside the program */
    char *lib, *name;
    char *bindir;             /* the private PATH entry holding only a sacred-run link */
    struct redact_rules redact;
    struct record rec;
    char *config_path;        /* SACRED_CONFIG: the run's config.json, else a full copy */
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
    struct dbwriters *dbs;    /* -s: the databases, each written by a thread of its own */
    int spooled;              /* -s without a file storage: the run dir is in the spool */
};

extern char **environ;

/* The run directory being created, removed by die() until the program has started, and
 * the rows claimed for it in databases. */
static struct record *half_made;
static struct dbwriters *half_claimed;

static void remove_half_made_run(int status)
{
    (void)status;
    if (half_made)
        record_remove(half_made);
    dbwriters_abandon(half_claimed);
}

/* Our own executable's path into exe (PATH_MAX bytes); 0 or -1. */
static int self_exe(char *exe)
{
    ssize_t n = readlink("/proc/self/exe", exe, PATH_MAX - 1);
    if (n <= 0)
        return -1;
    exe[n] = '\0';
    return 0;
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
    if (self_exe(exe) < 0)
        die("cannot read /proc/self/exe to find the preload library; set SACRED_RUN_PRELOAD");
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

/* The configuration's variables that exec can take beside argv, our environment and the
 * variables we add (the kernel's limit: ARG_MAX, at most 6 MiB, for all of them); the
 * others are named in a warning: the program has them in $SACRED_CONFIG. */
static char **config_env_fit(char *const *argv, char *const *config_env, char *const *ours)
{
    long arg_max = sysconf(_SC_ARG_MAX);
    size_t max = arg_max > 0 && arg_max < (6L << 20) ? (size_t)arg_max : arg_max > 0 ? 6u << 20 : 128u << 10;
    size_t used = exec_size(argv) + exec_size(environ) + exec_size(ours) + 8192; /* the path, slack */
    struct strbuf dropped = STRBUF_INIT;
    char **fit = exec_fit(config_env, used < max ? max - used : 0, &dropped);
    if (dropped.len)
        warning("configuration values too large for the environment, not exported (the program has "
                "them in $SACRED_CONFIG): %s", dropped.buf);
    strbuf_release(&dropped);
    return fit;
}

static void run_unobserved(char **argv, char *const *config_env)
{
    char **set = config_env_fit(argv, config_env, NULL), **env = build_env(environ, set);
    free(set);
    execvpe(argv[0], argv, env);
    die_status(errno == ENOENT ? SR_EXIT_NOT_FOUND : SR_EXIT_CANNOT_RUN, "cannot run '%s': %s",
               argv[0], strerror(errno));
}

static cJSON *store_main_source(const struct record *r, const struct target *t, const char *cwd)
{
    cJSON *sources = cJSON_CreateArray();
    char stored[PATH_MAX];
    if (!t->main_is_source)
        return sources;
    if (store_file(r->basedir, "_sources", t->mainfile, NULL, stored, sizeof(stored)) < 0) {
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

/* `sacred-run` reachable inside the run: a private directory (in the events directory)
 * holding only a link to our executable, put at the end of the program's PATH, so that it
 * is found only where nothing else of that name is. NULL (and a warning) if it cannot be
 * made; the run goes on without it. */
static char *make_bindir(const char *dir, const char *exe)
{
    char *bin = xasprintf("%s/bin", dir), *link = xasprintf("%s/sacred-run", bin);
    int ok = *exe && mkdir(bin, 0700) == 0 && symlink(exe, link) == 0;
    if (!ok) {
        warning("cannot make sacred-run reachable inside the run: %s", strerror(errno));
        rmdir(bin);
        free(bin);
        bin = NULL;
    }
    free(link);
    return bin;
}

static void remove_bindir(char *bin)
{
    if (!bin)
        return;
    char *link = xasprintf("%s/sacred-run", bin);
    unlink(link);
    rmdir(bin);
    free(link);
    free(bin);
}

/* The value of NAME in env, or NULL. */
static const char *env_value(char *const *env, const char *name)
{
    size_t n = strlen(name);
    for (; env && *env; env++)
        if (!strncmp(*env, name, n) && (*env)[n] == '=')
            return *env + n + 1;
    return NULL;
}

/* PATH for the program: its own (unset means glibc's default) with bin appended; NULL
 * (PATH left as it is) without bin. */
static char *program_path(char *const *base, const char *bin)
{
    const char *path = env_value(base, "PATH");
    return bin ? xasprintf("PATH=%s:%s", path ? path : "/bin:/usr/bin", bin) : NULL;
}

static char **program_env(const struct launch *l, const char *exe)
{
    const struct record *r = &l->rec;
    const char *old = getenv("LD_PRELOAD"), *lib = l->lib;
    char **given = build_env(environ, l->cfg.env), *path = program_path(given, l->bindir);
    free_env(given);
    char *set[] = {
        xasprintf("%s=%s", SR_ENV_EXE, exe),
        xasprintf("SACRED_CONFIG=%s", l->config_path),
        xasprintf("SACRED_REPORT_SOCKET=%s", l->rs.path),
        xasprintf("LD_PRELOAD=%s%s%s", lib, old && *old ? ":" : "", old ? old : ""),
        xasprintf("%s=%s", SR_ENV_PRELOAD, lib),
        xasprintf("%s=%s", SR_ENV_SOCKET, l->ev.path),
        xasprintf("%s=%s", SR_ENV_RUN_DIR, r->dir),
        xasprintf("%s=%s", SR_ENV_RUN_ID, r->id),
        path, /* last: NULL ends the list early */
        NULL,
    };
    char **fit = config_env_fit(l->opt->argv, l->cfg.env, set);
    char **base = build_env(environ, fit);
    char **env = build_env(base, set);
    for (char **s = set; *s; s++)
        free(*s);
    free(fit);
    free_env(base);
    return env;
}

/* SACRED_CONFIG: the run's config.json; when secrets were redacted from it, a full copy
 * in the launcher's private directory (0700, removed at the end). */
static char *config_for_program(const struct record *r, const cJSON *config, const char *private_dir)
{
    if (!r->config_redacted)
        return xasprintf("%s/" CONFIG_JSON, r->dir);
    char *path = xasprintf("%s/" CONFIG_JSON, private_dir);
    if (json_write_file(AT_FDCWD, path, config) < 0)
        die("cannot write '%s': %s", path, strerror(errno));
    return path;
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}


/* A file the program opened for reading: hash it now if it will be a resource. */
static void hash_early(void *ctx, const char *path)
{
    struct launch *l = ctx;
    if (provenance_wanted(&l->prov, &l->rec, path))
        hasher_offer(&l->hasher, path);
}

/* -e/--enforce_clean, as in Sacred: no run from a repository with uncommitted changes
 * (the main script's, else the base directory's; untracked files do not count). Returns
 * the repositories it checked, for the record. */
static cJSON *clean_repositories(const struct target *t, const char *base_dir)
{
    cJSON *repos = run_repositories(t, base_dir);
    const cJSON *r = cJSON_GetArrayItem(repos, 0);
    if (r && cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(r, "dirty"))) {
        char url[PATH_MAX];
        snprintf(url, sizeof(url), "%s", cJSON_GetObjectItemCaseSensitive(r, "url")->valuestring);
        cJSON_Delete(repos);
        die("the repository %s has uncommitted changes; commit or stash them, or run without "
            "-e/--enforce_clean", url);
    }
    return repos;
}

/* The storage without -F when the run goes to databases alone: the spool. */
static void use_spool(struct launch *l)
{
    const char *env = getenv("SACRED_RUN_STORAGE");
    if (!l->opt->ndb || l->opt->storage || (env && *env))
        return;
    char *spool = state_dir("spool");
    if (!spool)
        die("cannot create the spool for runs recorded into a database: %s; set XDG_STATE_HOME or "
            "give -F DIR", strerror(errno));
    l->opt->storage_used = spool; /* freed with the launch */
    l->spooled = 1;
}

/* The storage's MD5 cache, and the user's (${XDG_CACHE_HOME:-~/.cache}/sacred-run/md5/)
 * for executables in system locations; without a cache directory the latter is not kept. */
static void open_md5_caches(struct launch *l)
{
    char *path = xasprintf("%s/" MD5_CACHE_NAME, l->opt->storage_used);
    md5_cache_open(&l->md5, path);
    free(path);
    char *dir = xdg_dir("XDG_CACHE_HOME", ".cache", "md5");
    path = dir ? xasprintf("%s/system-files", dir) : NULL;
    md5_cache_open(&l->md5_system, path);
    free(path);
    free(dir);
}

/* die() while databases are being connected to: at once, without exit's destructors. */
static void leave_while_connecting(int status)
{
    fflush(NULL);
    _exit(status);
}

/* Configuration, program and preload library; commands that run nothing end here.
 * Returns -1 to go on with the run, else an exit status. */
static int resolve(struct launch *l)
{
    char err[PATH_MAX + 256];
    if (config_resolve(&l->cfg, l->opt->argv, l->opt->with_words, l->opt->with, l->opt->force,
                       err, sizeof(err)) < 0)
        die("%s", err);
    if (l->cfg.seed_note)
        warning("%s", l->cfg.seed_note);
    l->given_argv = l->opt->argv;
    l->opt->argv = l->cfg.argv; /* the program runs with the configuration in its options */
    if (l->opt->print_config) {
        config_print(stdout, &l->cfg, isatty(STDOUT_FILENO));
        printf("%.79s\n", "----------------------------------------------------------------"
                           "---------------");
        fflush(stdout);
    }
    if (l->opt->unobserved)
        run_unobserved(l->opt->argv, l->cfg.env);
    measure_init(&l->meas, &l->ms, !l->opt->no_default_metrics, l->opt->metric, l->opt->nmetric);
    int code = target_resolve(&l->tgt, l->opt->argv, err, sizeof(err));
    if (code)
        die_status(code, "%s", err);
    if (!getcwd(l->cwd, sizeof(l->cwd)))
        die("cannot determine the working directory: %s", strerror(errno));
    const char *base = l->opt->base_dir ? l->opt->base_dir : l->cwd;
    if (!realpath(base, l->base_dir))
        die("--base-dir '%s': %s; give an existing directory", base, strerror(errno));
    if (l->opt->command)
        return print_dependencies(&l->tgt, l->base_dir);
    if (l->opt->enforce_clean)
        l->repos = clean_repositories(&l->tgt, l->base_dir);
    l->name = l->opt->name ? xstrdup(l->opt->name) : target_experiment_name(&l->tgt, l->opt->argv[0]);
    log_setup(l->opt->loglevel, l->name);
    if (l->opt->queue && !l->opt->queued) {
        struct enqueue q = { l->opt, &l->cfg, l->given_argv, &l->tgt, l->cwd, l->base_dir };
        return enqueue_run(&q);
    }
    l->lib = find_preload();
    /* From here the facts (git above all) are gathered beside the run's creation. The
     * cache is only read now; nothing is written before the run directory exists. */
    use_spool(l);
    open_md5_caches(l);
    facts_start(&l->facts, &l->tgt, l->base_dir, &l->md5, &l->md5_system, l->repos);
    l->repos = NULL; /* the facts' now */
    if (l->opt->ndb) { /* connecting beside the facts and the run's creation up to the claim */
        l->dbs = dbwriters_open(l->opt->db, (size_t)l->opt->ndb, l->opt->db_retry);
        set_die_cleanup(leave_while_connecting);
    }
    return -1;
}

/* The run directory, its files, and the channels the program will report through. */
/* Claims the run's id: from the first database when there is one (the file storage takes
 * the same where it is free), else the storage's next. */
static void claim(struct launch *l)
{
    char dbid[32] = "";
    const cJSON *queued = cJSON_GetObjectItemCaseSensitive(l->opt->queued, "id");
    if (l->dbs)
        dbwriters_claim(l->dbs, l->opt->id, queued ? strtoll(queued->valuestring, NULL, 10) : 0, dbid,
                        sizeof(dbid));
    if (record_claim(&l->rec, l->opt->storage_used, l->opt->id, *dbid ? dbid : NULL) < 0) {
        dbwriters_abandon(l->dbs);
        exit(SR_EXIT_TOOL);
    }
    half_claimed = l->dbs;
}

static void create(struct launch *l)
{
    claim(l);
    l->redact = (struct redact_rules){ l->opt->env_deny, l->opt->ndeny, l->opt->env_allow, l->opt->nallow };
    l->rec.redact = &l->redact;
    half_made = &l->rec;
    set_die_cleanup(remove_half_made_run);
    cJSON *run = run_json_new(l->opt, &l->tgt, l->base_dir, l->cwd,
                              store_main_source(&l->rec, &l->tgt, l->base_dir), environ);
    run_json_add_config(run, &l->cfg, l->given_argv);
    if (l->dbs)
        dbwriters_annotate(l->dbs, run);
    if (record_start(&l->rec, run, l->cfg.tree) < 0)
        die("cannot start the run record");
    events_clean_stale();
    if (events_open(&l->ev) < 0)
        die("cannot create the event socket in $TMPDIR: %s", strerror(errno));
    l->config_path = config_for_program(&l->rec, l->cfg.tree, l->ev.dir);
    files_init(&l->files);
    l->ev.files = l->opt->no_files ? NULL : &l->files;
    l->prov = (struct provenance){ &l->opt->files, l->lib, l->base_dir, l->cwd, l->ev.dir, &l->md5,
                                   l->tgt.main_is_source ? NULL : l->tgt.module };
    if (!l->opt->no_files && hasher_start(&l->hasher, &l->md5) == 0) {
        l->ev.on_read = hash_early;
        l->ev.read_ctx = l;
    }
    if (report_open(&l->rs, l->ev.dir) < 0)
        die("cannot create the report socket in '%s': %s", l->ev.dir, strerror(errno));
    metrics_init(&l->ms, l->rec.dirfd);
    if (l->dbs) {
        l->ms.sink = dbwriters_point;
        l->ms.sink_arg = l->dbs;
    }
    l->state = (struct run_state){ &l->rec, &l->ms, cJSON_CreateObject(), 0 };
    const cJSON *changed = cJSON_GetObjectItemCaseSensitive(l->opt->queued, "changed");
    if (cJSON_GetArraySize(changed)) { /* the worker's finding, for the record */
        json_set(l->state.info, "changed_since_queued", cJSON_Duplicate(changed, 1));
        l->state.info_dirty = 1;
    }
    cJSON *host = cJSON_GetObjectItemCaseSensitive(l->rec.run, "host");
    sysmon_init(&l->sys, cJSON_HasObjectItem(host, "gpus"));
    if (capture_setup(l->cap, l->opt->capture) < 0)
        die("cannot set up output capture: %s", strerror(errno));
}

/* Starts the program; from here on nothing stops it. */
static void start(struct launch *l)
{
    sigset_t orig;
    supervise_signals(&l->handled);
    sigprocmask(SIG_BLOCK, &l->handled, &orig);
    int sigpipe_was_default = signal(SIGPIPE, SIG_IGN) == SIG_DFL;
    prctl(PR_SET_CHILD_SUBREAPER, 1);
    char exe[PATH_MAX] = "";
    self_exe(exe);
    l->bindir = make_bindir(l->ev.dir, exe);
    l->env = program_env(l, exe);
    log_msg(LOG_INFO, "Running command 'main'");
    clock_gettime(CLOCK_MONOTONIC, &l->t0);
    char **sh_argv = shell_argv(l->tgt.path, l->opt->argv);
    struct spawn_req req = { l->tgt.path, l->opt->argv, sh_argv, l->env, l->cap, &orig, sigpipe_was_default };
    l->child = spawn_program(&req);
    free(sh_argv);
    if (l->child < 0)
        die_status(errno == ENOENT ? SR_EXIT_NOT_FOUND : SR_EXIT_CANNOT_RUN,
                   "cannot execute '%s': %s", l->opt->argv[0], strerror(errno));
    set_die_cleanup(NULL);
    half_made = NULL;
    half_claimed = NULL;
    if (l->dbs)
        dbwriters_start(l->dbs, l->rec.dir, l->spooled ? NULL : l->rec.basedir, l->rec.id, l->spooled);
    log_msg(LOG_INFO, "Started run with ID \"%s\"", l->rec.id);
    capture_parent(l->cap);
    events_add_main(&l->ev, l->child, l->tgt.path, l->opt->argv, l->cwd);
    if (l->ev.files) /* also when it cannot report itself (a static binary) */
        files_add(&l->files, l->tgt.real, SR_FILE_EXEC);
}

static int supervise_to_end(struct launch *l)
{
    struct supervisor sup = { .opt = l->opt, .rec = &l->rec, .cap = l->cap, .ev = &l->ev,
                              .child = l->child, .state = &l->state, .meas = &l->meas, .rs = &l->rs,
                              .sys = l->opt->no_sys_metrics ? NULL : &l->sys,
                              .prov = l->opt->no_files ? NULL : &l->prov, .files = &l->files,
                              .hasher = &l->hasher, .facts = &l->facts, .dbs = l->dbs };
    bsfilter_init(&sup.filt);
    supervise(&sup, &l->handled);
    int status = finish_run(&sup, seconds_since(&l->t0));
    finish_forward_rest(&sup);
    bsfilter_release(&sup.filt);
    strbuf_release(&sup.filtered);
    close(sup.sigfd);
    return status;
}

static void release(struct launch *l, int started)
{
    facts_release(&l->facts); /* before the MD5 cache it uses closes */
    cJSON_Delete(l->repos);
    if (started) {
        for (int i = 0; i < l->cap->nch; i++)
            capture_close(&l->cap->ch[i]);
        report_close(&l->rs);
        remove_bindir(l->bindir);
        metrics_release(&l->ms, l->ms.points_in_json == l->ms.points);
        sysmon_release(&l->sys);
        cJSON_Delete(l->state.info);
        if (l->rec.config_redacted)
            unlink(l->config_path);
        events_close(&l->ev);
        files_release(&l->files);
        md5_cache_close(&l->md5);
        md5_cache_close(&l->md5_system);
        record_release(&l->rec);
        dbwriters_free(l->dbs);
        if (l->spooled)
            free((char *)l->opt->storage_used);
        free_env(l->env);
        free(l->config_path);
    }
    measure_release(&l->meas);
    target_release(&l->tgt);
    config_release(&l->cfg);
    free(l->lib);
    free(l->name);
}

/* A sweep's point tells the sweep record its run id and state (RUNNING, then the
 * status and the exit status); a failure is reported and the run goes on. */
static void sweep_report(const struct launch *l, const char *state, int exit_status)
{
    char err[PATH_MAX + 128];
    const cJSON *sw = l->opt->sweep;
    if (sw && sweep_point_report(l->opt->storage_used, cJSON_GetObjectItemCaseSensitive(sw, "id")->valuestring,
                                 sweep_int(sw, "index"), l->rec.id, state, exit_status, err, sizeof(err)) < 0)
        warning("%s", err);
}

/* A worker's run ends with the worker, as on a machine that went down: no more heartbeats
 * (the program gets SIGHUP when the launcher goes, capture/spawn.c). */
static void end_with_worker(const struct options *opt)
{
    const cJSON *pid = json_get_dotted(opt->queued, "queue.worker.pid");
    if (!pid)
        return;
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != (pid_t)strtoll(pid->valuestring, NULL, 10))
        die("the worker that started this run (pid %s) is gone", pid->valuestring);
}

int launch_run(struct options *opt, struct capture *cap)
{
    struct launch l;
    end_with_worker(opt);
    memset(&l, 0, sizeof(l));
    l.opt = opt;
    l.cap = cap;
    int status = resolve(&l);
    if (status < 0) {
        create(&l);
        start(&l);
        sweep_report(&l, "RUNNING", -1);
        status = supervise_to_end(&l);
        sweep_report(&l, cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(l.rec.run, "status")), status);
    }
    release(&l, status >= 0 && l.child > 0);
    return status;
}
