/* check_diff.c: the unified diff of compare: identical texts, insertions, deletions,
 * changes at the start and the end, a missing final newline, merged and separate hunks,
 * and and minimal scripts on texts made at random (applied back, counted against the LCS). */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "inspect/diff.h"
#include "util/strbuf.h"

static struct strbuf out = STRBUF_INIT;

static const char *diff3(const char *a, const char *b)
{
    strbuf_release(&out);
    diff_unified(&out, a, strlen(a), b, strlen(b), "1/f", "2/f", 3);
    return out.buf ? out.buf : "";
}

START_TEST(test_identical)
{
    ck_assert_int_eq(diff_unified(&out, "a\nb\n", 4, "a\nb\n", 4, "x", "y", 3), 0);
    ck_assert_uint_eq(out.len, 0);
    ck_assert_int_eq(diff_unified(&out, NULL, 0, "", 0, "x", "y", 3), 0);
}
END_TEST

START_TEST(test_insertion)
{
    ck_assert_str_eq(diff3("a\nb\nc\n", "a\nb\nX\nc\n"),
                     "--- 1/f\n+++ 2/f\n@@ -1,3 +1,4 @@\n a\n b\n+X\n c\n");
    ck_assert_str_eq(diff3("", "new\n"), "--- 1/f\n+++ 2/f\n@@ -0,0 +1 @@\n+new\n");
}
END_TEST

START_TEST(test_deletion)
{
    ck_assert_str_eq(diff3("1\n2\n3\n4\n5\n6\n7\n8\n9\n", "1\n2\n3\n4\n6\n7\n8\n9\n"),
                     "--- 1/f\n+++ 2/f\n@@ -2,7 +2,6 @@\n 2\n 3\n 4\n-5\n 6\n 7\n 8\n");
    ck_assert_str_eq(diff3("gone\n", ""), "--- 1/f\n+++ 2/f\n@@ -1 +0,0 @@\n-gone\n");
}
END_TEST

START_TEST(test_change_at_start_and_end)
{
    ck_assert_str_eq(diff3("a\nb\nc\nd\ne\n", "A\nb\nc\nd\ne\n"),
                     "--- 1/f\n+++ 2/f\n@@ -1,4 +1,4 @@\n-a\n+A\n b\n c\n d\n");
    ck_assert_str_eq(diff3("a\nb\nc\nd\ne\n", "a\nb\nc\nd\nE\n"),
                     "--- 1/f\n+++ 2/f\n@@ -2,4 +2,4 @@\n b\n c\n d\n-e\n+E\n");
}
END_TEST

START_TEST(test_no_trailing_newline)
{
    ck_assert_str_eq(diff3("a\nb", "a\nb\n"),
                     "--- 1/f\n+++ 2/f\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n");
    ck_assert_str_eq(diff3("a\n", "a\nz"),
                     "--- 1/f\n+++ 2/f\n@@ -1 +1,2 @@\n a\n+z\n\\ No newline at end of file\n");
}
END_TEST

START_TEST(test_hunks_merge_or_split)
{
    /* 6 equal lines between two changes: one hunk; 7: two. */
    ck_assert_str_eq(diff3("x\n1\n2\n3\n4\n5\n6\ny\n", "X\n1\n2\n3\n4\n5\n6\nY\n"),
                     "--- 1/f\n+++ 2/f\n@@ -1,8 +1,8 @@\n-x\n+X\n 1\n 2\n 3\n 4\n 5\n 6\n-y\n+Y\n");
    ck_assert_str_eq(diff3("x\n1\n2\n3\n4\n5\n6\n7\ny\n", "X\n1\n2\n3\n4\n5\n6\n7\nY\n"),
                     "--- 1/f\n+++ 2/f\n@@ -1,4 +1,4 @@\n-x\n+X\n 1\n 2\n 3\n"
                     "@@ -6,4 +6,4 @@\n 5\n 6\n 7\n-y\n+Y\n");
}
END_TEST

START_TEST(test_binary)
{
    strbuf_release(&out);
    ck_assert_int_eq(diff_unified(&out, "a\0b", 3, "a", 1, "1/f", "2/f", 3), 1);
    ck_assert_str_eq(out.buf, "Binary files 1/f and 2/f differ\n");
}
END_TEST

/* The edit distance of two texts of one-character lines (deletions plus insertions). */
static size_t distance(const char *a, const char *b)
{
    size_t na = strlen(a) / 2, nb = strlen(b) / 2, lcs[41][41] = { { 0 } };
    for (size_t i = 1; i <= na; i++)
        for (size_t j = 1; j <= nb; j++)
            lcs[i][j] = a[2 * i - 2] == b[2 * j - 2] ? lcs[i - 1][j - 1] + 1
                      : lcs[i - 1][j] > lcs[i][j - 1] ? lcs[i - 1][j] : lcs[i][j - 1];
    return na + nb - 2 * lcs[na][nb];
}

/* Applies a diff made with no context to a (lines of one character each) and checks that
 * it gives b with no more changed lines than the edit distance. */
static void check_apply(const char *a, const char *b)
{
    strbuf_release(&out);
    diff_unified(&out, a, strlen(a), b, strlen(b), "a", "b", 0);
    struct strbuf got = STRBUF_INIT;
    const char *ap = a;
    size_t ai = 0, changed = 0;
    for (char *p = out.buf ? strstr(out.buf, "@@") : NULL; p && *p; p = strchr(p, '\n') + 1) {
        if (p[0] == '@') {
            char *q;
            size_t start = strtoul(p + 4, &q, 10), count = *q == ',' ? strtoul(q + 1, NULL, 10) : 1;
            for (size_t first = count ? start : start + 1; ai + 1 < first; ai++, ap += 2)
                strbuf_add(&got, ap, 2);
        } else if (p[0] == '-')
            ai++, ap += 2, changed++;
        else if (p[0] == '+')
            strbuf_add(&got, p + 1, 2), changed++;
    }
    strbuf_addstr(&got, ap);
    ck_assert_str_eq(got.buf, b);
    ck_assert_uint_eq(changed, distance(a, b));
    strbuf_release(&got);
}

START_TEST(test_random_texts_apply)
{
    srand(7);
    for (int round = 0; round < 300; round++) {
        char a[84] = "", b[84] = "";
        int na = rand() % 41, nb = rand() % 41;
        for (int i = 0; i < na; i++)
            a[2 * i] = (char)('a' + rand() % 5), a[2 * i + 1] = '\n';
        for (int i = 0; i < nb; i++)
            b[2 * i] = (char)('a' + rand() % 5), b[2 * i + 1] = '\n';
        check_apply(a, b);
    }
}
END_TEST

static void teardown(void)
{
    strbuf_release(&out);
}

Suite *diff_suite(void);
Suite *diff_suite(void)
{
    Suite *s = suite_create("diff");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_add_test(tc, test_identical);
    tcase_add_test(tc, test_insertion);
    tcase_add_test(tc, test_deletion);
    tcase_add_test(tc, test_change_at_start_and_end);
    tcase_add_test(tc, test_no_trailing_newline);
    tcase_add_test(tc, test_hunks_merge_or_split);
    tcase_add_test(tc, test_binary);
    tcase_add_test(tc, test_random_texts_apply);
    suite_add_tcase(s, tc);
    return s;
}
