/* cli.c: parsing sacred-run's options. Every option is either honoured or refused with a
 * one-line reason; none is silently ignored. */
#include "cli.h"

#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "json/json.h"
#include "json/json_parse.h"
#include "record/runid.h"
#include "store/db.h"
#include "util/error.h"
#include "util/log.h"

enum {
    OPT_NO_FILTER = 256, OPT_ENV_ALLOW, OPT_ENV_DENY, OPT_VERSION, OPT_METRIC,
    OPT_NO_DEFAULT_METRICS, OPT_METRIC_TEST, OPT_RESULT, OPT_NO_SYS_METRICS, OPT_NO_WITH,
    OPT_CHECK, OPT_RERUN_OF, OPT_BASE_DIR, OPT_SOURCE, OPT_EXCLUDE, OPT_INCLUDE, OPT_ARTIFACT, OPT_RESOURCE_LIMIT,
    OPT_ARTIFACT_LIMIT, OPT_NO_FILES, OPT_LIST_PRIVATE, OPT_SWEEP_POINT, OPT_DB_RETRY, OPT_QUEUED_RUN,
};

#define SHORT_OPTIONS "F:n:c:b:i:uC:l:dP:hfepqm:s:t:S:D"

static const struct option longopts[] = {
    { "file_storage", required_argument, NULL, 'F' },
    { "name", required_argument, NULL, 'n' },
    { "comment", required_argument, NULL, 'c' },
    { "beat-interval", required_argument, NULL, 'b' },
    { "id", required_argument, NULL, 'i' },
    { "unobserved", no_argument, NULL, 'u' },
    { "capture", required_argument, NULL, 'C' },
    { "loglevel", required_argument, NULL, 'l' },
    { "debug", no_argument, NULL, 'd' },
    { "priority", required_argument, NULL, 'P' },
    { "help", no_argument, NULL, 'h' },
    { "force", no_argument, NULL, 'f' },
    { "enforce_clean", no_argument, NULL, 'e' },
    { "print-config", no_argument, NULL, 'p' },
    { "queue", no_argument, NULL, 'q' },
    { "mongo_db", required_argument, NULL, 'm' },
    { "sql", required_argument, NULL, 's' },
    { "tiny_db", required_argument, NULL, 't' },
    { "s3", required_argument, NULL, 'S' },
    { "pdb", no_argument, NULL, 'D' },
    { "no-filter", no_argument, NULL, OPT_NO_FILTER },
    { "env-allow", required_argument, NULL, OPT_ENV_ALLOW },
    { "env-deny", required_argument, NULL, OPT_ENV_DENY },
    { "version", no_argument, NULL, OPT_VERSION },
    { "metric", required_argument, NULL, OPT_METRIC },
    { "no-default-metrics", no_argument, NULL, OPT_NO_DEFAULT_METRICS },
    { "metric-test", required_argument, NULL, OPT_METRIC_TEST },
    { "result", required_argument, NULL, OPT_RESULT },
    { "no-sys-metrics", no_argument, NULL, OPT_NO_SYS_METRICS },
    { "no-with", no_argument, NULL, OPT_NO_WITH },
    { "check", no_argument, NULL, OPT_CHECK },
    { "rerun-of", required_argument, NULL, OPT_RERUN_OF },
    { "base-dir", required_argument, NULL, OPT_BASE_DIR },
    { "source", required_argument, NULL, OPT_SOURCE },
    { "exclude", required_argument, NULL, OPT_EXCLUDE },
    { "include", required_argument, NULL, OPT_INCLUDE },
    { "artifact", required_argument, NULL, OPT_ARTIFACT },
    { "resource-limit", required_argument, NULL, OPT_RESOURCE_LIMIT },
    { "artifact-limit", required_argument, NULL, OPT_ARTIFACT_LIMIT },
    { "no-files", no_argument, NULL, OPT_NO_FILES },
    { "list-private", no_argument, NULL, OPT_LIST_PRIVATE },
    { "sweep-point", required_argument, NULL, OPT_SWEEP_POINT },
    { "db-retry", no_argument, NULL, OPT_DB_RETRY },
    { "queued-run", required_argument, NULL, OPT_QUEUED_RUN },
    { NULL, 0, NULL, 0 },
};

