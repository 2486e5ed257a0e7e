/* check_sweep.c: the sweep syntax (values split outside brackets and quotes, each kind of
 * bad input), the grid's order, seeded samples within their bounds, and the sweep record
 * under 16 concurrent point reports (none lost). */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "json/json.h"
#include "record/sweeprec.h"
#include "sweep/spec.h"

static int parse(struct sweep_spec *s, const char *a, const char *b, int random, char *err)
{
    char *words[] = { (char *)a, (char *)b, NULL };
    if (!b)
        words[1] = NULL;
    return spec_parse(s, words, random, err, 512);
}

START_TEST(test_values_split_outside_brackets_and_quotes)
{
    struct sweep_spec s;
    char err[512];
    ck_assert_int_eq(parse(&s, "a=[1,2],[3],{'k': (4, 5)}", "t='x,y',\"z\",w", 0, err), 0);
    ck_assert_int_eq(s.naxes, 2);
    ck_assert_int_eq(s.axes[0].nvalues, 3);
    ck_assert_str_eq(s.axes[0].values[0], "[1,2]");
    ck_assert_str_eq(s.axes[0].values[2], "{'k': (4, 5)}");
    ck_assert_int_eq(s.axes[1].nvalues, 3);
    ck_assert_str_eq(s.axes[1].values[0], "'x,y'");
    spec_release(&s);
    ck_assert_int_eq(parse(&s, "a=[1,2]", "msg=it's", 0, err), 0); /* one value each: fixed */
    ck_assert_int_eq(s.naxes, 0);
    ck_assert_int_eq(s.nfixed, 2);
    spec_release(&s);
}
END_TEST

START_TEST(test_bad_input)
{
    static const struct { const char *word; int random; const char *says; } bad[] = {
        { "a=1,", 0, "empty value" },          { "a=,1", 0, "empty value" },
        { "a=[1,2", 0, "unclosed bracket" },   { "a='x,y", 0, "unclosed quote" },
        { "a=norm(0,1)", 1, "unknown distribution 'norm'" },
        { "a=uniform(1,0)", 1, "swapped" },    { "a=uniform(1,1)", 1, "swapped" },
        { "a=randint(3,2)", 1, "swapped" },    { "a=randint(0.5,2)", 1, "whole number" },
        { "a=uniform(0,x)", 1, "not a number" }, { "a=uniform(0)", 1, "two bounds" },
        { "a=loguniform(0,1)", 1, "above 0" }, { "a=uniform(0,1)", 0, "--random" },
        { "a=choice(1,)", 1, "empty value" },  { "-n", 0, "options go before" },
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
        struct sweep_spec s;
        char err[512] = "";
        ck_assert_msg(parse(&s, bad[i].word, NULL, bad[i].random, err) < 0, "%s accepted", bad[i].word);
        ck_assert_msg(strstr(err, bad[i].says), "%s: '%s'", bad[i].word, err);
        spec_release(&s);
    }
    struct sweep_spec s;
    char err[512];
    ck_assert_int_lt(parse(&s, "a=1,2", "a=3", 0, err), 0);
    ck_assert_ptr_nonnull(strstr(err, "given twice"));
    spec_release(&s);
}
END_TEST

START_TEST(test_grid_order)
{
    struct sweep_spec s;
    char err[512];
    ck_assert_int_eq(parse(&s, "a=1,2,3", "b=x,y", 0, err), 0);
    ck_assert_int_eq(spec_grid_size(&s, 100), 6);
    ck_assert_int_eq(spec_grid_size(&s, 5), 0);
    cJSON *points = spec_points(&s, 0, 0);
    static const char *const want[] = { "a=1 b=x", "a=1 b=y", "a=2 b=x", "a=2 b=y", "a=3 b=x", "a=3 b=y" };
    int i = 0;
    for (const cJSON *p = points->child; p; p = p->next, i++) {
        const cJSON *u = cJSON_GetObjectItemCaseSensitive(p, "updates");
        char got[64];
        snprintf(got, sizeof(got), "%s %s", cJSON_GetArrayItem(u, 0)->valuestring, cJSON_GetArrayItem(u, 1)->valuestring);
        ck_assert_str_eq(got, want[i]);
        ck_assert_int_eq(sweep_int(p, "index"), i);
    }
    ck_assert_int_eq(i, 6);
    cJSON_Delete(points);
    spec_release(&s);
}
END_TEST

