/* sweep.c: the sweep command: its options, the checks that make bad input fail before
 * anything starts (syntax, every point's configuration resolved as its run would, the
 * program found), --dry-run, the new sweep record, --resume. It starts runs only through
 * sweep/local.c. */
#include "sweep/sweep.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "config/config.h"
#include "json/json.h"
#include "record/sweeprec.h"
#include "sweep/local.h"
#include "sweep/pointargv.h"
#include "sweep/slurm.h"
#include "sweep/spec.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/timefmt.h"

enum { MAX_POINTS = 100000, MAX_JOBS = 1024 };

static const char usage[] =
    "usage: sacred-run sweep [-F DIR] [-j N] [--random N [--seed S]] [--dry-run] [--fail-fast] [--quiet]\n"
    "                        [run options] [--] PROGRAM [ARGS...] with KEY=V1,V2,... [KEY=V ...]\n"
    "       sacred-run sweep -F /ABS/DIR [-j N] ... --slurm [-- SBATCH_ARGS...] PROGRAM ... with ...\n"
    "       sacred-run sweep [-F DIR] [-j N] [--fail-fast] [--quiet] --resume SWEEP_ID\n"
    "  KEY=V1,V2,...   a grid axis (values in the 'with' syntax; [1,2] and 'a,b' are one value)\n"
    "  KEY=V           the same update for every point; FILE.json/.yaml a configuration file\n"
    "  KEY=uniform(a,b) loguniform(a,b) randint(a,b) choice(V1,V2,...)   sampled, with --random N\n"
    "  -j N            N points at a time (default 1)      --random N  N sampled points\n"
    "  --seed S        the sampling seed (default: random; recorded)\n"
    "  --dry-run       print the points, start nothing     --fail-fast  start nothing after a failure\n"
    "  --quiet         no run output on the terminal       --resume ID  run what did not complete\n"
    "  --slurm         one Slurm job array (-j N: at most N tasks at a time); words starting\n"
    "                  with '-' after '--slurm --' go to sbatch (write --time=1:00:00)\n"
    "Exit status: 0 every point completed, 1 a point failed, 128+N stopped by signal N, 125 bad input.\n";

struct sweep_args {
    const struct run_cli *cli;
    const char *storage;   /* -F as given */
    long jobs;             /* 0: not given */
    long random;
    unsigned long long seed;
    int seed_given, dry_run, fail_fast, quiet;
    const char *resume;
    int slurm;
    char **sbatch;         /* after --slurm -- */
    size_t nsbatch;
    const char *task;      /* --point ID INDEX / --finish ID: what a Slurm job runs */
    long task_index;
    char **run_args;       /* the run options, passed to every point */
    size_t nrun;
    int loglevel_given;
    char **program;        /* the program and its arguments, NULL-terminated */
    char **words;          /* after "with" */
};

static long whole(const char *text, const char *opt, long min, long max)
{
    char *end;
    long v = strtol(text, &end, 10);
    if (!*text || *end || v < min || v > max)
        die("%s takes a whole number from %ld to %ld, not '%s'", opt, min, max, text);
    return v;
}

/* The value of option long_name (or -short_name) at argv[*i], advancing *i; NULL when
 * argv[*i] is another word. */
static const char *option_value(int argc, char **argv, int *i, const char *long_name, char short_name)
{
    const char *w = argv[*i];
    size_t n = strlen(long_name);
    const char *v = NULL;
    if (!strncmp(w, "--", 2) && !strncmp(w + 2, long_name, n) && (w[2 + n] == '=' || !w[2 + n]))
        v = w[2 + n] == '=' ? w + 3 + n : *i + 1 < argc ? argv[++*i] : NULL;
    else if (short_name && w[0] == '-' && w[1] == short_name)
        v = w[2] ? w + 2 : *i + 1 < argc ? argv[++*i] : NULL;
    else
        return NULL;
    if (!v)
        die("sweep: '%s' needs a value; see 'sacred-run sweep --help'", w);
    return v;
}

static int flag(const char *w, const char *name, int *set)
{
    if (strcmp(w, name))
        return 0;
    *set = 1;
    return 1;
}

/* --slurm [-- ARGS...]: the words starting with '-' after "--" are sbatch's, up to the
 * first that does not start with '-' or another "--". */
