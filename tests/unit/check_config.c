/* check_config.c: update values typed as Sacred types them (with JSON's true/false/null
 * added), malformed values refused, the text a value takes in argv and environment;
 * configuration files bounded (aliases, nesting, one document) and seeds in Sacred's range. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/config.h"
#include "config/config_file.h"
#include "config/pyliteral.h"
#include "json/json.h"
#include "json/json_parse.h"
#include "util/error.h"

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

/* Loads text as a configuration file named like name (in a temporary directory); the
 * tree, or NULL with the reason in err. */
static cJSON *load_text(const char *name, const char *text, char *err, size_t errlen)
{
    char dir[] = "/tmp/check_config.XXXXXX", path[64];
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
    err[0] = '\0';
    cJSON *v = config_file_load(path, err, errlen);
    unlink(path);
    rmdir(dir);
    return v;
}

static void refused_file(const char *name, const char *text, const char *why)
{
    char err[512];
    cJSON *v = load_text(name, text, err, sizeof(err));
    ck_assert_msg(!v && strstr(err, why), "%s: got '%s', want '%s'", name, err, why);
}

static char *repeat(const char *piece, int n)
{
    struct strbuf sb = STRBUF_INIT;
    for (int i = 0; i < n; i++)
        strbuf_addstr(&sb, piece);
    return strbuf_detach(&sb);
}

START_TEST(test_yaml_aliases_bounded)
{
    struct strbuf sb = STRBUF_INIT; /* billion laughs: 9 levels of 9 aliases each */
    strbuf_addstr(&sb, "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for (char c = 'b'; c <= 'i'; c++)
        strbuf_addf(&sb, "%c: &%c [*%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c]\n", c, c, c - 1, c - 1,
                    c - 1, c - 1, c - 1, c - 1, c - 1, c - 1, c - 1);
    refused_file("laughs.yaml", sb.buf, "aliases expand to more than");
    strbuf_release(&sb);
    char *many = repeat("- *x\n", 10001);
    char *text = xasprintf("x: &x 1\nl:\n%s", many);
    refused_file("many.yaml", text, "used more than 10000 times");
    free(text);
    free(many);
    refused_file("undefined.yaml", "a: *nowhere\n", "names no anchor");
}
END_TEST

START_TEST(test_yaml_aliases_resolved)
{
    char err[512];
    cJSON *v = load_text("ok.yaml", "base: &b {lr: 0.1, n: [1, 2]}\nx: *b\nk: &k name\n*k : 3\n"
                         "d: {a: 1, a: 2}\n", err, sizeof(err));
    ck_assert_msg(v != NULL, "%s", err);
    char *text = NULL;
    struct strbuf sb = STRBUF_INIT;
    json_print_compact(&sb, v);
    text = strbuf_detach(&sb);
    ck_assert_str_eq(text, "{\"base\": {\"lr\": 0.1, \"n\": [1, 2]}, \"x\": {\"lr\": 0.1, \"n\": [1, 2]}, "
                           "\"k\": \"name\", \"name\": 3, \"d\": {\"a\": 2}}");
    free(text);
    cJSON_Delete(v);
}
END_TEST

START_TEST(test_nesting_refused)
{
    char *open = repeat("[", 100000), *text = xasprintf("a: %s", open);
    refused_file("flow.yaml", text, "nested deeper than 100 levels");
    free(text);
    text = xasprintf("{\"a\": %s", open);
    refused_file("deep.json", text, "nested deeper than 100 levels");
    free(text);
    free(open);
    char *dashes = repeat("- ", 100000);
    text = xasprintf("%sx\n", dashes);
    refused_file("block.yaml", text, "nested deeper than 100 levels");
    free(text);
    free(dashes);
    char err[512];
    char *ok = repeat("[", 99), *close = repeat("]", 99);
    text = xasprintf("a: %s1%s\n", ok, close);
    cJSON *v = load_text("ok.yaml", text, err, sizeof(err));
    ck_assert_msg(v != NULL, "%s", err);
    cJSON_Delete(v);
    free(text);
    free(ok);
    free(close);
}
END_TEST

START_TEST(test_one_yaml_document)
{
    refused_file("two.yaml", "a: 1\n---\nb: 2\n", "a second YAML document");
    refused_file("two.yml", "---\na: 1\n...\n---\na: 2\n", "a second YAML document");
    char err[512];
    cJSON *v = load_text("one.yaml", "---\na: 1\n...\n", err, sizeof(err));
    ck_assert_msg(v != NULL, "%s", err);
    cJSON_Delete(v);
}
END_TEST

/* config_resolve of a program with these updates: 0, or -1 with err. */
static int resolve(char **with, char *err, size_t errlen)
{
    char *argv[] = { "prog", NULL };
    struct config c;
    int rc = config_resolve(&c, argv, with, 1, 0, err, errlen);
    config_release(&c);
    return rc;
}

START_TEST(test_seed_range)
{
    static const char *const bad[] = { "seed=abc", "seed=1e400", "seed=-1", "seed=4294967296",
                                       "seed=1.5", "seed=True", "seed=[1]", "seed=99999999999999999999999" };
    static const char *const good[] = { "seed=0", "seed=42", "seed=4294967295" };
    char err[512];
    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
        char *with[] = { (char *)bad[i], NULL };
        ck_assert_msg(resolve(with, err, sizeof(err)) < 0 && strstr(err, "0 to 4294967295"),
                      "%s accepted (%s)", bad[i], err);
    }
    for (size_t i = 0; i < sizeof(good) / sizeof(*good); i++) {
        char *with[] = { (char *)good[i], NULL };
        ck_assert_msg(resolve(with, err, sizeof(err)) == 0, "%s refused: %s", good[i], err);
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
    tcase_add_test(tc, test_yaml_aliases_bounded);
    tcase_add_test(tc, test_yaml_aliases_resolved);
    tcase_add_test(tc, test_nesting_refused);
    tcase_add_test(tc, test_one_yaml_document);
    tcase_add_test(tc, test_seed_range);
    suite_add_tcase(s, tc);
    return s;
}
