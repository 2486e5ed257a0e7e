/* ls.c: "sacred-run ls": one row per run, newest last, with the config keys that differ
 * between the listed runs and the metric columns asked for; filters and sorting from
 * runs.h; with --sweep, the points of one sweep by point. Reads the storage only. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inspect/commands.h"
#include "inspect/inspect.h"
#include "inspect/runs.h"
#include "inspect/table.h"
#include "store/dbread.h"
#include "util/error.h"
#include "util/log.h"

struct ls_args {
    struct run_filter filter;
    const char *sort;
    long last;
    const char **columns; /* --metric NAME and --column KEY, in the order given */
    size_t ncolumns;
    cJSON *swept;         /* --sweep ID: the sweep's keys */
};

enum { OPT_STATUS = 1, OPT_NAME, OPT_WHERE, OPT_SINCE, OPT_UNTIL, OPT_TAG, OPT_SORT, OPT_LAST,
       OPT_METRIC, OPT_COLUMN, OPT_SWEEP };

static void push(const char ***list, size_t *n, const char *s)
{
    *list = xrealloc(*list, (*n + 1) * sizeof(**list));
    (*list)[(*n)++] = s;
}

/* --where takes "KEY OP VALUE" as one word or as three. */
static void add_where(struct ls_args *a, const char *arg, int argc, char **argv)
{
    char err[512];
    char *text = NULL;
    struct run_cond c;
    if (!strpbrk(arg, "=<>!~") && optind + 1 < argc) {
        text = xasprintf("%s %s %s", arg, argv[optind], argv[optind + 1]);
        optind += 2;
    }
    if (run_cond_parse(text ? text : arg, &c, err, sizeof(err)) < 0)
        die("%s", err);
    free(text);
    a->filter.where = xrealloc(a->filter.where, (a->filter.nwhere + 1) * sizeof(c));
    a->filter.where[a->filter.nwhere++] = c;
}

static double time_bound(const char *arg, const char *flag)
{
    char err[512];
    double t;
    if (parse_time_bound(arg, &t, err, sizeof(err)) < 0)
        die("%s: %s", flag, err);
    return t;
}

static long positive(const char *arg, const char *flag)
{
    char *end;
    long n = strtol(arg, &end, 10);
    if (*end || n <= 0)
        die("%s takes a whole number of runs above 0, not '%s'", flag, arg);
    return n;
}

static void split_statuses(struct ls_args *a, char *arg)
{
    static const char *const known[] = { "RUNNING", "COMPLETED", "FAILED", "INTERRUPTED",
                                         "QUEUED", "PROBABLY_DEAD", "DIED", "ERROR" };
    for (char *save = NULL, *s = strtok_r(arg, ",", &save); s; s = strtok_r(NULL, ",", &save)) {
        size_t i = 0;
        for (char *p = s; *p; p++)
            *p = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
        while (i < sizeof(known) / sizeof(*known) && strcmp(s, known[i]))
            i++;
        if (i == sizeof(known) / sizeof(*known))
            die("unknown status '%s'; use RUNNING, COMPLETED, FAILED, INTERRUPTED, QUEUED, "
                "PROBABLY_DEAD, DIED or ERROR", s);
        push(&a->filter.status, &a->filter.nstatus, known[i]);
    }
}

