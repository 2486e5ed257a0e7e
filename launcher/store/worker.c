/* worker.c: `sacred-run worker` (worker.h). One poll loop over a signalfd and the running
 * launchers' stderr: it claims queued runs (queue.c) while it has room and starts each as
 * sacred-run itself (util/subproc: the queued words, environment and working directory,
 * --queued-run naming the claimed row). It records nothing of a run a launcher records;
 * only a claimed run no launcher could start is marked FAILED (or given back). */
#include "store/worker.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "json/json.h"
#include "record/redact.h"
#include "store/queue.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/io.h"
#include "util/proc.h"
#include "util/strbuf.h"
#include "util/sigwatch.h"
#include "util/subproc.h"

/* How often an idle worker asks for queued runs, in seconds; the longest wait after a
 * failing database. */
#define QUEUE_POLL 1.0
#define RETRY_MAX 10.0
enum { TAIL_BYTES = 4096 };

static const char usage[] =
    "usage: sacred-run worker -s URL [-j N] [--max-runs N] [--idle-exit SEC] [--allow-changed]\n"
    "Starts the runs queued in the database URL with 'sacred-run -q -s URL ...', one claim at\n"
    "a time (safe with any number of workers on any number of machines), each as sacred-run\n"
    "would have run it there: same id, same options, program, updates, working directory and\n"
    "environment (redacted variables taken from this worker's), this host.\n"
    "  -s, --sql URL        the database of the queue (default: $SACRED_RUN_DB)\n"
    "  -j, --jobs N         runs at a time (default 1)\n"
    "      --max-runs N     start at most N runs, then exit when they have ended\n"
    "      --idle-exit SEC  exit when nothing ran and nothing was queued for SEC seconds\n"
    "      --allow-changed  run a queued run whose executable or source changed since it was\n"
    "                       queued (it is said in its info and on stderr); else it FAILED\n"
    "SIGINT or SIGTERM: the running runs are interrupted (INTERRUPTED) and the worker exits.\n"
    "Exit status: 0, 128+N when stopped by signal N, 125 for bad input or an unusable database.\n";

struct slot {
    pid_t pid;            /* 0: free */
    struct queue_row row;
    int err_fd;           /* the launcher's stderr, -1 once closed */
    struct strbuf tail;   /* its last bytes, for a run it could not start */
};

struct worker {
    const char *url_text; /* -s as given: the runs record there with it */
    struct db_url url;
    struct db *db;
    long jobs, max_runs, started, running, failed;
    double idle_exit;     /* 0: never */
    int allow_changed;
    struct slot *slots;
    int stop, signo, sigfd;
    double next_claim, idle_since, retry;
    char *self;
    char host[256];
};

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* One line on stderr about run id. */
static void say(long long id, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(long long id, const char *fmt, ...)
{
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    dprintf(STDERR_FILENO, "sacred-run worker: run %lld: %s\n", id, msg);
}

static long parse_count(const char *s, const char *opt)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (!*s || *end || v < 1 || v > 100000)
        die("invalid %s '%s'; give a whole number from 1; %s", opt, s, "see 'sacred-run worker --help'");
    return v;
}

