/* check_runedit.c: a user's edit of run.json (tags, notes) survives the launcher's next
 * rewrites, whether the file was replaced or changed in place; only the editable key is
 * taken over; and the recorded launcher is told alive, gone or unknown. */
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "json/json.h"
#include "json/json_parse.h"
#include "record/record.h"
#include "record/runedit.h"
#include "util/error.h"
#include "util/proc.h"
#include "util/strbuf.h"

static char storage[64];
static struct record rec;

static void setup(void)
{
    snprintf(storage, sizeof(storage), "/tmp/sr-runedit-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(storage));
    ck_assert_int_eq(record_claim(&rec, storage, NULL, NULL), 0);
    cJSON *run = json_parse_typed("{\"status\": \"RUNNING\", \"heartbeat\": null}");
    cJSON *config = cJSON_CreateObject();
    ck_assert_int_eq(record_start(&rec, run, config), 0);
    cJSON_Delete(config);
}

static void teardown(void)
{
    char *cmd = xasprintf("rm -rf '%s'", storage);
    ck_assert_int_eq(system(cmd), 0);
    free(cmd);
    record_release(&rec);
}

/* run.json of the run as it is on disk. */
static cJSON *on_disk(void)
{
    struct strbuf sb = STRBUF_INIT;
    char *path = xasprintf("%s/run.json", rec.dir);
    ck_assert_int_eq(strbuf_read_file(&sb, path), 0);
    cJSON *j = json_parse_typed(sb.buf);
    ck_assert_ptr_nonnull(j);
    strbuf_release(&sb);
    free(path);
    return j;
}

static int add_tag(cJSON *run, void *arg, char *err, size_t errlen)
{
    (void)err, (void)errlen;
    cJSON *ob = cJSON_GetObjectItemCaseSensitive(run, RUN_EDITABLE);
    if (!ob)
        cJSON_AddItemToObject(run, RUN_EDITABLE, ob = cJSON_CreateObject());
    cJSON *tags = cJSON_GetObjectItemCaseSensitive(ob, "tags");
    if (!tags)
        cJSON_AddItemToObject(ob, "tags", tags = cJSON_CreateArray());
    cJSON_AddItemToArray(tags, cJSON_CreateString(arg));
    return 1;
}

static int tag_count(const cJSON *run)
{
    return cJSON_GetArraySize(json_get_dotted(run, RUN_EDITABLE ".tags"));
}

static void beat(const char *when)
{
    json_set(rec.run, "heartbeat", cJSON_CreateString(when));
    record_write_run(&rec);
}

START_TEST(test_edits_survive_beats)
{
    char err[256] = "";
    beat("1");
    ck_assert_int_eq(run_edit(rec.dir, add_tag, "a", err, sizeof(err)), 0);
    ck_assert_int_eq(run_edit(rec.dir, add_tag, "b", err, sizeof(err)), 0);
    beat("2");
    cJSON *d = on_disk();
    ck_assert_int_eq(tag_count(d), 2);
    ck_assert_str_eq(json_get_dotted(d, "heartbeat")->valuestring, "2");
    cJSON_Delete(d);
    ck_assert_int_eq(tag_count(rec.run), 2); /* taken into the launcher's tree */
    beat("3");
    ck_assert_int_eq(run_edit(rec.dir, add_tag, "c", err, sizeof(err)), 0);
    beat("4");
    beat("5");
    d = on_disk();
    ck_assert_int_eq(tag_count(d), 3);
    cJSON_Delete(d);
}
END_TEST

START_TEST(test_only_editable_key_taken)
{
    /* Someone rewrites run.json in place (same inode): the launcher keeps its own keys
     * and takes only what users edit. */
    beat("1");
    char *path = xasprintf("%s/run.json", rec.dir);
    FILE *f = fopen(path, "w"); /* truncated, the same inode */
    ck_assert_ptr_nonnull(f);
    fputs("{\"heartbeat\": \"0\", \"status\": \"HACKED\", \"omniboard\": {\"notes\": \"n\"}}", f);
    fclose(f);
    free(path);
    beat("2");
    cJSON *d = on_disk();
    ck_assert_str_eq(json_get_dotted(d, "status")->valuestring, "RUNNING");
    ck_assert_str_eq(json_get_dotted(d, "heartbeat")->valuestring, "2");
    ck_assert_str_eq(json_get_dotted(d, "omniboard.notes")->valuestring, "n");
    cJSON_Delete(d);
}
END_TEST

START_TEST(test_take_edits)
{
    cJSON *ours = json_parse_typed("{\"a\": 1, \"omniboard\": {\"tags\": [\"old\"]}}");
    cJSON *theirs = json_parse_typed("{\"a\": 2, \"b\": 3}");
    run_take_edits(ours, theirs);
    ck_assert_ptr_null(cJSON_GetObjectItemCaseSensitive(ours, "omniboard")); /* removed there */
    cJSON_Delete(theirs);
    theirs = json_parse_typed("{\"omniboard\": {\"tags\": [\"x\", \"y\"]}}");
    run_take_edits(ours, theirs);
    ck_assert_int_eq(tag_count(ours), 2);
    ck_assert_str_eq(json_get_dotted(ours, "a")->valuestring, "1");
    ck_assert_ptr_null(cJSON_GetObjectItemCaseSensitive(ours, "b"));
    cJSON_Delete(ours);
    cJSON_Delete(theirs);
}
END_TEST

static cJSON *launcher_run(long long pid, long long ticks, const char *boot)
{
    char host[256];
    gethostname(host, sizeof(host));
    cJSON *run = cJSON_CreateObject(), *l = cJSON_CreateObject(), *h = cJSON_CreateObject();
    cJSON_AddStringToObject(h, "hostname", host);
    cJSON_AddItemToObject(run, "host", h);
    cJSON_AddItemToObject(l, "pid", json_int(pid));
    cJSON_AddItemToObject(l, "start_ticks", json_int(ticks));
    cJSON_AddStringToObject(l, "boot_id", boot);
    cJSON_AddItemToObject(run, "launcher", l);
    return run;
}

START_TEST(test_launcher_alive)
{
    unsigned long long ticks;
    char boot[40];
    ck_assert_int_eq(proc_start_ticks(getpid(), &ticks), 0);
    proc_boot_id(boot);
    cJSON *run = launcher_run(getpid(), (long long)ticks, boot);
    ck_assert_int_eq(run_launcher_alive(run), 1);
    cJSON_Delete(run);
    run = launcher_run(getpid(), (long long)ticks + 1, boot); /* the pid was reused */
    ck_assert_int_eq(run_launcher_alive(run), 0);
    cJSON_Delete(run);
    run = launcher_run(getpid(), (long long)ticks, "another-boot");
    ck_assert_int_eq(run_launcher_alive(run), *boot ? 0 : 1);
    cJSON_Delete(run);
    run = json_parse_typed("{\"status\": \"RUNNING\"}");
    ck_assert_int_eq(run_launcher_alive(run), -1);
    cJSON_Delete(run);
}
END_TEST

Suite *runedit_suite(void);
Suite *runedit_suite(void)
{
    Suite *s = suite_create("runedit");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_edits_survive_beats);
    tcase_add_test(tc, test_only_editable_key_taken);
    tcase_add_test(tc, test_take_edits);
    tcase_add_test(tc, test_launcher_alive);
    suite_add_tcase(s, tc);
    return s;
}
