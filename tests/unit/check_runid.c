/* check_runid.c: Sacred's run-id rules (largest numeric directory + 1, gaps kept, ASCII
 * digits only, files ignored) and safety of 32 launchers claiming at the same moment. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "record/runid.h"

static char base[64];

static void setup(void)
{
    strcpy(base, "/tmp/sr-runid-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(base));
}

static void teardown(void)
{
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", base);
    ck_assert_int_eq(system(cmd), 0);
}

static void make(const char *name, int dir)
{
    char p[256];
    snprintf(p, sizeof(p), "%s/%s", base, name);
    if (dir)
        ck_assert_int_eq(mkdir(p, 0755), 0);
    else
        fclose(fopen(p, "w"));
}

START_TEST(test_sequence_and_gaps)
{
    char id[32];
    ck_assert_int_eq(runid_claim(base, id, sizeof(id)), 0);
    ck_assert_str_eq(id, "1");
    make("007", 1);
    make("_sources", 1);
    make("\xc2\xb2", 1); /* a non-ASCII digit: Sacred crashes on it, we ignore it */
    make("50", 0);       /* a file, not a run */
    ck_assert_int_eq(runid_claim(base, id, sizeof(id)), 0);
    ck_assert_str_eq(id, "8");
}
END_TEST

START_TEST(test_forced)
{
    ck_assert_int_eq(runid_force(base, "my-run"), 0);
    ck_assert_int_eq(runid_force(base, "my-run"), -1);
    ck_assert_int_eq(errno, EEXIST);
    static const char *const bad[] = { "", "..", ".", "a/b", "_sources", ".hidden" };
    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
        ck_assert_int_eq(runid_force(base, bad[i]), -1);
        ck_assert_int_eq(errno, EINVAL);
    }
}
END_TEST

START_TEST(test_concurrent_claims)
{
    enum { N = 32 };
    int fds[2];
    ck_assert_int_eq(pipe(fds), 0);
    for (int i = 0; i < N; i++) {
        if (fork() == 0) {
            char id[32] = "";
            int rc = runid_claim(base, id, sizeof(id));
            dprintf(fds[1], "%s\n", rc == 0 ? id : "FAIL");
            _exit(0);
        }
    }
    close(fds[1]);
    for (int i = 0; i < N; i++)
        wait(NULL);
    char buf[1024] = "";
    ssize_t n = read(fds[0], buf, sizeof(buf) - 1);
    ck_assert_int_gt(n, 0);
    int seen[N + 1] = { 0 }, count = 0;
    for (char *save = NULL, *t = strtok_r(buf, "\n", &save); t; t = strtok_r(NULL, "\n", &save)) {
        int v = atoi(t);
        ck_assert_msg(v >= 1 && v <= N && !seen[v], "bad or duplicate id '%s'", t);
        seen[v] = 1;
        count++;
    }
    ck_assert_int_eq(count, N);
}
END_TEST

Suite *runid_suite(void);
Suite *runid_suite(void)
{
    Suite *s = suite_create("runid");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_sequence_and_gaps);
    tcase_add_test(tc, test_forced);
    tcase_add_test(tc, test_concurrent_claims);
    suite_add_tcase(s, tc);
    return s;
}
