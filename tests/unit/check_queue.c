/* check_queue.c: the pieces of queued runs: base64 (Sacred's pickled queue_time), how late a
 * run's heartbeat is (PROBABLY_DEAD and requeue agree), and a queued run's row in SQLite:
 * claimed once, given back, failed only while no launcher wrote it, requeue refused for a
 * fresh heartbeat. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "json/json.h"
#include "json/json_parse.h"
#include "record/runedit.h"
#include "store/queue.h"
#include "util/error.h"
#include "util/strbuf.h"
#include "util/timefmt.h"

START_TEST(test_base64)
{
    static const char *const want[] = { "", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy" };
    for (size_t n = 0; n <= 6; n++) {
        struct strbuf sb = STRBUF_INIT;
        strbuf_add_base64(&sb, "foobar", n);
        ck_assert_str_eq(sb.len ? sb.buf : "", want[n]);
        strbuf_release(&sb);
    }
}
END_TEST

START_TEST(test_beat_lateness)
{
    double t, limit;
    ck_assert_int_eq(time_iso_parse("2026-01-01T00:00:00.000000", &t), 0);
    cJSON *run = json_parse_typed("{\"heartbeat\": \"2026-01-01T00:00:00.000000\","
                                  " \"meta\": {\"options\": {\"--beat-interval\": \"0.5\"}}}");
    ck_assert(run_beat_lateness(run, t + 5, &limit) < 0);
    ck_assert(fabs(limit - 11.0) < 1e-9);
    ck_assert(run_beat_lateness(run, t + 12, &limit) > 0);
    cJSON_Delete(run);
    run = json_parse_typed("{\"start_time\": \"2026-01-01T00:00:00.000000\", \"meta\": {\"options\": {}}}");
    ck_assert(fabs(run_beat_lateness(run, t + 31, &limit) - 1.0) < 1e-6); /* Sacred's 10 s beat */
    cJSON_Delete(run);
    run = json_parse_typed("{\"heartbeat\": null, \"meta\": {\"options\": {\"--beat-interval\": \"0\"}}}");
    ck_assert(isnan(run_beat_lateness(run, t, &limit)));
    cJSON_Delete(run);
}
END_TEST

/* A queued run as enqueue.c makes it, with a spec that holds its document. */
static long long queue_one(struct db *d)
{
    char err[1024];
    cJSON *doc = json_parse_typed("{\"status\": \"QUEUED\", \"experiment\": {\"name\": \"e\"},"
                                  " \"meta\": {\"options\": {\"--beat-interval\": \"0.5\"}}}");
    cJSON *config = json_parse_typed("{\"lr\": 0.1}"), *spec = cJSON_CreateObject();
    cJSON_AddItemToObject(spec, QSPEC_DOC, cJSON_Duplicate(doc, 1));
    cJSON_AddItemToObject(spec, QSPEC_CONFIG, cJSON_Duplicate(config, 1));
    cJSON_AddItemToObject(spec, QSPEC_ATTEMPT, json_int(1));
    long long id = queue_insert(d, NULL, doc, config, spec, NULL, err, sizeof(err));
    ck_assert_msg(id > 0, "%s", err);
    cJSON_Delete(doc);
    cJSON_Delete(config);
    cJSON_Delete(spec);
    return id;
}

START_TEST(test_queue_rows)
{
    char dir[] = "/tmp/sr-queue-XXXXXX", err[1024];
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char *url = xasprintf("sqlite:///%s/q.db", dir);
    struct db_url u;
    struct db *d = queue_connect(url, &u, err, sizeof(err));
    ck_assert_msg(d != NULL, "%s", err);
    long long id = queue_one(d);
    struct queue_row row, none;
    ck_assert_int_eq(queue_claim(d, &row, err, sizeof(err)), 1);
    ck_assert_int_eq(row.id, id);
    ck_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(row.doc, "status")), "RUNNING");
    ck_assert_int_eq(queue_claim(d, &none, err, sizeof(err)), 0); /* claimed once */
    char key[24];
    snprintf(key, sizeof(key), "%lld", id);
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    ck_assert_int_eq(queue_requeue(d, key, (double)now.tv_sec, err, sizeof(err)), 1); /* fresh */
    ck_assert_ptr_nonnull(strstr(err, "may still run"));
    ck_assert_int_eq(queue_requeue(d, key, (double)now.tv_sec + 60, err, sizeof(err)), 0);
    cJSON *trace = cJSON_CreateArray();
    ck_assert_int_eq(queue_fail(d, &row, trace, NULL, err, sizeof(err)), 0); /* changed since */
    queue_row_release(&row);
    ck_assert_int_eq(queue_claim(d, &row, err, sizeof(err)), 1); /* the second attempt */
    ck_assert_str_eq(json_get_dotted(row.doc, "meta.queue.attempt")->valuestring, "2");
    ck_assert_int_eq(queue_unclaim(d, &row, err, sizeof(err)), 1);
    queue_row_release(&row);
    ck_assert_int_eq(queue_claim(d, &row, err, sizeof(err)), 1);
    ck_assert_int_eq(queue_fail(d, &row, trace, NULL, err, sizeof(err)), 1);
    ck_assert_int_eq(queue_requeue(d, key, (double)now.tv_sec + 60, err, sizeof(err)), 1);
    ck_assert_ptr_nonnull(strstr(err, "is FAILED"));
    cJSON_Delete(trace);
    queue_row_release(&row);
    db_close(d);
    db_url_release(&u);
    char *cmd = xasprintf("rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
    free(cmd);
    free(url);
}
END_TEST

Suite *queue_suite(void);
Suite *queue_suite(void)
{
    Suite *s = suite_create("queue");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_base64);
    tcase_add_test(tc, test_beat_lateness);
    tcase_add_test(tc, test_queue_rows);
    suite_add_tcase(s, tc);
    return s;
}
