/* check_json.c: the JSON printer must produce Python's json.dump(sort_keys=True, indent=2)
 * text byte for byte: layout, key order, ASCII escapes, float repr, surrogateescape; and
 * cJSON allocates through the launcher's hooks (json_alloc.c). */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json/json.h"
#include "json/json_alloc.h"
#include "json/json_parse.h"

static void expect_print(cJSON *item, const char *want)
{
    struct strbuf sb = STRBUF_INIT;
    json_print(&sb, item);
    ck_assert_str_eq(sb.buf, want);
    strbuf_release(&sb);
    cJSON_Delete(item);
}

static void expect_repr(double v, const char *want)
{
    char buf[32];
    json_repr_double(v, buf);
    ck_assert_str_eq(buf, want);
}

START_TEST(test_float_repr)
{
    expect_repr(0.1, "0.1");
    expect_repr(3.0, "3.0");
    expect_repr(-0.0, "-0.0");
    expect_repr(1e-07, "1e-07");
    expect_repr(1e16, "1e+16");
    expect_repr(1e15, "1000000000000000.0");
    expect_repr(0.0001, "0.0001");
    expect_repr(0.00001, "1e-05");
    expect_repr(1.0 / 3, "0.3333333333333333");
    expect_repr(3.141592653589793, "3.141592653589793");
    expect_repr(123456789012345678.0, "1.2345678901234568e+17");
    expect_repr(1.5e-7, "1.5e-07");
    expect_repr(2.5, "2.5");
    expect_repr(100.0, "100.0");
    expect_repr(NAN, "NaN");
    expect_repr(INFINITY, "Infinity");
    expect_repr(-INFINITY, "-Infinity");
    expect_repr(5e-324, "5e-324");
    expect_repr(1.7976931348623157e308, "1.7976931348623157e+308");
}
END_TEST

START_TEST(test_layout_and_order)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "b", json_int(1180591620717411303LL));
    cJSON_AddItemToObject(o, "a", cJSON_CreateArray());
    cJSON_AddItemToObject(o, "ENV", cJSON_CreateObject());
    cJSON_AddItemToObject(o, "cpu", cJSON_CreateNull());
    cJSON *l = cJSON_AddArrayToObject(o, "--x");
    cJSON_AddItemToArray(l, cJSON_CreateTrue());
    cJSON_AddItemToArray(l, cJSON_CreateNumber(0.5));
    expect_print(o, "{\n  \"--x\": [\n    true,\n    0.5\n  ],\n  \"ENV\": {},\n"
                    "  \"a\": [],\n  \"b\": 1180591620717411303,\n  \"cpu\": null\n}");
    expect_print(cJSON_CreateObject(), "{}");
}
END_TEST

START_TEST(test_string_escapes)
{
    expect_print(cJSON_CreateString("\"\\\n\r\t\b\f\x01\x7f/"),
                 "\"\\\"\\\\\\n\\r\\t\\b\\f\\u0001\\u007f/\"");
    expect_print(cJSON_CreateString("\xc3\xbcn\xc3\xaf" "code \xe2\x9c\x93"),
                 "\"\\u00fcn\\u00efcode \\u2713\"");
    expect_print(cJSON_CreateString("\xf0\x9f\x98\x80"), "\"\\ud83d\\ude00\"");
    expect_print(cJSON_CreateString("a\xff" "b\xed\xa0\x80"), "\"a\\udcffb\\udced\\udca0\\udc80\"");
}
END_TEST

START_TEST(test_key_order_by_code_point)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "\xc3\xa9", json_int(1)); /* U+00E9 */
    cJSON_AddItemToObject(o, "\x80", json_int(2));     /* invalid byte: U+DC80, after U+00E9 */
    cJSON_AddItemToObject(o, "z", json_int(3));
    expect_print(o, "{\n  \"z\": 3,\n  \"\\u00e9\": 1,\n  \"\\udc80\": 2\n}");
}
END_TEST