static const char usage_text[] =
    "usage: sacred-run [options] [COMMAND] [--] PROGRAM [ARGS...] [with UPDATE...]\n"
    "       sacred-run log VERB ARGS...     (report from inside a run; see 'sacred-run log')\n"
    "       sacred-run [metric options] --metric-test FILE\n"
    "       sacred-run [-F DIR | -s URL] ls|show|compare|metrics|tail|tag|note|rm|gc|serve|report ...\n"
    "       sacred-run sync [-s URL]        (record journaled runs into their databases)\n"
    "       sacred-run sweep [-F DIR] [-j N] [--random N] ... PROGRAM ... with KEY=V1,V2 ...\n"
    "                                       (a grid or random search; see 'sacred-run sweep --help')\n"
    "       sacred-run worker -s URL [-j N] [--max-runs N] [--idle-exit SEC] [--allow-changed]\n"
    "                                       (start the runs queued with -q; see 'sacred-run worker --help')\n"
    "       sacred-run requeue -s URL ID... (a queued run whose worker died: QUEUED again)\n"
    "       sacred-run export --from DIR|URL --mongo-dump OUTDIR [--db NAME] [ID...]\n"
    "                                       (a dump that mongorestore loads, as Sacred's MongoObserver writes)\n"
    "\n"
    "Looking at runs (nothing runs; a program of such a name: ./NAME or -- NAME):\n"
    "  ls [--status S] [--where 'KEY OP VALUE'] [--metric NAME] [--sort KEY] [--last N] ...\n"
    "                           one row per run; config keys that differ; metric roll-ups\n"
    "  show ID                  one run: command, status, config, host, files, metrics, processes\n"
    "  compare [--all] ID ID... config, metrics, source diffs, dependencies, executable, git, host\n"
    "  metrics ID [NAME...]     the series as CSV: step,timestamp,NAME...\n"
    "  tail [-f] ID             cout.txt; -f follows a running run until it ends\n"
    "  tag [--remove] ID [TAG...]   tags of a run (omniboard.tags)\n"
    "  note [--append] ID [TEXT]    the note of a run (omniboard.notes)\n"
    "  rm [-y] [--force] ID...      remove runs and the stored files only they used\n"
    "  gc [--dry-run]               remove the stored files no run uses\n"
    "  serve [--port N] [--host ADDR] [--token T]   a live dashboard of the storage\n"
    "  report [ID...] -o FILE.html  the dashboard's views as one self-contained file\n"
    "  (all take --json; see the README's 'Looking at runs')\n"
    "\n"
    "Runs PROGRAM unchanged and records the run in Sacred's file-storage layout\n"
    "(STORAGE/<id>/run.json, config.json, cout.txt, info.json, metrics.json).\n"
    "After 'with': KEY=VALUE updates and .json/.yaml configuration files.\n"
    "COMMAND: print_config, save_config, print_dependencies (nothing runs), or\n"
    "'rerun ID [--check]' instead of PROGRAM (see the README).\n"
    "\n"
    "Options (Sacred's names):\n"
    "  -F, --file_storage DIR   run storage (default: $SACRED_RUN_STORAGE, else ./runs)\n"
    "  -n, --name NAME          experiment name (default: the main script's or program's name)\n"
    "  -c, --comment TEXT       stored as meta.comment\n"
    "  -b, --beat-interval SEC  heartbeat interval in seconds (default 10; <= 0: only at the end)\n"
    "  -i, --id ID              use this run id instead of the next number (fails if it exists)\n"
    "  -u, --unobserved         run the program without recording anything\n"
    "  -C, --capture MODE       fd: capture stdout and stderr (default); no: do not capture\n"
    "  -l, --loglevel LEVEL     sacred-run's own messages: DEBUG, INFO (default), WARNING,\n"
    "                           ERROR, CRITICAL or a number\n"
    "  -d, --debug              same as --loglevel DEBUG\n"
    "  -P, --priority NUMBER    stored as meta.priority\n"
    "  -e, --enforce_clean      refuse to start from a git repository with uncommitted changes\n"
    "  -f, --force              accept update keys that no option, placeholder or file defines\n"
    "  -p, --print-config       print the configuration, then run\n"
    "  -q, --queue              record the run as QUEUED in the database (-s, required) and\n"
    "                           print its id; 'sacred-run worker' starts it later\n"
    "  -s, --sql URL            also record into a database: sqlite:///PATH, sqlite:////ABS,\n"
    "                           postgresql://USER@HOST:PORT/DB (repeatable; default:\n"
    "                           $SACRED_RUN_DB); without -F the database alone has the run\n"
    "  -h, --help               show this help\n"
    "Options of our own:\n"
    "      --no-filter          store raw output in cout.txt (no backspace/CR processing)\n"
    "      --env-allow NAME     record variable, option or config key NAME unredacted (repeatable)\n"
    "      --env-deny PATTERN   also redact values whose name contains PATTERN (repeatable)\n"
    "      --metric PATTERN     also take metrics from lines matching this PCRE2 pattern\n"
    "                           with groups (?<name>..) and (?<value>..), optional (?<step>..)\n"
    "      --no-default-metrics do not look for 'name: value' / 'name=value' pairs\n"
    "      --metric-test FILE   print the metrics a log file would yield, run nothing\n"
    "      --result METRIC      the run's result is that metric's last value\n"
    "      --no-sys-metrics     do not record sys.* (CPU, memory, I/O, GPU) metrics\n"
    "      --no-with            pass the word 'with' to the program like any other\n"
    "      --check              with rerun: only report differences from the recorded run\n"
    "      --base-dir DIR       experiment.base_dir; sources are files under it (default: cwd)\n"
    "      --source GLOB        files under the base dir matching GLOB are sources (repeatable)\n"
    "      --exclude GLOB       paths matching GLOB are not recorded as files (repeatable)\n"
    "      --include GLOB       record matching paths in system or hidden dirs (repeatable)\n"
    "      --artifact GLOB      only written files matching GLOB are artifacts (repeatable)\n"
    "      --resource-limit SIZE  store read files up to SIZE (default 10M; K, M, G)\n"
    "      --artifact-limit SIZE  copy written files up to SIZE (default 100M)\n"
    "      --no-files           record no sources, resources or artifacts from file access\n"
    "      --list-private       list the private files opened (home configuration,\n"
    "                           credentials; never copied) by path in private_files\n"
    "      --db-retry           start even when a database cannot be reached: the run is\n"
    "                           journaled and recorded there later ('sacred-run sync')\n"
    "      --version            print the version\n"
    "\n"
    "Exit status: the program's own, 128+N if it died of signal N; 125 if sacred-run\n"
    "failed before starting it, 126 if it cannot be executed, 127 if it was not found.\n";