static void take_slurm(struct sweep_args *a, int argc, char **argv, int *i)
{
    a->slurm = 1;
    if (*i + 1 >= argc || strcmp(argv[*i + 1], "--"))
        return;
    for (++*i; *i + 1 < argc && argv[*i + 1][0] == '-' && strcmp(argv[*i + 1], "--"); ++*i) {
        const char *w = argv[*i + 1];
        if (!strncmp(w, "--array", 7) || !strncmp(w, "-a", 2) || !strncmp(w, "--wrap", 6)
            || !strncmp(w, "--dependency", 12))
            die("sweep: '%s' is the sweep's to set; leave it out of the sbatch arguments", w);
        a->sbatch = xrealloc(a->sbatch, (a->nsbatch + 1) * sizeof(*a->sbatch));
        a->sbatch[a->nsbatch++] = argv[*i + 1];
    }
    if (*i + 1 < argc && !strcmp(argv[*i + 1], "--"))
        ++*i;
}

/* --point ID INDEX and --finish ID: the commands a sweep's Slurm jobs run. */
static int take_task(struct sweep_args *a, int argc, char **argv, int *i)
{
    int point = !strcmp(argv[*i], "--point");
    if (!point && strcmp(argv[*i], "--finish"))
        return 0;
    if (*i + 1 + point >= argc)
        die("sweep: usage: %s ID%s (run by the sweep's Slurm jobs)", argv[*i], point ? " INDEX" : "");
    a->task = argv[*i + 1];
    a->task_index = point ? whole(argv[*i + 2], "--point", 0, MAX_POINTS - 1) : -1;
    *i += 1 + point;
    return 1;
}

static void pass_on(struct sweep_args *a, int argc, char **argv, int *i)
{
    int arity = a->cli->option_arity(argv[*i]);
    if (arity < 0)
        die("sweep: unknown option '%s'; see 'sacred-run sweep --help'", argv[*i]);
    if (arity && *i + 1 >= argc)
        die("sweep: '%s' needs a value", argv[*i]);
    a->loglevel_given |= !strncmp(argv[*i], "-l", 2) || !strncmp(argv[*i], "--loglevel", 10)
                      || !strcmp(argv[*i], "-d") || !strcmp(argv[*i], "--debug");
    for (int k = 0; k <= arity; k++) {
        a->run_args = xrealloc(a->run_args, (a->nrun + 1) * sizeof(*a->run_args));
        a->run_args[a->nrun++] = argv[*i + k];
    }
    *i += arity;
}

/* The sweep's own options, then the run options, up to the program. */
static int parse_options(struct sweep_args *a, int argc, char **argv)
{
    int i = 1, dummy;
    for (; i < argc && argv[i][0] == '-' && strcmp(argv[i], "--"); i++) {
        const char *v, *w = argv[i];
        if (!strcmp(w, "-h") || !strcmp(w, "--help")) {
            fputs(usage, stdout);
            exit(0);
        }
        if ((v = option_value(argc, argv, &i, "file_storage", 'F')))
            a->storage = v;
        else if ((v = option_value(argc, argv, &i, "jobs", 'j')))
            a->jobs = whole(v, "-j", 1, MAX_JOBS);
        else if ((v = option_value(argc, argv, &i, "random", 0)))
            a->random = whole(v, "--random", 1, MAX_POINTS);
        else if ((v = option_value(argc, argv, &i, "seed", 0))) {
            a->seed = (unsigned long long)whole(v, "--seed", 0, LONG_MAX);
            a->seed_given = 1;
        } else if ((v = option_value(argc, argv, &i, "resume", 0)))
            a->resume = v;
        else if (!strcmp(w, "--slurm"))
            take_slurm(a, argc, argv, &i);
        else if (take_task(a, argc, argv, &i))
            ;
        else if (!flag(w, "--dry-run", &a->dry_run) && !flag(w, "--fail-fast", &a->fail_fast)
                 && !flag(w, "--quiet", &a->quiet) && !flag(w, "--", &dummy))
            pass_on(a, argc, argv, &i);
    }
    return i < argc && !strcmp(argv[i], "--") ? i + 1 : i;
}

