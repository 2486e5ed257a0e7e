/* queue.c: the rows of queued runs (queue.h). A claim is one transaction that PostgreSQL
 * serialises per row (FOR UPDATE SKIP LOCKED: claimers pass each other's rows by) and
 * SQLite per database (BEGIN IMMEDIATE). A row is only changed where its version is the one
 * read, so a launcher's write is never overwritten. Never prints. */
#include "store/queue.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "json/json.h"
#include "json/json_parse.h"
#include "record/hostinfo.h"
#include "record/runedit.h"
#include "store/dbsync.h"
#include "store/schema.h"
#include "util/error.h"
#include "util/strbuf.h"
#include "util/timefmt.h"

struct db *queue_connect(const char *url, struct db_url *u, char *err, size_t errlen)
{
    if (db_url_parse(url, u, err, errlen))
        return NULL;
    return schema_connect(u, err, errlen);
}

static const char *str_at(const cJSON *doc, const char *path)
{
    return cJSON_GetStringValue(json_get_dotted(doc, path));
}

static char *printed(const cJSON *v)
{
    if (!v)
        return NULL;
    struct strbuf sb = STRBUF_INIT;
    json_print(&sb, v);
    return strbuf_detach(&sb);
}

/* JSONB refuses \u0000; such a document is kept as text only. */
static const char *jsonb(const char *text)
{
    return text && !strstr(text, "\\u0000") ? text : NULL;
}

/* What put_row writes: config and spec NULL keep theirs; info NULL clears it. */
struct row_put {
    long long id;
    const cJSON *doc, *config, *info, *spec;
    const char *priority; /* NULL: kept */
    long long expect;     /* the version the row must have, -1: any */
    long long *updated;   /* receives the new version (may be NULL) */
};

/* Writes a row no launcher records: the document and its indexed columns; what a run
 * recorded beside them (result, last line, file storage) cleared. 1, 0 when the row is not
 * at the version expected, -1. */
static int put_row(struct db *d, const struct row_put *w)
{
    char key[24], expect[24], *doc = printed(w->doc), *config = printed(w->config);
    char *info = printed(w->info), *spec = printed(w->spec);
    snprintf(key, sizeof(key), "%lld", w->id);
    snprintf(expect, sizeof(expect), "%lld", w->expect);
    struct db_param p[] = {
        DB_TEXT(key), DB_TEXT(str_at(w->doc, "experiment.name")), DB_TEXT(str_at(w->doc, "status")),
        DB_TEXT(str_at(w->doc, "start_time")), DB_TEXT(str_at(w->doc, "heartbeat")),
        DB_TEXT(str_at(w->doc, "stop_time")), DB_TEXT(str_at(w->doc, "host.hostname")), DB_TEXT(doc),
        DB_TEXT(config), DB_TEXT(info), DB_TEXT(spec), DB_TEXT(w->priority),
        DB_TEXT(w->expect < 0 ? NULL : expect), DB_TEXT(jsonb(doc)), DB_TEXT(jsonb(config)), DB_TEXT(jsonb(info)),
    };
    static const char common[] =
        "UPDATE runs SET experiment = $2, status = $3, start_time = $4, heartbeat = $5, stop_time = $6,"
        " host = $7, doc_text = $8, config_text = coalesce($9, config_text), info_text = $10,"
        " queue_spec = coalesce($11, queue_spec), queue_priority = coalesce($12, queue_priority),"
        " result = NULL, last_line = NULL, file_storage = NULL, file_id = NULL, updated = updated + 1%s"
        " WHERE id = $1 AND updated = coalesce($13, updated) RETURNING updated";
    int pg = db_kind(d) == DB_POSTGRES;
    char *sql = xasprintf(common, pg ? ", doc = $14::jsonb, config = coalesce($15::jsonb, config),"
                                       " info = $16::jsonb" : "");
    struct db_rows *r = NULL;
    int rc = db_exec(d, sql, pg ? 16 : 13, p, &r) ? -1 : db_rows_count(r) ? 1 : 0;
    if (rc > 0 && w->updated)
        *w->updated = db_value_ll(r, 0, 0, 0);
    db_rows_free(r);
    free(sql);
    free(doc);
    free(config);
    free(info);
    free(spec);
    return rc;
}

/* Commits after body returned 0 or 1; rolls back on -1 (err set from the database when
 * body left it empty). Returns body's answer, or -1. */
static int finish_tx(struct db *d, int rc, char *err, size_t errlen)
{
    if (rc >= 0 && db_commit(d))
        rc = -1;
    if (rc < 0) {
        if (!*err)
            error_text(err, errlen, "%s", db_error(d));
        db_rollback(d);
    }
    return rc;
}

long long queue_insert(struct db *d, const char *preferred, const cJSON *doc, const cJSON *config,
                       const cJSON *spec, const double *priority, char *err, size_t errlen)
{
    char prio[64];
    *err = '\0';
    if (priority)
        snprintf(prio, sizeof(prio), "%.17g", *priority);
    if (db_begin(d))
        return error_text(err, errlen, "%s", db_error(d));
    long long id = dbsync_claim(d, preferred, err, errlen);
    struct row_put w = { id, doc, config, NULL, spec, priority ? prio : NULL, -1, NULL };
    int rc = id > 0 ? put_row(d, &w) : -1;
    if (rc == 0)
        rc = error_text(err, errlen, "run %lld was removed while it was queued", id);
    return finish_tx(d, rc, err, errlen) < 0 ? -1 : id;
}