_Noreturn static void refuse(const char *opt, const char *why)
{
    die("option '%s' is not supported: %s", opt, why);
}

static int parse_level(const char *s)
{
    static const struct { const char *name; int level; } names[] = {
        { "DEBUG", LOG_DEBUG }, { "INFO", LOG_INFO }, { "WARNING", LOG_WARNING },
        { "WARN", LOG_WARNING }, { "ERROR", LOG_ERROR }, { "CRITICAL", LOG_CRITICAL },
    };
    for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++)
        if (!strcasecmp(s, names[i].name))
            return names[i].level;
    char *end;
    long v = strtol(s, &end, 10);
    if (*s && !*end && v >= 0 && v <= 100)
        return (int)v;
    die("invalid --loglevel '%s'; use DEBUG, INFO, WARNING, ERROR, CRITICAL or a number", s);
}

static double parse_number(const char *s, const char *opt)
{
    char *end;
    double v = strtod(s, &end);
    if (!*s || *end || !isfinite(v))
        die("invalid %s '%s'; give a number", opt, s);
    return v;
}

static void add_name(const char ***list, int *n, const char *s)
{
    if (!*s || strchr(s, '='))
        die("invalid variable name '%s' for --env-allow/--env-deny", s);
    *list = xrealloc(*list, (size_t)(*n + 1) * sizeof(**list));
    (*list)[(*n)++] = s;
}

