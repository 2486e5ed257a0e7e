/* compare.c: `sacred-run compare ID ID...`: runs side by side (config, metrics) and what
 * differs in sources (unified diffs), dependencies, executable, git and host. Builds one
 * model (the --json document), then prints it; reads only, never runs diff. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config_print.h"
#include "inspect/commands.h"
#include "inspect/diff.h"
#include "inspect/inspect.h"
#include "record/runfiles.h"
#include "inspect/runs.h"
#include "inspect/runtext.h"
#include "inspect/table.h"
#include "json/json.h"
#include "util/error.h"
#include "util/log.h"
#include "util/strbuf.h"
#include "util/utf8.h"

static const char usage[] = "sacred-run compare [-F DIR | -s URL] [--json] [--all] ID ID [ID...] | --sweep ID";

enum { DIFF_LIMIT = 2 << 20, CONTEXT = 3 };

struct compare {
    const struct inspect_ctx *cx;
    struct run_set set;
    int all;    /* --all: equal rows too */
    cJSON *doc; /* the model: the --json document */
};

/* --- grids: {key: {id: value}}; a run without the key has no entry -------------------- */

static void grid_set(cJSON *grid, const char *key, const char *id, cJSON *v)
{
    cJSON *row = cJSON_GetObjectItemCaseSensitive(grid, key);
    if (!row)
        row = cJSON_AddObjectToObject(grid, key);
    json_set(row, id, v);
}

static void grid_set_text(cJSON *grid, const char *key, const char *id, const char *text)
{
    if (text)
        grid_set(grid, key, id, cJSON_CreateString(text));
}

static void grid_set_copy(cJSON *grid, const char *key, const char *id, const cJSON *v)
{
    if (v)
        grid_set(grid, key, id, cJSON_Duplicate(v, 1));
}

/* 1 when the row holds the same value (or none) for every run of set. */
static int row_equal(const cJSON *row, const struct run_set *set)
{
    const cJSON *first = cJSON_GetObjectItemCaseSensitive(row, set->rows[0].doc.id);
    for (size_t i = 1; i < set->n; i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(row, set->rows[i].doc.id);
        if (!first || !v ? first != v : !cJSON_Compare(first, v, 1))
            return 0;
    }
    return 1;
}

/* A section {"values": grid, "differing": [keys]}; the differing keys are computed from the
 * grid unless given. */
static cJSON *section(const struct compare *c, const char *name, cJSON *grid, cJSON *differing)
{
    cJSON *sec = cJSON_AddObjectToObject(c->doc, name);
    if (!differing) {
        differing = cJSON_CreateArray();
        for (const cJSON *row = grid->child; row; row = row->next)
            if (!row_equal(row, &c->set))
                cJSON_AddItemToArray(differing, cJSON_CreateString(row->string));
    }
    cJSON_AddItemToObject(sec, "values", grid);
    cJSON_AddItemToObject(sec, "differing", differing);
    return sec;
}

/* --- the model ------------------------------------------------------------------------ */

static void build_overview(struct compare *c)
{
    cJSON *g = cJSON_CreateObject();
    for (size_t i = 0; i < c->set.n; i++) {
        struct run_row *r = &c->set.rows[i];
        const char *id = r->doc.id;
        char err[64], buf[64], *cmd = run_command_line(r->doc.run);
        const cJSON *secs = run_value(r, "duration", err, sizeof(err));
        grid_set_text(g, "name", id, run_text(r->doc.run, "experiment.name"));
        grid_set_text(g, "status", id, r->status);
        grid_set_text(g, "command", id, *cmd ? cmd : NULL);
        grid_set_text(g, "started", id, run_text(r->doc.run, "start_time"));
        if (cJSON_IsNumber(secs)) {
            log_elapsed(secs->valuedouble, buf, sizeof(buf));
            grid_set_text(g, "duration", id, buf);
        }
        grid_set_copy(g, "result", id, cJSON_GetObjectItemCaseSensitive(r->doc.run, "result"));
        grid_set_text(g, "comment", id, run_text(r->doc.run, "meta.comment"));
        free(cmd);
    }
    section(c, "overview", g, NULL);
}

