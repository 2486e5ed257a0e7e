/* rm.c: `sacred-run rm` (runs, then the stored files no remaining run uses) and
 * `sacred-run gc` (only those files). Every id is checked before anything goes, a run
 * still being recorded stays unless --force; the removing itself is record/prune's. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "inspect/commands.h"
#include "inspect/inspect.h"
#include "inspect/runs.h"
#include "json/json.h"
#include "record/prune.h"
#include "record/runedit.h"
#include "store/dbread.h"
#include "util/error.h"
#include "util/strbuf.h"

#define RM_USAGE "sacred-run rm [-F DIR | -s URL] [--json] [-y] [--force] ID..."
#define GC_USAGE "sacred-run gc [-F DIR | -s URL] [--json] [--dry-run]"
/* A stored file this much older than the start of a run being recorded is not its. */
#define START_SLACK 2.0
/* A run directory without run.json that changed this recently is a run starting. */
#define STARTING_AGE 600.0

/* A removal: the storage's runs, which of them go, and what went (or, with --dry-run,
 * would go). */
struct plan {
    struct run_set set;
    char *removed; /* a flag for each row of set */
    cJSON *runs;   /* the ids removed */
    cJSON *files;  /* "_sources/NAME" */
    double bytes;  /* of the files */
    size_t kept;   /* unused files kept for a run being recorded */
    int dry;
    int failed;
};

static void plan_load(const struct inspect_ctx *cx, struct plan *p)
{
    char err[512];
    if (runs_load(cx->storage, &p->set, err, sizeof(err)) < 0)
        die("%s", err);
    p->removed = xcalloc(p->set.n + 1, 1);
    p->runs = cJSON_CreateArray();
    p->files = cJSON_CreateArray();
}

/* Frees p; the exit status. */
static int plan_release(struct plan *p)
{
    int status = p->failed ? SR_EXIT_TOOL : 0;
    cJSON_Delete(p->runs);
    cJSON_Delete(p->files);
    free(p->removed);
    runs_release(&p->set);
    return status;
}

/* A run still being recorded: its heartbeat is current, or its launcher still runs. */
static int being_recorded(const struct run_row *row)
{
    return !strcmp(row->status, "RUNNING")
        || (!strcmp(row->status, "PROBABLY_DEAD") && run_launcher_alive(row->doc.run) == 1);
}

/* The first run that stays and whose references cannot be read. */
static const struct run_row *unreadable(const struct plan *p)
{
    for (size_t i = 0; i < p->set.n; i++)
        if (!p->removed[i] && !p->set.rows[i].doc.run)
            return &p->set.rows[i];
    return NULL;
}

/* The files no row left in set references, except those a run being recorded may use:
 * files changed after its start (or after a starting run's directory appeared). */
static void sweep(const struct inspect_ctx *cx, struct plan *o)
{
    struct store_refs refs = { 0 };
    struct store_entry *e;
    size_t n;
    double from = storage_runs_starting(cx->storage, STARTING_AGE);
    for (size_t i = 0; i < o->set.n; i++) {
        const struct run_row *row = &o->set.rows[i];
        if (o->removed[i])
            continue;
        store_refs_add(&refs, row->doc.run);
        if (being_recorded(row))
            from = fmin(from, isnan(row->start) ? -INFINITY : row->start);
    }
    if (store_unreferenced(cx->storage, &refs, &e, &n) < 0)
        die("cannot read the stores of '%s': %s", cx->storage, strerror(errno));
    for (size_t i = 0; i < n; i++) {
        double t = (double)e[i].mtime.tv_sec + (double)e[i].mtime.tv_nsec / 1e9;
        if (t >= from - START_SLACK)
            o->kept++;
        else if (!o->dry && store_remove(cx->storage, e[i].name) < 0)
            o->failed = error("cannot remove '%s/%s': %s", cx->storage, e[i].name, strerror(errno));
        else {
            cJSON_AddItemToArray(o->files, cJSON_CreateString(e[i].name));
            o->bytes += (double)e[i].size;
        }
    }
    store_entries_free(e, n);
    store_refs_release(&refs);
}