static void add_glob(char ***list, int *n, const char *glob)
{
    if (!*glob)
        die("empty pattern for --source/--exclude/--include/--artifact");
    *list = xrealloc(*list, (size_t)(*n + 1) * sizeof(**list));
    (*list)[(*n)++] = (char *)glob;
}

/* "10M", "512K", "1G", "4096": bytes. */
static long long parse_size(const char *s, const char *opt)
{
    char *end;
    double v = strtod(s, &end);
    int shift = *end == 'K' || *end == 'k' ? 10 : *end == 'M' || *end == 'm' ? 20
              : *end == 'G' || *end == 'g' ? 30 : 0;
    if (shift)
        end++;
    if (end == s || *end || v < 0 || !isfinite(v))
        die("invalid %s '%s'; give bytes, optionally with K, M or G", opt, s);
    return (long long)(v * (double)(1LL << shift));
}

/* --queued-run {"id": ..., "queue": {..., "worker": {"host", "pid"}}, "changed": [...]},
 * from worker: the run recorded into the database row it claimed. */
static void queued_run(struct options *o, const char *arg)
{
    cJSON_Delete(o->queued);
    o->queued = json_parse_typed(arg);
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(o->queued, "id");
    if (!cJSON_IsString(id) || strtoll(id->valuestring, NULL, 10) <= 0
        || !cJSON_IsRaw(json_get_dotted(o->queued, "queue.worker.pid")))
        die("invalid --queued-run '%s'; it is set by 'sacred-run worker'", arg);
}

/* The option as one word for the run a worker starts later (-q): all but the database
 * (the worker gives its own) and the id (the queued run's). */
static void replay_add(struct options *o, int c, const char *arg)
{
    if (c == 's' || c == 'i' || c == OPT_QUEUED_RUN || c == OPT_SWEEP_POINT || c == OPT_METRIC_TEST)
        return;
    for (const struct option *l = longopts; l->name; l++)
        if (l->val == c) {
            o->replay = xrealloc(o->replay, (size_t)(o->nreplay + 2) * sizeof(*o->replay));
            o->replay[o->nreplay++] = arg ? xasprintf("--%s=%s", l->name, arg) : xasprintf("--%s", l->name);
            o->replay[o->nreplay] = NULL;
            return;
        }
}

/* --sweep-point {"id": ..., "index": ..., "count": ..., "axes": {...}}, from sweep. */
static void sweep_point(struct options *o, const char *arg)
{
    cJSON_Delete(o->sweep);
    o->sweep = json_parse_typed(arg);
    if (!cJSON_IsString(cJSON_GetObjectItemCaseSensitive(o->sweep, "id"))
        || !cJSON_IsRaw(cJSON_GetObjectItemCaseSensitive(o->sweep, "index")))
        die("invalid --sweep-point '%s'; it is set by 'sacred-run sweep'", arg);
}