static void parse(struct sweep_args *a, int argc, char **argv, const struct run_cli *cli)
{
    memset(a, 0, sizeof(*a));
    a->cli = cli;
    int i = parse_options(a, argc, argv);
    static char *none[] = { NULL };
    a->words = none;
    if (a->task)
        return;
    if (a->resume) {
        if (i < argc || a->nrun || a->random || a->dry_run || a->slurm)
            die("sweep --resume ID takes only -F, -j, --fail-fast and --quiet; the rest is in the record");
        return;
    }
    if (a->slurm && (a->fail_fast || a->quiet))
        die("sweep: --%s is for local sweeps; Slurm runs every task of the array", a->fail_fast ? "fail-fast" : "quiet");
    if (i >= argc)
        die("sweep: no program given; usage: sacred-run sweep [options] PROGRAM [ARGS...] with KEY=V1,V2,...");
    if (a->seed_given && !a->random)
        die("sweep: --seed goes with --random N");
    a->program = argv + i;
    for (; i < argc; i++)
        if (!strcmp(argv[i], "with")) {
            argv[i] = NULL;
            a->words = argv + i + 1;
            break;
        }
}

/* The run options as a run would take them (cli->check). */
static int check_run_options(const struct sweep_args *a)
{
    char **v = xcalloc(a->nrun + 3 + 1, sizeof(*v));
    size_t n = 0;
    v[n++] = "sacred-run";
    for (size_t k = 0; k < a->nrun; k++)
        v[n++] = a->run_args[k];
    v[n++] = "--";
    v[n++] = a->program[0];
    int force = a->cli->check((int)n, v);
    free(v);
    return force;
}

/* The program as a run would look it up: a path, or a name on $PATH. */
static void check_program(const char *prog)
{
    if (strchr(prog, '/')) {
        if (access(prog, X_OK) < 0)
            die_status(errno == ENOENT ? SR_EXIT_NOT_FOUND : SR_EXIT_CANNOT_RUN, "sweep: cannot run '%s': %s",
                       prog, strerror(errno));
        return;
    }
    const char *path = getenv("PATH");
    char *copy = xstrdup(path ? path : "/usr/bin:/bin"), *save = NULL;
    int found = 0;
    for (char *d = strtok_r(copy, ":", &save); d && !found; d = strtok_r(NULL, ":", &save)) {
        char *cand = xasprintf("%s/%s", *d ? d : ".", prog);
        found = access(cand, X_OK) == 0;
        free(cand);
    }
    free(copy);
    if (!found)
        die_status(SR_EXIT_NOT_FOUND, "sweep: '%s' is not found on $PATH", prog);
}

/* The words after "with" of one point: the fixed ones, then its updates. */
static char **point_words(const struct sweep_spec *s, const cJSON *point)
{
    const cJSON *up = cJSON_GetObjectItemCaseSensitive(point, "updates");
    char **w = xcalloc(s->nfixed + (size_t)cJSON_GetArraySize(up) + 1, sizeof(*w));
    size_t n = 0;
    for (size_t i = 0; i < s->nfixed; i++)
        w[n++] = s->fixed[i];
    for (const cJSON *u = up->child; u; u = u->next)
        w[n++] = u->valuestring;
    return w;
}

/* Every point's configuration, resolved as its run will resolve it (key typos, values). */
static void check_points(const struct sweep_args *a, const struct sweep_spec *s, const cJSON *points, int force)
{
    char err[1024];
    for (const cJSON *p = points->child; p; p = p->next) {
        char **words = point_words(s, p);
        struct config cfg;
        int rc = config_resolve(&cfg, a->program, words, 1, force, err, sizeof(err));
        config_release(&cfg);
        free(words);
        if (rc < 0)
            die("sweep point %ld: %s", sweep_int(p, "index"), err);
    }
}

static void print_points(const cJSON *points)
{
    for (const cJSON *p = points->child; p; p = p->next) {
        printf("%ld", sweep_int(p, "index"));
        for (const cJSON *u = cJSON_GetObjectItemCaseSensitive(p, "updates")->child; u; u = u->next)
            printf(" %s", u->valuestring);
        printf("\n");
    }
}