static void size_text(double bytes, char buf[32])
{
    static const char *const unit[] = { "B", "kB", "MB", "GB", "TB" };
    int u = 0;
    while (bytes >= 1000 && u < 4)
        bytes /= 1000, u++;
    snprintf(buf, 32, u ? "%.1f %s" : "%.0f %s", bytes, unit[u]);
}

/* "3, 5, 8" */
static char *id_list(const cJSON *ids)
{
    struct strbuf sb = STRBUF_INIT;
    const cJSON *id;
    cJSON_ArrayForEach(id, ids)
        strbuf_addf(&sb, "%s%s", sb.len ? ", " : "", id->valuestring);
    return sb.buf ? strbuf_detach(&sb) : xstrdup("");
}

/* On a terminal one summary line; otherwise one line per run and file. */
static void print_outcome(const struct inspect_ctx *cx, const struct plan *o)
{
    const char *verb = o->dry ? "would remove" : "removed";
    int nruns = cJSON_GetArraySize(o->runs), nfiles = cJSON_GetArraySize(o->files);
    const cJSON *x;
    if (cx->json) {
        cJSON *j = cJSON_CreateObject();
        cJSON_AddItemToObject(j, "runs", cJSON_Duplicate(o->runs, 1));
        cJSON_AddItemToObject(j, "files", cJSON_Duplicate(o->files, 1));
        cJSON_AddItemToObject(j, "bytes", json_int((long long)o->bytes));
        cJSON_AddItemToObject(j, "kept_in_use", json_int((long long)o->kept));
        cJSON_AddBoolToObject(j, "dry_run", o->dry);
        inspect_print_json(j);
        cJSON_Delete(j);
    } else if (!cx->tty || o->dry) {
        cJSON_ArrayForEach(x, o->runs)
            printf("%s run %s\n", verb, x->valuestring);
        cJSON_ArrayForEach(x, o->files)
            printf("%s %s\n", verb, x->valuestring);
    }
    if (cx->tty && !cx->json) {
        char size[32], *ids = id_list(o->runs);
        struct strbuf sb = STRBUF_INIT;
        size_text(o->bytes, size);
        if (nruns)
            strbuf_addf(&sb, "removed %d run%s (%s)", nruns, nruns == 1 ? "" : "s", ids);
        if (nfiles)
            strbuf_addf(&sb, "%s %d stored file%s no run uses (%s)", nruns ? " and" : verb, nfiles,
                        nfiles == 1 ? "" : "s", size);
        printf("%s\n", sb.len ? sb.buf : "nothing to remove: every stored file is used by a run");
        strbuf_release(&sb);
        free(ids);
    }
    if (o->kept)
        fprintf(stderr, "kept %zu unused stored file%s that a run being recorded may still use; "
                "run 'sacred-run gc' after it ends\n", o->kept, o->kept == 1 ? "" : "s");
}

/* Asks on the terminal; 1 for yes. Without a terminal it refuses (125): nobody to ask. */
static int confirm(const cJSON *ids)
{
    char answer[16] = "", *list = id_list(ids);
    int n = cJSON_GetArraySize(ids);
    if (!isatty(STDIN_FILENO))
        die("not removing %d run%s (%s) without a terminal to ask on; give -y to remove them", n,
            n == 1 ? "" : "s", list);
    fprintf(stderr, "remove %d run%s (%s)? [y/N] ", n, n == 1 ? "" : "s", list);
    free(list);
    if (!fgets(answer, sizeof(answer), stdin))
        return 0;
    answer[strcspn(answer, "\n")] = '\0';
    return !strcasecmp(answer, "y") || !strcasecmp(answer, "yes");
}

/* Marks the rows of ids removed, after checking every id and every run. */
static void pick(struct plan *p, char **ids, int nids, int force)
{
    for (int i = 0; i < nids; i++)
        for (size_t r = 0; r < p->set.n; r++) {
            const struct run_row *row = &p->set.rows[r];
            if (strcmp(row->doc.id, ids[i]))
                continue;
            if (being_recorded(row) && !force)
                die("run '%s' is still being recorded (%s); stop it first, or give --force to "
                    "remove it anyway", ids[i], row->status);
            p->removed[r] = 1;
        }
}