static void handle(struct options *o, int c, const char *arg)
{
    replay_add(o, c, arg);
    switch (c) {
    case 'F': o->storage = arg; break;
    case 'n': o->name = arg; break;
    case 'c': o->comment = arg; break;
    case 'b': o->beat_str = arg; o->beat = parse_number(arg, "--beat-interval"); break;
    case 'i':
        if (!runid_valid(arg)) /* not echoed: it may hold a newline */
            die("invalid --id: a run id is " RUNID_RULE);
        o->id = arg;
        break;
    case 'u': o->unobserved = 1; break;
    case 'C':
        o->capture_str = arg;
        if (!strcmp(arg, "sys"))
            die("--capture sys needs Python's sys.stdout and cannot capture other programs; use fd or no");
        if (strcmp(arg, "fd") && strcmp(arg, "no"))
            die("invalid --capture '%s'; use fd or no", arg);
        o->capture = !strcmp(arg, "fd");
        break;
    case 'l': o->loglevel_str = arg; o->loglevel = parse_level(arg); break;
    case 'd': o->debug = 1; o->loglevel = LOG_DEBUG; break;
    case 'P': o->priority_str = arg; o->priority = parse_number(arg, "--priority"); break;
    case 'f': o->force = 1; break;
    case 'e': o->enforce_clean = 1; break;
    case 'p': o->print_config = 1; break;
    case 'q': o->queue = 1; break;
    case OPT_QUEUED_RUN: queued_run(o, arg); break;
    case 'm': refuse("-m/--mongo_db", "no MongoDB server can be reached here; record with -s and use 'sacred-run export --mongo-dump'");
    case 's':
        o->db = xrealloc(o->db, (size_t)(o->ndb + 1) * sizeof(*o->db));
        o->db[o->ndb++] = (char *)arg;
        break;
    case OPT_DB_RETRY: o->db_retry = 1; break;
    case 't': refuse("-t/--tiny_db", "only the file storage (-F) and databases (-s) are implemented");
    case 'S': refuse("-S/--s3", "only the file storage (-F) and databases (-s) are implemented");
    case 'D': refuse("-D/--pdb", "it is Python's debugger; run the program under a debugger instead");
    case OPT_NO_FILTER: o->no_filter = 1; break;
    case OPT_ENV_ALLOW: add_name(&o->env_allow, &o->nallow, arg); break;
    case OPT_ENV_DENY: add_name(&o->env_deny, &o->ndeny, arg); break;
    case OPT_METRIC:
        o->metric = xrealloc(o->metric, (size_t)(o->nmetric + 1) * sizeof(*o->metric));
        o->metric[o->nmetric++] = (char *)arg;
        break;
    case OPT_NO_DEFAULT_METRICS: o->no_default_metrics = 1; break;
    case OPT_METRIC_TEST: o->metric_test = arg; break;
    case OPT_RESULT: o->result_metric = arg; break;
    case OPT_NO_SYS_METRICS: o->no_sys_metrics = 1; break;
    case OPT_NO_WITH: o->no_with = 1; break;
    case OPT_CHECK: o->rerun_check = 1; break;
    case OPT_BASE_DIR: o->base_dir = arg; break;
    case OPT_SOURCE: add_glob(&o->files.source, &o->files.nsource, arg); break;
    case OPT_EXCLUDE: add_glob(&o->files.exclude, &o->files.nexclude, arg); break;
    case OPT_INCLUDE: add_glob(&o->files.include, &o->files.ninclude, arg); break;
    case OPT_ARTIFACT: add_glob(&o->files.artifact, &o->files.nartifact, arg); break;
    case OPT_RESOURCE_LIMIT: o->files.resource_limit = parse_size(arg, "--resource-limit"); break;
    case OPT_ARTIFACT_LIMIT: o->files.artifact_limit = parse_size(arg, "--artifact-limit"); break;
    case OPT_NO_FILES: o->no_files = 1; break;
    case OPT_LIST_PRIVATE: o->files.list_private = 1; break;
    case OPT_RERUN_OF: o->rerun_of = arg; break;
    case OPT_SWEEP_POINT: sweep_point(o, arg); break;
    case 'h': fputs(usage_text, stdout); exit(0);
    case OPT_VERSION: printf("sacred-run %s\n", SR_VERSION); exit(0);
    }
}