static void parse(struct worker *w, int argc, char **argv)
{
    enum { OPT_MAX = 256, OPT_IDLE, OPT_ALLOW };
    static const struct option opts[] = {
        { "sql", required_argument, NULL, 's' }, { "jobs", required_argument, NULL, 'j' },
        { "max-runs", required_argument, NULL, OPT_MAX }, { "idle-exit", required_argument, NULL, OPT_IDLE },
        { "allow-changed", no_argument, NULL, OPT_ALLOW }, { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int c;
    char *end;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "+s:j:h", opts, NULL)) != -1) {
        switch (c) {
        case 's': w->url_text = optarg; break;
        case 'j': w->jobs = parse_count(optarg, "-j"); break;
        case OPT_MAX: w->max_runs = parse_count(optarg, "--max-runs"); break;
        case OPT_IDLE:
            w->idle_exit = strtod(optarg, &end);
            if (!*optarg || *end || !(w->idle_exit > 0))
                die("invalid --idle-exit '%s'; give seconds above 0", optarg);
            break;
        case OPT_ALLOW: w->allow_changed = 1; break;
        case 'h': fputs(usage, stdout); exit(0);
        default: die("unknown or incomplete option '%s'; see 'sacred-run worker --help'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        die("unexpected '%s'; see 'sacred-run worker --help'", argv[optind]);
    const char *env = getenv("SACRED_RUN_DB");
    if (!w->url_text && env && *env)
        w->url_text = env;
    if (!w->url_text)
        die("no database given: a worker starts the runs queued in the database -s URL (or $SACRED_RUN_DB)");
}

/* The files whose MD5 differs from the queued one: [{"path", "queued_md5", "md5"}] (md5
 * null: unreadable or gone). */
static cJSON *changed_files(const cJSON *spec)
{
    cJSON *changed = cJSON_CreateArray();
    const cJSON *f;
    cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(spec, QSPEC_FILES))
    {
        const char *path = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(f, "path"));
        const char *then = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(f, "md5"));
        char now[33];
        int readable = path && md5_file(path, now) == 0;
        if (!path || !then || (readable && !strcmp(now, then)))
            continue;
        cJSON *c = cJSON_CreateObject();
        cJSON_AddStringToObject(c, "path", path);
        cJSON_AddStringToObject(c, "queued_md5", then);
        cJSON_AddItemToObject(c, "md5", readable ? cJSON_CreateString(now) : cJSON_CreateNull());
        cJSON_AddItemToArray(changed, c);
    }
    return changed;
}

static void add_names(struct strbuf *sb, const char *name)
{
    strbuf_addf(sb, "%s%s", sb->len ? ", " : "", name);
}

/* The variable name=value, or the worker's own value under a name the worker keeps (its
 * database password) or where the queued value was redacted; NULL when there is none. */
static char *env_entry(const char *name, const char *value, struct strbuf *taken, struct strbuf *missing)
{
    const char *mine = getenv(name);
    int redacted = value && strstr(value, REDACTED_MARKER);
    if (redacted && !mine)
        add_names(missing, name);
    if (redacted && mine)
        add_names(taken, name);
    if (mine && (redacted || !strcmp(name, "PGPASSWORD") || !strcmp(name, "PGPASSFILE")))
        return xasprintf("%s=%s", name, mine);
    return redacted || !value ? NULL : xasprintf("%s=%s", name, value);
}

static void env_push(char ***env, size_t *n, char *entry)
{
    if (!entry)
        return;
    *env = xrealloc(*env, (*n + 2) * sizeof(**env));
    (*env)[(*n)++] = entry;
    (*env)[*n] = NULL;
}

/* The queued environment (host.ENV of the queued document) for the run, named on stderr
 * where it is this worker's. */
static char **run_env(const struct queue_row *row)
{
    const cJSON *env = json_get_dotted(cJSON_GetObjectItemCaseSensitive(row->spec, QSPEC_DOC), "host.ENV");
    struct strbuf taken = STRBUF_INIT, missing = STRBUF_INIT;
    char **out = xcalloc(1, sizeof(*out));
    size_t n = 0;
    int pw = 0, pf = 0;
    const cJSON *v;
    cJSON_ArrayForEach(v, env)
    {
        pw |= !strcmp(v->string, "PGPASSWORD");
        pf |= !strcmp(v->string, "PGPASSFILE");
        env_push(&out, &n, env_entry(v->string, cJSON_GetStringValue(v), &taken, &missing));
    }
    if (!pw) /* the run records into this worker's database with its credentials */
        env_push(&out, &n, env_entry("PGPASSWORD", NULL, &taken, &missing));
    if (!pf)
        env_push(&out, &n, env_entry("PGPASSFILE", NULL, &taken, &missing));
    if (taken.len)
        say(row->id, "redacted when queued, taken from this worker's environment: %s", taken.buf);
    if (missing.len)
        say(row->id, "redacted when queued and not set here, left out: %s", missing.buf);
    strbuf_release(&taken);
    strbuf_release(&missing);
    return out;
}

/* Marks the claimed run FAILED with why (and info), and says so. */
static void fail_claimed(struct worker *w, const struct queue_row *row, const cJSON *info, const char *why)
{
    char err[2048];
    cJSON *trace = cJSON_CreateArray();
    char *line = xasprintf("sacred-run worker on %s: %s\n", w->host, why);
    cJSON_AddItemToArray(trace, cJSON_CreateString(line));
    free(line);
    int rc = queue_fail(w->db, row, trace, info, err, sizeof(err));
    cJSON_Delete(trace);
    if (rc < 0)
        say(row->id, "cannot mark it FAILED (%s): %s", why, err);
    else if (rc > 0)
        say(row->id, "FAILED: %s", why);
    w->failed += rc > 0;
}

