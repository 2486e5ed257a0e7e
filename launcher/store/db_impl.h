/* db_impl.h: what a database backend provides behind db.h (db_sqlite.c, db_pg.c), and
 * the parts of a connection and of a result that db.c shares. Only store/db*.c include it. */
#ifndef SR_DB_IMPL_H
#define SR_DB_IMPL_H

#include "store/db.h"

struct strbuf;

struct db_ops {
    struct db *(*connect)(const struct db_url *u, char *err, size_t errlen);
    void (*close)(struct db *d);
    int (*exec)(struct db *d, const char *sql, int n, const struct db_param *params,
                struct db_rows **rows);
    int (*load_begin)(struct db *d, const char *table, const char *const *cols, int ncols);
    int (*load_row)(struct db *d, const char *const *vals);
    int (*load_end)(struct db *d);
};

struct db {
    const struct db_ops *ops;
    enum db_kind kind;
    char error[512];
    int broken;
    int in_transaction;      /* between db_begin and db_commit/db_rollback */
    int load_cols;
};

/* A result: every value copied, NUL-terminated. */
struct db_rows {
    size_t n, cap;
    int cols;
    char **val;    /* n * cols, NULL for SQL NULL */
    size_t *len;
};

extern const struct db_ops db_sqlite_ops, db_pg_ops;

/* "VERB table (c1, c2, ...)": the start of a bulk load's statement, in sb. */
void db_load_head(struct strbuf *sb, const char *verb, const char *table, const char *const *cols, int ncols);
/* Sets d's error text; returns -1. */
int db_fail(struct db *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
struct db_rows *db_rows_new(int cols);
/* Appends a row; its values are filled in with db_rows_set. */
void db_rows_add(struct db_rows *r);
void db_rows_set(struct db_rows *r, int c, const char *p, size_t len);

#endif
