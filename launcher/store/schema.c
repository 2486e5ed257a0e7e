/* schema.c: the schema (README "The database schema" documents it) in its two dialects.
 * Exact documents are kept as text (doc_text: run.json byte for byte); PostgreSQL adds
 * JSONB copies for queries, SQLite names the text columns the same through generated
 * columns. An older schema is brought up to this version by adding columns; nothing is
 * ever dropped or changed. */
#include "store/schema.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/db.h"
#include "util/error.h"

static const char *const pg_tables[] = {
    "CREATE TABLE IF NOT EXISTS sacred_run_schema (version INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS runs (id BIGINT PRIMARY KEY, experiment TEXT, status TEXT,"
    " start_time TIMESTAMP, heartbeat TIMESTAMP, stop_time TIMESTAMP, host TEXT, result TEXT,"
    " last_line TEXT, doc_text TEXT NOT NULL, config_text TEXT, info_text TEXT,"
    " doc JSONB, config JSONB, info JSONB, file_storage TEXT, file_id TEXT,"
    " updated BIGINT NOT NULL DEFAULT 1, queue_spec TEXT, queue_priority DOUBLE PRECISION)",
    /* No foreign key on run_id (version 3): its check per row was half the cost of a bulk
     * load; a run's points are removed with it explicitly (dbread_remove). */
    "CREATE TABLE IF NOT EXISTS metrics (run_id BIGINT NOT NULL,"
    " name TEXT NOT NULL, seq BIGINT NOT NULL, step BIGINT, timestamp TEXT,"
    " value DOUBLE PRECISION, value_text TEXT NOT NULL, PRIMARY KEY (run_id, name, seq))",
    "CREATE TABLE IF NOT EXISTS cout (run_id BIGINT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
    " off BIGINT NOT NULL, data BYTEA NOT NULL, PRIMARY KEY (run_id, off))",
    "CREATE TABLE IF NOT EXISTS files (md5 TEXT PRIMARY KEY, size BIGINT NOT NULL, chunks INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS file_chunks (md5 TEXT NOT NULL REFERENCES files(md5) ON DELETE CASCADE,"
    " n INTEGER NOT NULL, data BYTEA NOT NULL, PRIMARY KEY (md5, n))",
    "CREATE TABLE IF NOT EXISTS run_files (run_id BIGINT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
    " kind TEXT NOT NULL, name TEXT NOT NULL, path TEXT NOT NULL, md5 TEXT NOT NULL REFERENCES files(md5),"
    " PRIMARY KEY (run_id, kind, name))",
};

static const char *const sqlite_tables[] = {
    "CREATE TABLE IF NOT EXISTS sacred_run_schema (version INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS runs (id INTEGER PRIMARY KEY, experiment TEXT, status TEXT,"
    " start_time TEXT, heartbeat TEXT, stop_time TEXT, host TEXT, result TEXT, last_line TEXT,"
    " doc_text TEXT NOT NULL, config_text TEXT, info_text TEXT,"
    " doc TEXT GENERATED ALWAYS AS (doc_text) VIRTUAL,"
    " config TEXT GENERATED ALWAYS AS (config_text) VIRTUAL,"
    " info TEXT GENERATED ALWAYS AS (info_text) VIRTUAL,"
    " file_storage TEXT, file_id TEXT, updated INTEGER NOT NULL DEFAULT 1,"
    " queue_spec TEXT, queue_priority REAL)",
    "CREATE TABLE IF NOT EXISTS metrics (run_id INTEGER NOT NULL,"
    " name TEXT NOT NULL, seq INTEGER NOT NULL, step INTEGER, timestamp TEXT, value REAL,"
    " value_text TEXT NOT NULL, PRIMARY KEY (run_id, name, seq)) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS cout (run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
    " off INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY (run_id, off))",
    "CREATE TABLE IF NOT EXISTS files (md5 TEXT PRIMARY KEY, size INTEGER NOT NULL, chunks INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS file_chunks (md5 TEXT NOT NULL REFERENCES files(md5) ON DELETE CASCADE,"
    " n INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY (md5, n))",
    "CREATE TABLE IF NOT EXISTS run_files (run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
    " kind TEXT NOT NULL, name TEXT NOT NULL, path TEXT NOT NULL, md5 TEXT NOT NULL REFERENCES files(md5),"
    " PRIMARY KEY (run_id, kind, name))",
};

static const char *const indexes[] = {
    "CREATE INDEX IF NOT EXISTS runs_experiment ON runs (experiment)",
    "CREATE INDEX IF NOT EXISTS runs_status ON runs (status)",
    "CREATE INDEX IF NOT EXISTS runs_start_time ON runs (start_time)",
    "CREATE INDEX IF NOT EXISTS runs_heartbeat ON runs (heartbeat)",
    "CREATE INDEX IF NOT EXISTS run_files_md5 ON run_files (md5)",
};

#define N(a) (sizeof(a) / sizeof(a[0]))