static void parse(struct inspect_ctx *cx, struct ls_args *a, int argc, char **argv)
{
    static const struct option opts[] = {
        INSPECT_LONG_OPTIONS,
        { "status", required_argument, NULL, OPT_STATUS }, { "name", required_argument, NULL, OPT_NAME },
        { "where", required_argument, NULL, OPT_WHERE },   { "since", required_argument, NULL, OPT_SINCE },
        { "until", required_argument, NULL, OPT_UNTIL },   { "tag", required_argument, NULL, OPT_TAG },
        { "sort", required_argument, NULL, OPT_SORT },     { "last", required_argument, NULL, OPT_LAST },
        { "metric", required_argument, NULL, OPT_METRIC }, { "column", required_argument, NULL, OPT_COLUMN },
        { "sweep", required_argument, NULL, OPT_SWEEP },    { NULL, 0, NULL, 0 },
    };
    memset(a, 0, sizeof(*a));
    a->filter.since = a->filter.until = NAN;
    int c;
    while ((c = getopt_long(argc, argv, "+" INSPECT_SHORT, opts, NULL)) != -1) {
        if (inspect_common_option(cx, c, optarg))
            continue;
        switch (c) {
        case OPT_STATUS: split_statuses(a, optarg); break;
        case OPT_NAME: push(&a->filter.name, &a->filter.nname, optarg); break;
        case OPT_WHERE: add_where(a, optarg, argc, argv); break;
        case OPT_SINCE: a->filter.since = time_bound(optarg, "--since"); break;
        case OPT_UNTIL: a->filter.until = time_bound(optarg, "--until"); break;
        case OPT_TAG: push(&a->filter.tag, &a->filter.ntag, optarg); break;
        case OPT_SORT: a->sort = optarg; break;
        case OPT_LAST: a->last = positive(optarg, "--last"); break;
        case OPT_METRIC: case OPT_COLUMN: push(&a->columns, &a->ncolumns, optarg); break;
        case OPT_SWEEP: a->filter.sweep = optarg; break;
        default: inspect_bad_option(argv, "sacred-run ls [-F DIR | -s URL] [--status S] [--name GLOB] "
                                    "[--where 'KEY OP VALUE'] [--since T] [--until T] [--tag TAG] "
                                    "[--sort [-]KEY] [--last N] [--metric NAME] [--column KEY] [--sweep ID] [--json]");
        }
    }
    if (optind < argc)
        die("ls takes no run ids ('%s'); use 'sacred-run show ID' for one run", argv[optind]);
}

/* The columns shown: the fixed ones, the differing config keys (a sweep's: its keys),
 * the asked-for ones. */
static cJSON *columns(const struct ls_args *a, const struct run_set *set)
{
    static const char *const head[] = { "id", "name", "status", "start", "duration" };
    static const char *const sweep_head[] = { "id", "point", "status", "duration" };
    static const char *const tail[] = { "result", "comment", "tags" };
    cJSON *cols = cJSON_CreateArray();
    cJSON *differing = a->swept ? cJSON_Duplicate(a->swept, 1) : runs_differing_config(set);
    for (size_t i = 0; !a->swept && i < sizeof(head) / sizeof(*head); i++)
        cJSON_AddItemToArray(cols, cJSON_CreateString(head[i]));
    for (size_t i = 0; a->swept && i < sizeof(sweep_head) / sizeof(*sweep_head); i++)
        cJSON_AddItemToArray(cols, cJSON_CreateString(sweep_head[i]));
    for (cJSON *d = differing->child; d; d = d->next) {
        char *key = xasprintf("%s%s", run_column_fixed(d->valuestring) ? "config." : "", d->valuestring);
        cJSON_AddItemToArray(cols, cJSON_CreateString(key));
        free(key);
    }
    for (size_t i = 0; i < a->ncolumns; i++)
        cJSON_AddItemToArray(cols, cJSON_CreateString(a->columns[i]));
    for (size_t i = 0; i < sizeof(tail) / sizeof(*tail); i++)
        cJSON_AddItemToArray(cols, cJSON_CreateString(tail[i]));
    cJSON_Delete(differing);
    return cols;
}

/* The text of one cell: durations as h:mm:ss, start times to the second on a terminal. */
static char *cell_text(const struct inspect_ctx *cx, struct run_row *row, const char *col)
{
    char err[512] = "";
    const cJSON *v = run_value(row, col, err, sizeof(err));
    if (*err)
        die("%s", err);
    if (!strcmp(col, "comment") && row->doc.error)
        return xstrdup(row->doc.error);
    if (!strcmp(col, "duration") && cJSON_IsNumber(v)) {
        char buf[64];
        log_elapsed(v->valuedouble, buf, sizeof(buf));
        return xstrdup(buf);
    }
    char *text = run_value_text(v);
    if (cx->tty && !strcmp(col, "start") && strlen(text) > 19) {
        text[10] = ' ';
        text[19] = '\0';
    }
    return text;
}