/* Whether the claimed run may start here: 1, or 0 when it was marked FAILED. */
static int may_start(struct worker *w, const struct queue_row *row, const cJSON *changed)
{
    const char *cwd = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(row->spec, QSPEC_CWD));
    const cJSON *c;
    cJSON_ArrayForEach(c, changed)
    {
        const char *now = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(c, "md5"));
        say(row->id, "'%s' changed since it was queued (MD5 %s then, %s now)%s",
            cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(c, "path")),
            cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(c, "queued_md5")), now ? now : "unreadable",
            w->allow_changed ? "; run anyway (--allow-changed)" : "");
    }
    char *why = NULL;
    if (!cwd || access(cwd, X_OK))
        why = xasprintf("the working directory '%s' is not usable here: %s", cwd ? cwd : "?", strerror(errno));
    else if (cJSON_GetArraySize(changed) && !w->allow_changed)
        why = xasprintf("not started: %d file%s changed since the run was queued (info.changed_since_queued); "
                        "a worker with --allow-changed runs it anyway", cJSON_GetArraySize(changed),
                        cJSON_GetArraySize(changed) == 1 ? "" : "s");
    if (!why)
        return 1;
    cJSON *info = cJSON_CreateObject();
    cJSON_AddItemToObject(info, "changed_since_queued", cJSON_Duplicate(changed, 1));
    fail_claimed(w, row, cJSON_GetArraySize(changed) ? info : NULL, why);
    cJSON_Delete(info);
    free(why);
    return 0;
}

/* sacred-run itself, recording into the claimed row: the queued words after ours. */
static char **run_argv(const struct worker *w, const struct queue_row *row, const cJSON *changed)
{
    cJSON *q = cJSON_CreateObject();
    char id[24];
    snprintf(id, sizeof(id), "%lld", row->id);
    cJSON_AddStringToObject(q, "id", id);
    cJSON_AddItemToObject(q, "queue", cJSON_Duplicate(json_get_dotted(row->doc, "meta.queue"), 1));
    cJSON_AddItemToObject(q, "changed", cJSON_Duplicate(changed, 1));
    struct strbuf sb = STRBUF_INIT;
    json_print_compact(&sb, q);
    cJSON_Delete(q);
    const cJSON *words = cJSON_GetObjectItemCaseSensitive(row->spec, QSPEC_ARGV);
    char **argv = xcalloc((size_t)cJSON_GetArraySize(words) + 6, sizeof(*argv));
    size_t n = 0;
    argv[n++] = xstrdup(w->self);
    argv[n++] = xstrdup("--queued-run");
    argv[n++] = strbuf_detach(&sb);
    argv[n++] = xstrdup("-s");
    argv[n++] = xstrdup(w->url_text);
    const cJSON *a;
    cJSON_ArrayForEach(a, words)
        argv[n++] = xstrdup(cJSON_IsString(a) ? a->valuestring : "");
    return argv;
}

static void free_list(char **v)
{
    for (char **p = v; p && *p; p++)
        free(*p);
    free(v);
}

/* Starts the claimed run in slot s (which takes the row), or marks it FAILED. */
static void start_run(struct worker *w, struct slot *s, struct queue_row *row)
{
    cJSON *changed = changed_files(row->spec);
    if (!may_start(w, row, changed)) {
        cJSON_Delete(changed);
        queue_row_release(row);
        return;
    }
    char **env = run_env(row), **argv = run_argv(w, row, changed);
    const char *cwd = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(row->spec, QSPEC_CWD));
    int p[2] = { -1, -1 };
    pid_t pid = -1;
    if (pipe2(p, O_CLOEXEC) == 0) {
        fcntl(p[0], F_SETFL, O_NONBLOCK);
        pid = subproc_start_in(argv, env, cwd, (int[3]){ -1, STDOUT_FILENO, p[1] });
        close(p[1]);
    }
    char *why = pid < 0 ? xasprintf("cannot start sacred-run '%s': %s", w->self, strerror(errno)) : NULL;
    free_list(argv);
    free_list(env);
    cJSON_Delete(changed);
    if (why) {
        if (p[0] >= 0)
            close(p[0]);
        fail_claimed(w, row, NULL, why);
        free(why);
        queue_row_release(row);
        return;
    }
    const cJSON *attempt = json_get_dotted(row->doc, "meta.queue.attempt");
    say(row->id, "started (sacred-run pid %ld, attempt %s)", (long)pid,
        cJSON_IsRaw(attempt) ? attempt->valuestring : "1");
    *s = (struct slot){ pid, *row, p[0], STRBUF_INIT };
    w->running++;
}