/* tests/unit/main.c installs the hooks as the launcher's main() does; without them cJSON
 * uses malloc and realloc directly and the count stays 0. Printing a large tree must grow
 * cJSON's buffer through the hook too (cJSON has no realloc with our malloc_fn): the first
 * buffer, at least one larger one and the final copy. The text then reads back equal. */
/* Python writes NaN and Infinity; they read back as such, and only outside strings. */
START_TEST(test_parse_python_specials)
{
    cJSON *j = json_parse_typed("{\"a\": [NaN, Infinity, -Infinity, 0, 1.5], \"NaN\": \"-Infinity\"}");
    ck_assert_ptr_nonnull(j);
    struct strbuf sb = STRBUF_INIT;
    json_print_compact(&sb, j);
    ck_assert_str_eq(sb.buf, "{\"a\": [NaN, Infinity, -Infinity, 0, 1.5], \"NaN\": \"-Infinity\"}");
    strbuf_release(&sb);
    cJSON_Delete(j);
    ck_assert_ptr_null(json_parse_typed("[Nan]"));
}
END_TEST

/* Lone surrogate escapes (a byte that is no UTF-8, as surrogateescape writes it) read back
 * as Python reads them, and print back the same; a pair stays a character. */
START_TEST(test_parse_lone_surrogates)
{
    cJSON *t = json_parse_typed("{\"a\": \"x\\udcffy\", \"b\": \"\\ud800!\", \"c\": \"\\ud83d\\ude00\", \"d\": 1.5}");
    ck_assert_ptr_nonnull(t);
    ck_assert_str_eq(cJSON_GetObjectItem(t, "a")->valuestring, "x\xffy");
    ck_assert_str_eq(cJSON_GetObjectItem(t, "b")->valuestring, "\xef\xbf\xbd!");
    ck_assert_str_eq(cJSON_GetObjectItem(t, "c")->valuestring, "\xf0\x9f\x98\x80");
    ck_assert(cJSON_GetObjectItem(t, "d")->valuedouble == 1.5);
    struct strbuf sb = STRBUF_INIT;
    json_print_compact(&sb, cJSON_GetObjectItem(t, "a"));
    ck_assert_str_eq(sb.buf, "\"x\\udcffy\"");
    strbuf_release(&sb);
    cJSON_Delete(t);
}
END_TEST

START_TEST(test_alloc_hooks)
{
    unsigned long before = json_alloc_count();
    cJSON *tree = cJSON_CreateObject();
    ck_assert_uint_gt(json_alloc_count(), before);
    for (int i = 0; i < 2000; i++) {
        char key[16];
        snprintf(key, sizeof(key), "k%04d", i);
        cJSON *pair = cJSON_AddArrayToObject(tree, key);
        cJSON_AddItemToArray(pair, cJSON_CreateString("a value of some length"));
        cJSON_AddItemToArray(pair, json_int(i));
    }
    before = json_alloc_count();
    char *text = cJSON_PrintUnformatted(tree);
    ck_assert_uint_ge(json_alloc_count() - before, 3);
    ck_assert_uint_gt(strlen(text), 64 * 1024);
    cJSON *back = json_parse_typed(text);
    ck_assert_ptr_nonnull(back);
    ck_assert(cJSON_Compare(tree, back, 1));
    cJSON_free(text);
    cJSON_Delete(back);
    cJSON_Delete(tree);
}
END_TEST

Suite *json_suite(void);
Suite *json_suite(void)
{
    Suite *s = suite_create("json");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_float_repr);
    tcase_add_test(tc, test_layout_and_order);
    tcase_add_test(tc, test_string_escapes);
    tcase_add_test(tc, test_key_order_by_code_point);
    tcase_add_test(tc, test_alloc_hooks);
    tcase_add_test(tc, test_parse_python_specials);
    tcase_add_test(tc, test_parse_lone_surrogates);
    suite_add_tcase(s, tc);
    return s;
}