static void build_config(struct compare *c)
{
    cJSON *g = cJSON_CreateObject(), *keys = runs_config_keys(&c->set);
    for (const cJSON *k = keys->child; k; k = k->next)
        for (size_t i = 0; i < c->set.n; i++)
            grid_set_copy(g, k->valuestring, c->set.rows[i].doc.id,
                          json_get_dotted(c->set.rows[i].doc.config, k->valuestring));
    cJSON_Delete(keys);
    section(c, "config", g, runs_differing_config(&c->set));
}

static int by_text(const void *a, const void *b)
{
    return utf8_cmp(*(const char *const *)a, *(const char *const *)b);
}

/* The metric names of all runs, each once, sorted (runs whose metrics.json is corrupt
 * are in errors). */
static const char **metric_names(struct compare *c, cJSON *errors, size_t *n)
{
    const char **names = xcalloc(1, sizeof(*names));
    *n = 0;
    for (size_t i = 0; i < c->set.n; i++) {
        struct run_row *r = &c->set.rows[i];
        char err[512];
        const cJSON *all = run_metric_summaries(r, err, sizeof(err));
        if (!all) {
            cJSON_AddStringToObject(errors, r->doc.id, err);
            continue;
        }
        for (const cJSON *m = all->child; m; m = m->next) {
            size_t k = 0;
            while (k < *n && strcmp(names[k], m->string))
                k++;
            if (k == *n) {
                names = xrealloc(names, (*n + 1) * sizeof(*names));
                names[(*n)++] = m->string;
            }
        }
    }
    qsort(names, *n, sizeof(*names), by_text);
    return names;
}

static void build_metrics(struct compare *c)
{
    static const char *const fns[] = { "last", "min", "max" };
    cJSON *g = cJSON_CreateObject(), *errors = cJSON_CreateObject();
    size_t n;
    const char **names = metric_names(c, errors, &n);
    for (size_t m = 0; m < n; m++)
        for (size_t f = 0; f < 3; f++) {
            char *key = xasprintf("%s(%s)", fns[f], names[m]);
            for (size_t i = 0; i < c->set.n; i++) {
                char err[512] = "";
                if (c->set.rows[i].metrics)
                    grid_set_copy(g, key, c->set.rows[i].doc.id, run_value(&c->set.rows[i], key, err, sizeof(err)));
            }
            free(key);
        }
    free(names);
    cJSON_AddItemToObject(section(c, "metrics", g, NULL), "errors", errors);
}

/* A unified diff of two stored copies, or why there is none. */
static char *diff_copies(const struct run_file *a, const char *ida, const struct run_file *b, const char *idb)
{
    if (!a->path || !b->path)
        return xasprintf("the copy of %s in run %s is missing (%s)\n", a->name, !a->path ? ida : idb,
                         !a->path ? a->stored : b->stored);
    if (a->size > DIFF_LIMIT || b->size > DIFF_LIMIT)
        return xasprintf("%s: the copies are too large to compare here (over %d MiB)\n", a->name, DIFF_LIMIT >> 20);
    struct strbuf x = STRBUF_INIT, y = STRBUF_INIT, out = STRBUF_INIT;
    char *la = xasprintf("%s/%s", ida, a->name), *lb = xasprintf("%s/%s", idb, b->name);
    if (strbuf_read_file(&x, a->path) < 0 || strbuf_read_file(&y, b->path) < 0)
        strbuf_addf(&out, "%s: a copy cannot be read\n", a->name);
    else
        diff_unified(&out, x.buf, x.len, y.buf, y.len, la, lb, CONTEXT);
    free(la);
    free(lb);
    strbuf_release(&x);
    strbuf_release(&y);
    return strbuf_detach(&out);
}

struct run_sources {
    struct run_file *f;
    size_t n;
};

static const struct run_file *source_named(const struct run_sources *s, const char *name)
{
    for (size_t i = 0; i < s->n; i++)
        if (!strcmp(s->f[i].name, name))
            return &s->f[i];
    return NULL;
}

