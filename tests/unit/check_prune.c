/* check_prune.c: the stored files a run.json references, in every form Sacred and
 * sacred-run write them, and the unreferenced files of a storage's stores (temporary
 * files and directories left alone); a run directory is removed whole. */
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "json/json_parse.h"
#include "record/prune.h"
#include "util/error.h"
#include "util/fs.h"

START_TEST(test_references)
{
    cJSON *run = json_parse_typed(
        "{\"experiment\": {\"sources\": [[\"exp.py\", \"_sources/exp_1222dd632d5e1655a92e5785730f786f.py\"],"
        "  {\"py/tuple\": [\"pkg/helpers.py\", \"7babb6a3dc94f87450125d8c9a4f5f18\"]},"
        "  [\"nocopy.py\", \"../exp/nocopy.py\"], [\"bad\"], 3]},"
        " \"resources\": [[\"/data/train.csv\", \"/home/u/logs/_resources/train_c3c6.csv\"],"
        "  [\"/data/l.txt\", \"rel/_resources/l_c9a6.txt\"]],"
        " \"resource_files\": [{\"stored\": \"_resources/big_0a0b.bin\"}, {\"stored\": null}]}");
    struct store_refs refs = { 0 };
    store_refs_add(&refs, run);
    store_refs_add(&refs, run); /* each name once */
    ck_assert_int_eq(refs.n, 5);
    ck_assert(store_refs_has(&refs, "_sources/exp_1222dd632d5e1655a92e5785730f786f.py"));
    ck_assert(store_refs_has(&refs, "_sources/helpers_7babb6a3dc94f87450125d8c9a4f5f18.py"));
    ck_assert(store_refs_has(&refs, "_resources/train_c3c6.csv"));
    ck_assert(store_refs_has(&refs, "_resources/l_c9a6.txt"));
    ck_assert(store_refs_has(&refs, "_resources/big_0a0b.bin"));
    ck_assert(!store_refs_has(&refs, "_sources/nocopy.py"));
    store_refs_release(&refs);
    cJSON_Delete(run);
}
END_TEST

static void put(const char *dir, const char *name)
{
    char *path = xasprintf("%s/%s", dir, name);
    int fd = open(path, O_WRONLY | O_CREAT, 0644);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, "abc", 3), 3);
    close(fd);
    free(path);
}

START_TEST(test_unreferenced_and_removal)
{
    char storage[] = "/tmp/sr-prune-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(storage));
    char *src = xasprintf("%s/_sources", storage), *run = xasprintf("%s/7/.metrics", storage);
    ck_assert_int_eq(mkdir_p(src, 0777), 0);
    ck_assert_int_eq(mkdir_p(run, 0777), 0);
    put(src, "used_1.py");
    put(src, "unused_2.py");
    put(src, ".unused_3.py.tmp4242"); /* being stored */
    put(src, ".env_4"); /* a stored dotfile */
    char *sub = xasprintf("%s/subdir", src);
    ck_assert_int_eq(mkdir(sub, 0777), 0);
    put(run, "m.frag");
    cJSON *r = json_parse_typed("{\"experiment\": {\"sources\": [[\"used.py\", \"_sources/used_1.py\"]]}}");
    struct store_refs refs = { 0 };
    store_refs_add(&refs, r);
    struct store_entry *e;
    size_t n;
    ck_assert_int_eq(store_unreferenced(storage, &refs, &e, &n), 0);
    ck_assert_int_eq(n, 2);
    ck_assert_str_eq(e[0].name, "_sources/.env_4");
    ck_assert_str_eq(e[1].name, "_sources/unused_2.py");
    ck_assert_int_eq(e[1].size, 3);
    ck_assert_int_eq(store_remove(storage, e[1].name), 0);
    store_entries_free(e, n);
    char err[256];
    ck_assert_int_eq(run_remove(storage, "7", err, sizeof(err)), 0);
    ck_assert_int_eq(run_remove(storage, "7", err, sizeof(err)), -1);
    ck_assert_int_eq(remove_tree(AT_FDCWD, storage), 0);
    ck_assert_int_eq(access(storage, F_OK), -1);
    store_refs_release(&refs);
    cJSON_Delete(r);
    free(src);
    free(run);
    free(sub);
}
END_TEST

Suite *prune_suite(void);
Suite *prune_suite(void)
{
    Suite *s = suite_create("prune");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_references);
    tcase_add_test(tc, test_unreferenced_and_removal);
    suite_add_tcase(s, tc);
    return s;
}
