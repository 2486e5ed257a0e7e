/* show.c: `sacred-run show ID`: one run in sections (command, status, times, fail trace,
 * config, host, git, files with sizes, dependencies, metrics, info, tags, processes), or
 * --json. Reads only; a damaged run.json is one line and 125, never a partial page. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config_print.h"
#include "inspect/commands.h"
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

static const char usage[] = "sacred-run show [-F DIR | -s URL] [--json] ID";

struct show {
    const struct inspect_ctx *cx;
    struct run_row row;
    const cJSON *run;
    struct run_file *files[3];
    size_t nfiles[3];
    const cJSON *metrics;    /* name -> {count, first, last, min, max} (the row's), or NULL */
    char metrics_error[512]; /* why metrics.json could not be read, or "" */
};

static const char *const file_kinds[3] = { "sources", "resources", "artifacts" };

/* --- what is computed ------------------------------------------------------------------ */

static int by_name(const void *a, const void *b)
{
    return utf8_cmp(*(const char *const *)a, *(const char *const *)b);
}

/* The metrics' names, sorted (pointers into row->metrics). */
static const char **metric_names(const cJSON *metrics, size_t *n)
{
    *n = (size_t)cJSON_GetArraySize(metrics);
    const char **names = xcalloc(*n + 1, sizeof(*names));
    size_t i = 0;
    for (const cJSON *m = metrics->child; m; m = m->next)
        names[i++] = m->string;
    qsort(names, *n, sizeof(*names), by_name);
    return names;
}

static void gather(struct show *sh, const struct inspect_ctx *cx, const char *id)
{
    memset(sh, 0, sizeof(*sh));
    sh->cx = cx;
    inspect_load_row(cx, id, &sh->row);
    if (!sh->row.doc.run)
        die("run %s: %s", id, sh->row.doc.error);
    sh->run = sh->row.doc.run;
    for (int k = 0; k < 3; k++)
        sh->files[k] = run_files(&sh->row.doc, cx->storage, (enum run_file_kind)k, &sh->nfiles[k]);
    sh->metrics = run_metric_summaries(&sh->row, sh->metrics_error, sizeof(sh->metrics_error));
}

static void release(struct show *sh)
{
    for (int k = 0; k < 3; k++)
        run_files_free(sh->files[k], sh->nfiles[k]);
    run_row_release(&sh->row);
}

static double duration(struct show *sh)
{
    char err[64];
    const cJSON *v = run_value(&sh->row, "duration", err, sizeof(err));
    return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

static void print_json(struct show *sh)
{
    cJSON *doc = cJSON_CreateObject(), *files = cJSON_CreateObject();
    double secs = duration(sh);
    cJSON_AddStringToObject(doc, "id", sh->row.doc.id);
    cJSON_AddStringToObject(doc, "status", sh->row.status);
    cJSON_AddItemToObject(doc, "duration", isnan(secs) ? cJSON_CreateNull() : cJSON_CreateNumber(secs));
    cJSON_AddItemToObject(doc, "run", cJSON_Duplicate(sh->run, 1));
    cJSON_AddItemToObject(doc, "config", cJSON_Duplicate(sh->row.doc.config, 1));
    cJSON_AddItemToObject(doc, "info", cJSON_Duplicate(sh->row.doc.info, 1));
    for (int k = 0; k < 3; k++)
        cJSON_AddItemToObject(files, file_kinds[k], run_files_json(sh->files[k], sh->nfiles[k]));
    cJSON_AddItemToObject(doc, "files", files);
    cJSON_AddItemToObject(doc, "metrics", sh->metrics ? cJSON_Duplicate(sh->metrics, 1) : cJSON_CreateObject());
    if (*sh->metrics_error)
        cJSON_AddStringToObject(doc, "metrics_error", sh->metrics_error);
    inspect_print_json(doc);
    cJSON_Delete(doc);
}

/* --- text pieces ----------------------------------------------------------------------- */

static int colour(const struct show *sh)
{
    return sh->cx->tty;
}

static void section(const struct show *sh, const char *title)
{
    printf(colour(sh) ? "\n\033[1m%s\033[0m\n" : "\n%s\n", title);
}

static void field(const struct show *sh, const char *key, const char *value, const char *paint)
{
    if (colour(sh) && paint)
        printf("  %-11s \033[%sm%s\033[0m\n", key, paint, value);
    else
        printf("  %-11s %s\n", key, value);
}

static void time_field(const struct show *sh, const char *key, const char *path)
{
    const char *t = run_text(sh->run, path);
    if (!t)
        return;
    char *shown = xasprintf("%s UTC", t);
    if (strlen(shown) > 10 && shown[10] == 'T')
        shown[10] = ' ';
    field(sh, key, shown, NULL);
    free(shown);
}

static void size_text(long long bytes, char buf[32])
{
    static const char *const units[] = { "KiB", "MiB", "GiB", "TiB" };
    double v = (double)bytes;
    int u = -1;
    if (bytes < 0) {
        snprintf(buf, 32, "missing");
        return;
    }
    while (v >= 1024 && u < 3)
        v /= 1024, u++;
    if (u < 0)
        snprintf(buf, 32, "%lld B", bytes);
    else
        snprintf(buf, 32, "%.1f %s", v, units[u]);
}

/* How the program ended: "exit status 3", "killed by SIGSEGV (core dumped)". */
static char *ending(const cJSON *prog)
{
    const cJSON *code = cJSON_GetObjectItemCaseSensitive(prog, "exit_code");
    const char *sig = run_text(prog, "signal"), *by = run_text(prog, "interrupted_by");
    struct strbuf sb = STRBUF_INIT;
    if (sig)
        strbuf_addf(&sb, "killed by %s%s", sig,
                    cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(prog, "core_dumped")) ? " (core dumped)" : "");
    else if (cJSON_IsRaw(code) || cJSON_IsNumber(code))
        strbuf_addf(&sb, "exit status %s", cJSON_IsRaw(code) ? code->valuestring : "?");
    if (by)
        strbuf_addf(&sb, "%sinterrupted by %s", sb.len ? ", " : "", by);
    return sb.len ? strbuf_detach(&sb) : NULL;
}