static void add_diff(cJSON *diffs, const struct run_file *a, const char *ida, const struct run_file *b,
                     const char *idb)
{
    cJSON *d = cJSON_CreateObject();
    char *text = diff_copies(a, ida, b, idb);
    cJSON_AddStringToObject(d, "from", ida);
    cJSON_AddStringToObject(d, "to", idb);
    cJSON_AddStringToObject(d, "diff", text);
    cJSON_AddItemToArray(diffs, d);
    free(text);
}

/* One source: which runs have it with which MD5, and the diffs of each other version
 * against the first run's. */
static cJSON *compare_source(const struct compare *c, const struct run_sources *src, const char *name)
{
    cJSON *e = cJSON_CreateObject(), *runs = cJSON_AddObjectToObject(e, "runs"), *diffs = cJSON_CreateArray();
    const struct run_file *base = NULL;
    const char *base_id = NULL;
    int differs = 0, everywhere = 1;
    for (size_t i = 0; i < c->set.n; i++) {
        const struct run_file *f = source_named(&src[i], name);
        const char *id = c->set.rows[i].doc.id;
        everywhere &= f != NULL;
        if (!f)
            continue;
        cJSON *r = cJSON_AddObjectToObject(runs, id);
        cJSON_AddStringToObject(r, "stored", f->stored);
        cJSON_AddItemToObject(r, "md5", *f->md5 ? cJSON_CreateString(f->md5) : cJSON_CreateNull());
        if (!base) {
            base = f, base_id = id;
            continue;
        }
        int seen = !strcmp(f->md5, base->md5);
        for (size_t k = 0; k < i && !seen; k++) /* each version once */
            seen = source_named(&src[k], name) && !strcmp(source_named(&src[k], name)->md5, f->md5);
        differs |= strcmp(f->md5, base->md5) != 0;
        if (!seen)
            add_diff(diffs, base, base_id, f, id);
    }
    cJSON_AddStringToObject(e, "name", name);
    cJSON_AddStringToObject(e, "state", differs ? "differs" : everywhere ? "same" : "only in some runs");
    cJSON_AddItemToObject(e, "diffs", diffs);
    return e;
}

static void build_sources(struct compare *c)
{
    struct run_sources *src = xcalloc(c->set.n, sizeof(*src));
    cJSON *list = cJSON_AddArrayToObject(c->doc, "sources"), *names = cJSON_CreateObject();
    for (size_t i = 0; i < c->set.n; i++) {
        src[i].f = run_files(&c->set.rows[i].doc, c->cx->storage, RUN_SOURCES, &src[i].n);
        for (size_t k = 0; k < src[i].n; k++)
            if (!cJSON_HasObjectItem(names, src[i].f[k].name))
                cJSON_AddNullToObject(names, src[i].f[k].name);
    }
    for (const cJSON *n = names->child; n; n = n->next)
        cJSON_AddItemToArray(list, compare_source(c, src, n->string));
    for (size_t i = 0; i < c->set.n; i++)
        run_files_free(src[i].f, src[i].n);
    free(src);
    cJSON_Delete(names);
}

static void build_dependencies(struct compare *c)
{
    cJSON *g = cJSON_CreateObject();
    for (size_t i = 0; i < c->set.n; i++) {
        const cJSON *deps = json_get_dotted(c->set.rows[i].doc.run, "experiment.dependencies");
        for (const cJSON *d = cJSON_IsArray(deps) ? deps->child : NULL; d; d = d->next) {
            if (!cJSON_IsString(d))
                continue;
            const char *eq = strstr(d->valuestring, "==");
            char *name = eq ? xstrndup(d->valuestring, (size_t)(eq - d->valuestring)) : xstrdup(d->valuestring);
            grid_set_text(g, name, c->set.rows[i].doc.id, eq ? eq + 2 : "");
            free(name);
        }
    }
    section(c, "dependencies", g, NULL);
}

