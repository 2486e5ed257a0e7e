/* dbsync.c: one pass of a run directory into the database: the run's row (run.json,
 * config.json, info.json and the indexed columns), cout.txt as chunks (complete lines
 * once, the unfinished last line replaced at each pass), then metrics and files
 * (dbpoints.c, dbfiles.c). All of a pass or nothing. Never prints. */
#include "store/dbsync.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "json/json.h"
#include "json/json_parse.h"
#include "record/runedit.h"
#include "record/sacred_files.h"
#include "store/db.h"
#include "store/dbparts.h"
#include "util/error.h"
#include "util/utf8.h"

enum { COUT_CHUNK = 4 << 20 };

void dbsync_init(struct dbsync *s, long long id, const char *dir)
{
    memset(s, 0, sizeof(*s));
    s->id = id;
    s->dir = xstrdup(dir);
    s->max_points_bytes = 4u << 20;
}

void dbsync_release(struct dbsync *s)
{
    free(s->dir);
    free(s->file_storage);
    free(s->file_id);
    strbuf_release(&s->points);
    strbuf_release(&s->inflight);
    memset(s, 0, sizeof(*s));
}

/* dir/name's text, or NULL when it cannot be read. */
static char *read_text(const char *dir, const char *name)
{
    char *path = xasprintf("%s/%s", dir, name);
    struct strbuf sb = STRBUF_INIT;
    int rc = strbuf_read_file(&sb, path);
    free(path);
    if (rc) {
        strbuf_release(&sb);
        return NULL;
    }
    return strbuf_detach(&sb);
}