/* The claim's changes to the queued document: the worker's start of it. */
static void claimed_doc(cJSON *doc, const cJSON *spec)
{
    char now[TIME_ISO_LEN], host[256];
    time_iso_now(now);
    if (gethostname(host, sizeof(host)) < 0)
        host[0] = '\0';
    host[sizeof(host) - 1] = '\0';
    cJSON *queue = cJSON_CreateObject(), *worker = cJSON_CreateObject();
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(spec, QSPEC_TIME);
    cJSON_AddItemToObject(queue, "queue_time", t ? cJSON_Duplicate(t, 1) : cJSON_CreateNull());
    cJSON_AddStringToObject(worker, "host", host);
    cJSON_AddItemToObject(worker, "pid", json_int(getpid()));
    cJSON_AddItemToObject(queue, "worker", worker);
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(spec, QSPEC_ATTEMPT);
    cJSON_AddItemToObject(queue, "attempt", a ? cJSON_Duplicate(a, 1) : json_int(1));
    if (!cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(doc, "meta")))
        json_set(doc, "meta", cJSON_CreateObject());
    json_set(cJSON_GetObjectItemCaseSensitive(doc, "meta"), "queue", queue);
    json_set(doc, "status", cJSON_CreateString("RUNNING"));
    json_set(doc, "start_time", cJSON_CreateString(now));
    json_set(doc, "heartbeat", cJSON_CreateString(now));
    json_set(doc, "launcher", process_identity());
    cJSON *h = cJSON_GetObjectItemCaseSensitive(doc, "host");
    if (cJSON_IsObject(h))
        json_set(h, "hostname", cJSON_CreateString(host));
}

/* The claim inside its transaction: 1, 0 (none queued), -1. */
static int claim_next(struct db *d, struct queue_row *row, char *err, size_t errlen)
{
    struct db_rows *r;
    if (db_exec(d, db_kind(d) == DB_POSTGRES
                       ? "SELECT id, doc_text, queue_spec, updated FROM runs WHERE status = 'QUEUED'"
                         " AND queue_spec IS NOT NULL ORDER BY coalesce(queue_priority, 0) DESC, id"
                         " LIMIT 1 FOR UPDATE SKIP LOCKED"
                       : "SELECT id, doc_text, queue_spec, updated FROM runs WHERE status = 'QUEUED'"
                         " AND queue_spec IS NOT NULL ORDER BY coalesce(queue_priority, 0) DESC, id LIMIT 1",
                0, NULL, &r))
        return -1;
    int found = db_rows_count(r) > 0;
    if (found) {
        row->id = db_value_ll(r, 0, 0, 0);
        row->doc = json_parse_typed(db_value(r, 0, 1));
        row->spec = json_parse_typed(db_value(r, 0, 2));
        row->updated = db_value_ll(r, 0, 3, 0);
    }
    db_rows_free(r);
    if (!found)
        return 0;
    if (!cJSON_IsObject(row->doc) || !cJSON_IsObject(row->spec))
        return error_text(err, errlen, "queued run %lld: its document or start spec is not JSON", row->id);
    claimed_doc(row->doc, row->spec);
    struct row_put w = { row->id, row->doc, NULL, NULL, NULL, NULL, row->updated, &row->updated };
    return put_row(d, &w) > 0 ? 1 : -1;
}

int queue_claim(struct db *d, struct queue_row *row, char *err, size_t errlen)
{
    memset(row, 0, sizeof(*row));
    *err = '\0';
    if (db_begin(d))
        return error_text(err, errlen, "%s", db_error(d));
    int rc = finish_tx(d, claim_next(d, row, err, errlen), err, errlen);
    if (rc != 1)
        queue_row_release(row);
    return rc;
}

int queue_fail(struct db *d, const struct queue_row *row, const cJSON *trace, const cJSON *info,
               char *err, size_t errlen)
{
    char now[TIME_ISO_LEN];
    time_iso_now(now);
    cJSON *doc = cJSON_Duplicate(row->doc, 1);
    json_set(doc, "status", cJSON_CreateString("FAILED"));
    json_set(doc, "stop_time", cJSON_CreateString(now));
    json_set(doc, "fail_trace", cJSON_Duplicate(trace, 1));
    struct row_put w = { row->id, doc, NULL, info, NULL, NULL, row->updated, NULL };
    *err = '\0';
    int rc = put_row(d, &w);
    cJSON_Delete(doc);
    return rc < 0 ? error_text(err, errlen, "%s", db_error(d)) : rc;
}