static void print_table(const struct inspect_ctx *cx, struct run_set *set, const cJSON *cols)
{
    size_t n = (size_t)cJSON_GetArraySize(cols), i = 0;
    const char **head = xcalloc(n, sizeof(*head));
    for (const cJSON *c = cols->child; c; c = c->next)
        head[i++] = c->valuestring;
    struct table t;
    table_init(&t, n, head);
    for (size_t r = 0; r < set->n; r++) {
        table_add_row(&t);
        for (size_t k = 0; k < n; k++) {
            char *text = cell_text(cx, &set->rows[r], head[k]);
            table_set(&t, k, text, !strcmp(head[k], "status") && cx->tty ? status_colour(text) : NULL);
            free(text);
        }
    }
    table_print(&t, stdout, cx->tty, cx->width);
    table_release(&t);
    free(head);
}

static void print_json(struct run_set *set, const cJSON *cols)
{
    cJSON *doc = cJSON_CreateObject(), *rows = cJSON_AddArrayToObject(doc, "runs");
    cJSON_AddItemToObject(doc, "columns", cJSON_Duplicate(cols, 1));
    for (size_t r = 0; r < set->n; r++) {
        cJSON *row = cJSON_CreateObject();
        for (const cJSON *c = cols->child; c; c = c->next) {
            char err[512] = "";
            const cJSON *v = run_value(&set->rows[r], c->valuestring, err, sizeof(err));
            if (*err)
                die("%s", err);
            cJSON_AddItemToObject(row, c->valuestring, v ? cJSON_Duplicate(v, 1) : cJSON_CreateNull());
        }
        if (set->rows[r].doc.error)
            cJSON_AddStringToObject(row, "error", set->rows[r].doc.error);
        cJSON_AddItemToArray(rows, row);
    }
    inspect_print_json(doc);
    cJSON_Delete(doc);
}

static void release_args(struct ls_args *a)
{
    for (size_t i = 0; i < a->filter.nwhere; i++)
        run_cond_release(&a->filter.where[i]);
    free(a->filter.where);
    free(a->filter.status);
    free(a->filter.name);
    free(a->filter.tag);
    free(a->columns);
    cJSON_Delete(a->swept);
}

/* The runs: a database's straight from it (a sweep's from the local copy's sweep record). */
static int load(struct inspect_ctx *cx, struct ls_args *a, struct run_set *set, char *err,
                size_t errlen)
{
    if (a->filter.sweep)
        return cx->db && dbread_refresh(cx->db, err, errlen) ? -1
               : runs_load_sweep(cx->storage, a->filter.sweep, set, &a->swept, err, errlen);
    return cx->db ? runs_load_db(cx->db, set, err, errlen) : runs_load(cx->storage, set, err, errlen);
}

int cmd_ls(struct inspect_ctx *cx, int argc, char **argv)
{
    struct ls_args a;
    struct run_set set;
    char err[512];
    parse(cx, &a, argc, argv);
    if (load(cx, &a, &set, err, sizeof(err)) < 0
        || runs_filter(&set, &a.filter, err, sizeof(err)) < 0
        || (a.sort && runs_sort(&set, a.sort, err, sizeof(err)) < 0))
        die("%s", err);
    if (a.last)
        runs_keep_last(&set, (size_t)a.last);
    cJSON *cols = columns(&a, &set);
    if (cx->json)
        print_json(&set, cols);
    else
        print_table(cx, &set, cols);
    cJSON_Delete(cols);
    runs_release(&set);
    release_args(&a);
    return 0;
}
