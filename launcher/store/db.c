/* db.c: the backend-independent part of db.h: URLs, results, transactions, and dispatch
 * to SQLite or PostgreSQL. A password in a URL never leaves this file except to libpq. */
#include "store/db_impl.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"
#include "util/strbuf.h"

/* postgresql://user:secret@host/db -> postgresql://user@host/db */
static char *without_password(const char *url)
{
    const char *auth = strstr(url, "://");
    auth = auth ? auth + 3 : url;
    const char *at = strchr(auth, '@'), *slash = strchr(auth, '/');
    const char *colon = memchr(auth, ':', at ? (size_t)(at - auth) : 0);
    if (!at || (slash && slash < at) || !colon)
        return xstrdup(url);
    return xasprintf("%.*s%s", (int)(colon - url), url, at);
}

static int has_prefix(const char *s, const char *p)
{
    return !strncmp(s, p, strlen(p));
}

int db_url_parse(const char *text, struct db_url *u, char *err, size_t errlen)
{
    memset(u, 0, sizeof(*u));
    if (has_prefix(text, "sqlite:///") && text[10]) {
        u->kind = DB_SQLITE;
        u->target = xstrdup(text + 10);
    } else if ((has_prefix(text, "postgresql://") || has_prefix(text, "postgres://"))
               && !strpbrk(text, " \t\n")) {
        u->kind = DB_POSTGRES;
        u->target = xstrdup(text);
    } else {
        return error_text(err, errlen,
                          "'%s' is no database URL; use sqlite:///PATH, sqlite:////ABS/PATH or "
                          "postgresql://USER@HOST:PORT/DB (or postgresql:///DB?host=/SOCKET/DIR)",
                          text);
    }
    u->shown = without_password(text);
    return 0;
}

void db_url_release(struct db_url *u)
{
    free(u->target);
    free(u->shown);
    memset(u, 0, sizeof(*u));
}

struct db *db_connect(const struct db_url *u, char *err, size_t errlen)
{
    const struct db_ops *ops = u->kind == DB_SQLITE ? &db_sqlite_ops : &db_pg_ops;
    struct db *d = ops->connect(u, err, errlen);
    if (d) {
        d->ops = ops;
        d->kind = u->kind;
    }
    return d;
}

void db_close(struct db *d)
{
    if (d)
        d->ops->close(d);
}

enum db_kind db_kind(const struct db *d) { return d->kind; }
const char *db_error(const struct db *d) { return d->error; }
int db_broken(const struct db *d) { return d->broken; }

int db_fail(struct db *d, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(d->error, sizeof(d->error), fmt, ap);
    va_end(ap);
    size_t n = strlen(d->error); /* libpq ends its messages with a newline */
    while (n && (d->error[n - 1] == '\n' || d->error[n - 1] == ' '))
        d->error[--n] = 0;
    char *w = d->error; /* one line: newlines and tabs become single spaces */
    for (char *p = d->error; *p; p++)
        if (*p != '\n' && *p != '\t')
            *w++ = *p;
        else if (w > d->error && w[-1] != ' ')
            *w++ = ' ';
    *w = 0;
    return -1;
}

int db_exec(struct db *d, const char *sql, int n, const struct db_param *params,
            struct db_rows **rows)
{
    if (rows)
        *rows = NULL;
    return d->ops->exec(d, sql, n, params, rows);
}

int db_run(struct db *d, const char *sql)
{
    return db_exec(d, sql, 0, NULL, NULL);
}

int db_begin(struct db *d)
{
    int rc = db_run(d, d->kind == DB_SQLITE ? "BEGIN IMMEDIATE" : "BEGIN");
    d->in_transaction = rc == 0;
    return rc;
}

int db_commit(struct db *d)
{
    d->in_transaction = 0;
    return db_run(d, "COMMIT");
}

int db_in_transaction(const struct db *d)
{
    return d->in_transaction;
}

void db_rollback(struct db *d)
{
    char keep[sizeof(d->error)];
    memcpy(keep, d->error, sizeof(keep));
    if (!d->broken)
        db_run(d, "ROLLBACK");
    d->in_transaction = 0;
    memcpy(d->error, keep, sizeof(keep));
}

int db_load_begin(struct db *d, const char *table, const char *const *cols, int ncols)
{
    d->load_cols = ncols;
    return d->ops->load_begin(d, table, cols, ncols);
}

int db_load_row(struct db *d, const char *const *vals) { return d->ops->load_row(d, vals); }
int db_load_end(struct db *d) { return d->ops->load_end(d); }

void db_load_head(struct strbuf *sb, const char *verb, const char *table, const char *const *cols, int ncols)
{
    strbuf_addf(sb, "%s %s (", verb, table);
    for (int i = 0; i < ncols; i++)
        strbuf_addf(sb, "%s%s", i ? ", " : "", cols[i]);
    strbuf_addch(sb, ')');
}

struct db_rows *db_rows_new(int cols)
{
    struct db_rows *r = xcalloc(1, sizeof(*r));
    r->cols = cols;
    return r;
}

void db_rows_add(struct db_rows *r)
{
    if (r->n == r->cap) {
        r->cap = r->cap ? 2 * r->cap : 16;
        r->val = xrealloc(r->val, r->cap * (size_t)r->cols * sizeof(*r->val));
        r->len = xrealloc(r->len, r->cap * (size_t)r->cols * sizeof(*r->len));
    }
    size_t at = r->n++ * (size_t)r->cols;
    memset(r->val + at, 0, (size_t)r->cols * sizeof(*r->val));
    memset(r->len + at, 0, (size_t)r->cols * sizeof(*r->len));
}

void db_rows_set(struct db_rows *r, int c, const char *p, size_t len)
{
    size_t at = (r->n - 1) * (size_t)r->cols + (size_t)c;
    if (!p)
        return;
    r->val[at] = xmalloc(len + 1);
    memcpy(r->val[at], p, len);
    r->val[at][len] = 0;
    r->len[at] = len;
}

size_t db_rows_count(const struct db_rows *r) { return r ? r->n : 0; }

const char *db_value(const struct db_rows *r, size_t i, int c)
{
    return r && i < r->n && c < r->cols ? r->val[i * (size_t)r->cols + (size_t)c] : NULL;
}

size_t db_length(const struct db_rows *r, size_t i, int c)
{
    return r && i < r->n && c < r->cols ? r->len[i * (size_t)r->cols + (size_t)c] : 0;
}

long long db_value_ll(const struct db_rows *r, size_t i, int c, long long dflt)
{
    const char *v = db_value(r, i, c);
    return v && *v ? strtoll(v, NULL, 10) : dflt;
}

void db_rows_free(struct db_rows *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n * (size_t)r->cols; i++)
        free(r->val[i]);
    free(r->val);
    free(r->len);
    free(r);
}
