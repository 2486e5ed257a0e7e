/* check_metrics_read.c: metrics.json as an index and cursors: series found with their
 * lengths and order of steps, points read back as written, and each kind of damage
 * reported (not JSON, half-written, lists of different lengths, a step that is no number). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "json/json.h"
#include "record/metrics_read.h"

static char dir[64];
static char err[256];

static void setup(void)
{
    strcpy(dir, "/tmp/sr-mread-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown(void)
{
    char path[128];
    snprintf(path, sizeof(path), "%s/metrics.json", dir);
    unlink(path);
    rmdir(dir);
}

static int open_with(struct metrics_file *mf, const char *text)
{
    char path[128];
    snprintf(path, sizeof(path), "%s/metrics.json", dir);
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
    err[0] = '\0';
    return metrics_file_open(mf, dir, 0, err, sizeof(err));
}

START_TEST(test_index_and_points)
{
    struct metrics_file mf;
    ck_assert_int_eq(open_with(&mf, "{\"a.b\": {\"steps\": [0, 2, 1], \"timestamps\": [\"t0\", \"t2\", \"t1\"],"
                                    " \"values\": [1.5, NaN, 7]}, \"z\": {\"values\": [], \"steps\": [],"
                                    " \"timestamps\": [], \"extra\": {\"x\": [1]}}}"), 0);
    ck_assert_uint_eq(mf.n, 2);
    const struct series_info *a = metrics_file_find(&mf, "a.b");
    ck_assert_ptr_nonnull(a);
    ck_assert_uint_eq(a->count, 3);
    ck_assert_int_eq(a->ascending, 0);
    ck_assert_uint_eq(metrics_file_find(&mf, "z")->count, 0);
    ck_assert_int_eq(metrics_file_find(&mf, "z")->ascending, 1);
    ck_assert_ptr_null(metrics_file_find(&mf, "nope"));
    struct series_cursor c;
    struct series_point p;
    series_open(&c, &mf, a, SERIES_ALL);
    ck_assert_int_eq(series_next(&c, &p, err, sizeof(err)), 1);
    ck_assert_int_eq(series_next(&c, &p, err, sizeof(err)), 1);
    ck_assert(p.step.is_int && p.step.i == 2);
    ck_assert(p.n[SERIES_STAMPS] == 4 && !memcmp(p.text[SERIES_STAMPS], "\"t2\"", 4));
    ck_assert(p.n[SERIES_VALUES] == 3 && !memcmp(p.text[SERIES_VALUES], "NaN", 3));
    ck_assert_int_eq(p.kind[SERIES_VALUES], JSON_LITERAL);
    ck_assert_int_eq(series_next(&c, &p, err, sizeof(err)), 1);
    ck_assert_int_eq(series_next(&c, &p, err, sizeof(err)), 0);
    series_close(&c);
    metrics_file_close(&mf);
}
END_TEST

START_TEST(test_summaries)
{
    struct metrics_file mf;
    ck_assert_int_eq(open_with(&mf, "{\"a\": {\"steps\": [0, 1, 2, 3, 4], \"timestamps\": [1, 2, 3, 4, 5],"
                                    " \"values\": [1.5, NaN, 7, \"x\", -Infinity]},"
                                    " \"e\": {\"steps\": [], \"timestamps\": [], \"values\": []}}"), 0);
    metrics_file_close(&mf);
    cJSON *s = metrics_file_summaries(dir, err, sizeof(err));
    struct strbuf text = STRBUF_INIT;
    json_print_compact(&text, s);
    ck_assert_str_eq(text.buf, "{\"a\": {\"count\": 5, \"first\": 1.5, \"last\": -Infinity, \"min\": -Infinity,"
                               " \"max\": 7}, \"e\": {\"count\": 0, \"first\": null, \"last\": null, \"min\": null,"
                               " \"max\": null}}");
    strbuf_release(&text);
    cJSON_Delete(s);
    ck_assert_int_eq(open_with(&mf, "{\"a\": "), -1);
    ck_assert_ptr_null(metrics_file_summaries(dir, err, sizeof(err)));
    ck_assert_ptr_nonnull(strstr(err, "not valid JSON"));
}
END_TEST

START_TEST(test_absent_file)
{
    struct metrics_file mf;
    ck_assert_int_eq(metrics_file_open(&mf, dir, 0, err, sizeof(err)), 0);
    ck_assert_uint_eq(mf.n, 0);
    metrics_file_close(&mf);
}
END_TEST

START_TEST(test_steps_compare_by_value)
{
    struct series_step i3 = { 1, 3, 3.0 }, f3 = { 0, 0, 3.0 }, f25 = { 0, 0, 2.5 };
    ck_assert_int_eq(series_step_cmp(&i3, &f3), 0);
    ck_assert_int_gt(series_step_cmp(&i3, &f25), 0);
    ck_assert_int_lt(series_step_cmp(&f25, &i3), 0);
}
END_TEST

START_TEST(test_damage)
{
    static const struct { const char *text, *says; } cases[] = {
        { "", "not valid JSON at byte 0" },
        { "{\"a\": {\"steps\": [0, 1], \"timestamps\": [\"x\", \"y\"], \"values\": [1,", "not valid JSON" },
        { "[]", "not valid JSON" },
        { "{\"a\": {\"steps\": [0, 1], \"timestamps\": [\"x\"], \"values\": [1, 2]}}", "differ in length" },
        { "{\"a\": {\"steps\": [0], \"values\": [1]}}", "a list is missing" },
        { "{\"a\": {\"steps\": [\"0\"], \"timestamps\": [\"x\"], \"values\": [1]}}", "step 1 is not a number" },
        { "{\"a\": {\"steps\": [0], \"timestamps\": [\"x\"], \"values\": [[1]]}}", "holds a list" },
        { "{\"a\": 3}", "metric 'a' is not an object" },
        { "{} {}", "text after the end" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        struct metrics_file mf;
        ck_assert_msg(open_with(&mf, cases[i].text) == -1, "accepted %s", cases[i].text);
        ck_assert_msg(strstr(err, cases[i].says), "%s: said %s", cases[i].text, err);
        ck_assert_int_eq(mf.fd, -1);
    }
}
END_TEST

Suite *metrics_read_suite(void);
Suite *metrics_read_suite(void)
{
    Suite *s = suite_create("metrics_read");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_index_and_points);
    tcase_add_test(tc, test_summaries);
    tcase_add_test(tc, test_absent_file);
    tcase_add_test(tc, test_steps_compare_by_value);
    tcase_add_test(tc, test_damage);
    suite_add_tcase(s, tc);
    return s;
}