/* Whether the executables are the same: by MD5 when every run recorded one, else by path. */
static void executable_verdict(struct compare *c, cJSON *sec, const cJSON *g)
{
    const char *by = NULL;
    for (size_t k = 0; k < 2 && !by; k++) {
        const char *key = k ? "path" : "md5";
        const cJSON *row = cJSON_GetObjectItemCaseSensitive(g, key);
        if (cJSON_GetArraySize(row) == (int)c->set.n)
            by = key;
    }
    if (!by)
        return;
    cJSON_AddStringToObject(sec, "compared_by", by);
    cJSON_AddBoolToObject(sec, "same", row_equal(cJSON_GetObjectItemCaseSensitive(g, by), &c->set));
}

static void build_executable(struct compare *c)
{
    cJSON *g = cJSON_CreateObject();
    for (size_t i = 0; i < c->set.n; i++) {
        const cJSON *prog = cJSON_GetObjectItemCaseSensitive(c->set.rows[i].doc.run, "program");
        const char *id = c->set.rows[i].doc.id;
        const char *path = run_text(prog, "realpath") ? run_text(prog, "realpath") : run_text(prog, "executable");
        grid_set_text(g, "path", id, path);
        grid_set_text(g, "md5", id, run_text(prog, "md5"));
        if (run_text(prog, "interpreter")) {
            grid_set_text(g, "interpreter", id, run_text(prog, "interpreter"));
            grid_set_text(g, "interpreter md5", id, run_text(prog, "elf.md5"));
        }
    }
    executable_verdict(c, section(c, "executable", g, NULL), g);
}

static void build_git(struct compare *c)
{
    cJSON *g = cJSON_CreateObject();
    for (size_t i = 0; i < c->set.n; i++) {
        const cJSON *repos = json_get_dotted(c->set.rows[i].doc.run, "experiment.repositories");
        for (const cJSON *r = cJSON_IsArray(repos) ? repos->child : NULL; r; r = r->next) {
            const char *url = run_text(r, "url") ? run_text(r, "url") : "?";
            char *commit = xasprintf("%s commit", url), *dirty = xasprintf("%s dirty", url);
            grid_set_copy(g, commit, c->set.rows[i].doc.id, cJSON_GetObjectItemCaseSensitive(r, "commit"));
            grid_set_copy(g, dirty, c->set.rows[i].doc.id, cJSON_GetObjectItemCaseSensitive(r, "dirty"));
            free(commit);
            free(dirty);
        }
    }
    section(c, "git", g, NULL);
}

static void build_host(struct compare *c)
{
    cJSON *g = cJSON_CreateObject();
    for (size_t i = 0; i < c->set.n; i++) {
        const cJSON *host = cJSON_GetObjectItemCaseSensitive(c->set.rows[i].doc.run, "host");
        const char *id = c->set.rows[i].doc.id;
        char *cpu = run_host_cpu(host), *gpus = run_host_gpus(host);
        grid_set_text(g, "hostname", id, run_text(host, "hostname"));
        grid_set_text(g, "os", id, run_host_os(host));
        grid_set_text(g, "cpu", id, cpu);
        grid_set_text(g, "gpus", id, *gpus ? gpus : NULL);
        grid_set_text(g, "python", id, run_text(host, "python_version"));
        free(cpu);
        free(gpus);
    }
    section(c, "host", g, NULL);
}

static void build(struct compare *c)
{
    cJSON *ids = cJSON_AddArrayToObject(c->doc = cJSON_CreateObject(), "runs");
    for (size_t i = 0; i < c->set.n; i++)
        cJSON_AddItemToArray(ids, cJSON_CreateString(c->set.rows[i].doc.id));
    build_overview(c);
    build_config(c);
    build_metrics(c);
    build_sources(c);
    build_dependencies(c);
    build_executable(c);
    build_git(c);
    build_host(c);
}

/* --- printing the model --------------------------------------------------------------- */

static int colour(const struct compare *c)
{
    return c->cx->tty;
}

static void title(const struct compare *c, const char *text)
{
    printf(colour(c) ? "\n\033[1m%s\033[0m\n" : "\n%s\n", text);
}

static int listed(const cJSON *list, const char *key)
{
    for (const cJSON *k = list->child; k; k = k->next)
        if (!strcmp(k->valuestring, key))
            return 1;
    return 0;
}