static struct slot *free_slot(struct worker *w)
{
    for (long i = 0; i < w->jobs; i++)
        if (!w->slots[i].pid)
            return &w->slots[i];
    return NULL;
}

/* Connects again after a failure; 0, or -1 with err. */
static int usable(struct worker *w, char *err, size_t errlen)
{
    if (w->db && db_broken(w->db)) {
        db_close(w->db);
        w->db = NULL;
    }
    struct db_url u;
    if (!w->db && (w->db = queue_connect(w->url_text, &u, err, errlen)))
        db_url_release(&u);
    return w->db ? 0 : -1;
}

/* Claims and starts runs while there is room; asks again after QUEUE_POLL when none is
 * queued, and backs off while the database fails. */
static void claim_more(struct worker *w)
{
    struct slot *s;
    while (!w->stop && (!w->max_runs || w->started < w->max_runs) && now_s() >= w->next_claim
           && (s = free_slot(w))) {
        char err[2048];
        struct queue_row row;
        int rc = usable(w, err, sizeof(err)) ? -1 : queue_claim(w->db, &row, err, sizeof(err));
        if (rc <= 0) {
            if (rc < 0 && !w->retry)
                warning("%s: %s; trying again", w->url.shown, err);
            w->retry = rc < 0 ? (w->retry ? (w->retry * 2 < RETRY_MAX ? w->retry * 2 : RETRY_MAX) : 0.25) : 0;
            w->next_claim = now_s() + (rc < 0 ? w->retry : QUEUE_POLL);
            return;
        }
        w->retry = 0;
        w->started++;
        w->idle_since = now_s();
        start_run(w, s, &row);
    }
}

/* What the launcher wrote on stderr: passed on, its tail kept. */
static void read_err(struct slot *s, int drain)
{
    char buf[65536];
    ssize_t n;
    do {
        n = read(s->err_fd, buf, sizeof(buf));
        if (n > 0) {
            write_full(STDERR_FILENO, buf, (size_t)n);
            strbuf_add(&s->tail, buf, (size_t)n);
            if (s->tail.len > TAIL_BYTES) {
                memmove(s->tail.buf, s->tail.buf + s->tail.len - TAIL_BYTES, TAIL_BYTES);
                s->tail.len = TAIL_BYTES;
                s->tail.buf[s->tail.len] = '\0';
            }
        }
    } while ((n > 0 && drain) || (n < 0 && errno == EINTR));
    if (n == 0 || drain) {
        close(s->err_fd);
        s->err_fd = -1;
    }
}

/* The last non-empty line of the launcher's stderr, or "". */
static const char *last_line(struct strbuf *tail)
{
    while (tail->len && (tail->buf[tail->len - 1] == '\n' || tail->buf[tail->len - 1] == '\r'))
        tail->buf[--tail->len] = '\0';
    char *nl = tail->len ? strrchr(tail->buf, '\n') : NULL;
    return nl ? nl + 1 : tail->len ? tail->buf : "";
}

/* A launcher ended with code: a run it never recorded is FAILED, or back in the queue when
 * the worker is stopping (it never started). */
static void run_ended(struct worker *w, struct slot *s, int code)
{
    char err[2048];
    int rc = 0;
    if (code >= SR_EXIT_TOOL && w->stop) {
        rc = queue_unclaim(w->db, &s->row, err, sizeof(err));
        if (rc > 0)
            say(s->row.id, "not started before the worker stopped: QUEUED again");
    } else if (code >= SR_EXIT_TOOL) {
        const char *line = last_line(&s->tail);
        char *why = xasprintf("sacred-run ended with status %d before it recorded the run%s%s", code,
                              *line ? ": " : "", line);
        fail_claimed(w, &s->row, NULL, why);
        free(why);
    }
    if (rc < 0)
        say(s->row.id, "cannot give it back to the queue: %s", err);
    say(s->row.id, "ended (exit status %d)", code);
    queue_row_release(&s->row);
    strbuf_release(&s->tail);
    s->pid = 0;
    w->running--;
}

