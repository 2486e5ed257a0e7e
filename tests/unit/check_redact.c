/* check_redact.c: which names are secrets, and how text, argv and configurations lose
 * their secret values (always idempotently). */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "json/json.h"
#include "json/json_parse.h"
#include "record/redact.h"
#include "util/strbuf.h"

#define M REDACTED_MARKER

START_TEST(test_builtin_patterns)
{
    static const char *const secret[] = { "GITHUB_TOKEN", "aws_secret_access_key", "DB_PASSWORD=x",
                                          "MYSQL_PWD_PASSWD", "GOOGLE_APPLICATION_CREDENTIALS",
                                          "SSH_PRIVATE", "OPENAI_API_KEY", "AWS_ACCESS_KEY_ID",
                                          "HTTP_AUTH", "cookie_jar", "XDG_SESSION_ID", "MY_PASS",
                                          "SENTRY_DSN", "SLACK_WEBHOOK", "api-key", "db.password" };
    static const char *const plain[] = { "PATH", "HOME", "LANG=C", "CUDA_VISIBLE_DEVICES", "TERM",
                                         "DATABASE_URL", "lr" };
    for (size_t i = 0; i < sizeof(secret) / sizeof(*secret); i++)
        ck_assert_msg(redact_name(NULL, secret[i]), "%s not redacted", secret[i]);
    for (size_t i = 0; i < sizeof(plain) / sizeof(*plain); i++)
        ck_assert_msg(!redact_name(NULL, plain[i]), "%s redacted", plain[i]);
}
END_TEST

START_TEST(test_allow_and_deny)
{
    const char *allow[] = { "XAUTHORITY", "pass_through" }, *deny[] = { "wandb" };
    struct redact_rules r = { deny, 1, allow, 2 };
    ck_assert(!redact_name(&r, "XAUTHORITY=/home/u/.Xauthority"));
    ck_assert(redact_name(&r, "XAUTHORITY_OTHER"));
    ck_assert(redact_name(&r, "WANDB_ENTITY"));
    ck_assert(!redact_name(&r, "PATH"));
    ck_assert(!redact_name(&r, "pass-through"));
}
END_TEST

/* redact_text(text) is want (NULL: unchanged), and redacting the result changes nothing. */
static void text_is(const char *text, int whole, const char *want)
{
    char *got = redact_text(NULL, text, whole);
    if (!want)
        ck_assert_msg(!got, "'%s' became '%s'", text, got ? got : "");
    else
        ck_assert_msg(got && !strcmp(got, want), "'%s' became '%s', not '%s'", text,
                      got ? got : "(unchanged)", want);
    char *again = got ? redact_text(NULL, got, whole) : NULL;
    ck_assert_msg(!again, "'%s' is not stable: '%s'", got, again ? again : "");
    free(got);
}

START_TEST(test_text)
{
    text_is("postgres://user:pass@host/db", 0, "postgres://user:" M "@host/db");
    text_is("a https://u:p@x.org and ftp://v:q@y", 0, "a https://u:" M "@x.org and ftp://v:" M "@y");
    text_is("https://user@host/x", 0, NULL);
    text_is("https://host:8080/x", 0, NULL);
    text_is("redis://:pw@h:6379", 0, "redis://:" M "@h:6379");
    text_is("update password=hunter2", 0, "update password=" M);
    text_is("option --api-key=abc", 0, "option --api-key=" M);
    text_is("mysql --password hunter2 -h db", 0, "mysql --password " M " -h db");
    text_is("--password=a b", 1, "--password=" M);
    text_is("PASSWORD='a b'", 1, "PASSWORD=" M);
    text_is("update password='a", 0, "update password=" M);
    text_is("passlib==1.7.4", 0, NULL);
    text_is("lr=0.1 --epochs 3", 0, NULL);
    text_is("DB_URL=mysql://root:toor@db/x", 0, "DB_URL=mysql://root:" M "@db/x");
}
END_TEST

static char *printed(const cJSON *v)
{
    struct strbuf sb = STRBUF_INIT;
    json_print_compact(&sb, v);
    return strbuf_detach(&sb);
}

START_TEST(test_argv)
{
    cJSON *a = json_parse_typed("[\"./p\", \"--password\", \"hunter2\", \"--token=t\", \"--secret\","
                                " \"-v\", \"--lr\", \"0.1\", \"--db\", \"pg://u:pw@h\", \"--api-key\", \"-3\"]");
    redact_argv(NULL, a);
    char *s = printed(a);
    ck_assert_str_eq(s, "[\"./p\", \"--password\", \"" M "\", \"--token=" M "\", \"--secret\", \"-v\", "
                        "\"--lr\", \"0.1\", \"--db\", \"pg://u:" M "@h\", \"--api-key\", \"" M "\"]");
    redact_argv(NULL, a);
    char *again = printed(a);
    ck_assert_str_eq(again, s);
    free(s);
    free(again);
    cJSON_Delete(a);
}
END_TEST

START_TEST(test_config)
{
    cJSON *c = json_parse_typed("{\"password\": \"hunter2\", \"db\": {\"pass\": 1234, \"url\": "
                                "\"pg://u:pw@h/d\"}, \"use_auth\": true, \"lr\": 0.1, "
                                "\"tokens\": [\"a\", \"b\"], \"seed\": 7}");
    ck_assert(redact_config(NULL, c));
    char *s = printed(c);
    ck_assert_str_eq(s, "{\"password\": \"" M "\", \"db\": {\"pass\": \"" M "\", \"url\": \"pg://u:" M
                        "@h/d\"}, \"use_auth\": true, \"lr\": 0.1, \"tokens\": \"" M "\", \"seed\": 7}");
    ck_assert(!redact_config(NULL, c));
    free(s);
    cJSON_Delete(c);
}
END_TEST

Suite *redact_suite(void);
Suite *redact_suite(void)
{
    Suite *s = suite_create("redact");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_builtin_patterns);
    tcase_add_test(tc, test_allow_and_deny);
    tcase_add_test(tc, test_text);
    tcase_add_test(tc, test_argv);
    tcase_add_test(tc, test_config);
    suite_add_tcase(s, tc);
    return s;
}
