/* check_cout.c: cout.txt grows by completed text; a shown pending tail is replaced, never
 * left behind, and committed text is never rewritten. */
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "record/cout.h"

static char dir[64];
static int dirfd_;

static void contents(char *buf, size_t n)
{
    int fd = openat(dirfd_, "cout.txt", O_RDONLY);
    ssize_t r = read(fd, buf, n - 1);
    close(fd);
    buf[r < 0 ? 0 : r] = '\0';
}

START_TEST(test_append_and_pending)
{
    strcpy(dir, "/tmp/sr-cout-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    dirfd_ = open(dir, O_RDONLY | O_DIRECTORY);
    struct cout_file c;
    char buf[256];
    ck_assert_int_eq(cout_open(&c, dirfd_), 0);
    ck_assert_int_eq(cout_append(&c, "one\n", 4), 0);
    ck_assert_int_eq(cout_show_pending(&c, "progress 50%", 12), 0);
    contents(buf, sizeof(buf));
    ck_assert_str_eq(buf, "one\nprogress 50%");
    ck_assert_int_eq(cout_show_pending(&c, "p 9", 3), 0);
    contents(buf, sizeof(buf));
    ck_assert_str_eq(buf, "one\np 9");
    ck_assert_int_eq(cout_append(&c, "ok\n", 3), 0);
    contents(buf, sizeof(buf));
    ck_assert_str_eq(buf, "one\nok\n");
    cout_close(&c);
    ck_assert_int_eq(cout_open(&c, dirfd_), 0); /* reopening keeps what is there */
    ck_assert_int_eq(cout_append(&c, "two\n", 4), 0);
    contents(buf, sizeof(buf));
    ck_assert_str_eq(buf, "one\nok\ntwo\n");
    cout_close(&c);
    unlinkat(dirfd_, "cout.txt", 0);
    close(dirfd_);
    rmdir(dir);
}
END_TEST

Suite *cout_suite(void);
Suite *cout_suite(void)
{
    Suite *s = suite_create("cout");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_append_and_pending);
    suite_add_tcase(s, tc);
    return s;
}