static void reap(struct worker *w)
{
    int st;
    pid_t pid;
    while ((pid = waitpid(-1, &st, WNOHANG)) > 0)
        for (long i = 0; i < w->jobs; i++) {
            struct slot *s = &w->slots[i];
            if (s->pid != pid)
                continue;
            if (s->err_fd >= 0)
                read_err(s, 1);
            run_ended(w, s, WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
        }
}

static void on_signal(struct worker *w)
{
    int sig = sigwatch_read(w->sigfd);
    if (sig) {
        w->signo = sig;
        w->stop = 1;
        for (long i = 0; i < w->jobs; i++) /* each launcher marks its run INTERRUPTED */
            if (w->slots[i].pid)
                kill(w->slots[i].pid, sig);
    }
    reap(w);
}

/* Milliseconds until the next claim or the idle deadline; -1: only events wake it. */
static int timeout_ms(const struct worker *w)
{
    double now = now_s(), t = 1e9;
    int any = 0;
    if (!w->stop && w->running < w->jobs && (!w->max_runs || w->started < w->max_runs)) {
        t = w->next_claim - now;
        any = 1;
    }
    if (w->idle_exit > 0 && !w->running) {
        double idle = w->idle_since + w->idle_exit - now;
        t = idle < t ? idle : t;
        any = 1;
    }
    return !any ? -1 : t <= 0 ? 0 : (int)(t * 1000) + 1;
}

static void wait_events(struct worker *w)
{
    struct pollfd pfd[1 + w->jobs];
    struct slot *owner[1 + w->jobs];
    nfds_t n = 1;
    pfd[0] = (struct pollfd){ w->sigfd, POLLIN, 0 };
    for (long i = 0; i < w->jobs; i++)
        if (w->slots[i].pid && w->slots[i].err_fd >= 0) {
            owner[n] = &w->slots[i];
            pfd[n++] = (struct pollfd){ w->slots[i].err_fd, POLLIN, 0 };
        }
    if (poll(pfd, n, timeout_ms(w)) <= 0)
        return;
    for (nfds_t i = 1; i < n; i++)
        if (pfd[i].revents)
            read_err(owner[i], 0);
    if (pfd[0].revents)
        on_signal(w);
}


/* Done: stopped with nothing running, the runs allowed ended, or idle long enough. */
static int done(const struct worker *w)
{
    if (w->running)
        return 0;
    return w->stop || (w->max_runs && w->started >= w->max_runs)
        || (w->idle_exit > 0 && now_s() - w->idle_since >= w->idle_exit);
}

int worker_command(int argc, char **argv)
{
    set_program_name("sacred-run worker");
    struct worker w = { .jobs = 1 };
    parse(&w, argc, argv);
    char err[2048];
    w.db = queue_connect(w.url_text, &w.url, err, sizeof(err));
    if (!w.db)
        die("%s; start the database or fix -s", err);
    w.self = proc_self_exe();
    if (!w.self)
        die("cannot read /proc/self/exe to start the runs: %s", strerror(errno));
    if (gethostname(w.host, sizeof(w.host)) < 0)
        snprintf(w.host, sizeof(w.host), "?");
    w.slots = xcalloc((size_t)w.jobs, sizeof(*w.slots));
    w.sigfd = sigwatch_open(NULL);
    if (w.sigfd < 0)
        die("cannot watch signals: %s", strerror(errno));
    w.idle_since = now_s();
    while (!done(&w)) {
        claim_more(&w);
        if (w.running)
            w.idle_since = now_s();
        if (!done(&w))
            wait_events(&w);
    }
    dprintf(STDERR_FILENO, "sacred-run worker: %ld run%s started, %ld failed to start%s\n", w.started,
            w.started == 1 ? "" : "s", w.failed, w.signo ? " (stopped by a signal)" : "");
    close(w.sigfd);
    free(w.slots);
    free(w.self);
    db_close(w.db);
    db_url_release(&w.url);
    return w.signo ? 128 + w.signo : 0;
}
