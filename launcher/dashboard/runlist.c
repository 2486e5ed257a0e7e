/* runlist.c: GET /api/runs, the `ls` table for the page (filters, sort, the columns asked
 * for, each cell a JSON value), and GET /api/keys, what the column chooser offers. Built on
 * inspect/runs.h over the row cache; a run that cannot be read is a row with its error,
 * never a failed answer. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>

#include "dashboard/api.h"
#include "dashboard/dash.h"
#include "dashboard/rowcache.h"
#include "inspect/runs.h"
#include "util/error.h"

static const char *const HEAD[] = { "id", "name", "status", "start", "duration" };
static const char *const TAIL[] = { "result", "comment", "tags", "notes" };

struct list_query {
    struct run_filter filter;
    const char **ids; /* ?id=ID: only these runs */
    size_t nids;
    const char **cols; /* ?col=KEY, in order */
    size_t ncols;
    const char *sort, *text;
};

static void query_release(struct list_query *q)
{
    for (size_t i = 0; i < q->filter.nwhere; i++)
        run_cond_release(&q->filter.where[i]);
    free(q->filter.where);
    free(q->filter.status);
    free(q->filter.tag);
    free(q->cols);
    free(q->ids);
}

/* The query from ?id=ID&status=S&tag=T&where=COND&col=KEY&sort=KEY&q=TEXT&sweep=ID. 0, or -1
 * with err. */
static int query_parse(const struct request *rq, struct list_query *q, char *err, size_t errlen)
{
    size_t n;
    memset(q, 0, sizeof(*q));
    q->filter.since = q->filter.until = NAN;
    q->filter.status = req_args(rq, "status", &q->filter.nstatus);
    q->filter.tag = req_args(rq, "tag", &q->filter.ntag);
    q->cols = req_args(rq, "col", &q->ncols);
    q->ids = req_args(rq, "id", &q->nids);
    q->sort = req_arg(rq, "sort");
    q->text = req_arg(rq, "q");
    q->filter.sweep = req_arg(rq, "sweep");
    const char **where = req_args(rq, "where", &n);
    q->filter.where = xcalloc(n ? n : 1, sizeof(struct run_cond));
    for (size_t i = 0; i < n; i++, q->filter.nwhere++)
        if (run_cond_parse(where[i], &q->filter.where[i], err, errlen) < 0)
            break;
    free(where);
    return q->filter.nwhere == n ? 0 : -1;
}

static void add_names(cJSON *cols, const char *const *names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        cJSON_AddItemToArray(cols, cJSON_CreateString(names[i]));
}

/* The columns: the fixed ones, the config keys that differ, those asked for, the notes. */
static cJSON *columns(const struct list_query *q, const cJSON *differing)
{
    cJSON *cols = cJSON_CreateArray();
    add_names(cols, HEAD, sizeof(HEAD) / sizeof(*HEAD));
    for (const cJSON *d = differing->child; d; d = d->next) {
        char *key = xasprintf("%s%s", run_column_fixed(d->valuestring) ? "config." : "", d->valuestring);
        cJSON_AddItemToArray(cols, cJSON_CreateString(key));
        free(key);
    }
    add_names(cols, q->cols, q->ncols);
    add_names(cols, TAIL, sizeof(TAIL) / sizeof(*TAIL));
    return cols;
}

/* Case-insensitive: text occurs in one of the row's cells. */
static int row_has_text(const cJSON *values, const char *text)
{
    int found = 0;
    for (const cJSON *v = values->child; v && !found; v = v->next) {
        char *cell = run_value_text(v);
        found = strcasestr(cell, text) != NULL;
        free(cell);
    }
    return found;
}

/* {"id", "status", "error", "values": {column: value}}; NULL when the text filter drops it. */
static cJSON *row_json(struct run_row *row, const cJSON *cols, const char *text)
{
    cJSON *out = cJSON_CreateObject(), *values = cJSON_CreateObject();
    char *error = row->doc.error ? xstrdup(row->doc.error) : NULL;
    for (const cJSON *c = cols->child; c; c = c->next) {
        char err[512] = "";
        const cJSON *v = run_value(row, c->valuestring, err, sizeof(err));
        if (*err && !error)
            error = xstrdup(err);
        cJSON_AddItemToObject(values, c->valuestring, v ? cJSON_Duplicate(v, 1) : cJSON_CreateNull());
    }
    cJSON_AddStringToObject(out, "id", row->doc.id);
    cJSON_AddStringToObject(out, "status", row->status);
    cJSON_AddItemToObject(out, "error", error ? cJSON_CreateString(error) : cJSON_CreateNull());
    cJSON_AddItemToObject(out, "values", values);
    free(error);
    if (text && *text && !row_has_text(values, text)) {
        cJSON_Delete(out);
        return NULL;
    }
    return out;
}

