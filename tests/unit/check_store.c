/* check_store.c: the metrics store writes Sacred's metrics.json layout from its fragments
 * (across flushes and rebuilds), typed JSON parsing keeps integers, dotted keys nest,
 * artifact names stay inside the run, whole files are read into a buffer and searched by
 * line, and the name index finds every name it was given, by length-bounded key. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "json/json.h"
#include "json/json_parse.h"
#include "record/artifact.h"
#include "record/metrics.h"
#include "report/report_verbs.h"
#include "util/nameindex.h"
#include "util/strbuf.h"

static char *slurp(int dirfd, const char *name)
{
    int fd = openat(dirfd, name, O_RDONLY);
    char *buf = calloc(1, 1 << 16);
    ssize_t n = read(fd, buf, (1 << 16) - 1);
    close(fd);
    buf[n < 0 ? 0 : n] = '\0';
    return buf;
}

START_TEST(test_metrics_json_layout)
{
    char dir[] = "/tmp/sr-store-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    int dfd = open(dir, O_RDONLY | O_DIRECTORY);
    struct metrics ms;
    metrics_init(&ms, dfd);
    const char *t = "2026-11-29T13:31:57.638464";
    metrics_add(&ms, "weird", 5, "NaN", 0, 0, t);
    metrics_add(&ms, "training.loss", 13, "1.0", 0, 0, t);
    ck_assert_int_eq(metrics_write_json(&ms), 0);
    metrics_add(&ms, "weird", 5, "Infinity", 0, 0, t);
    ck_assert_int_eq(metrics_add(&ms, "weird", 5, "7", 0, 0, t), 2);
    ck_assert_int_eq(metrics_add(&ms, "training.loss", 13, "0.5", 1, 10, t), 10);
    ck_assert_int_eq(metrics_add(&ms, "training.loss", 13, "0.25", 0, 0, t), 11);
    ck_assert_int_eq(metrics_write_json(&ms), 0);
    char *got = slurp(dfd, "metrics.json");
    const char *want =
        "{\n  \"training.loss\": {\n    \"steps\": [\n      0,\n      10,\n      11\n    ],\n"
        "    \"timestamps\": [\n      \"2026-11-29T13:31:57.638464\",\n      \"2026-11-29T13:31:57.638464\",\n"
        "      \"2026-11-29T13:31:57.638464\"\n    ],\n    \"values\": [\n      1.0,\n      0.5,\n      0.25\n"
        "    ]\n  },\n  \"weird\": {\n    \"steps\": [\n      0,\n      1,\n      2\n    ],\n"
        "    \"timestamps\": [\n      \"2026-11-29T13:31:57.638464\",\n      \"2026-11-29T13:31:57.638464\",\n"
        "      \"2026-11-29T13:31:57.638464\"\n    ],\n    \"values\": [\n      NaN,\n      Infinity,\n      7\n"
        "    ]\n  }\n}";
    ck_assert_str_eq(got, want);
    ck_assert_str_eq(metrics_last(&ms, "training.loss"), "0.25");
    ck_assert_ptr_null(metrics_last(&ms, "nope"));
    free(got);
    metrics_release(&ms, 1);
    unlinkat(dfd, "metrics.json", 0);
    ck_assert_int_eq(faccessat(dfd, ".metrics", F_OK, 0), -1);
    close(dfd);
    ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

static void expect_json(const char *in, const char *want)
{
    cJSON *v = json_parse_typed(in);
    struct strbuf sb = STRBUF_INIT;
    ck_assert_ptr_nonnull(v);
    json_print(&sb, v);
    ck_assert_str_eq(sb.buf, want);
    strbuf_release(&sb);
    cJSON_Delete(v);
}

START_TEST(test_typed_parse)
{
    expect_json("3", "3");
    expect_json("3.0", "3.0");
    expect_json("1180591620717411303424", "1180591620717411303424");
    expect_json("{\"a\": [1, 2.5, \"3\", {\"b\": -4e2}], \"c\": 10}",
                "{\n  \"a\": [\n    1,\n    2.5,\n    \"3\",\n    {\n      \"b\": -400.0\n    }\n  ],\n  \"c\": 10\n}");
    expect_json("\"x\\\"1\"", "\"x\\\"1\"");
    ck_assert_ptr_null(json_parse_typed("{bad"));
}
END_TEST

START_TEST(test_dotted_keys)
{
    cJSON *o = cJSON_CreateObject();
    ck_assert_int_eq(json_set_dotted(o, "a.b.c", json_int(1)), 0);
    ck_assert_int_eq(json_set_dotted(o, "a.d", json_int(2)), 0);
    ck_assert_int_eq(json_set_dotted(o, "a.b.c.x", json_int(3)), -1); /* c is not an object */
    ck_assert_int_eq(json_set_dotted(o, "a..b", json_int(3)), -1);
    ck_assert_int_eq(json_set_dotted(o, ".a", json_int(3)), -1);
    struct strbuf sb = STRBUF_INIT;
    json_print(&sb, o);
    ck_assert_str_eq(sb.buf, "{\n  \"a\": {\n    \"b\": {\n      \"c\": 1\n    },\n    \"d\": 2\n  }\n}");
    strbuf_release(&sb);
    cJSON_Delete(o);
}
END_TEST

