/* check_redact.c: which environment variable names are treated as secrets. */
#include <check.h>

#include "record/redact.h"

START_TEST(test_builtin_patterns)
{
    static const char *const secret[] = { "GITHUB_TOKEN", "aws_secret_access_key", "DB_PASSWORD=x",
                                          "MYSQL_PWD_PASSWD", "GOOGLE_APPLICATION_CREDENTIALS",
                                          "SSH_PRIVATE", "OPENAI_API_KEY", "AWS_ACCESS_KEY_ID",
                                          "HTTP_AUTH", "cookie_jar", "XDG_SESSION_ID" };
    static const char *const plain[] = { "PATH", "HOME", "LANG=C", "CUDA_VISIBLE_DEVICES", "TERM" };
    for (size_t i = 0; i < sizeof(secret) / sizeof(*secret); i++)
        ck_assert_msg(redact_name(NULL, secret[i]), "%s not redacted", secret[i]);
    for (size_t i = 0; i < sizeof(plain) / sizeof(*plain); i++)
        ck_assert_msg(!redact_name(NULL, plain[i]), "%s redacted", plain[i]);
}
END_TEST

START_TEST(test_allow_and_deny)
{
    const char *allow[] = { "XAUTHORITY" }, *deny[] = { "wandb" };
    struct redact_rules r = { deny, 1, allow, 1 };
    ck_assert(!redact_name(&r, "XAUTHORITY=/home/u/.Xauthority"));
    ck_assert(redact_name(&r, "XAUTHORITY_OTHER"));
    ck_assert(redact_name(&r, "WANDB_ENTITY"));
    ck_assert(!redact_name(&r, "PATH"));
}
END_TEST

Suite *redact_suite(void);
Suite *redact_suite(void)
{
    Suite *s = suite_create("redact");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_builtin_patterns);
    tcase_add_test(tc, test_allow_and_deny);
    suite_add_tcase(s, tc);
    return s;
}
