/* check_db.c: the database layer on SQLite files: URLs (forms taken and refused, the
 * password never shown), parameters and results, the schema created once and a newer one
 * refused, id claims, and a run directory's pass that applies nothing twice. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/db.h"
#include "store/dbsync.h"
#include "store/schema.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/utf8.h"

static char tmp[64];
static struct db *d;

static void setup(void)
{
    snprintf(tmp, sizeof(tmp), "/tmp/sr-db-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmp));
    char *url = xasprintf("sqlite:///%s/t.db", tmp), err[512];
    struct db_url u;
    ck_assert_int_eq(db_url_parse(url, &u, err, sizeof(err)), 0);
    d = db_connect(&u, err, sizeof(err));
    ck_assert_ptr_nonnull(d);
    ck_assert_int_eq(schema_ensure(d, u.shown, err, sizeof(err)), 0);
    db_url_release(&u);
    free(url);
}

static void teardown(void)
{
    db_close(d);
    char *cmd = xasprintf("rm -rf '%s'", tmp);
    ck_assert_int_eq(system(cmd), 0);
    free(cmd);
}

START_TEST(test_urls)
{
    struct db_url u;
    char err[512];
    ck_assert_int_eq(db_url_parse("sqlite:///rel/x.db", &u, err, sizeof(err)), 0);
    ck_assert_str_eq(u.target, "rel/x.db");
    db_url_release(&u);
    ck_assert_int_eq(db_url_parse("sqlite:////abs/x.db", &u, err, sizeof(err)), 0);
    ck_assert_str_eq(u.target, "/abs/x.db");
    db_url_release(&u);
    ck_assert_int_eq(db_url_parse("postgresql://me:s3cret@db:5432/exp", &u, err, sizeof(err)), 0);
    ck_assert_int_eq(u.kind, DB_POSTGRES);
    ck_assert_str_eq(u.shown, "postgresql://me@db:5432/exp");
    ck_assert_str_eq(u.target, "postgresql://me:s3cret@db:5432/exp");
    db_url_release(&u);
    ck_assert_int_eq(db_url_parse("postgres:///exp?host=/tmp/s", &u, err, sizeof(err)), 0);
    ck_assert_str_eq(u.shown, "postgres:///exp?host=/tmp/s");
    db_url_release(&u);
    const char *bad[] = { "sqlite://", "sqlite:///", "mysql://x", "postgresql://a b", "logs" };
    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
        ck_assert_int_eq(db_url_parse(bad[i], &u, err, sizeof(err)), -1);
        ck_assert_ptr_nonnull(strstr(err, "sqlite:///PATH"));
    }
}
END_TEST

START_TEST(test_params_and_rows)
{
    ck_assert_int_eq(db_run(d, "CREATE TABLE t (a TEXT, b BLOB)"), 0);
    struct db_param p[] = { DB_TEXT("it's $1"), { "x\0y", 3, 1 } };
    ck_assert_int_eq(db_exec(d, "INSERT INTO t VALUES ($1, $2)", 2, p, NULL), 0);
    struct db_rows *r;
    ck_assert_int_eq(db_exec(d, "SELECT a, b, '$1' FROM t WHERE a = $1", 1, p, &r), 0);
    ck_assert_uint_eq(db_rows_count(r), 1);
    ck_assert_str_eq(db_value(r, 0, 0), "it's $1");
    ck_assert_uint_eq(db_length(r, 0, 1), 3);
    ck_assert_int_eq(memcmp(db_value(r, 0, 1), "x\0y", 3), 0);
    ck_assert_str_eq(db_value(r, 0, 2), "$1");
    db_rows_free(r);
    ck_assert_int_eq(db_run(d, "SELECT * FROM nowhere"), -1);
    ck_assert_ptr_nonnull(strstr(db_error(d), "no such table"));
}
END_TEST

START_TEST(test_schema_versions)
{
    char err[512];
    ck_assert_int_eq(schema_ensure(d, "x", err, sizeof(err)), 0); /* again: nothing created twice */
    struct db_rows *r;
    ck_assert_int_eq(db_exec(d, "SELECT count(*) FROM sacred_run_schema", 0, NULL, &r), 0);
    ck_assert_str_eq(db_value(r, 0, 0), "1");
    db_rows_free(r);
    ck_assert_int_eq(db_run(d, "UPDATE sacred_run_schema SET version = 99"), 0);
    ck_assert_int_eq(schema_ensure(d, "sqlite:///t.db", err, sizeof(err)), -1);
    char *want = xasprintf("schema version 99, newer than this sacred-run knows (%d)", SCHEMA_VERSION);
    ck_assert_ptr_nonnull(strstr(err, want));
    free(want);
}
END_TEST