/* The version recorded, 0 when there is no schema, -1 on failure. */
static int version_of(struct db *d)
{
    const char *probe = db_kind(d) == DB_SQLITE
        ? "SELECT count(*) FROM sqlite_master WHERE name = 'sacred_run_schema'"
        : "SELECT count(*) FROM pg_tables WHERE tablename = 'sacred_run_schema'"
          " AND schemaname = current_schema()";
    struct db_rows *r;
    if (db_exec(d, probe, 0, NULL, &r))
        return -1;
    long long there = db_value_ll(r, 0, 0, 0);
    db_rows_free(r);
    if (!there)
        return 0;
    if (db_exec(d, "SELECT max(version) FROM sacred_run_schema", 0, NULL, &r))
        return -1;
    int v = (int)db_value_ll(r, 0, 0, 0);
    db_rows_free(r);
    return v;
}

static int create_all(struct db *d)
{
    int pg = db_kind(d) == DB_POSTGRES;
    const char *const *t = pg ? pg_tables : sqlite_tables;
    size_t nt = pg ? N(pg_tables) : N(sqlite_tables);
    for (size_t i = 0; i < nt; i++)
        if (db_run(d, t[i]))
            return -1;
    for (size_t i = 0; i < N(indexes); i++)
        if (db_run(d, indexes[i]))
            return -1;
    char v[64];
    snprintf(v, sizeof(v), "INSERT INTO sacred_run_schema (version) VALUES (%d)", SCHEMA_VERSION);
    return db_run(d, v);
}

/* Version 1 to 2: the columns of queued runs (-q). A column that is there is kept. */
static int add_queue_columns(struct db *d)
{
    static const char *const cols[][3] = { { "queue_spec", "TEXT", "TEXT" },
                                           { "queue_priority", "DOUBLE PRECISION", "REAL" } };
    int pg = db_kind(d) == DB_POSTGRES;
    for (size_t i = 0; i < N(cols); i++) {
        struct db_param p = DB_TEXT(cols[i][0]);
        struct db_rows *r;
        if (db_exec(d, pg ? "SELECT count(*) FROM information_schema.columns WHERE table_name = 'runs'"
                            " AND table_schema = current_schema() AND column_name = $1"
                          : "SELECT count(*) FROM pragma_table_info('runs') WHERE name = $1", 1, &p, &r))
            return -1;
        long long there = db_value_ll(r, 0, 0, 0);
        db_rows_free(r);
        char *sql = xasprintf("ALTER TABLE runs ADD COLUMN %s %s", cols[i][0], cols[i][pg ? 1 : 2]);
        int rc = there ? 0 : db_run(d, sql);
        free(sql);
        if (rc)
            return -1;
    }
    return 0;
}

/* From version v to this one. 2 to 3 drops metrics' foreign key in PostgreSQL (SQLite
 * cannot drop a constraint; its check there is a cheap lookup, so it stays). */
static int migrate(struct db *d, int v)
{
    if (v < 2 && add_queue_columns(d))
        return -1;
    if (v < 3 && db_kind(d) == DB_POSTGRES &&
        db_run(d, "ALTER TABLE metrics DROP CONSTRAINT IF EXISTS metrics_run_id_fkey"))
        return -1;
    char sql[64];
    snprintf(sql, sizeof(sql), "UPDATE sacred_run_schema SET version = %d", SCHEMA_VERSION);
    return db_run(d, sql);
}

/* Creates the schema or brings an older one up to this version, inside one transaction,
 * so that concurrent first users do it once. */
static int upgrade_once(struct db *d)
{
    if (db_begin(d))
        return -1;
    /* PostgreSQL: concurrent CREATE TABLE IF NOT EXISTS can still collide; serialize. */
    int v = db_kind(d) == DB_POSTGRES && db_run(d, "SELECT pg_advisory_xact_lock(7219630455)") ? -1
                                                                                           : version_of(d);
    if ((v == 0 && create_all(d)) || (v > 0 && v < SCHEMA_VERSION && migrate(d, v)))
        v = -1;
    if (v < 0) {
        db_rollback(d);
        return -1;
    }
    return db_commit(d) ? -1 : 0;
}

/* The version in one statement, when the table is there (-1 when it is not). */
static int version_fast(struct db *d)
{
    struct db_rows *r;
    if (db_exec(d, "SELECT max(version) FROM sacred_run_schema", 0, NULL, &r))
        return -1;
    int v = (int)db_value_ll(r, 0, 0, 0);
    db_rows_free(r);
    return v;
}

int schema_ensure(struct db *d, const char *shown, char *err, size_t errlen)
{
    int v = version_fast(d);
    if (v <= 0)
        v = version_of(d);
    if (v >= 0 && v < SCHEMA_VERSION && !upgrade_once(d))
        v = version_of(d);
    if (v < 0)
        return error_text(err, errlen, "cannot use the database %s: %s", shown, db_error(d));
    if (v > SCHEMA_VERSION)
        return error_text(err, errlen,
                          "the database %s has schema version %d, newer than this sacred-run "
                          "knows (%d); use a newer sacred-run with it", shown, v, SCHEMA_VERSION);
    return 0;
}

struct db *schema_connect(const struct db_url *u, char *err, size_t errlen)
{
    struct db *d = db_connect(u, err, errlen);
    if (d && schema_ensure(d, u->shown, err, errlen)) {
        db_close(d);
        return NULL;
    }
    return d;
}
