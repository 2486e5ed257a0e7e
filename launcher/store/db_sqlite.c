/* db_sqlite.c: db.h over libsqlite3: one file, WAL mode, a busy timeout so that many
 * processes share it, $N parameters rewritten to SQLite's ?N. libsqlite3 is loaded on
 * first use (a run without a SQLite URL never loads it). Never prints. */
#include "store/db_impl.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "util/dynlib.h"
#include "util/error.h"
#include "util/strbuf.h"

#define SQ_SONAME "libsqlite3.so.0"
#define SQ_FUNCTIONS(X) X(sqlite3_bind_blob) X(sqlite3_bind_null) X(sqlite3_bind_text) \
    X(sqlite3_busy_timeout) X(sqlite3_close) X(sqlite3_column_blob) X(sqlite3_column_bytes) \
    X(sqlite3_column_count) X(sqlite3_column_text) X(sqlite3_column_type) X(sqlite3_errmsg) \
    X(sqlite3_errstr) X(sqlite3_exec) X(sqlite3_finalize) X(sqlite3_free) X(sqlite3_open_v2) \
    X(sqlite3_prepare_v2) X(sqlite3_reset) X(sqlite3_step)

static struct {
    SQ_FUNCTIONS(DYNLIB_SLOT)
} sq;
DYNLIB_DEFINE(sq_lib, SQ_FUNCTIONS, sq, SQ_SONAME, "libsqlite3-0");

struct sqlite_db {
    struct db base;
    sqlite3 *h;
    sqlite3_stmt *load; /* the bulk INSERT between load_begin and load_end */
};

#define SQ(d) ((struct sqlite_db *)(d))
enum { BUSY_WAIT_MS = 60000 };

static struct db *sq_connect(const struct db_url *u, char *err, size_t errlen)
{
    if (dynlib_load(&sq_lib, "SQLite", err, errlen))
        return NULL;
    struct sqlite_db *d = xcalloc(1, sizeof(*d));
    int rc = sq.sqlite3_open_v2(u->target, &d->h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    if (rc == SQLITE_OK)
        sq.sqlite3_busy_timeout(d->h, BUSY_WAIT_MS);
    char *msg = NULL;
    if (rc == SQLITE_OK)
        rc = sq.sqlite3_exec(d->h, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                                "PRAGMA foreign_keys=ON", NULL, NULL, &msg);
    if (rc != SQLITE_OK) {
        error_text(err, errlen, "cannot open SQLite database '%s': %s", u->target,
                   msg ? msg : d->h ? sq.sqlite3_errmsg(d->h) : sq.sqlite3_errstr(rc));
        sq.sqlite3_free(msg);
        sq.sqlite3_close(d->h);
        free(d);
        return NULL;
    }
    return &d->base;
}

static void sq_close(struct db *d)
{
    sq.sqlite3_finalize(SQ(d)->load);
    sq.sqlite3_close(SQ(d)->h);
    free(d);
}

/* $1 -> ?1 outside quoted literals. */
static char *sqlite_sql(const char *sql)
{
    struct strbuf sb = STRBUF_INIT;
    char quote = 0;
    for (const char *p = sql; *p; p++) {
        if (quote && *p == quote)
            quote = 0;
        else if (!quote && (*p == '\'' || *p == '"'))
            quote = *p;
        strbuf_addch(&sb, !quote && *p == '$' && p[1] >= '0' && p[1] <= '9' ? '?' : *p);
    }
    return strbuf_detach(&sb);
}

static int sq_fail(struct db *d)
{
    return db_fail(d, "%s", sq.sqlite3_errmsg(SQ(d)->h));
}

static int bind_all(sqlite3_stmt *st, int n, const struct db_param *params)
{
    int rc = SQLITE_OK;
    for (int i = 0; i < n && rc == SQLITE_OK; i++) {
        const struct db_param *p = &params[i];
        int len = (int)(p->len ? p->len : p->p ? strlen(p->p) : 0);
        if (!p->p)
            rc = sq.sqlite3_bind_null(st, i + 1);
        else if (p->blob)
            rc = sq.sqlite3_bind_blob(st, i + 1, p->p, len, SQLITE_STATIC);
        else
            rc = sq.sqlite3_bind_text(st, i + 1, p->p, len, SQLITE_STATIC);
    }
    return rc;
}

static void take_row(sqlite3_stmt *st, struct db_rows *r)
{
    db_rows_add(r);
    for (int c = 0; c < r->cols; c++) {
        int t = sq.sqlite3_column_type(st, c);
        const char *v = t == SQLITE_BLOB ? sq.sqlite3_column_blob(st, c)
                                         : (const char *)sq.sqlite3_column_text(st, c);
        if (t != SQLITE_NULL)
            db_rows_set(r, c, v ? v : "", (size_t)sq.sqlite3_column_bytes(st, c));
    }
}

static int sq_exec(struct db *d, const char *sql, int n, const struct db_param *params,
                   struct db_rows **rows)
{
    char *text = sqlite_sql(sql);
    sqlite3_stmt *st = NULL;
    int rc = sq.sqlite3_prepare_v2(SQ(d)->h, text, -1, &st, NULL);
    free(text);
    if (rc == SQLITE_OK)
        rc = bind_all(st, n, params);
    struct db_rows *r = rc == SQLITE_OK && rows ? db_rows_new(sq.sqlite3_column_count(st)) : NULL;
    while (rc == SQLITE_OK && (rc = sq.sqlite3_step(st)) == SQLITE_ROW) {
        if (r)
            take_row(st, r);
        rc = SQLITE_OK;
    }
    if (rc != SQLITE_DONE) {
        sq_fail(d);
        sq.sqlite3_finalize(st);
        db_rows_free(r);
        return -1;
    }
    sq.sqlite3_finalize(st);
    if (rows)
        *rows = r;
    return 0;
}

static int sq_load_begin(struct db *d, const char *table, const char *const *cols, int ncols)
{
    struct strbuf sb = STRBUF_INIT;
    db_load_head(&sb, "INSERT INTO", table, cols, ncols);
    strbuf_addstr(&sb, " VALUES (");
    for (int i = 0; i < ncols; i++)
        strbuf_addf(&sb, "%s?%d", i ? ", " : "", i + 1);
    strbuf_addch(&sb, ')');
    int rc = sq.sqlite3_prepare_v2(SQ(d)->h, sb.buf, -1, &SQ(d)->load, NULL);
    strbuf_release(&sb);
    return rc == SQLITE_OK ? 0 : sq_fail(d);
}

static int sq_load_row(struct db *d, const char *const *vals)
{
    sqlite3_stmt *st = SQ(d)->load;
    for (int i = 0; i < d->load_cols; i++)
        vals[i] ? sq.sqlite3_bind_text(st, i + 1, vals[i], -1, SQLITE_STATIC) : sq.sqlite3_bind_null(st, i + 1);
    int rc = sq.sqlite3_step(st);
    sq.sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : sq_fail(d);
}

static int sq_load_end(struct db *d)
{
    sq.sqlite3_finalize(SQ(d)->load);
    SQ(d)->load = NULL;
    return 0;
}

const struct db_ops db_sqlite_ops = {
    sq_connect, sq_close, sq_exec, sq_load_begin, sq_load_row, sq_load_end,
};