/* A cell: "-" where the run has no value; Python's repr for configuration values. */
static char *cell(const cJSON *v, int repr)
{
    if (!v)
        return xstrdup("-");
    if (!repr)
        return run_value_text(v);
    struct strbuf sb = STRBUF_INIT;
    config_repr(&sb, v);
    return strbuf_detach(&sb);
}

/* The rows of a section as a table, '*' marking those that differ; with only_differing
 * the equal rows are left out. Returns how many were left out. */
static size_t print_grid(const struct compare *c, const cJSON *sec, const char *what, int only_differing, int repr)
{
    const cJSON *grid = cJSON_GetObjectItemCaseSensitive(sec, "values");
    const cJSON *differing = cJSON_GetObjectItemCaseSensitive(sec, "differing");
    const char **head = xcalloc(c->set.n + 2, sizeof(*head));
    size_t left_out = 0;
    head[0] = "";
    head[1] = what;
    for (size_t i = 0; i < c->set.n; i++)
        head[i + 2] = c->set.rows[i].doc.id;
    struct table t;
    table_init(&t, c->set.n + 2, head);
    for (const cJSON *row = grid->child; row; row = row->next) {
        int differs = listed(differing, row->string);
        if (!differs && only_differing) {
            left_out++;
            continue;
        }
        const char *paint = differs ? "33" : NULL;
        table_add_row(&t);
        table_set(&t, 0, differs ? "*" : "", paint);
        table_set(&t, 1, row->string, paint);
        for (size_t i = 0; i < c->set.n; i++) {
            char *text = cell(cJSON_GetObjectItemCaseSensitive(row, c->set.rows[i].doc.id), repr);
            table_set(&t, i + 2, text, paint);
            free(text);
        }
    }
    if (t.nrows)
        table_print_aligned(&t, stdout, colour(c) ? TABLE_COLOUR : 0, c->cx->width, "");
    table_release(&t);
    free(head);
    return left_out;
}

/* A section with a title that counts the differing rows (the nouns), when nouns is
 * given; only_differing unless --all. */
static void print_section(const struct compare *c, const char *name, const char *heading, const char *nouns,
                          const char *what, int only_differing, int repr)
{
    const cJSON *sec = cJSON_GetObjectItemCaseSensitive(c->doc, name);
    int rows = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(sec, "values"));
    int diff = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(sec, "differing"));
    if (!rows)
        return;
    char *text = nouns ? xasprintf("%s: %d of %d %s differ%s", heading, diff, rows, nouns, diff == 1 ? "s" : "")
                       : xstrdup(heading);
    title(c, text);
    free(text);
    size_t left_out = print_grid(c, sec, what, only_differing && !c->all, repr);
    if (left_out)
        printf("(%zu equal, not shown; --all shows them)\n", left_out);
}

static void print_diff(const struct compare *c, const char *text)
{
    for (const char *p = text; *p;) {
        size_t n = strcspn(p, "\n");
        const char *paint = !colour(c) ? NULL : !strncmp(p, "@@", 2) ? "36" : !strncmp(p, "---", 3) ||
                            !strncmp(p, "+++", 3) ? "1" : *p == '-' ? "31" : *p == '+' ? "32" : NULL;
        printf(paint ? "\033[%sm%.*s\033[0m\n" : "%s%.*s\n", paint ? paint : "", (int)n, p);
        p += n + (p[n] == '\n');
    }
}

static void print_sources(const struct compare *c)
{
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(c->doc, "sources");
    int same = 0, shown = 0;
    for (const cJSON *e = list->child; e; e = e->next) {
        const char *state = run_text(e, "state"), *name = run_text(e, "name");
        if (!strcmp(state, "same")) {
            same++;
            continue;
        }
        if (!shown++)
            title(c, "Sources");
        struct strbuf ids = STRBUF_INIT;
        for (const cJSON *r = cJSON_GetObjectItemCaseSensitive(e, "runs")->child; r; r = r->next)
            strbuf_addf(&ids, "%s%s", ids.len ? ", " : "", r->string);
        printf("%s: %s (in %s)\n", name, state, ids.buf);
        strbuf_release(&ids);
        for (const cJSON *d = cJSON_GetObjectItemCaseSensitive(e, "diffs")->child; d; d = d->next)
            print_diff(c, run_text(d, "diff"));
    }
    if (same)
        printf("%s%d source%s the same in every run\n", shown ? "" : "\nSources: ", same, same == 1 ? " is" : "s are");
}