static const char *str_at(const cJSON *run, const char *path)
{
    const cJSON *v = json_get_dotted(run, path);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* The run.json text to store: the file's own, or with the tags and notes a user edited in
 * the database taken in when it has any (the launcher never writes those). */
static char *doc_with_edits(struct db *d, long long id, const char *text, cJSON *run, int *fail)
{
    char key[24];
    snprintf(key, sizeof(key), "%lld", id);
    struct db_param p = DB_TEXT(key);
    struct db_rows *r;
    *fail = db_exec(d, db_kind(d) == DB_POSTGRES ? "SELECT doc_text FROM runs WHERE id = $1 FOR UPDATE"
                                                 : "SELECT doc_text FROM runs WHERE id = $1",
                    1, &p, &r);
    cJSON *theirs = *fail || !db_rows_count(r) ? NULL : json_parse_typed(db_value(r, 0, 0));
    db_rows_free(r);
    const cJSON *te = cJSON_GetObjectItemCaseSensitive(theirs, RUN_EDITABLE);
    const cJSON *oe = cJSON_GetObjectItemCaseSensitive(run, RUN_EDITABLE);
    char *out = NULL;
    if (te && !cJSON_Compare(te, oe, 1)) { /* else the file's own, if any, is kept */
        run_take_edits(run, theirs);
        struct strbuf sb = STRBUF_INIT;
        json_print(&sb, run);
        out = strbuf_detach(&sb);
    }
    cJSON_Delete(theirs);
    return out ? out : xstrdup(text);
}

/* JSONB refuses \u0000; such a document is kept as text only. */
static const char *jsonb(const char *text)
{
    return text && !strstr(text, "\\u0000") ? text : NULL;
}

/* The status column: never NULL once the run has a row of its own (a NULL status marks
 * a claimed id without one yet, which readers leave out without reading doc_text). */
static const char *status_of(const cJSON *run)
{
    const char *s = str_at(run, "status");
    return s ? s : "UNKNOWN";
}

/* The run's result as compact JSON text, or NULL when it has none. */
static char *result_text(const cJSON *run)
{
    const cJSON *res = cJSON_GetObjectItemCaseSensitive(run, "result");
    if (!res || cJSON_IsNull(res))
        return NULL;
    struct strbuf sb = STRBUF_INIT;
    json_print_compact(&sb, res);
    return strbuf_detach(&sb);
}

/* The upsert of a run's row: PostgreSQL also fills the JSONB columns. */
static char *upsert_sql(int pg)
{
    static const char common[] =
        "INSERT INTO runs (id, experiment, status, start_time, heartbeat, stop_time, host, result,"
        " last_line, doc_text, config_text, info_text, file_storage, file_id%s)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14%s)"
        " ON CONFLICT (id) DO UPDATE SET experiment = excluded.experiment, status = excluded.status,"
        " start_time = excluded.start_time, heartbeat = excluded.heartbeat,"
        " stop_time = excluded.stop_time, host = excluded.host, result = excluded.result,"
        " last_line = coalesce(excluded.last_line, runs.last_line), doc_text = excluded.doc_text,"
        " config_text = excluded.config_text, info_text = excluded.info_text,"
        " file_storage = excluded.file_storage, file_id = excluded.file_id,"
        " updated = runs.updated + 1%s";
    return pg ? xasprintf(common, ", doc, config, info", ", $15::jsonb, $16::jsonb, $17::jsonb",
                          ", doc = excluded.doc, config = excluded.config, info = excluded.info")
              : xasprintf(common, "", "", "");
}

/* The run's row from run.json (doc: its text with the database's edits), config.json and info.json. */
static int write_row(struct db *d, const struct dbsync *s, const cJSON *run, const char *doc,
                     const char *last_line)
{
    char *config = read_text(s->dir, CONFIG_JSON), *info = read_text(s->dir, INFO_JSON);
    char key[24], *result = result_text(run);
    snprintf(key, sizeof(key), "%lld", s->id);
    struct db_param p[] = {
        DB_TEXT(key), DB_TEXT(str_at(run, "experiment.name")), DB_TEXT(status_of(run)),
        DB_TEXT(str_at(run, "start_time")), DB_TEXT(str_at(run, "heartbeat")),
        DB_TEXT(str_at(run, "stop_time")), DB_TEXT(str_at(run, "host.hostname")), DB_TEXT(result),
        DB_TEXT(last_line), DB_TEXT(doc), DB_TEXT(config), DB_TEXT(info), DB_TEXT(s->file_storage),
        DB_TEXT(s->file_storage ? s->file_id : NULL), DB_TEXT(jsonb(doc)), DB_TEXT(jsonb(config)),
        DB_TEXT(jsonb(info)),
    };
    int pg = db_kind(d) == DB_POSTGRES;
    char *sql = upsert_sql(pg);
    int rc = db_exec(d, sql, pg ? 17 : 14, p, NULL);
    free(sql);
    free(result);
    free(config);
    free(info);
    return rc;
}

static int upsert_run(struct db *d, struct dbsync *s, const char *last_line, char *err, size_t errlen)
{
    char *text = read_text(s->dir, RUN_JSON);
    cJSON *run = text ? json_parse_typed(text) : NULL;
    if (!run) {
        free(text);
        return error_text(err, errlen, "%s/%s cannot be read as JSON", s->dir, RUN_JSON);
    }
    int fail;
    char *doc = doc_with_edits(d, s->id, text, run, &fail);
    if (!fail)
        fail = write_row(d, s, run, doc, last_line);
    if (fail)
        error_text(err, errlen, "%s", db_error(d));
    free(doc);
    free(text);
    cJSON_Delete(run);
    return fail ? -1 : 0;
}

/* cout.txt from byte at on: its text (NUL-terminated) and length, or NULL when none. */
static char *cout_from(const char *dir, long long at, size_t *n)
{
    char *path = xasprintf("%s/%s", dir, COUT_TXT);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    free(path);
    struct strbuf sb = STRBUF_INIT;
    char buf[65536];
    ssize_t k;
    while (fd >= 0 && (k = pread(fd, buf, sizeof(buf), (off_t)at + (off_t)sb.len)) > 0)
        strbuf_add(&sb, buf, (size_t)k);
    if (fd >= 0)
        close(fd);
    *n = sb.len;
    return sb.len ? strbuf_detach(&sb) : (strbuf_release(&sb), NULL);
}

/* The last line of text with something in it, as valid UTF-8 (other bytes as '?'). */
static char *last_line_of(const char *text, size_t n)
{
    size_t end = n;
    while (end && (text[end - 1] == '\n' || text[end - 1] == '\r'))
        end--;
    if (!end)
        return NULL;
    size_t start = end;
    while (start && text[start - 1] != '\n')
        start--;
    return utf8_clean(text + start, end - start, "?", 1); /* a TEXT column: no NUL */
}

static int insert_chunk(struct db *d, const char *key, long long off, const char *p, size_t n)
{
    char o[24];
    snprintf(o, sizeof(o), "%lld", off);
    struct db_param v[] = { DB_TEXT(key), DB_TEXT(o), { p, n, 1 } };
    return db_exec(d, "INSERT INTO cout (run_id, off, data) VALUES ($1, $2, $3)", 3, v, NULL);
}

/* Stores text (cout.txt from s->cout_stable on): complete lines in chunks, the rest as
 * one chunk replaced at the next pass. *stable receives the new count of complete bytes. */
static int store_cout(struct db *d, const struct dbsync *s, const char *text, size_t n, long long *stable)
{
    char key[24], from[24];
    snprintf(key, sizeof(key), "%lld", s->id);
    snprintf(from, sizeof(from), "%lld", s->cout_stable);
    struct db_param p[] = { DB_TEXT(key), DB_TEXT(from) };
    if ((!s->known || s->cout_held > s->cout_stable) &&
        db_exec(d, "DELETE FROM cout WHERE run_id = $1 AND off >= $2", 2, p, NULL))
        return -1;
    size_t complete = n;
    while (complete && text[complete - 1] != '\n')
        complete--;
    for (size_t at = 0; at < n;) {
        size_t k = at < complete ? (complete - at < COUT_CHUNK ? complete - at : COUT_CHUNK) : n - at;
        if (insert_chunk(d, key, s->cout_stable + (long long)at, text + at, k))
            return -1;
        at += k;
    }
    *stable = s->cout_stable + (long long)complete;
    return 0;
}

/* *stable and *held receive the cout_stable and cout_held the pass leaves. */
static int pass(struct db *d, struct dbsync *s, int final, long long *stable, long long *held,
                char *err, size_t errlen)
{
    if (!s->known || final)
        s->cout_stable = 0;
    size_t n;
    char *text = cout_from(s->dir, s->cout_stable, &n);
    char *last = text ? last_line_of(text, n) : NULL;
    int rc = upsert_run(d, s, last, err, errlen);
    free(last);
    *stable = s->cout_stable;
    *held = s->cout_held;
    if (!rc && (text || !s->known || final)) {
        *held = s->cout_stable + (long long)n;
        if (store_cout(d, s, text ? text : "", n, stable))
            rc = error_text(err, errlen, "%s", db_error(d));
    }
    free(text);
    if (!rc)
        rc = dbpoints_store(d, s, final, err, errlen);
    if (!rc && final)
        rc = dbfiles_store(d, s->id, s->dir, err, errlen);
    return rc;
}

int dbsync_pass(struct db *d, struct dbsync *s, int final, char *err, size_t errlen)
{
    if (db_begin(d))
        return error_text(err, errlen, "%s", db_error(d));
    long long stable, held;
    int rc = pass(d, s, final, &stable, &held, err, errlen);
    if (!rc && db_commit(d))
        rc = error_text(err, errlen, "%s", db_error(d));
    if (rc) {
        db_rollback(d);
        s->known = 0; /* a commit that failed may have been applied: ask again */
        return -1;
    }
    s->known = 1;
    s->cout_stable = stable;
    s->cout_held = held;
    strbuf_reset(&s->inflight);
    return 0;
}

static void add_field(struct strbuf *b, const char *p, size_t n)
{
    strbuf_add(b, p, n);
    strbuf_addch(b, '\t');
}

static void add_number(struct strbuf *b, long long v)
{
    strbuf_add_ll(b, v);
    strbuf_addch(b, '\t');
}

void dbsync_point(struct dbsync *s, const char *name, long long seq, long long step,
                  const char *stamp, const char *value)
{
    if (s->overflow)
        return;
    struct strbuf *b = &s->points; /* on the launcher's path for every point: no printf */
    add_field(b, name, strlen(name));
    add_number(b, seq);
    add_number(b, step);
    add_field(b, stamp, strlen(stamp));
    strbuf_addstr(b, value);
    strbuf_addch(b, '\n');
    if (s->points.len + s->inflight.len > s->max_points_bytes) {
        s->overflow = 1; /* the rest comes from metrics.json */
        strbuf_release(&s->points);
    }
}

void dbsync_take_points(struct dbsync *s)
{
    if (!s->inflight.len) { /* under the launcher's lock: a swap, not a copy */
        struct strbuf t = s->inflight;
        s->inflight = s->points;
        s->points = t;
    } else if (s->points.len)
        strbuf_add(&s->inflight, s->points.buf, s->points.len);
    strbuf_reset(&s->points);
    if (s->overflow)
        strbuf_release(&s->inflight);
}

/* Inserts a placeholder row for id (NULL: one past the largest): the id, 0 when it was
 * taken meanwhile, -1 on failure. */
static long long try_claim(struct db *d, const char *id)
{
    struct db_param p = DB_TEXT(id);
    struct db_rows *r;
    const char *sql = id ? "INSERT INTO runs (id, doc_text) VALUES ($1, '{}')"
                           " ON CONFLICT (id) DO NOTHING RETURNING id"
                         : "INSERT INTO runs (id, doc_text) SELECT coalesce(max(id), 0) + 1, '{}'"
                           " FROM runs WHERE true ON CONFLICT (id) DO NOTHING RETURNING id";
    /* SQLite: in a write transaction from its start (the caller's, else one of its own):
     * its WAL refuses, without waiting, a statement that read an older snapshot than
     * another writer's commit. PostgreSQL: the statement is atomic alone (two round trips
     * fewer for every run). */
    int own = !db_in_transaction(d) && db_kind(d) == DB_SQLITE;
    if (own && db_begin(d))
        return -1;
    if (db_exec(d, sql, id ? 1 : 0, &p, &r)) {
        if (own)
            db_rollback(d);
        return -1;
    }
    long long got = db_value_ll(r, 0, 0, 0);
    db_rows_free(r);
    return own && db_commit(d) ? -1 : got;
}

long long dbsync_claim(struct db *d, const char *preferred, char *err, size_t errlen)
{
    char *end = NULL;
    long long want = preferred ? strtoll(preferred, &end, 10) : 0;
    long long got = want > 0 && !*end ? try_claim(d, preferred) : 0;
    for (int i = 0; got == 0 && i < 1000; i++) /* 0: another claimed it first */
        got = try_claim(d, NULL);
    if (got <= 0)
        return error_text(err, errlen, "cannot claim a run id: %s",
                          got ? db_error(d) : "too many runs starting at once");
    return got;
}
