/* api.c: the per-run endpoints: /api/runs/ID (everything the run page shows but the
 * series), /cout?offset=N (console text to follow live), /metrics?name=... (a reduced
 * series), and POST /omniboard (tags and notes, through record/runedit's lock). A corrupt
 * run is an answer, not a failure. */
#include "dashboard/api.h"

#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <microhttpd.h>

#include "dashboard/dash.h"
#include "dashboard/series.h"
#include "dashboard/storefile.h"
#include "inspect/runs.h"
#include "json/json.h"
#include "json/json_parse.h"
#include "record/runedit.h"
#include "record/runread.h"
#include "record/sacred_files.h"
#include "store/dbread.h"
#include "util/error.h"

enum { COUT_CHUNK = 1 << 20, DEFAULT_WIDTH = 1000, MAX_WIDTH = 5000 };

/* [{name, path}] for a list of [recorded name, stored path] pairs (sources, resources);
 * path is null when the file is not in the storage's stores. */
static cJSON *stored_files(const cJSON *pairs)
{
    cJSON *out = cJSON_CreateArray();
    const cJSON *p;
    cJSON_ArrayForEach(p, pairs) {
        const char *name = cJSON_GetStringValue(cJSON_GetArrayItem(p, 0));
        const char *stored = cJSON_GetStringValue(cJSON_GetArrayItem(p, 1));
        if (!name || !stored)
            continue;
        cJSON *f = cJSON_CreateObject();
        char *rel = store_rel_of_recorded(stored);
        cJSON_AddStringToObject(f, "name", name);
        cJSON_AddItemToObject(f, "path", rel ? cJSON_CreateString(rel) : cJSON_CreateNull());
        cJSON_AddItemToArray(out, f);
        free(rel);
    }
    return out;
}

/* [{name, path, size}] for the run's artifacts (names relative to its directory). */
static cJSON *artifact_files(const struct run_doc *d)
{
    cJSON *out = cJSON_CreateArray();
    const cJSON *a;
    cJSON_ArrayForEach(a, cJSON_GetObjectItemCaseSensitive(d->run, "artifacts")) {
        const char *name = cJSON_GetStringValue(a);
        struct stat st;
        if (!name || !store_rel_ok(name))
            continue;
        char *rel = xasprintf("%s/%s", d->id, name), *path = xasprintf("%s/%s", d->dir, name);
        cJSON *f = cJSON_CreateObject();
        cJSON_AddStringToObject(f, "name", name);
        cJSON_AddStringToObject(f, "path", rel);
        cJSON_AddItemToObject(f, "size", stat(path, &st) == 0 ? json_int(st.st_size) : cJSON_CreateNull());
        cJSON_AddItemToArray(out, f);
        free(rel);
        free(path);
    }
    return out;
}

static void add_metric_name(const char *name, size_t count, void *arg)
{
    cJSON *m = cJSON_CreateObject();
    cJSON_AddStringToObject(m, "name", name);
    cJSON_AddItemToObject(m, "count", json_int((long long)count));
    cJSON_AddItemToArray(arg, m);
}

static cJSON *take(cJSON **j)
{
    cJSON *v = *j;
    *j = NULL;
    return v;
}

static void api_run(const struct request *rq, const char *id, struct reply *rp)
{
    struct run_row row;
    struct run_doc *d = &row.doc;
    char err[512];
    run_row_load(&row, rq->dash->storage, id);
    cJSON *out = cJSON_CreateObject(), *metrics = cJSON_CreateArray();
    const cJSON *exp = cJSON_GetObjectItemCaseSensitive(d->run, "experiment");
    cJSON_AddStringToObject(out, "id", id);
    cJSON_AddStringToObject(out, "status", row.status);
    cJSON_AddItemToObject(out, "error", d->error ? cJSON_CreateString(d->error) : cJSON_CreateNull());
    cJSON_AddItemToObject(out, "sources", stored_files(cJSON_GetObjectItemCaseSensitive(exp, "sources")));
    cJSON_AddItemToObject(out, "resources",
                          stored_files(cJSON_GetObjectItemCaseSensitive(d->run, "resources")));
    cJSON_AddItemToObject(out, "artifacts", artifact_files(d));
    cJSON_AddItemToObject(out, "run", d->run ? take(&d->run) : cJSON_CreateNull());
    cJSON_AddItemToObject(out, "config", take(&d->config));
    cJSON_AddItemToObject(out, "info", take(&d->info));
    if (series_names(rq->dash->cache, d->dir, add_metric_name, metrics, err, sizeof(err)) < 0)
        cJSON_AddStringToObject(out, "metrics_error", err);
    cJSON_AddItemToObject(out, "metrics", metrics);
    run_row_release(&row);
    reply_json(rp, MHD_HTTP_OK, out);
}