START_TEST(test_artifact_names)
{
    char err[256];
    static const char *const ok[] = { "model.bin", "ckpt/epoch-3.pt", "info.json.bak", "a/run.json" };
    static const char *const bad[] = { "", "/abs", "../up", "a/../b", "./run.json", "run.json",
                                       "cout.txt", "metrics.json", "info.json", "config.json",
                                       ".hidden", "a//b", "a/.metrics/x" };
    for (size_t i = 0; i < sizeof(ok) / sizeof(*ok); i++)
        ck_assert_msg(artifact_name_check(ok[i], err, sizeof(err)) == 0, "%s refused", ok[i]);
    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
        ck_assert_msg(artifact_name_check(bad[i], err, sizeof(err)) < 0, "%s accepted", bad[i]);
}
END_TEST

START_TEST(test_read_file)
{
    char path[] = "/tmp/sr-check-read.XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, "ab\0c", 4), 4);
    close(fd);
    struct strbuf sb = STRBUF_INIT;
    strbuf_addstr(&sb, ">");
    ck_assert_int_eq(strbuf_read_file(&sb, path), 0);
    ck_assert_uint_eq(sb.len, 5);
    ck_assert_mem_eq(sb.buf, ">ab\0c", 6); /* appended, NUL-terminated */
    unlink(path);
    strbuf_reset(&sb);
    errno = 0;
    ck_assert_int_eq(strbuf_read_file(&sb, path), -1);
    ck_assert_int_eq(errno, ENOENT);
    ck_assert_int_eq(strbuf_read_file(&sb, "/tmp"), -1);
    ck_assert_int_eq(errno, EISDIR);
    strbuf_reset(&sb);
    strbuf_addstr(&sb, "xb 1\nb 2\nb 3");
    ck_assert_str_eq(strbuf_line_value(&sb, "b ", 2), "2\nb 3"); /* a line's start only, the first */
    ck_assert_ptr_null(strbuf_line_value(&sb, "c", 1));
    strbuf_release(&sb);
    ck_assert_ptr_null(strbuf_line_value(&sb, "b", 1));
}
END_TEST

START_TEST(test_name_index)
{
    enum { N = 1000 };
    static char names[N][16];
    struct name_index ix = { NULL, 0, 0 };
    ck_assert_int_eq(name_index_get(&ix, "a", 1), -1);
    for (size_t i = 0; i < N; i++) {
        snprintf(names[i], sizeof(names[i]), "m%zu", i);
        name_index_put(&ix, names[i], i);
    }
    for (size_t i = 0; i < N; i++)
        ck_assert_int_eq(name_index_get(&ix, names[i], strlen(names[i])), (long)i);
    ck_assert_int_eq(name_index_get(&ix, "m12=0.5", 3), 12); /* "m12" within a longer text */
    ck_assert_int_eq(name_index_get(&ix, "m1", 1), -1);      /* "m" is no name */
    ck_assert_int_eq(name_index_get(&ix, "m1000", 5), -1);
    ck_assert_uint_ge(ix.nslot, 2 * ix.n);
    name_index_release(&ix);
    ck_assert_int_eq(name_index_get(&ix, "m1", 2), -1);
}
END_TEST

Suite *store_suite(void);
Suite *store_suite(void)
{
    Suite *s = suite_create("store");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_metrics_json_layout);
    tcase_add_test(tc, test_typed_parse);
    tcase_add_test(tc, test_dotted_keys);
    tcase_add_test(tc, test_artifact_names);
    tcase_add_test(tc, test_read_file);
    tcase_add_test(tc, test_name_index);
    suite_add_tcase(s, tc);
    return s;
}