/* As in Sacred, options may stand among the words after "with": parse and remove them. */
static void options_among_updates(struct options *o)
{
    char **w = o->with_words, **keep = w;
    char *args[256] = { "sacred-run" };
    int n = 1;
    for (; *w; w++) {
        if ((*w)[0] != '-' || !(*w)[1] || n + 2 >= (int)(sizeof(args) / sizeof(*args))) {
            *keep++ = *w;
            continue;
        }
        args[n++] = *w;
        const struct option *lo = NULL;
        for (const struct option *l = longopts; l->name && !lo; l++)
            if ((*w)[1] == '-' && !strcmp(*w + 2, l->name))
                lo = l;
        int takes = lo ? lo->has_arg == required_argument
                       : (*w)[1] != '-' && !(*w)[2] && strchr("FncbiClPmstS", (*w)[1]);
        if (takes && w[1])
            args[n++] = *++w;
    }
    *keep = NULL;
    args[n] = NULL;
    optind = 0; /* 0 resets glibc's getopt completely for the second pass */
    int c;
    while ((c = getopt_long(n, args, "+" SHORT_OPTIONS, longopts, NULL)) != -1) {
        if (c == '?' || c == ':')
            die("unknown or incomplete option '%s' after 'with'; see 'sacred-run --help'", args[optind - 1]);
        handle(o, c, optarg);
    }
    if (optind < n)
        die("'%s' after 'with' is not an option, KEY=VALUE or a configuration file", args[optind]);
}

/* -s URL, else $SACRED_RUN_DB: each checked now, and kept without its password for run.json. */
static void databases(struct options *o)
{
    const char *env = getenv("SACRED_RUN_DB");
    if (!o->ndb && env && *env) {
        o->db = xmalloc(sizeof(*o->db));
        o->db[o->ndb++] = (char *)env;
    }
    o->db_shown = xcalloc((size_t)o->ndb + 1, sizeof(*o->db_shown));
    for (int i = 0; i < o->ndb; i++) {
        struct db_url u;
        char err[PATH_MAX + 256];
        if (db_url_parse(o->db[i], &u, err, sizeof(err)))
            die("-s: %s", err);
        o->db_shown[i] = u.shown;
        u.shown = NULL;
        db_url_release(&u);
    }
}

static void parse_options(struct options *o, int argc, char **argv)
{
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "+" SHORT_OPTIONS, longopts, NULL)) != -1) {
        if (c == '?' || c == ':') {
            const char *what = argv[optind - 1];
            if (optopt && c == ':')
                die("option '-%c' needs a value; see 'sacred-run --help'", optopt);
            if (optopt && strncmp(what, "--", 2))
                die("unknown option '-%c'; see 'sacred-run --help'", optopt);
            die("unknown or incomplete option '%s'; see 'sacred-run --help'", what);
        }
        handle(o, c, optarg);
    }
    o->storage_used = cli_storage(o->storage);
    databases(o);
}

const char *cli_storage(const char *given)
{
    const char *env = getenv("SACRED_RUN_STORAGE");
    const char *s = given ? given : env && *env ? env : "runs";
    if (!*s)
        die("empty storage directory; give -F DIR");
    return s;
}

/* A command word before the program; returns 1 when nothing else follows (rerun). */
static int parse_command(struct options *o, int argc, char **argv)
{
    static const char *const commands[] = { "print_config", "save_config", "print_dependencies" };
    for (size_t i = 0; optind < argc && i < sizeof(commands) / sizeof(*commands); i++)
        if (!strcmp(argv[optind], commands[i])) {
            o->command = commands[i];
            optind++;
            break;
        }
    if (!o->command && optind < argc && !strcmp(argv[optind], "rerun")) {
        if (optind + 1 >= argc || optind + 2 < argc)
            die("usage: sacred-run [-F DIR] [--check] rerun ID");
        o->command = "rerun";
        o->rerun_id = argv[optind + 1];
        return 1;
    }
    if (o->rerun_check)
        die("--check goes with 'rerun ID'");
    return 0;
}

