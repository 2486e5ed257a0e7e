/* db_pg.c: db.h over libpq, loaded by its soname on first use (a run without a
 * PostgreSQL URL never loads it and the two dozen libraries it needs). Notices are
 * dropped, never printed; COPY carries bulk rows. Never prints. */
#include "store/db_impl.h"

#include <libpq-fe.h>
#include <stdlib.h>
#include <string.h>

#include "util/dynlib.h"
#include "util/error.h"
#include "util/strbuf.h"

#define PQ_SONAME "libpq.so.5"
enum { BYTEA_OID = 17 };

#define PQ_FUNCTIONS(X) X(PQconnectdb) X(PQstatus) X(PQerrorMessage) X(PQfinish) \
    X(PQexecParams) X(PQresultStatus) X(PQresultErrorMessage) X(PQntuples) X(PQnfields) \
    X(PQgetvalue) X(PQgetlength) X(PQgetisnull) X(PQftype) X(PQclear) X(PQputCopyData) \
    X(PQputCopyEnd) X(PQgetResult) X(PQsetNoticeProcessor) X(PQunescapeBytea) X(PQfreemem)

static struct {
    PQ_FUNCTIONS(DYNLIB_SLOT)
} pq;
DYNLIB_DEFINE(pq_lib, PQ_FUNCTIONS, pq, PQ_SONAME, "libpq5");

struct pg_db {
    struct db base;
    PGconn *c;
    struct strbuf copy; /* rows of the COPY in progress, sent in large pieces */
};

#define PG(d) ((struct pg_db *)(d))

static void quiet(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

static struct db *pg_connect(const struct db_url *u, char *err, size_t errlen)
{
    if (dynlib_load(&pq_lib, "PostgreSQL", err, errlen))
        return NULL;
    PGconn *c = pq.PQconnectdb(u->target);
    if (!c || pq.PQstatus(c) != CONNECTION_OK) {
        struct db tmp = { 0 };
        db_fail(&tmp, "%s", c ? pq.PQerrorMessage(c) : "out of memory");
        error_text(err, errlen, "cannot connect to %s: %s", u->shown, tmp.error);
        pq.PQfinish(c);
        return NULL;
    }
    pq.PQsetNoticeProcessor(c, quiet, NULL);
    struct pg_db *d = xcalloc(1, sizeof(*d));
    d->c = c;
    return &d->base;
}

static void pg_close(struct db *d)
{
    pq.PQfinish(PG(d)->c);
    strbuf_release(&PG(d)->copy);
    free(d);
}

static int pg_fail(struct db *d, const PGresult *res)
{
    d->broken = pq.PQstatus(PG(d)->c) != CONNECTION_OK;
    return db_fail(d, "%s", res ? pq.PQresultErrorMessage(res) : pq.PQerrorMessage(PG(d)->c));
}

static void take_value(const PGresult *res, struct db_rows *r, int i, int c)
{
    if (pq.PQgetisnull(res, i, c))
        return;
    const char *v = pq.PQgetvalue(res, i, c);
    if (pq.PQftype(res, c) != BYTEA_OID) {
        db_rows_set(r, c, v, (size_t)pq.PQgetlength(res, i, c));
        return;
    }
    size_t n = 0;
    unsigned char *raw = pq.PQunescapeBytea((const unsigned char *)v, &n);
    db_rows_set(r, c, (const char *)raw, n);
    pq.PQfreemem(raw);
}

static struct db_rows *take_rows(const PGresult *res)
{
    struct db_rows *r = db_rows_new(pq.PQnfields(res));
    for (int i = 0; i < pq.PQntuples(res); i++) {
        db_rows_add(r);
        for (int c = 0; c < r->cols; c++)
            take_value(res, r, i, c);
    }
    return r;
}

static int pg_exec(struct db *d, const char *sql, int n, const struct db_param *params,
                   struct db_rows **rows)
{
    const char *vals[n > 0 ? n : 1];
    int lens[n > 0 ? n : 1], fmts[n > 0 ? n : 1];
    for (int i = 0; i < n; i++) {
        vals[i] = params[i].p;
        lens[i] = (int)(params[i].len ? params[i].len : params[i].p ? strlen(params[i].p) : 0);
        fmts[i] = params[i].blob;
    }
    PGresult *res = pq.PQexecParams(PG(d)->c, sql, n, NULL, vals, lens, fmts, 0);
    ExecStatusType st = res ? pq.PQresultStatus(res) : PGRES_FATAL_ERROR;
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
        pg_fail(d, res);
        pq.PQclear(res);
        return -1;
    }
    if (rows)
        *rows = take_rows(res);
    pq.PQclear(res);
    return 0;
}

static int pg_load_begin(struct db *d, const char *table, const char *const *cols, int ncols)
{
    struct strbuf sb = STRBUF_INIT;
    db_load_head(&sb, "COPY", table, cols, ncols);
    strbuf_addstr(&sb, " FROM STDIN");
    PGresult *res = pq.PQexecParams(PG(d)->c, sb.buf, 0, NULL, NULL, NULL, NULL, 0);
    strbuf_release(&sb);
    int ok = res && pq.PQresultStatus(res) == PGRES_COPY_IN;
    if (!ok)
        pg_fail(d, res);
    pq.PQclear(res);
    strbuf_reset(&PG(d)->copy);
    return ok ? 0 : -1;
}

/* COPY's text format: backslash, newline, carriage return and tab escaped; the runs
 * between them go in whole. */
static void copy_escaped(struct strbuf *sb, const char *v)
{
    for (;;) {
        size_t n = strcspn(v, "\\\n\r\t");
        strbuf_add(sb, v, n);
        v += n;
        if (!*v)
            return;
        strbuf_addstr(sb, *v == '\\' ? "\\\\" : *v == '\n' ? "\\n" : *v == '\r' ? "\\r" : "\\t");
        v++;
    }
}

static int copy_send(struct db *d)
{
    struct strbuf *sb = &PG(d)->copy;
    int rc = sb->len ? pq.PQputCopyData(PG(d)->c, sb->buf, (int)sb->len) : 1;
    strbuf_reset(sb);
    return rc == 1 ? 0 : pg_fail(d, NULL);
}

static int pg_load_row(struct db *d, const char *const *vals)
{
    struct strbuf *sb = &PG(d)->copy;
    for (int i = 0; i < d->load_cols; i++) {
        if (i)
            strbuf_addch(sb, '\t');
        if (vals[i])
            copy_escaped(sb, vals[i]);
        else
            strbuf_addstr(sb, "\\N");
    }
    strbuf_addch(sb, '\n');
    return sb->len >= 1 << 20 ? copy_send(d) : 0;
}

static int pg_load_end(struct db *d)
{
    int rc = copy_send(d);
    if (pq.PQputCopyEnd(PG(d)->c, NULL) != 1)
        rc = pg_fail(d, NULL);
    PGresult *res;
    while ((res = pq.PQgetResult(PG(d)->c))) {
        if (pq.PQresultStatus(res) != PGRES_COMMAND_OK && !rc)
            rc = pg_fail(d, res);
        pq.PQclear(res);
    }
    return rc;
}

const struct db_ops db_pg_ops = {
    pg_connect, pg_close, pg_exec, pg_load_begin, pg_load_row, pg_load_end,
};