/* Dies naming the first id that is no run of the storage. */
static void check_ids(const struct inspect_ctx *cx, char **ids, int nids)
{
    for (int i = 0; i < nids; i++) {
        struct run_doc d;
        inspect_load(cx, ids[i], &d);
        run_doc_release(&d);
    }
}

/* Removes the picked runs; a run that cannot be removed is picked off again. */
static void remove_runs(const struct inspect_ctx *cx, struct plan *p)
{
    for (size_t r = 0; r < p->set.n; r++) {
        char err[1024];
        if (!p->removed[r])
            continue;
        const char *id = p->set.rows[r].doc.id;
        if ((cx->db ? dbread_remove(cx->db, id, err, sizeof(err)) : run_remove(cx->storage, id, err, sizeof(err))) < 0) {
            p->failed = error("%s", err);
            p->removed[r] = 0; /* what it references stays */
        } else
            cJSON_AddItemToArray(p->runs, cJSON_CreateString(p->set.rows[r].doc.id));
    }
}

int cmd_rm(struct inspect_ctx *cx, int argc, char **argv)
{
    enum { OPT_FORCE = 1 };
    static const struct option opts[] = { INSPECT_LONG_OPTIONS, { "yes", no_argument, NULL, 'y' },
                                          { "force", no_argument, NULL, OPT_FORCE },
                                          { NULL, 0, NULL, 0 } };
    int yes = 0, force = 0, c;
    while ((c = getopt_long(argc, argv, INSPECT_SHORT "y", opts, NULL)) != -1)
        if (c == 'y' || c == OPT_FORCE)
            *(c == 'y' ? &yes : &force) = 1;
        else if (!inspect_common_option(cx, c, optarg))
            inspect_bad_option(argv, RM_USAGE);
    if (optind >= argc)
        die("no run id given; usage: %s", RM_USAGE);
    struct plan p = { 0 };
    check_ids(cx, argv + optind, argc - optind);
    plan_load(cx, &p);
    pick(&p, argv + optind, argc - optind, force);
    cJSON *asked = cJSON_CreateArray();
    for (size_t r = 0; r < p.set.n; r++)
        if (p.removed[r])
            cJSON_AddItemToArray(asked, cJSON_CreateString(p.set.rows[r].doc.id));
    int declined = !yes && !confirm(asked);
    cJSON_Delete(asked);
    if (declined) {
        fprintf(stderr, "nothing removed\n");
        return plan_release(&p);
    }
    remove_runs(cx, &p);
    const struct run_row *bad = unreadable(&p);
    if (bad && cJSON_GetArraySize(p.runs))
        warning("not removing unused stored files: run '%s': %s; fix or remove that run, then "
                "run 'sacred-run gc'", bad->doc.id, bad->doc.error);
    else if (cJSON_GetArraySize(p.runs))
        sweep(cx, &p);
    print_outcome(cx, &p);
    return plan_release(&p);
}

int cmd_gc(struct inspect_ctx *cx, int argc, char **argv)
{
    static const struct option opts[] = { INSPECT_LONG_OPTIONS, { "dry-run", no_argument, NULL, 'n' },
                                          { NULL, 0, NULL, 0 } };
    struct plan p = { 0 };
    int c;
    while ((c = getopt_long(argc, argv, INSPECT_SHORT "n", opts, NULL)) != -1)
        if (c == 'n')
            p.dry = 1;
        else if (!inspect_common_option(cx, c, optarg))
            inspect_bad_option(argv, GC_USAGE);
    if (optind < argc)
        die("gc takes no run ids ('%s'); 'sacred-run rm ID' removes a run", argv[optind]);
    plan_load(cx, &p);
    const struct run_row *bad = unreadable(&p);
    if (bad)
        die("run '%s': %s; gc removes nothing while a run's references are unknown: fix or "
            "remove that run", bad->doc.id, bad->doc.error);
    char err[2048];
    if (cx->db && !p.dry && dbread_remove(cx->db, NULL, err, sizeof(err)) < 0)
        p.failed = error("%s", err);
    sweep(cx, &p);
    print_outcome(cx, &p);
    return plan_release(&p);
}
