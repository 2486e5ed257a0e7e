/* check_config.c: update values typed as Sacred types them (with JSON's true/false/null
 * added), malformed values refused, and the text a value takes in argv and environment. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "config/pyliteral.h"
#include "json/json.h"
#include "json/json_parse.h"

static void expect(const char *in, const char *want_json)
{
    char err[256];
    cJSON *v = pyliteral_parse(in, err, sizeof(err));
    ck_assert_msg(v != NULL, "'%s' refused: %s", in, err);
    struct strbuf sb = STRBUF_INIT;
    json_print_compact(&sb, v);
    ck_assert_msg(!strcmp(sb.buf, want_json), "'%s' -> %s, want %s", in, sb.buf, want_json);
    strbuf_release(&sb);
    cJSON_Delete(v);
}

static void refuse(const char *in)
{
    char err[256];
    cJSON *v = pyliteral_parse(in, err, sizeof(err));
    ck_assert_msg(v == NULL && err[0], "'%s' accepted", in);
}

START_TEST(test_values)
{
    expect("3", "3");
    expect("-3", "-3");
    expect("0.1", "0.1");
    expect("1e-3", "0.001");
    expect("1.", "1.0");
    expect(".5", "0.5");
    expect("0x10", "16");
    expect("0b101", "5");
    expect("1_000", "1000");
    expect("1e400", "Infinity");
    expect("True", "true");
    expect("false", "false");
    expect("None", "null");
    expect("null", "null");
    expect("'x'", "\"x\"");
    expect("\"a\\nb\"", "\"a\\nb\"");
    expect("hello world", "\"hello world\"");
    expect("nan", "\"nan\"");
    expect("01", "\"01\"");
    expect("[1, 'a', [True, None]]", "[1, \"a\", [true, null]]");
    expect("(1, 2)", "[1, 2]");
    expect("{'a': 1, 2: [3]}", "{\"a\": 1, \"2\": [3]}");
    expect("  [ ]  ", "[]");
    expect("'\\u00e9'", "\"\\u00e9\"");
}
END_TEST

START_TEST(test_malformed)
{
    refuse("");
    refuse("   ");
    refuse("[1, 2");
    refuse("'open");
    refuse("{'a' 1}");
    refuse("[a, b]");
    refuse("[1] x");
    refuse("{1: }");
}
END_TEST

START_TEST(test_text_forms)
{
    static const struct { const char *json, *text; } v[] = {
        { "\"plain\"", "plain" }, { "3", "3" }, { "0.5", "0.5" }, { "true", "true" },
        { "null", "" }, { "[1, \"a\"]", "[1, \"a\"]" }, { "{\"a\": {\"b\": 2}}", "{\"a\": {\"b\": 2}}" },
    };
    for (size_t i = 0; i < sizeof(v) / sizeof(*v); i++) {
        cJSON *j = json_parse_typed(v[i].json);
        char *t = config_text(j);
        ck_assert_str_eq(t, v[i].text);
        free(t);
        cJSON_Delete(j);
    }
}
END_TEST

Suite *config_suite(void);
Suite *config_suite(void)
{
    Suite *s = suite_create("config");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_values);
    tcase_add_test(tc, test_malformed);
    tcase_add_test(tc, test_text_forms);
    suite_add_tcase(s, tc);
    return s;
}