/* --- the sections ---------------------------------------------------------------------- */

static void print_overview(struct show *sh)
{
    const char *name = run_text(sh->run, "experiment.name"), *paint = status_colour(sh->row.status);
    printf(colour(sh) ? "\033[1mRun %s\033[0m  %s\n" : "Run %s  %s\n", sh->row.doc.id, name ? name : "");
    field(sh, "status", sh->row.status, paint);
    char *cmd = run_command_line(sh->run), *typed = run_command_typed(sh->run, cmd), *end = ending(json_get_dotted(sh->run, "program"));
    field(sh, "command", cmd, NULL);
    if (typed)
        field(sh, "as typed", typed, NULL);
    if (end)
        field(sh, "ended", end, NULL);
    free(cmd);
    free(typed);
    free(end);
    time_field(sh, "started", "start_time");
    time_field(sh, "stopped", "stop_time");
    time_field(sh, "heartbeat", "heartbeat");
    double secs = duration(sh);
    char buf[64];
    if (!isnan(secs)) {
        log_elapsed(secs, buf, sizeof(buf));
        if (secs < 60)
            snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), " (%.3f s)", secs);
        field(sh, !strcmp(sh->row.status, "RUNNING") ? "running for" : "duration", buf, NULL);
    }
    const cJSON *result = cJSON_GetObjectItemCaseSensitive(sh->run, "result");
    const char *comment = run_text(sh->run, "meta.comment");
    if (result) {
        struct strbuf sb = STRBUF_INIT;
        config_repr(&sb, result);
        field(sh, "result", sb.buf, NULL);
        strbuf_release(&sb);
    }
    if (comment)
        field(sh, "comment", comment, NULL);
}

/* Lines of text (each may end in '\n'), indented. */
static void print_lines(const cJSON *lines)
{
    for (const cJSON *l = lines ? lines->child : NULL; l; l = l->next) {
        if (!cJSON_IsString(l))
            continue;
        for (const char *p = l->valuestring; *p;) {
            size_t n = strcspn(p, "\n");
            printf("  %.*s\n", (int)n, p);
            p += n + (p[n] == '\n');
        }
    }
}

static void print_fail_trace(const struct show *sh)
{
    const cJSON *trace = cJSON_GetObjectItemCaseSensitive(sh->run, "fail_trace");
    if (cJSON_IsArray(trace) && trace->child) {
        section(sh, "Fail trace");
        print_lines(trace);
    } else if (cJSON_IsString(trace)) {
        cJSON *one = cJSON_CreateArray();
        cJSON_AddItemToArray(one, cJSON_CreateString(trace->valuestring));
        section(sh, "Fail trace");
        print_lines(one);
        cJSON_Delete(one);
    }
}

static void print_tree(const struct show *sh, const char *title, const cJSON *tree, const cJSON *origins)
{
    if (!tree || !tree->child)
        return;
    section(sh, title);
    fflush(stdout);
    config_print_tree(stdout, tree, origins);
}