static cJSON *string_list(char **v, size_t n)
{
    cJSON *list = cJSON_CreateArray();
    for (size_t i = 0; i < n; i++)
        cJSON_AddItemToArray(list, cJSON_CreateString(v[i]));
    return list;
}

/* Who runs the sweep, so --resume can tell a sweep still running. */
static cJSON *launcher_json(void)
{
    char host[256];
    cJSON *l = cJSON_CreateObject();
    if (gethostname(host, sizeof(host)) < 0)
        host[0] = '\0';
    host[sizeof(host) - 1] = '\0';
    cJSON_AddStringToObject(l, "host", host);
    cJSON_AddItemToObject(l, "pid", json_int(getpid()));
    return l;
}

static cJSON *new_record(const struct sweep_args *a, const struct sweep_spec *s, cJSON *points,
                         const char *storage, int argc, char **typed)
{
    char now[TIME_ISO_LEN], cwd[PATH_MAX];
    cJSON *d = cJSON_CreateObject();
    time_iso_now(now);
    if (!getcwd(cwd, sizeof(cwd)))
        die("cannot determine the working directory: %s", strerror(errno));
    size_t nprog = 0;
    while (a->program[nprog])
        nprog++;
    cJSON_AddItemToObject(d, "command", string_list(typed, (size_t)argc));
    cJSON_AddStringToObject(d, "created", now);
    cJSON_AddStringToObject(d, "cwd", cwd);
    cJSON_AddStringToObject(d, "storage", storage);
    cJSON_AddStringToObject(d, "mode", a->slurm ? "slurm" : "local");
    cJSON_AddItemToObject(d, "jobs", json_int(a->jobs ? a->jobs : !a->slurm)); /* Slurm: 0, no limit */
    cJSON_AddItemToObject(d, "run_args", string_list(a->run_args, a->nrun));
    if (!a->loglevel_given) { /* the points' own INFO lines would drown their output */
        cJSON_AddItemToArray(cJSON_GetObjectItemCaseSensitive(d, "run_args"), cJSON_CreateString("-l"));
        cJSON_AddItemToArray(cJSON_GetObjectItemCaseSensitive(d, "run_args"), cJSON_CreateString("WARNING"));
    }
    cJSON_AddItemToObject(d, "program", string_list(a->program, nprog));
    cJSON_AddItemToObject(d, "fixed", string_list(s->fixed, s->nfixed));
    cJSON_AddItemToObject(d, "axes", spec_axes_json(s));
    cJSON *random = a->random ? cJSON_AddObjectToObject(d, "random") : cJSON_AddNullToObject(d, "random");
    if (a->random) {
        cJSON_AddItemToObject(random, "n", json_int(a->random));
        cJSON_AddItemToObject(random, "seed", json_int((long long)a->seed));
    }
    cJSON_AddItemToObject(d, "count", json_int(cJSON_GetArraySize(points)));
    cJSON_AddStringToObject(d, "state", a->slurm ? "SUBMITTED" : "RUNNING");
    cJSON_AddItemToObject(d, "launcher", launcher_json());
    if (a->slurm) {
        cJSON *slurm = cJSON_AddObjectToObject(d, "slurm");
        cJSON_AddItemToObject(slurm, "sbatch_args", string_list(a->sbatch, a->nsbatch));
        cJSON_AddArrayToObject(slurm, "submissions");
    }
    cJSON_AddItemToObject(d, "points", points);
    return d;
}

/* --slurm needs a storage the nodes can reach: an absolute path. */
static const char *slurm_storage(const struct sweep_args *a)
{
    const char *storage = a->cli->storage(a->storage);
    if (a->slurm && storage[0] != '/')
        die("sweep --slurm: the storage '%s' is a relative path; give -F an absolute path to a "
            "directory every node can reach (a shared file system)", storage);
    return storage;
}

/* The storage as an absolute path (created if need be): the points and --resume may run
 * elsewhere. */
static char *absolute_storage(const struct sweep_args *a)
{
    char real[PATH_MAX];
    const char *storage = slurm_storage(a);
    if (mkdir_p(storage, 0777) < 0 || !realpath(storage, real))
        die("cannot use the storage '%s': %s", storage, strerror(errno));
    return xstrdup(real);
}