/* A number argument, or fallback when absent or not a number. */
static double arg_number(const struct request *rq, const char *name, double fallback)
{
    const char *v = req_arg(rq, name);
    char *end;
    double x = v && *v ? strtod(v, &end) : fallback;
    return v && *v && *end ? fallback : x;
}

/* The console text from ?offset=N up to the last complete line ("text", then "next" is the
 * offset to ask for), and the line still being written ("tail", which the launcher may
 * rewrite). "reset" when the file is now shorter than offset. */
static void api_cout(const struct request *rq, const char *dir, struct reply *rp)
{
    double want = arg_number(rq, "offset", 0);
    off_t off = want > 0 ? (off_t)want : 0;
    char *path = xasprintf("%s/" COUT_TXT, dir);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    free(path);
    struct stat st;
    cJSON *out = cJSON_CreateObject();
    if (fd < 0 || fstat(fd, &st) < 0) {
        cJSON_AddBoolToObject(out, "absent", 1);
        st.st_size = 0;
    }
    cJSON_AddItemToObject(out, "size", json_int(st.st_size));
    if (off > st.st_size) {
        cJSON_AddBoolToObject(out, "reset", 1);
        off = st.st_size;
    }
    size_t want_n = st.st_size - off < COUT_CHUNK ? (size_t)(st.st_size - off) : COUT_CHUNK;
    char *buf = xmalloc(want_n + 1);
    ssize_t got = fd >= 0 && want_n ? pread(fd, buf, want_n, off) : 0;
    size_t n = got > 0 ? (size_t)got : 0, lines = n;
    int at_end = off + (off_t)n >= st.st_size;
    while (lines > 0 && buf[lines - 1] != '\n')
        lines--;
    if (!lines && !at_end)
        lines = n; /* a line longer than a chunk goes out in pieces */
    cJSON_AddItemToObject(out, "text", json_bytes(buf, lines));
    cJSON_AddItemToObject(out, "tail", json_bytes(buf + lines, at_end ? n - lines : 0));
    cJSON_AddItemToObject(out, "next", json_int(off + (off_t)lines));
    cJSON_AddBoolToObject(out, "more", !at_end);
    free(buf);
    if (fd >= 0)
        close(fd);
    reply_json(rp, MHD_HTTP_OK, out);
}

struct series_query {
    const char *name;
    int by_time;
    double lo, hi;
    size_t width;
    cJSON *out;
};

static void reduce_one(const struct series *s, void *arg)
{
    struct series_query *q = arg;
    cJSON *xs = cJSON_CreateArray(), *ys = cJSON_CreateArray();
    size_t in = series_reduce(s, q->by_time, q->lo, q->hi, q->width, xs, ys);
    q->out = cJSON_CreateObject();
    cJSON_AddStringToObject(q->out, "name", s->name);
    cJSON_AddItemToObject(q->out, "count", json_int((long long)s->n));
    cJSON_AddItemToObject(q->out, "in_range", json_int((long long)in));
    cJSON_AddBoolToObject(q->out, "reduced", (size_t)cJSON_GetArraySize(xs) < in);
    cJSON_AddItemToObject(q->out, "x", xs);
    cJSON_AddItemToObject(q->out, "y", ys);
}

/* ?name=N&x=step|time&from=A&to=B&width=W: the series reduced for a plot W pixels wide. */
static void api_metrics(const struct request *rq, const char *dir, struct reply *rp)
{
    const char *x = req_arg(rq, "x");
    double w = arg_number(rq, "width", DEFAULT_WIDTH);
    struct series_query q = {
        .name = req_arg(rq, "name"), .by_time = x && !strcmp(x, "time"),
        .lo = arg_number(rq, "from", -INFINITY), .hi = arg_number(rq, "to", INFINITY),
        .width = w >= 10 && w <= MAX_WIDTH ? (size_t)w : w > MAX_WIDTH ? MAX_WIDTH : 10,
    };
    char err[512];
    if (!q.name) {
        reply_error(rp, MHD_HTTP_BAD_REQUEST, "give the metric: ?name=NAME");
        return;
    }
    if (series_with(rq->dash->cache, dir, q.name, q.by_time, reduce_one, &q, err, sizeof(err)) < 0)
        reply_error(rp, MHD_HTTP_UNPROCESSABLE_CONTENT, "%s", err);
    else if (!q.out)
        reply_error(rp, MHD_HTTP_NOT_FOUND, "no metric '%s' in this run", q.name);
    else
        reply_json(rp, MHD_HTTP_OK, q.out);
}

struct omniboard_edit {
    const cJSON *tags, *notes; /* the new values, or NULL to keep */
};