static void print_host(const struct show *sh)
{
    const cJSON *host = cJSON_GetObjectItemCaseSensitive(sh->run, "host");
    if (!cJSON_IsObject(host))
        return;
    const cJSON *mem = cJSON_GetObjectItemCaseSensitive(host, "memory_total");
    char buf[64], *cpu = run_host_cpu(host), *gpus = run_host_gpus(host);
    section(sh, "Host");
    if (run_text(host, "hostname"))
        field(sh, "hostname", run_text(host, "hostname"), NULL);
    if (run_host_os(host))
        field(sh, "os", run_host_os(host), NULL);
    if (cpu)
        field(sh, "cpu", cpu, NULL);
    if (cJSON_IsRaw(mem)) {
        size_text(atoll(mem->valuestring), buf);
        field(sh, "memory", buf, NULL);
    }
    if (*gpus)
        field(sh, "gpus", gpus, NULL);
    if (run_text(host, "python_version"))
        field(sh, "python", run_text(host, "python_version"), NULL);
    free(cpu);
    free(gpus);
}

static void print_table(const struct show *sh, struct table *t)
{
    table_print_aligned(t, stdout, colour(sh) ? TABLE_COLOUR : 0, sh->cx->width, "  ");
    table_release(t);
}

static void print_git(const struct show *sh)
{
    static const char *const head[] = { "url", "commit", "dirty" };
    const cJSON *repos = json_get_dotted(sh->run, "experiment.repositories");
    struct table t;
    table_init(&t, 3, head);
    for (const cJSON *r = cJSON_IsArray(repos) ? repos->child : NULL; r; r = r->next) {
        int seen = 0; /* Python Sacred lists a repository once per source file */
        for (const cJSON *e = repos->child; e != r && !seen; e = e->next)
            seen = cJSON_Compare(e, r, 1);
        if (seen)
            continue;
        table_add_row(&t);
        table_set(&t, 0, run_text(r, "url"), NULL);
        table_set(&t, 1, run_text(r, "commit"), NULL);
        table_set(&t, 2, cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(r, "dirty")) ? "dirty" : "clean", NULL);
    }
    if (t.nrows) {
        section(sh, "Git");
        print_table(sh, &t);
    } else
        table_release(&t);
}

static void print_files(const struct show *sh, int kind)
{
    static const char *const titles[3] = { "Sources", "Resources", "Artifacts" };
    static const char *const head[3][3] = { { "name", "stored", "size" }, { "path", "stored", "size" },
                                            { "name", "size", "" } };
    if (!sh->nfiles[kind])
        return;
    struct table t;
    char buf[32];
    table_init(&t, kind == RUN_ARTIFACTS ? 2 : 3, head[kind]);
    for (size_t i = 0; i < sh->nfiles[kind]; i++) {
        const struct run_file *f = &sh->files[kind][i];
        size_text(f->size, buf);
        table_add_row(&t);
        table_set(&t, 0, f->name, NULL);
        if (kind != RUN_ARTIFACTS)
            table_set(&t, 1, f->stored ? f->stored : "not stored", NULL);
        table_set(&t, t.ncols - 1, buf, NULL);
    }
    section(sh, titles[kind]);
    print_table(sh, &t);
}

static void print_dependencies(const struct show *sh)
{
    const cJSON *deps = json_get_dotted(sh->run, "experiment.dependencies");
    if (!cJSON_IsArray(deps) || !deps->child)
        return;
    section(sh, "Dependencies");
    for (const cJSON *d = deps->child; d; d = d->next)
        if (cJSON_IsString(d))
            printf("  %s\n", d->valuestring);
}

static void print_metrics(const struct show *sh)
{
    static const char *const head[] = { "metric", "count", "first", "last", "min", "max" };
    if (!sh->metrics) {
        section(sh, "Metrics");
        printf(colour(sh) ? "  \033[31merror: %s\033[0m\n" : "  error: %s\n", sh->metrics_error);
        return;
    }
    size_t n;
    const char **names = metric_names(sh->metrics, &n);
    struct table t;
    table_init(&t, 6, head);
    for (size_t i = 0; i < n; i++) {
        const cJSON *m = cJSON_GetObjectItemCaseSensitive(sh->metrics, names[i]);
        table_add_row(&t);
        table_set(&t, 0, names[i], NULL);
        for (int k = 1; k < 6; k++) {
            char *text = run_value_text(cJSON_GetObjectItemCaseSensitive(m, head[k]));
            table_set(&t, (size_t)k, text, NULL);
            free(text);
        }
    }
    free(names);
    if (n) {
        section(sh, "Metrics");
        print_table(sh, &t);
    } else
        table_release(&t);
}

static void print_omniboard(const struct show *sh)
{
    const cJSON *tags = json_get_dotted(sh->run, "omniboard.tags");
    const char *notes = run_text(sh->run, "omniboard.notes");
    char *tag_text = cJSON_IsArray(tags) && tags->child ? run_value_text(tags) : NULL;
    if (!tag_text && !notes)
        return;
    section(sh, "Tags and notes");
    if (tag_text)
        field(sh, "tags", tag_text, NULL);
    if (notes)
        field(sh, "notes", notes, NULL);
    free(tag_text);
}