/* The job script --slurm would submit, the sweep id written ID. */
static void print_script(const struct sweep_args *a, size_t n)
{
    char *self = sweep_self();
    long *todo = xcalloc(n, sizeof(*todo));
    for (size_t i = 0; i < n; i++)
        todo[i] = (long)i;
    struct slurm_submit sub = { slurm_storage(a), "ID", todo, n, a->jobs, a->sbatch, a->nsbatch };
    char *script = slurm_script(&sub, self);
    printf("\n%s", script);
    free(script), free(todo), free(self);
}

static int run_points(const char *storage, const char *id, const cJSON *doc, const long *todo, size_t n,
                      const struct sweep_args *a)
{
    const char *mode = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(doc, "mode"));
    if (mode && !strcmp(mode, "slurm")) {
        const cJSON *args = json_get_dotted(doc, "slurm.sbatch_args");
        size_t nargs = 0;
        char **sb = xcalloc((size_t)cJSON_GetArraySize(args) + 1, sizeof(*sb));
        for (const cJSON *e = args ? args->child : NULL; e; e = e->next)
            if (cJSON_IsString(e))
                sb[nargs++] = e->valuestring;
        long jobs = a->jobs ? a->jobs : sweep_int(doc, "jobs");
        struct slurm_submit sub = { storage, id, todo, n, jobs > 0 ? jobs : 0, sb, nargs };
        int status = slurm_submit(&sub);
        free(sb);
        return status;
    }
    long jobs = a->jobs ? a->jobs : sweep_int(doc, "jobs");
    struct sweep_job j = { storage, id, doc, todo, n, jobs > 0 ? jobs : 1, a->fail_fast, a->quiet };
    return sweep_run_local(&j);
}

static int new_sweep(struct sweep_args *a, int argc, char **argv)
{
    char err[1024], id[64];
    struct sweep_spec s;
    int force = check_run_options(a);
    if (spec_parse(&s, a->words, a->random > 0, err, sizeof(err)) < 0)
        die("sweep: %s", err);
    if (!s.naxes && !a->random)
        die("sweep: nothing varies; give an axis KEY=V1,V2,... or --random N");
    if (!a->random && !spec_grid_size(&s, MAX_POINTS))
        die("sweep: the grid has more than %d points", MAX_POINTS);
    if (a->random && !a->seed_given && getrandom(&a->seed, sizeof(a->seed), 0) != (ssize_t)sizeof(a->seed))
        a->seed = (unsigned long long)getpid();
    a->seed &= (unsigned long long)LONG_MAX; /* recorded as a JSON integer, given back by --seed */
    check_program(a->program[0]);
    cJSON *points = spec_points(&s, (size_t)a->random, a->seed);
    check_points(a, &s, points, force);
    if (a->dry_run) {
        print_points(points);
        if (a->slurm)
            print_script(a, (size_t)cJSON_GetArraySize(points));
        cJSON_Delete(points);
        spec_release(&s);
        return 0;
    }
    char *storage = absolute_storage(a);
    cJSON *doc = new_record(a, &s, points, storage, argc, argv);
    if (sweep_create(storage, doc, id, sizeof(id), err, sizeof(err)) < 0)
        die("%s", err);
    size_t n = (size_t)cJSON_GetArraySize(points);
    long *todo = xcalloc(n, sizeof(*todo));
    for (size_t i = 0; i < n; i++)
        todo[i] = (long)i;
    if (!a->slurm)
        fprintf(stderr, "sweep %s: %zu points, %ld at a time\n", id, n, a->jobs ? a->jobs : 1);
    int status = run_points(storage, id, doc, todo, n, a);
    free(todo);
    cJSON_Delete(doc);
    free(storage);
    spec_release(&s);
    return status;
}

struct resume {
    long *todo;
    size_t n;
};

