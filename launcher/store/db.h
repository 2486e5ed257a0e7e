/* db.h: one connection to a database that holds runs, SQLite (linked) or PostgreSQL
 * (libpq, loaded on first use): statements with $1..$n parameters, rows back as bytes,
 * transactions, bulk loading. Never prints: a failure returns -1 and db_error() says why. */
#ifndef SR_DB_H
#define SR_DB_H

#include <stddef.h>

enum db_kind { DB_SQLITE, DB_POSTGRES };

struct db_url {
    enum db_kind kind;
    char *target; /* SQLite: the file's path; PostgreSQL: the URL for libpq, password kept */
    char *shown;  /* the URL as recorded: any password removed */
};

/* Parses sqlite:///REL, sqlite:////ABS, postgresql://... or postgres://... (libpq's URI
 * syntax). 0, or -1 with a message in err naming the forms accepted. */
int db_url_parse(const char *text, struct db_url *u, char *err, size_t errlen);
void db_url_release(struct db_url *u);

struct db;
/* Connects (SQLite: opens or creates the file, WAL mode, waits on a locked database).
 * NULL with the reason in err. */
struct db *db_connect(const struct db_url *u, char *err, size_t errlen);
void db_close(struct db *d);
enum db_kind db_kind(const struct db *d);
/* Why the last call failed. */
const char *db_error(const struct db *d);
/* 1 when the connection itself is gone (the next call needs a new connection). */
int db_broken(const struct db *d);

struct db_param {
    const char *p; /* NULL: SQL NULL */
    size_t len;    /* bytes of p; 0 with a text p: strlen(p) */
    int blob;      /* binary data (bytea, BLOB) rather than text */
};
#define DB_TEXT(s) ((struct db_param){ (s), 0, 0 })

struct db_rows;
/* Runs one statement with n parameters (SQL text uses $1..$n). rows (may be NULL)
 * receives what it returned. 0, or -1. */
int db_exec(struct db *d, const char *sql, int n, const struct db_param *params,
            struct db_rows **rows);
/* A statement without parameters or rows. */
int db_run(struct db *d, const char *sql);
size_t db_rows_count(const struct db_rows *r);
/* The value at row i, column c, NUL-terminated (bytea/BLOB decoded); NULL for SQL NULL. */
const char *db_value(const struct db_rows *r, size_t i, int c);
size_t db_length(const struct db_rows *r, size_t i, int c);
long long db_value_ll(const struct db_rows *r, size_t i, int c, long long dflt);
void db_rows_free(struct db_rows *r);

/* Write transactions: SQLite takes the write lock at the start (BEGIN IMMEDIATE). */
int db_begin(struct db *d);
int db_commit(struct db *d);
void db_rollback(struct db *d);
/* 1 between db_begin and its end. */
int db_in_transaction(const struct db *d);

/* Bulk loading of rows into table(cols) (ncols text columns, NULL allowed), inside a
 * transaction: PostgreSQL COPY, SQLite one prepared INSERT. */
int db_load_begin(struct db *d, const char *table, const char *const *cols, int ncols);
int db_load_row(struct db *d, const char *const *vals);
int db_load_end(struct db *d);

#endif