static long long number_at(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsRaw(v) ? atoll(v->valuestring) : cJSON_IsNumber(v) ? (long long)v->valuedouble : -1;
}

/* "exit 0", "SIGSEGV (core dumped)", "running" or "-"; *bad when it did not end well. */
static char *process_status(const cJSON *p, int running, int *bad)
{
    const cJSON *code = cJSON_GetObjectItemCaseSensitive(p, "exit_code");
    const char *sig = run_text(p, "signal");
    *bad = sig || (cJSON_IsRaw(code) && strcmp(code->valuestring, "0"));
    if (sig)
        return xasprintf("%s%s", sig, cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(p, "core_dumped")) ? " (core dumped)" : "");
    if (cJSON_IsRaw(code))
        return xasprintf("exit %s", code->valuestring);
    return xstrdup(running && !run_text(p, "end_time") ? "running" : "-");
}

/* The image each process image came from: the earlier image of its pid (it exec'd), else
 * the latest earlier image of its parent pid; -1 for the roots. */
static long *process_parents(const cJSON **p, size_t n)
{
    long *parent = xcalloc(n + 1, sizeof(*parent));
    for (size_t i = 0; i < n; i++) {
        long same = -1, up = -1;
        for (size_t j = 0; j < i; j++) {
            if (number_at(p[j], "pid") == number_at(p[i], "pid"))
                same = (long)j;
            if (number_at(p[j], "pid") == number_at(p[i], "ppid"))
                up = (long)j;
        }
        parent[i] = same >= 0 ? same : up;
    }
    return parent;
}

static void process_rows(const struct show *sh, struct table *t, const cJSON **p, const long *parent,
                         size_t n, long at, int depth)
{
    for (size_t i = (size_t)(at + 1); i < n; i++) {
        if (parent[i] != at)
            continue;
        int bad;
        struct strbuf words = STRBUF_INIT;
        char *status = process_status(p[i], !strcmp(sh->row.status, "RUNNING"), &bad), pid[32];
        snprintf(pid, sizeof(pid), "%lld", number_at(p[i], "pid"));
        run_add_words(&words, cJSON_GetObjectItemCaseSensitive(p[i], "argv"));
        char *cmd = xasprintf("%*s%s%s", 2 * depth, "",
                              cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(p[i], "forked")) ? "(fork) " : "",
                              words.buf ? words.buf : "");
        table_add_row(t);
        table_set(t, 0, pid, NULL);
        table_set(t, 1, status, bad ? "31" : NULL);
        table_set(t, 2, cmd, NULL);
        free(status);
        free(cmd);
        strbuf_release(&words);
        process_rows(sh, t, p, parent, n, (long)i, depth + 1);
    }
}

static void print_processes(const struct show *sh)
{
    static const char *const head[] = { "pid", "status", "command" };
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(sh->run, "processes");
    size_t n = cJSON_IsArray(list) ? (size_t)cJSON_GetArraySize(list) : 0, i = 0;
    if (!n)
        return;
    const cJSON **p = xcalloc(n, sizeof(*p));
    for (const cJSON *e = list->child; e; e = e->next)
        p[i++] = e;
    long *parent = process_parents(p, n);
    struct table t;
    table_init(&t, 3, head);
    process_rows(sh, &t, p, parent, n, -1, 0);
    section(sh, "Processes");
    print_table(sh, &t);
    free(parent);
    free(p);
}

static void print_text(struct show *sh)
{
    print_overview(sh);
    print_fail_trace(sh);
    print_tree(sh, "Configuration", sh->row.doc.config, json_get_dotted(sh->run, "meta.config_sources"));
    print_host(sh);
    print_git(sh);
    for (int k = 0; k < 3; k++)
        print_files(sh, k);
    print_dependencies(sh);
    print_metrics(sh);
    print_tree(sh, "Info", sh->row.doc.info, NULL);
    print_omniboard(sh);
    print_processes(sh);
}

int cmd_show(struct inspect_ctx *cx, int argc, char **argv)
{
    static const struct option options[] = { INSPECT_LONG_OPTIONS, { NULL, 0, NULL, 0 } };
    for (int c; (c = getopt_long(argc, argv, INSPECT_SHORT, options, NULL)) != -1;)
        if (!inspect_common_option(cx, c, optarg))
            inspect_bad_option(argv, usage);
    if (optind + 1 != argc)
        die("show takes one run id; usage: %s", usage);
    struct show sh;
    gather(&sh, cx, argv[optind]);
    if (cx->json)
        print_json(&sh);
    else
        print_text(&sh);
    release(&sh);
    return 0;
}