/* Every point that did not complete goes back to QUEUED; its run so far is kept. */
static int requeue(cJSON *doc, void *arg)
{
    struct resume *r = arg;
    for (cJSON *p = cJSON_GetObjectItemCaseSensitive(doc, "points")->child; p; p = p->next) {
        const char *state = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(p, "state"));
        if (state && !strcmp(state, "COMPLETED"))
            continue;
        cJSON *run = cJSON_GetObjectItemCaseSensitive(p, "run_id");
        if (cJSON_IsString(run)) {
            cJSON *earlier = cJSON_GetObjectItemCaseSensitive(p, "earlier_run_ids");
            if (!earlier)
                earlier = cJSON_AddArrayToObject(p, "earlier_run_ids");
            cJSON_AddItemToArray(earlier, cJSON_CreateString(run->valuestring));
        }
        json_set(p, "run_id", cJSON_CreateNull());
        json_set(p, "state", cJSON_CreateString("QUEUED"));
        r->todo = xrealloc(r->todo, (r->n + 1) * sizeof(*r->todo));
        r->todo[r->n++] = sweep_int(p, "index");
    }
    const char *mode = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(doc, "mode"));
    int slurm = mode && !strcmp(mode, "slurm");
    json_set(doc, "state", cJSON_CreateString(!r->n ? "COMPLETED" : slurm ? "SUBMITTED" : "RUNNING"));
    json_set(doc, "launcher", launcher_json());
    return 1;
}

/* The sweep's own process, when it still runs on this host. */
static int still_running(const cJSON *doc)
{
    char host[256];
    const cJSON *l = cJSON_GetObjectItemCaseSensitive(doc, "launcher");
    long pid = sweep_int(l, "pid");
    const char *h = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(l, "host"));
    const char *state = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(doc, "state"));
    return state && !strcmp(state, "RUNNING") && pid > 0 && h && gethostname(host, sizeof(host)) == 0
        && !strcmp(host, h) && pid != getpid() && kill((pid_t)pid, 0) == 0;
}

static int resume_sweep(const struct sweep_args *a)
{
    char err[4096];
    char *storage = absolute_storage(a);
    cJSON *doc = sweep_load(storage, a->resume, err, sizeof(err));
    if (!doc)
        die("%s", err);
    const char *cwd = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(doc, "cwd"));
    if (!cwd || !cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(doc, "storage"))
        || !cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(doc, "program")))
        die("sweep %s: the record lacks its command; it cannot be resumed", a->resume);
    if (still_running(doc))
        die("sweep %s is still running (pid %ld); stop it first", a->resume,
            sweep_int(cJSON_GetObjectItemCaseSensitive(doc, "launcher"), "pid"));
    if (cJSON_GetObjectItemCaseSensitive(doc, "slurm") && slurm_active(doc))
        die("sweep %s still has Slurm jobs (squeue lists them); wait for them or scancel them first", a->resume);
    if (chdir(cwd) < 0)
        die("sweep %s: cannot enter its working directory '%s': %s", a->resume, cwd, strerror(errno));
    cJSON_Delete(doc);
    struct resume r = { NULL, 0 };
    if (sweep_edit(storage, a->resume, requeue, &r, err, sizeof(err)) < 0 || !(doc = sweep_load(storage, a->resume, err, sizeof(err))))
        die("%s", err);
    int status = 0;
    if (!r.n)
        fprintf(stderr, "sweep %s: every point completed; nothing to resume\n", a->resume);
    else {
        fprintf(stderr, "sweep %s: resuming %zu of %ld points\n", a->resume, r.n, sweep_int(doc, "count"));
        status = run_points(storage, a->resume, doc, r.todo, r.n, a);
    }
    free(r.todo);
    cJSON_Delete(doc);
    free(storage);
    return status;
}

int sweep_command(int argc, char **argv, const struct run_cli *cli)
{
    struct sweep_args a;
    char **typed = xcalloc((size_t)argc + 2, sizeof(*typed)); /* the command as typed */
    typed[0] = xstrdup("sacred-run");
    for (int i = 0; i < argc; i++)
        typed[i + 1] = xstrdup(argv[i]);
    parse(&a, argc, argv, cli);
    int status;
    if (a.task) {
        char *storage = absolute_storage(&a);
        status = a.task_index >= 0 ? slurm_point(storage, a.task, a.task_index) : slurm_finish(storage, a.task);
        free(storage);
    } else
        status = a.resume ? resume_sweep(&a) : new_sweep(&a, argc + 1, typed);
    for (int i = 0; i <= argc; i++)
        free(typed[i]);
    free(typed);
    free(a.run_args);
    free(a.sbatch);
    return status;
}
