/* check_md5cache.c: the per-storage MD5 cache answers from its file's lines by key (device,
 * inode, size, mtime), first line of a key winning, keeps what it computed for the next
 * open, and stays right over many entries; copy_file_mkdir makes a missing directory and
 * copies the bytes, mode no wider than the original's. */
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "record/md5cache.h"
#include "util/fs.h"

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

static void key_line(char *line, size_t n, const struct stat *st, const char *md5)
{
    snprintf(line, n, "%llu %llu %lld %lld %ld %s\n", (unsigned long long)st->st_dev,
             (unsigned long long)st->st_ino, (long long)st->st_size, (long long)st->st_mtim.tv_sec,
             st->st_mtim.tv_nsec, md5);
}

START_TEST(test_cache_answers_by_key)
{
    char dir[] = "/tmp/sr-md5-XXXXXX", file[64], cache[64], line[256], text[1024];
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(file, sizeof(file), "%s/data", dir);
    snprintf(cache, sizeof(cache), "%s/" MD5_CACHE_NAME, dir);
    write_text(file, "hello\n");
    struct stat st;
    ck_assert_int_eq(stat(file, &st), 0);
    key_line(line, sizeof(line), &st, "0123456789abcdef0123456789abcdef");
    snprintf(text, sizeof(text), "1 2 3 4 5 ffffffffffffffffffffffffffffffff\nbad line\n%s", line);
    key_line(line, sizeof(line), &st, "fedcba9876543210fedcba9876543210");
    strcat(text, line); /* a later line of the same key loses */
    write_text(cache, text);
    struct md5_cache c;
    char md5[33];
    md5_cache_open(&c, cache);
    ck_assert_int_eq(md5_cache_get(&c, file, &st, md5), 0);
    ck_assert_str_eq(md5, "0123456789abcdef0123456789abcdef"); /* from the file, not hashed */
    md5_cache_close(&c);

    write_text(cache, "");
    md5_cache_open(&c, cache);
    ck_assert_int_eq(md5_cache_get(&c, file, &st, md5), 0);
    ck_assert_str_eq(md5, "b1946ac92492d2347c6235b4d2611184"); /* md5 of "hello\n" */
    md5_cache_close(&c);
    struct md5_cache again;
    md5_cache_open(&again, cache);
    ck_assert_int_eq(again.n, 1); /* what was computed was appended */
    md5_cache_close(&again);
    unlink(cache);
    unlink(file);
    rmdir(dir);
}
END_TEST

START_TEST(test_cache_many_entries)
{
    char dir[] = "/tmp/sr-md5-XXXXXX", cache[64];
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(cache, sizeof(cache), "%s/" MD5_CACHE_NAME, dir);
    FILE *f = fopen(cache, "w");
    for (int i = 0; i < 50000; i++)
        fprintf(f, "7 %d 10 1700000000 %d %032x\n", i, i % 1000, i);
    fclose(f);
    struct md5_cache c;
    md5_cache_open(&c, cache);
    ck_assert_int_eq(c.n, 50000);
    for (int i = 0; i < 50000; i += 997) {
        struct stat st = { 0 };
        st.st_dev = 7;
        st.st_ino = (ino_t)i;
        st.st_size = 10;
        st.st_mtim.tv_sec = 1700000000;
        st.st_mtim.tv_nsec = i % 1000;
        char md5[33], want[33];
        snprintf(want, sizeof(want), "%032x", i);
        ck_assert_int_eq(md5_cache_get(&c, "/nonexistent", &st, md5), 0);
        ck_assert_str_eq(md5, want);
    }
    md5_cache_close(&c);
    unlink(cache);
    rmdir(dir);
}
END_TEST

START_TEST(test_copy_makes_its_directory)
{
    char dir[] = "/tmp/sr-copy-XXXXXX", from[64], to[96], buf[64] = "";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(from, sizeof(from), "%s/in", dir);
    snprintf(to, sizeof(to), "%s/a/b/out", dir);
    write_text(from, "some bytes\n");
    chmod(from, 0640);
    ck_assert_int_eq(copy_file_mkdir(from, to), 0);
    ck_assert_int_eq(copy_file_mkdir(from, to), 0); /* again: replaced whole */
    int fd = open(to, O_RDONLY);
    ck_assert_int_eq(read(fd, buf, sizeof(buf) - 1), 11);
    close(fd);
    ck_assert_str_eq(buf, "some bytes\n");
    struct stat st;
    ck_assert_int_eq(stat(to, &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, 0640 & ~process_umask());
    snprintf(buf, sizeof(buf), "%s/missing", dir);
    ck_assert_int_eq(copy_file_mkdir(buf, to), -1);
    unlink(to);
    snprintf(to, sizeof(to), "%s/a/b", dir);
    rmdir(to);
    snprintf(to, sizeof(to), "%s/a", dir);
    rmdir(to);
    unlink(from);
    rmdir(dir);
}
END_TEST

Suite *md5cache_suite(void);
Suite *md5cache_suite(void)
{
    Suite *s = suite_create("md5cache");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_cache_answers_by_key);
    tcase_add_test(tc, test_cache_many_entries);
    tcase_add_test(tc, test_copy_makes_its_directory);
    suite_add_tcase(s, tc);
    return s;
}