START_TEST(test_claims)
{
    char err[512];
    ck_assert_int_eq(dbsync_claim(d, NULL, err, sizeof(err)), 1);
    ck_assert_int_eq(dbsync_claim(d, "5", err, sizeof(err)), 5);
    ck_assert_int_eq(dbsync_claim(d, "5", err, sizeof(err)), 6); /* taken: one past the largest */
    ck_assert_int_eq(dbsync_claim(d, "x", err, sizeof(err)), 7);
    ck_assert_int_eq(dbsync_claim(d, NULL, err, sizeof(err)), 8);
}
END_TEST

static void put(const char *dir, const char *name, const char *text)
{
    char *path = xasprintf("%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
    free(path);
}

static void expect(const char *sql, const char *want)
{
    struct db_rows *r;
    ck_assert_int_eq(db_exec(d, sql, 0, NULL, &r), 0);
    ck_assert_str_eq(db_value(r, 0, 0) ? db_value(r, 0, 0) : "NULL", want);
    db_rows_free(r);
}

START_TEST(test_pass_twice_applies_once)
{
    char *dir = xasprintf("%s/1", tmp), err[512];
    ck_assert_int_eq(mkdir_p(dir, 0700), 0);
    put(dir, "run.json", "{\n  \"artifacts\": [\"m.txt\"],\n  \"status\": \"COMPLETED\"\n}");
    put(dir, "config.json", "{}");
    put(dir, "cout.txt", "a\nb\npart");
    put(dir, "m.txt", "model");
    put(dir, "metrics.json", "{\n  \"loss\": {\n    \"steps\": [\n      0,\n      1\n    ],\n"
                             "    \"timestamps\": [\n      \"t0\",\n      \"t1\"\n    ],\n"
                             "    \"values\": [\n      0.5,\n      NaN\n    ]\n  }\n}");
    struct dbsync s;
    dbsync_init(&s, dbsync_claim(d, "1", err, sizeof(err)), dir);
    for (int i = 0; i < 2; i++) {
        s.known = 0;
        ck_assert_msg(dbsync_pass(d, &s, 1, err, sizeof(err)) == 0, "%s", err);
    }
    expect("SELECT count(*) || ' ' || sum(value) FROM metrics", "2 0.5");
    expect("SELECT value_text FROM metrics WHERE seq = 1", "NaN");
    expect("SELECT group_concat(data, '') FROM (SELECT data FROM cout ORDER BY off)", "a\nb\npart");
    expect("SELECT last_line || '|' || status FROM runs", "part|COMPLETED");
    expect("SELECT count(*) FROM files", "1");
    expect("SELECT kind || ' ' || name FROM run_files", "artifact m.txt");
    dbsync_release(&s);
    free(dir);
}
END_TEST

START_TEST(test_text_clean)
{
    char *t = utf8_clean("ok \xff\xfe caf\xc3\xa9", 11, "?", 1);
    ck_assert_str_eq(t, "ok ?? caf\xc3\xa9");
    free(t);
}
END_TEST

Suite *db_suite(void);
Suite *db_suite(void)
{
    Suite *s = suite_create("db");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_urls);
    tcase_add_test(tc, test_params_and_rows);
    tcase_add_test(tc, test_schema_versions);
    tcase_add_test(tc, test_claims);
    tcase_add_test(tc, test_pass_twice_applies_once);
    tcase_add_test(tc, test_text_clean);
    suite_add_tcase(s, tc);
    return s;
}