/* Whether the run in doc (status RUNNING) may be requeued at now: 0, or 1 with the reason. */
static int refuse_running(const char *id, const cJSON *doc, double now, char *err, size_t errlen)
{
    double limit, late = run_beat_lateness(doc, now, &limit);
    if (late > 0)
        return 0;
    if (isnan(late) && run_launcher_alive(doc) == 0)
        return 0;
    if (isnan(late)) {
        error_text(err, errlen, "run %s records no heartbeats (-b 0), so whether it still runs cannot "
                   "be told; it can be requeued only from its worker's host once its launcher is gone", id);
        return 1;
    }
    error_text(err, errlen, "run %s had a heartbeat %.0f s ago: it may still run; requeue it once it "
               "is PROBABLY_DEAD (no heartbeat for %.0f s)", id, limit + late, limit);
    return 1;
}

/* Whether the row (status, doc, spec) may be requeued: 0, or 1 with the reason. */
static int refuse(const char *id, const char *status, const cJSON *doc, const cJSON *spec, double now,
                  char *err, size_t errlen)
{
    if (!doc)
        error_text(err, errlen, "no run %s in the database", id);
    else if (!spec)
        error_text(err, errlen, "run %s was not queued (-q), so it has no start spec; run it again "
                   "with sacred-run", id);
    else if (!status || strcmp(status, "RUNNING"))
        error_text(err, errlen, "run %s is %s; only a queued run that was RUNNING when its worker "
                   "stopped (PROBABLY_DEAD, DIED) can be requeued", id, status ? status : "not started");
    else
        return refuse_running(id, doc, now, err, errlen);
    return 1;
}

/* The queued document and spec back (with next, counted as another attempt) where the row
 * is at version expect (-1: any); what a launcher recorded of the run removed. 1, 0 when
 * the row changed meanwhile, -1. */
static int put_back(struct db *d, long long id, const cJSON *doc, cJSON *spec, long long expect, int next)
{
    static const char *const sql[] = { "DELETE FROM metrics WHERE run_id = $1",
                                       "DELETE FROM cout WHERE run_id = $1",
                                       "DELETE FROM run_files WHERE run_id = $1" };
    cJSON *queued = cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(spec, QSPEC_DOC), 1);
    run_take_edits(queued, doc);
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(spec, QSPEC_ATTEMPT);
    long long attempt = a && a->valuestring ? strtoll(a->valuestring, NULL, 10) : 1;
    json_set(spec, QSPEC_ATTEMPT, json_int(attempt + (next ? 1 : 0)));
    struct row_put w = { id, queued, cJSON_GetObjectItemCaseSensitive(spec, QSPEC_CONFIG), NULL, spec,
                         NULL, expect, NULL };
    int rc = put_row(d, &w);
    char key[24];
    snprintf(key, sizeof(key), "%lld", id);
    for (size_t i = 0; rc > 0 && i < sizeof(sql) / sizeof(*sql); i++) {
        struct db_param p = DB_TEXT(key);
        rc = db_exec(d, sql[i], 1, &p, NULL) ? -1 : 1;
    }
    cJSON_Delete(queued);
    return rc;
}

int queue_unclaim(struct db *d, struct queue_row *row, char *err, size_t errlen)
{
    *err = '\0';
    if (db_begin(d))
        return error_text(err, errlen, "%s", db_error(d));
    return finish_tx(d, put_back(d, row->id, row->doc, row->spec, row->updated, 0), err, errlen);
}

static int requeue_locked(struct db *d, const char *id, double now, char *err, size_t errlen)
{
    struct db_param p = DB_TEXT(id);
    struct db_rows *r;
    if (db_exec(d, db_kind(d) == DB_POSTGRES ? "SELECT status, doc_text, queue_spec FROM runs WHERE id = $1 FOR UPDATE"
                                             : "SELECT status, doc_text, queue_spec FROM runs WHERE id = $1",
                1, &p, &r))
        return -1;
    int there = db_rows_count(r) && strcmp(db_value(r, 0, 1), "{}");
    char *status = there && db_value(r, 0, 0) ? xstrdup(db_value(r, 0, 0)) : NULL;
    cJSON *doc = there ? json_parse_typed(db_value(r, 0, 1)) : NULL;
    cJSON *spec = there && db_value(r, 0, 2) ? json_parse_typed(db_value(r, 0, 2)) : NULL;
    db_rows_free(r);
    int rc = refuse(id, status, doc, spec, now, err, errlen);
    if (!rc)
        rc = put_back(d, strtoll(id, NULL, 10), doc, spec, -1, 1) > 0 ? 0 : -1;
    free(status);
    cJSON_Delete(doc);
    cJSON_Delete(spec);
    return rc;
}

int queue_requeue(struct db *d, const char *id, double now, char *err, size_t errlen)
{
    *err = '\0';
    if (db_begin(d))
        return error_text(err, errlen, "%s", db_error(d));
    int rc = requeue_locked(d, id, now, err, errlen);
    if (rc == 1) { /* refused: nothing to keep */
        db_rollback(d);
        return 1;
    }
    return finish_tx(d, rc, err, errlen);
}

void queue_row_release(struct queue_row *row)
{
    cJSON_Delete(row->doc);
    cJSON_Delete(row->spec);
    memset(row, 0, sizeof(*row));
}