/* The query as one text, the key of a kept reply. */
static char *query_key(const struct request *rq)
{
    struct strbuf sb = STRBUF_INIT;
    strbuf_addstr(&sb, "?");
    for (size_t i = 0; i < rq->nargs; i++)
        strbuf_addf(&sb, "%s=%s\n", rq->args[i].key, rq->args[i].value);
    return strbuf_detach(&sb);
}

/* Whether a run is recorded as running: its duration and effective status change with
 * time, so a reply that lists it cannot be kept. */
static int any_running(const struct run_set *set)
{
    for (size_t i = 0; i < set->n; i++) {
        const char *st = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(set->rows[i].doc.run, "status"));
        if (st && !strcmp(st, "RUNNING"))
            return 1;
    }
    return 0;
}

/* Keeps the rows whose id is one of ids (when any are given). */
static void keep_ids(struct run_set *set, const char **ids, size_t nids)
{
    size_t k = 0;
    for (size_t i = 0; i < set->n; i++) {
        size_t j = 0;
        while (j < nids && strcmp(ids[j], set->rows[i].doc.id))
            j++;
        if (!nids || j < nids)
            set->rows[k++] = set->rows[i];
        else
            run_row_release(&set->rows[i]);
    }
    set->n = k;
}

void api_runs(const struct request *rq, struct reply *rp)
{
    struct list_query q;
    struct run_set set = { 0 };
    char err[512];
    if (query_parse(rq, &q, err, sizeof(err)) < 0) {
        reply_error(rp, MHD_HTTP_BAD_REQUEST, "%s", err);
        query_release(&q);
        return;
    }
    if (row_cache_rows(rq->dash->rows, rq->dash->storage, &set, err, sizeof(err)) < 0) {
        reply_error(rp, MHD_HTTP_INTERNAL_SERVER_ERROR, "%s", err);
        query_release(&q);
        return;
    }
    char *key = query_key(rq);
    const char *memo = row_cache_memo(rq->dash->rows, key);
    int timeless = !any_running(&set);
    keep_ids(&set, q.ids, q.nids);
    if (memo) {
        rp->type = "application/json";
        strbuf_addstr(&rp->body, memo);
    } else if (runs_filter(&set, &q.filter, err, sizeof(err)) < 0
        || (q.sort && *q.sort && runs_sort(&set, q.sort, err, sizeof(err)) < 0)) {
        reply_error(rp, MHD_HTTP_BAD_REQUEST, "%s", err);
    } else {
        cJSON *out = cJSON_CreateObject(), *differing = runs_differing_config(&set);
        cJSON *cols = columns(&q, differing), *rows = cJSON_CreateArray();
        for (size_t i = 0; i < set.n; i++) {
            cJSON *r = row_json(&set.rows[i], cols, q.text);
            if (r)
                cJSON_AddItemToArray(rows, r);
        }
        cJSON_AddItemToObject(out, "columns", cols);
        cJSON_AddItemToObject(out, "differing", differing);
        cJSON_AddItemToObject(out, "runs", rows);
        reply_json(rp, MHD_HTTP_OK, out);
        if (timeless)
            row_cache_memo_keep(rq->dash->rows, key, rp->body.buf);
    }
    free(key);
    runs_release(&set);
    row_cache_done(rq->dash->rows);
    query_release(&q);
}

/* The metric names of every run (read only when the column chooser asks). */
static cJSON *metric_names(const struct run_set *set)
{
    cJSON *seen = cJSON_CreateObject(), *out = cJSON_CreateArray();
    for (size_t i = 0; i < set->n; i++) {
        char err[512];
        cJSON *m = set->rows[i].doc.run ? run_doc_metrics(&set->rows[i].doc, err, sizeof(err)) : NULL;
        for (const cJSON *c = m ? m->child : NULL; c; c = c->next)
            if (!cJSON_HasObjectItem(seen, c->string)) {
                cJSON_AddNullToObject(seen, c->string);
                cJSON_AddItemToArray(out, cJSON_CreateString(c->string));
            }
        cJSON_Delete(m);
    }
    cJSON_Delete(seen);
    return out;
}

void api_keys(const struct request *rq, struct reply *rp)
{
    struct run_set set;
    char err[512];
    if (runs_load(rq->dash->storage, &set, err, sizeof(err)) < 0) {
        reply_error(rp, MHD_HTTP_INTERNAL_SERVER_ERROR, "%s", err);
        return;
    }
    cJSON *out = cJSON_CreateObject();
    cJSON_AddItemToObject(out, "config", runs_config_keys(&set));
    cJSON_AddItemToObject(out, "metrics", metric_names(&set));
    runs_release(&set);
    reply_json(rp, MHD_HTTP_OK, out);
}
