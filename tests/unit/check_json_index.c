/* check_json_index.c: the key index over cJSON objects finds what cJSON would, keeps the
 * order and place of replaced keys, stays true when covered objects are replaced, and
 * compares as cJSON_Compare does. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json/json.h"
#include "json/json_index.h"
#include "json/json_parse.h"

static char *compact(const cJSON *v)
{
    struct strbuf sb = STRBUF_INIT;
    json_print_compact(&sb, v);
    return strbuf_detach(&sb);
}

START_TEST(test_many_keys)
{
    struct json_index ix = JSON_INDEX_INIT;
    cJSON *o = cJSON_CreateObject();
    char key[32];
    for (int i = 0; i < 5000; i++) {
        snprintf(key, sizeof(key), "k%d", i);
        json_index_set(&ix, o, key, json_int(i));
    }
    for (int i = 0; i < 5000; i += 7) {
        snprintf(key, sizeof(key), "k%d", i);
        const cJSON *v = json_index_get(&ix, o, key);
        ck_assert_ptr_nonnull(v);
        ck_assert_ptr_eq(v, cJSON_GetObjectItemCaseSensitive(o, key));
    }
    ck_assert_ptr_null(json_index_get(&ix, o, "k5000"));
    ck_assert_int_eq(cJSON_GetArraySize(o), 5000);
    json_index_release(&ix);
    cJSON_Delete(o);
}
END_TEST

START_TEST(test_replace_keeps_place)
{
    struct json_index ix = JSON_INDEX_INIT;
    cJSON *o = json_parse_typed("{\"a\": 1, \"b\": {\"x\": 1}, \"c\": 3}");
    json_index_set(&ix, o, "a", json_int(10));
    json_index_set(&ix, o, "c", json_int(30));
    ck_assert_ptr_null(json_index_get(&ix, json_index_get(&ix, o, "b"), "y"));
    json_index_set(&ix, o, "b", cJSON_Duplicate(json_index_get(&ix, o, "a"), 1));
    json_index_set(&ix, o, "d", json_int(4));
    /* new objects may reuse no address of the replaced one while the index lives */
    ck_assert_int_eq(json_index_set_dotted(&ix, o, "e.y", json_int(5)), 0);
    ck_assert_int_eq(json_index_set_dotted(&ix, o, "a.z", json_int(5)), -1);
    ck_assert_int_eq(json_index_set_dotted(&ix, o, "e..y", json_int(5)), -1);
    char *text = compact(o);
    ck_assert_str_eq(text, "{\"a\": 10, \"b\": 10, \"c\": 30, \"d\": 4, \"e\": {\"y\": 5}}");
    free(text);
    ck_assert_ptr_eq(json_index_get_path(&ix, o, "e.y"), cJSON_GetObjectItem(cJSON_GetObjectItem(o, "e"), "y"));
    json_index_release(&ix);
    cJSON_Delete(o);
}
END_TEST

START_TEST(test_first_of_equal_names)
{
    struct json_index ix = JSON_INDEX_INIT;
    cJSON *o = json_parse_typed("{\"a\": 1, \"a\": 2}");
    ck_assert_str_eq(json_index_get(&ix, o, "a")->valuestring, "1");
    json_index_release(&ix);
    cJSON_Delete(o);
}
END_TEST

START_TEST(test_equal_as_cjson)
{
    static const char *const pairs[][2] = {
        { "{\"a\": 1, \"b\": [1, {\"c\": null}]}", "{\"b\": [1, {\"c\": null}], \"a\": 1}" },
        { "{\"a\": 1}", "{\"a\": 1, \"b\": 2}" },
        { "{\"a\": 1, \"a\": 2}", "{\"a\": 1}" },
        { "[1, 2]", "[1, 2, 3]" },
        { "{\"a\": 0.5}", "{\"a\": 0.5}" },
        { "{\"a\": \"x\"}", "{\"a\": \"y\"}" },
        { "{}", "[]" },
    };
    for (size_t i = 0; i < sizeof(pairs) / sizeof(*pairs); i++) {
        struct json_index ix = JSON_INDEX_INIT;
        cJSON *a = json_parse_typed(pairs[i][0]), *b = json_parse_typed(pairs[i][1]);
        ck_assert_msg(json_index_equal(&ix, a, b) == cJSON_Compare(a, b, 1), "%s vs %s", pairs[i][0], pairs[i][1]);
        ck_assert_int_eq(json_index_equal(&ix, b, a), cJSON_Compare(b, a, 1));
        json_index_release(&ix);
        cJSON_Delete(a);
        cJSON_Delete(b);
    }
}
END_TEST

Suite *json_index_suite(void);
Suite *json_index_suite(void)
{
    Suite *s = suite_create("json_index");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_many_keys);
    tcase_add_test(tc, test_replace_keeps_place);
    tcase_add_test(tc, test_first_of_equal_names);
    tcase_add_test(tc, test_equal_as_cjson);
    suite_add_tcase(s, tc);
    return s;
}