/* run_edit's step: replaces omniboard.tags and/or omniboard.notes. */
static int set_omniboard(cJSON *run, void *arg, char *err, size_t errlen)
{
    const struct omniboard_edit *e = arg;
    cJSON *ob = cJSON_GetObjectItemCaseSensitive(run, RUN_EDITABLE);
    if (ob && !cJSON_IsObject(ob))
        return error_text(err, errlen, "its '" RUN_EDITABLE "' is not a JSON object; fix run.json by hand");
    if (!ob)
        cJSON_AddItemToObject(run, RUN_EDITABLE, ob = cJSON_CreateObject());
    if (e->tags)
        json_set(ob, "tags", cJSON_Duplicate(e->tags, 1));
    if (e->notes)
        json_set(ob, "notes", cJSON_Duplicate(e->notes, 1));
    return 1;
}

/* A list of strings, each non-empty. */
static int tag_list(const cJSON *t)
{
    const cJSON *e;
    if (!cJSON_IsArray(t))
        return 0;
    cJSON_ArrayForEach(e, t) if (!cJSON_IsString(e) || !*e->valuestring) return 0;
    return 1;
}

/* The edit in the database when the storage is its copy, else in run.json. */
static int edit_run(const struct dash *d, const char *dir, struct omniboard_edit *e, char *err, size_t errlen)
{
    if (!d->db)
        return run_edit(dir, set_omniboard, e, err, errlen);
    pthread_mutex_lock(d->db_lock);
    int rc = dbread_edit(d->db, strrchr(dir, '/') + 1, set_omniboard, e, err, errlen);
    pthread_mutex_unlock(d->db_lock);
    return rc;
}

/* POST {"tags": [...]} and/or {"notes": "..."}. */
static void api_edit(const struct request *rq, const char *dir, struct reply *rp)
{
    cJSON *body = rq->body ? json_parse_typed(rq->body) : NULL;
    const cJSON *tags = cJSON_GetObjectItemCaseSensitive(body, "tags");
    const cJSON *notes = cJSON_GetObjectItemCaseSensitive(body, "notes");
    struct omniboard_edit e = { tags, notes };
    char err[512];
    if (!cJSON_IsObject(body) || (!tags && !notes) || (tags && !tag_list(tags))
        || (notes && !cJSON_IsString(notes)))
        reply_error(rp, MHD_HTTP_BAD_REQUEST,
                    "send a JSON object with \"tags\" (a list of strings) and/or \"notes\" (a string)");
    else if (edit_run(rq->dash, dir, &e, err, sizeof(err)) < 0)
        reply_error(rp, MHD_HTTP_CONFLICT, "%s", err);
    else
        reply_json(rp, MHD_HTTP_OK, cJSON_CreateTrue());
    cJSON_Delete(body);
}

/* /runs/ID[/what]: the id must name a run directory of the storage. */
static void run_route(const struct request *rq, const char *rest, struct reply *rp)
{
    size_t k = strcspn(rest, "/");
    char *id = xstrndup(rest, k), *dir = xasprintf("%s/%s", rq->dash->storage, id);
    const char *what = rest[k] ? rest + k + 1 : "";
    int post = !strcmp(rq->method, "POST");
    if (!k || id[0] == '.' || id[0] == '_' || !storage_has_run(rq->dash->storage, id))
        reply_error(rp, MHD_HTTP_NOT_FOUND, "no run '%s' in the storage", id);
    else if (post != !strcmp(what, "omniboard"))
        reply_error(rp, MHD_HTTP_METHOD_NOT_ALLOWED, post ? "only GET here" : "only POST here");
    else if (!*what)
        api_run(rq, id, rp);
    else if (!strcmp(what, "cout"))
        api_cout(rq, dir, rp);
    else if (!strcmp(what, "metrics"))
        api_metrics(rq, dir, rp);
    else if (post)
        api_edit(rq, dir, rp);
    else
        reply_error(rp, MHD_HTTP_NOT_FOUND, "no such resource");
    free(id);
    free(dir);
}

void api_route(const struct request *rq, const char *path, struct reply *rp)
{
    int get = !strcmp(rq->method, "GET") || !strcmp(rq->method, "HEAD");
    if (!strncmp(path, "/runs/", 6))
        run_route(rq, path + 6, rp);
    else if (!get)
        reply_error(rp, MHD_HTTP_METHOD_NOT_ALLOWED, "only GET here");
    else if (!strcmp(path, "/runs"))
        api_runs(rq, rp);
    else if (!strcmp(path, "/keys"))
        api_keys(rq, rp);
    else
        reply_error(rp, MHD_HTTP_NOT_FOUND, "no such resource");
}