/* The first "with" after the program name ends its arguments (unless --no-with). */
static void split_with(struct options *o)
{
    static char *no_words[] = { NULL };
    o->with_words = no_words;
    for (int i = 1; !o->no_with && o->argv[i]; i++)
        if (!strcmp(o->argv[i], "with")) {
            o->argv[i] = NULL;
            o->with_words = o->argv + i + 1;
            o->with = 1;
            options_among_updates(o);
            return;
        }
}

/* -q: a database to queue into, and nothing that runs no program. */
static void check_queue(const struct options *o)
{
    if (o->queued && !o->ndb)
        die("--queued-run needs the database of the queue (-s); it is set by 'sacred-run worker'");
    if (!o->queue || o->queued)
        return;
    if (!o->ndb)
        die("-q/--queue records the run in a database for 'sacred-run worker' to start: give -s URL "
            "(or set SACRED_RUN_DB)");
    if (o->ndb > 1)
        die("-q/--queue keeps the run in one database: give one -s URL");
    const char *with = o->unobserved ? "-u/--unobserved" : o->command ? o->command
                     : o->metric_test ? "--metric-test" : o->sweep ? "a sweep's points" : NULL;
    if (with)
        die("-q/--queue queues a run to start later; it does not go with %s", with);
}

static void parse_all(struct options *o, int argc, char **argv)
{
    o->beat = 10.0;
    o->capture = 1;
    o->loglevel = LOG_INFO;
    o->files.resource_limit = 10LL << 20;
    o->files.artifact_limit = 100LL << 20;
    parse_options(o, argc, argv);
    if (o->metric_test) {
        if (optind < argc)
            die("--metric-test runs nothing; remove '%s' or drop --metric-test", argv[optind]);
        return;
    }
    if (parse_command(o, argc, argv))
        return;
    if (optind < argc && !strcmp(argv[optind], "--"))
        optind++;
    if (optind >= argc)
        die("no program given; usage: sacred-run [options] PROGRAM [ARGS...]");
    o->argv = argv + optind;
    split_with(o);
}

void cli_parse(struct options *o, int argc, char **argv)
{
    memset(o, 0, sizeof(*o));
    parse_all(o, argc, argv);
    check_queue(o);
}

void cli_release(struct options *o)
{
    free(o->files.source);
    free(o->files.exclude);
    free(o->files.artifact);
    free(o->files.include);
    free(o->metric);
    free(o->env_allow);
    free(o->env_deny);
    for (int i = 0; o->db_shown && i < o->ndb; i++)
        free(o->db_shown[i]);
    free(o->db_shown);
    free(o->db);
    cJSON_Delete(o->sweep);
    cJSON_Delete(o->queued);
    for (int i = 0; i < o->nreplay; i++)
        free(o->replay[i]);
    free(o->replay);
}

int cli_check_point_options(int argc, char **argv)
{
    struct options o;
    cli_parse(&o, argc, argv);
    if (o.id || o.unobserved || o.no_with || o.sweep || o.rerun_of || o.command || o.metric_test || o.queue
        || o.queued)
        die("sweep: %s cannot be given to a sweep's points", o.id ? "-i/--id" : o.unobserved ? "-u/--unobserved"
            : o.no_with ? "--no-with" : o.queue ? "-q/--queue" : "that option");
    int force = o.force;
    cli_release(&o);
    return force;
}

int cli_option_arity(const char *w)
{
    if (w[0] != '-' || !w[1])
        return -1;
    if (w[1] == '-') {
        size_t n = strcspn(w + 2, "=");
        for (const struct option *l = longopts; l->name; l++)
            if (strlen(l->name) == n && !strncmp(w + 2, l->name, n))
                return !w[2 + n] && l->has_arg == required_argument;
        return -1;
    }
    const char *p = strchr(SHORT_OPTIONS, w[1]);
    return !p || w[1] == ':' ? -1 : p[1] == ':' && !w[2];
}

static cJSON *str_or_null(const char *s)
{
    return s ? cJSON_CreateString(s) : cJSON_CreateNull();
}