static void print_metrics_errors(const struct compare *c)
{
    const cJSON *errors = json_get_dotted(c->doc, "metrics.errors");
    for (const cJSON *e = errors ? errors->child : NULL; e; e = e->next)
        printf(colour(c) ? "\033[31merror: %s\033[0m\n" : "error: %s\n", e->valuestring);
}

static void print_verdict(const struct compare *c)
{
    const cJSON *sec = cJSON_GetObjectItemCaseSensitive(c->doc, "executable");
    const char *by = run_text(sec, "compared_by");
    if (by)
        printf("the executables are %s (by %s)\n",
               cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(sec, "same")) ? "the same" : "different",
               !strcmp(by, "md5") ? "MD5" : "path; no MD5 recorded");
}

static void print_text(const struct compare *c)
{
    print_section(c, "overview", "Runs", NULL, "", 0, 0);
    print_section(c, "config", "Configuration", "keys", "key", 1, 1);
    print_section(c, "metrics", "Metrics", "values", "metric", 0, 0);
    print_metrics_errors(c);
    print_sources(c);
    print_section(c, "dependencies", "Dependencies", "versions", "dependency", 1, 0);
    print_section(c, "executable", "Executable", NULL, "", 0, 0);
    print_verdict(c);
    print_section(c, "git", "Git", "values", "repository", 0, 0);
    print_section(c, "host", "Host", "values", "", 0, 0);
}

static void load_ids(struct compare *c, int n, char **ids)
{
    if (n < 2)
        die("compare needs two run ids or more; usage: %s", usage);
    c->set.n = (size_t)n;
    c->set.rows = xcalloc(c->set.n, sizeof(*c->set.rows));
    for (size_t i = 0; i < c->set.n; i++)
        inspect_load_row(c->cx, ids[i], &c->set.rows[i]);
}

/* --sweep ID: the runs of the sweep's points, by point. */
static void load_sweep(struct compare *c, const char *id, int nids)
{
    char err[1024];
    cJSON *keys;
    if (nids)
        die("compare --sweep ID takes no run ids; usage: %s", usage);
    if (runs_load_sweep(c->cx->storage, id, &c->set, &keys, err, sizeof(err)) < 0)
        die("%s", err);
    cJSON_Delete(keys);
    if (c->set.n < 2)
        die("sweep %s has %zu run%s; compare needs two or more", id, c->set.n, c->set.n == 1 ? "" : "s");
}

int cmd_compare(struct inspect_ctx *cx, int argc, char **argv)
{
    enum { OPT_ALL = 1, OPT_SWEEP };
    static const struct option options[] = { INSPECT_LONG_OPTIONS, { "all", no_argument, NULL, OPT_ALL },
                                             { "sweep", required_argument, NULL, OPT_SWEEP },
                                             { NULL, 0, NULL, 0 } };
    struct compare c = { .cx = cx };
    const char *sweep = NULL;
    for (int o; (o = getopt_long(argc, argv, INSPECT_SHORT, options, NULL)) != -1;)
        if (o == OPT_ALL)
            c.all = 1;
        else if (o == OPT_SWEEP)
            sweep = optarg;
        else if (!inspect_common_option(cx, o, optarg))
            inspect_bad_option(argv, usage);
    if (sweep)
        load_sweep(&c, sweep, argc - optind);
    else
        load_ids(&c, argc - optind, argv + optind);
    for (size_t i = 0; i < c.set.n; i++)
        if (!c.set.rows[i].doc.run)
            die("run %s: %s", c.set.rows[i].doc.id, c.set.rows[i].doc.error);
    build(&c);
    if (cx->json)
        inspect_print_json(c.doc);
    else
        print_text(&c);
    cJSON_Delete(c.doc);
    runs_release(&c.set);
    return 0;
}
