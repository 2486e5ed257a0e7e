/* check_dashboard.c: the dashboard's pure parts: which URL paths may name a storage file,
 * where a recorded source or resource lives, content types, and the series reduction
 * (at most 2 points per pixel column, every extreme, the first and last point kept). */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dashboard/assets.h"
#include "dashboard/series.h"
#include "dashboard/storefile.h"

START_TEST(test_store_rel_ok)
{
    const char *good[] = { "1/cout.txt", "_sources/a.py", "1/sub/x.png", "1/.hidden", "a..b" };
    const char *bad[] = { "", "/etc/passwd", "../x", "1/../../x", "1/..", "..", ".", "1/./x",
                          "1//x", "1/", "a\\..\\b" };
    for (size_t i = 0; i < sizeof(good) / sizeof(*good); i++)
        ck_assert_msg(store_rel_ok(good[i]), "%s", good[i]);
    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
        ck_assert_msg(!store_rel_ok(bad[i]), "%s", bad[i]);
}
END_TEST

START_TEST(test_store_rel_of_recorded)
{
    char *a = store_rel_of_recorded("_sources/x_0123.py");
    char *b = store_rel_of_recorded("/home/u/logs/_resources/train_c3c6.csv");
    ck_assert_str_eq(a, "_sources/x_0123.py");
    ck_assert_str_eq(b, "_resources/train_c3c6.csv");
    ck_assert_ptr_null(store_rel_of_recorded("/data/train.csv"));
    ck_assert_ptr_null(store_rel_of_recorded("/x/my_sources/a.py"));
    ck_assert_ptr_null(store_rel_of_recorded("_sources/"));
    free(a);
    free(b);
}
END_TEST

START_TEST(test_content_types)
{
    ck_assert_str_eq(content_type("1/plot.PNG"), "image/png");
    ck_assert_str_eq(content_type("1/page.html"), "text/plain; charset=utf-8");
    ck_assert_str_eq(content_type("1/model.bin"), "application/octet-stream");
    ck_assert_str_eq(content_type("1/v.2/noext"), "application/octet-stream");
}
END_TEST

/* A series of n points: step i, a sine, one spike up and one down, some NaN. */
static struct series make_series(size_t n)
{
    struct series s = { (char *)"m", n, malloc(n * sizeof(double)), malloc(n * sizeof(double)),
                        malloc(n * sizeof(double)) };
    for (size_t i = 0; i < n; i++) {
        s.step[i] = (double)i;
        s.time[i] = 1e9 + (double)i / 10;
        s.value[i] = i % 1000 == 7 ? NAN : sin((double)i / 5000);
    }
    s.value[123457] = 1e6;
    s.value[765432] = -1e6;
    return s;
}

static int has(const cJSON *list, double v)
{
    const cJSON *e;
    cJSON_ArrayForEach(e, list) {
        double x = cJSON_IsRaw(e) ? strtod(e->valuestring, NULL) : e->valuedouble;
        if ((cJSON_IsNumber(e) || cJSON_IsRaw(e)) && x == v)
            return 1;
    }
    return 0;
}

START_TEST(test_reduce_keeps_extremes)
{
    struct series s = make_series(1000000);
    cJSON *xs = cJSON_CreateArray(), *ys = cJSON_CreateArray();
    size_t in = series_reduce(&s, 0, -INFINITY, INFINITY, 500, xs, ys);
    ck_assert_uint_eq(in, 1000000);
    ck_assert_int_le(cJSON_GetArraySize(xs), 2 * 500 + 2);
    ck_assert_int_eq(cJSON_GetArraySize(xs), cJSON_GetArraySize(ys));
    ck_assert(has(ys, 1e6) && has(ys, -1e6));
    ck_assert(has(xs, 123457) && has(xs, 765432));
    ck_assert_str_eq(cJSON_GetArrayItem(xs, 0)->valuestring, "0");
    ck_assert_str_eq(cJSON_GetArrayItem(xs, cJSON_GetArraySize(xs) - 1)->valuestring, "999999");
    cJSON_Delete(xs);
    cJSON_Delete(ys);

    xs = cJSON_CreateArray(), ys = cJSON_CreateArray();
    in = series_reduce(&s, 0, 1000, 2000, 1000, xs, ys);
    ck_assert_uint_eq(in, 1001);
    ck_assert_int_eq(cJSON_GetArraySize(xs), 1001); /* a zoomed range fits: every point */
    ck_assert(cJSON_IsNull(cJSON_GetArrayItem(ys, 7))); /* NaN as null */
    cJSON_Delete(xs);
    cJSON_Delete(ys);

    xs = cJSON_CreateArray(), ys = cJSON_CreateArray();
    in = series_reduce(&s, 1, 1e9 + 10, 1e9 + 20, 1000, xs, ys);
    ck_assert_uint_eq(in, 101);
    ck_assert(has(xs, 1e9 + 10));
    cJSON_Delete(xs);
    cJSON_Delete(ys);
    free(s.step);
    free(s.time);
    free(s.value);
}
END_TEST

Suite *dashboard_suite(void);
Suite *dashboard_suite(void)
{
    Suite *s = suite_create("dashboard");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_store_rel_ok);
    tcase_add_test(tc, test_store_rel_of_recorded);
    tcase_add_test(tc, test_content_types);
    tcase_add_test(tc, test_reduce_keeps_extremes);
    suite_add_tcase(s, tc);
    return s;
}
