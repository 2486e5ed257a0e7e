/* check_runs.c: the inspect query model's pieces: time stamps and bounds, conditions,
 * value order, dotted lookups and the config keys that differ. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "inspect/runs.h"
#include "json/json.h"
#include "json/json_parse.h"
#include "util/timefmt.h"

START_TEST(test_time_iso_parse)
{
    double t;
    ck_assert_int_eq(time_iso_parse("2026-11-29T13:31:47.399156", &t), 0);
    ck_assert(fabs(t - 1795959107.399156) < 1e-6);
    ck_assert_int_eq(time_iso_parse("2026-11-29", &t), 0);
    ck_assert(t == 1795910400.0);
    ck_assert_int_eq(time_iso_parse("2026-11-29 13:31", &t), 0);
    ck_assert(t == 1795910400.0 + 13 * 3600 + 31 * 60);
    ck_assert_int_eq(time_iso_parse("2026-13-01", &t), -1);
    ck_assert_int_eq(time_iso_parse("yesterday", &t), -1);
    ck_assert_int_eq(time_iso_parse("2026-11-29T13:31:47Z", &t), -1);
    /* The exact form Sacred writes is read without sscanf; it agrees with the general way. */
    ck_assert_int_eq(time_iso_parse("1970-01-01T00:00:00.000000", &t), 0);
    ck_assert(t == 0);
    ck_assert_int_eq(time_iso_parse("2024-02-29T23:59:59.500000", &t), 0);
    ck_assert(t == 1709251199.5);
    ck_assert_int_eq(time_iso_parse("2000-03-01T00:00:00.000001", &t), 0);
    ck_assert(fabs(t - 951868800.000001) < 1e-6);
    ck_assert_int_eq(time_iso_parse("2026-11-29T13:31:4x.399156", &t), -1);
}
END_TEST

START_TEST(test_time_bounds)
{
    char err[256];
    double t, now = (double)time(NULL);
    ck_assert_int_eq(parse_time_bound("2h", &t, err, sizeof(err)), 0);
    ck_assert(fabs(now - 7200 - t) < 5);
    ck_assert_int_eq(parse_time_bound("1.5d", &t, err, sizeof(err)), 0);
    ck_assert(fabs(now - 1.5 * 86400 - t) < 5);
    ck_assert_int_eq(parse_time_bound("2x", &t, err, sizeof(err)), -1);
    ck_assert(strstr(err, "'2x'"));
}
END_TEST

START_TEST(test_conditions_parse)
{
    struct run_cond c;
    char err[256];
    ck_assert_int_eq(run_cond_parse("min(loss) <= 0.3", &c, err, sizeof(err)), 0);
    ck_assert_str_eq(c.key, "min(loss)");
    ck_assert_int_eq(c.op, COND_LE);
    ck_assert(cJSON_IsNumber(c.value) && c.value->valuedouble == 0.3);
    run_cond_release(&c);
    ck_assert_int_eq(run_cond_parse("optim=='adam'", &c, err, sizeof(err)), 0);
    ck_assert_int_eq(c.op, COND_EQ);
    ck_assert_str_eq(c.value->valuestring, "adam");
    run_cond_release(&c);
    ck_assert_int_eq(run_cond_parse("name ~ ^exp_(a|b)", &c, err, sizeof(err)), 0);
    ck_assert_int_eq(c.op, COND_MATCH);
    ck_assert_str_eq(c.value->valuestring, "^exp_(a|b)");
    run_cond_release(&c);
    ck_assert_int_eq(run_cond_parse("lr", &c, err, sizeof(err)), -1);
    ck_assert_int_eq(run_cond_parse("< 3", &c, err, sizeof(err)), -1);
    ck_assert_int_eq(run_cond_parse("lr >", &c, err, sizeof(err)), -1);
}
END_TEST

START_TEST(test_value_order)
{
    cJSON *three = json_int(3), *pi = cJSON_CreateNumber(3.14), *a = cJSON_CreateString("a");
    cJSON *b = cJSON_CreateString("b"), *t = cJSON_CreateTrue();
    ck_assert_int_lt(run_value_cmp(three, pi), 0);
    ck_assert_int_gt(run_value_cmp(pi, three), 0);
    ck_assert_int_lt(run_value_cmp(pi, a), 0);  /* numbers before texts */
    ck_assert_int_lt(run_value_cmp(a, b), 0);
    ck_assert_int_lt(run_value_cmp(b, t), 0);   /* texts before the rest */
    ck_assert_int_eq(run_value_cmp(three, three), 0);
    cJSON *items[] = { three, pi, a, b, t };
    for (size_t i = 0; i < sizeof(items) / sizeof(*items); i++)
        cJSON_Delete(items[i]);
}
END_TEST

START_TEST(test_dotted_lookup)
{
    cJSON *j = json_parse_typed("{\"training.loss\": 1, \"training\": {\"acc\": 2}, \"a\": {\"b.c\": {\"d\": 3}}}");
    ck_assert_str_eq(json_get_dotted(j, "training.loss")->valuestring, "1");
    ck_assert_str_eq(json_get_dotted(j, "training.acc")->valuestring, "2");
    ck_assert_str_eq(json_get_dotted(j, "a.b.c.d")->valuestring, "3");
    ck_assert_ptr_null(json_get_dotted(j, "training.nope"));
    ck_assert_ptr_null(json_get_dotted(j, "a.b"));
    cJSON_Delete(j);
}
END_TEST

START_TEST(test_differing_config)
{
    struct run_row rows[3];
    memset(rows, 0, sizeof(rows));
    const char *cfg[] = { "{\"lr\": 0.1, \"opt\": {\"name\": \"adam\", \"beta\": 0.9}, \"seed\": 1}",
                          "{\"lr\": 0.1, \"opt\": {\"name\": \"sgd\", \"beta\": 0.9}, \"seed\": 2}",
                          "{\"lr\": 0.1, \"opt\": {\"name\": \"sgd\", \"beta\": 0.9}, \"seed\": 3, \"extra\": 1}" };
    for (int i = 0; i < 3; i++)
        rows[i].doc.config = json_parse_typed(cfg[i]);
    struct run_set set = { rows, 3 };
    cJSON *d = runs_differing_config(&set);
    struct strbuf sb = STRBUF_INIT;
    json_print_compact(&sb, d);
    ck_assert_str_eq(sb.buf, "[\"extra\", \"opt.name\", \"seed\"]");
    strbuf_release(&sb);
    cJSON_Delete(d);
    set.n = 1;
    d = runs_differing_config(&set);
    ck_assert_int_eq(cJSON_GetArraySize(d), 0);
    cJSON_Delete(d);
    for (int i = 0; i < 3; i++)
        cJSON_Delete(rows[i].doc.config);
}
END_TEST

Suite *runs_suite(void);
Suite *runs_suite(void)
{
    Suite *s = suite_create("runs");
    TCase *tc = tcase_create("runs");
    tcase_add_test(tc, test_time_iso_parse);
    tcase_add_test(tc, test_time_bounds);
    tcase_add_test(tc, test_conditions_parse);
    tcase_add_test(tc, test_value_order);
    tcase_add_test(tc, test_dotted_lookup);
    tcase_add_test(tc, test_differing_config);
    suite_add_tcase(s, tc);
    return s;
}