static double number_at(const cJSON *p, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(p, "axes"), key);
    return cJSON_IsRaw(v) ? strtod(v->valuestring, NULL) : v->valuedouble;
}

START_TEST(test_samples_seeded_and_bounded)
{
    struct sweep_spec s;
    char err[512];
    char *words[] = { "u=uniform(-1,1)", "l=loguniform(1e-4,1e-1)", "r=randint(2,4)", "c=choice(a,b)", NULL };
    ck_assert_int_eq(spec_parse(&s, words, 1, err, sizeof(err)), 0);
    cJSON *one = spec_points(&s, 2000, 7), *again = spec_points(&s, 2000, 7), *other = spec_points(&s, 2000, 8);
    ck_assert(cJSON_Compare(one, again, 1));
    ck_assert(!cJSON_Compare(one, other, 1));
    int seen[5] = { 0 }, a = 0;
    for (const cJSON *p = one->child; p; p = p->next) {
        double u = number_at(p, "u"), l = number_at(p, "l"), r = number_at(p, "r");
        ck_assert(u >= -1 && u < 1 && l >= 1e-4 && l < 0.1);
        ck_assert(r == floor(r) && r >= 2 && r <= 4);
        seen[(int)r]++;
        a += !strcmp(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(p, "axes"), "c")->valuestring, "a");
    }
    ck_assert(seen[2] > 500 && seen[3] > 500 && seen[4] > 500); /* both bounds are reached */
    ck_assert(a > 800 && a < 1200);
    cJSON_Delete(one);
    cJSON_Delete(again);
    cJSON_Delete(other);
    spec_release(&s);
}
END_TEST

START_TEST(test_concurrent_reports_kept)
{
    enum { N = 16 };
    char dir[] = "/tmp/sr-sweep-XXXXXX", id[32], err[512], cmd[64];
    ck_assert_ptr_nonnull(mkdtemp(dir));
    cJSON *doc = cJSON_CreateObject(), *points = cJSON_AddArrayToObject(doc, "points");
    for (int i = 0; i < N; i++) {
        cJSON *p = cJSON_CreateObject();
        cJSON_AddItemToObject(p, "index", json_int(i));
        cJSON_AddStringToObject(p, "state", "QUEUED");
        cJSON_AddItemToArray(points, p);
    }
    ck_assert_int_eq(sweep_create(dir, doc, id, sizeof(id), err, sizeof(err)), 0);
    ck_assert_str_eq(id, "1");
    for (int i = 0; i < N; i++)
        if (fork() == 0) {
            char run[16];
            snprintf(run, sizeof(run), "%d", 100 + i);
            _exit(sweep_point_report(dir, id, i, run, "COMPLETED", 0, err, sizeof(err)) < 0);
        }
    for (int i = 0, st; i < N; i++) {
        ck_assert_int_gt(wait(&st), 0);
        ck_assert_int_eq(st, 0);
    }
    cJSON *back = sweep_load(dir, id, err, sizeof(err));
    ck_assert_ptr_nonnull(back);
    for (int i = 0; i < N; i++) {
        const cJSON *p = sweep_point(back, i);
        ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(p, "state")->valuestring, "COMPLETED");
        ck_assert_int_eq(atoi(cJSON_GetObjectItemCaseSensitive(p, "run_id")->valuestring), 100 + i);
    }
    ck_assert_ptr_null(sweep_load(dir, "2", err, sizeof(err)));
    ck_assert_ptr_nonnull(strstr(err, "no sweep '2'"));
    cJSON_Delete(back);
    cJSON_Delete(doc);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
}
END_TEST

Suite *sweep_suite(void);
Suite *sweep_suite(void)
{
    Suite *s = suite_create("sweep");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_values_split_outside_brackets_and_quotes);
    tcase_add_test(tc, test_bad_input);
    tcase_add_test(tc, test_grid_order);
    tcase_add_test(tc, test_samples_seeded_and_bounded);
    tcase_add_test(tc, test_concurrent_reports_kept);
    suite_add_tcase(s, tc);
    return s;
}