static cJSON *names(const char **v, int n)
{
    cJSON *list = cJSON_CreateArray();
    for (int i = 0; i < n; i++)
        cJSON_AddItemToArray(list, cJSON_CreateString(v[i]));
    return list;
}

cJSON *cli_meta_options(const struct options *o)
{
    cJSON *m = cJSON_CreateObject();
    cJSON_AddItemToObject(m, "--beat-interval", str_or_null(o->beat_str));
    cJSON_AddItemToObject(m, "--capture", str_or_null(o->capture_str));
    cJSON_AddItemToObject(m, "--comment", str_or_null(o->comment));
    cJSON_AddBoolToObject(m, "--debug", o->debug);
    cJSON_AddBoolToObject(m, "--enforce_clean", o->enforce_clean);
    cJSON_AddItemToObject(m, "--file_storage", str_or_null(o->storage));
    cJSON_AddBoolToObject(m, "--force", o->force);
    cJSON_AddFalseToObject(m, "--help");
    cJSON_AddItemToObject(m, "--id", str_or_null(o->id));
    cJSON_AddItemToObject(m, "--loglevel", str_or_null(o->loglevel_str));
    cJSON_AddNullToObject(m, "--mongo_db");
    cJSON_AddItemToObject(m, "--name", str_or_null(o->name));
    cJSON_AddFalseToObject(m, "--pdb");
    cJSON_AddBoolToObject(m, "--print-config", o->print_config);
    cJSON_AddItemToObject(m, "--priority", str_or_null(o->priority_str));
    cJSON_AddBoolToObject(m, "--queue", o->queue);
    cJSON_AddNullToObject(m, "--s3");
    cJSON_AddItemToObject(m, "--sql", o->ndb ? cJSON_CreateString(o->db_shown[0]) : cJSON_CreateNull());
    cJSON_AddNullToObject(m, "--tiny_db");
    cJSON_AddBoolToObject(m, "--unobserved", o->unobserved);
    cJSON_AddNullToObject(m, "COMMAND");
    cJSON_AddItemToObject(m, "UPDATE", json_string_list(o->with_words));
    cJSON_AddFalseToObject(m, "help");
    cJSON_AddBoolToObject(m, "with", o->with);
    cJSON_AddBoolToObject(m, "--no-filter", o->no_filter);
    cJSON_AddItemToObject(m, "--env-allow", names(o->env_allow, o->nallow));
    cJSON_AddItemToObject(m, "--env-deny", names(o->env_deny, o->ndeny));
    cJSON_AddItemToObject(m, "--metric", names((const char **)o->metric, o->nmetric));
    cJSON_AddBoolToObject(m, "--no-default-metrics", o->no_default_metrics);
    cJSON_AddItemToObject(m, "--result", str_or_null(o->result_metric));
    cJSON_AddBoolToObject(m, "--no-sys-metrics", o->no_sys_metrics);
    cJSON_AddBoolToObject(m, "--no-with", o->no_with);
    cJSON_AddItemToObject(m, "--rerun-of", str_or_null(o->rerun_of));
    cJSON_AddItemToObject(m, "--base-dir", str_or_null(o->base_dir));
    cJSON_AddItemToObject(m, "--source", names((const char **)o->files.source, o->files.nsource));
    cJSON_AddItemToObject(m, "--exclude", names((const char **)o->files.exclude, o->files.nexclude));
    cJSON_AddItemToObject(m, "--include", names((const char **)o->files.include, o->files.ninclude));
    cJSON_AddItemToObject(m, "--artifact", names((const char **)o->files.artifact, o->files.nartifact));
    cJSON_AddItemToObject(m, "--resource-limit", json_int(o->files.resource_limit));
    cJSON_AddItemToObject(m, "--artifact-limit", json_int(o->files.artifact_limit));
    cJSON_AddBoolToObject(m, "--no-files", o->no_files);
    cJSON_AddBoolToObject(m, "--list-private", o->files.list_private);
    return m;
}
