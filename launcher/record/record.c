/* record.c: the run directory and its five files. JSON files are replaced atomically; a
 * reader sees the old or the new file, never a partial one. The final run.json is written
 * in space reserved at the start, and tells what the record lacks. */
#include "record/record.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "json/json.h"
#include "record/metrics.h"
#include "record/runid.h"
#include "record/sacred_files.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/io.h"
#include "util/strbuf.h"

enum { RESERVE_BYTES = 512 * 1024, RESERVE_MIN = 16 * 1024 };

const char *const sacred_files[SACRED_NFILES] = { RUN_JSON, CONFIG_JSON, COUT_TXT, INFO_JSON,
                                                  METRICS_JSON };

static char *absolute_dir(const char *p)
{
    char buf[PATH_MAX];
    if (realpath(p, buf))
        return xstrdup(buf);
    return xstrdup(p);
}

int record_claim(struct record *r, const char *storage, const char *forced_id, const char *preferred)
{
    char id[64];
    memset(r, 0, sizeof(*r));
    r->dirfd = r->cout.fd = r->lockfd = r->reserve_fd = -1;
    if (mkdir_p(storage, 0777) < 0)
        return error("cannot create storage directory '%s': %s; choose another with -F", storage,
                     strerror(errno));
    r->basedir = absolute_dir(storage);
    if (!forced_id && preferred && runid_force(r->basedir, preferred) == 0)
        forced_id = preferred; /* a database's id, free here too */
    else if (forced_id && runid_force(r->basedir, forced_id) < 0)
        return error(errno == EEXIST ? "run '%s' already exists in '%s'; choose another --id"
                     : errno == EINVAL ? "invalid run id '%s' for '%s': use " RUNID_RULE
                                       : "cannot create run '%s' in '%s'",
                     forced_id, storage);
    else if (!forced_id && runid_claim(r->basedir, id, sizeof(id)) < 0)
        return error("cannot create a run directory in '%s': %s; check that it is writable",
                     storage, strerror(errno));
    r->id = xstrdup(forced_id ? forced_id : id);
    r->dir = xasprintf("%s/%s", r->basedir, r->id);
    r->dirfd = open(r->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (r->dirfd < 0)
        return error("cannot open run directory '%s': %s", r->dir, strerror(errno));
    return 0;
}

/* Allocates size bytes to fd (fallocate, else by writing zeros). 0 or -1 with errno. */
static int allocate(int fd, off_t size)
{
    static const char zeros[16 * 1024];
    if (fallocate(fd, 0, 0, size) == 0)
        return 0;
    if (errno != EOPNOTSUPP)
        return -1;
    for (off_t at = 0; at < size; at += (off_t)sizeof(zeros))
        if (pwrite_full(fd, zeros, sizeof(zeros), at) < 0)
            return -1;
    return 0;
}

/* RESERVE_FILE of RESERVE_BYTES, or less on a small storage (halved down to RESERVE_MIN);
 * on a storage already that full the run goes on without it. */
static void reserve_space(struct record *r)
{
    int fd = openat(r->dirfd, RESERVE_FILE, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return;
    r->reserve_size = RESERVE_BYTES;
    while (allocate(fd, r->reserve_size) < 0) {
        if (ftruncate(fd, 0) < 0 || r->reserve_size / 2 < RESERVE_MIN) {
            close(fd);
            unlinkat(r->dirfd, RESERVE_FILE, 0);
            return;
        }
        r->reserve_size /= 2;
    }
    r->reserve_fd = fd;
}

void record_release_space(struct record *r, int all)
{
    if (r->reserve_fd < 0)
        return;
    if (!all) {
        (void)!ftruncate(r->reserve_fd, r->reserve_size / 2);
        return;
    }
    close(r->reserve_fd);
    unlinkat(r->dirfd, RESERVE_FILE, 0);
    r->reserve_fd = -1;
}

int record_start(struct record *r, cJSON *run, const cJSON *config)
{
    static const char *const empty[] = { INFO_JSON, METRICS_JSON };
    r->run = run;
    cJSON *shown = cJSON_Duplicate(config, 1);
    r->config_redacted = redact_config(r->redact, shown);
    int rc = json_write_file(r->dirfd, CONFIG_JSON, shown);
    cJSON_Delete(shown);
    if (rc < 0)
        return error("cannot write '%s/" CONFIG_JSON "': %s", r->dir, strerror(errno));
    for (size_t i = 0; i < sizeof(empty) / sizeof(*empty); i++)
        if (write_file_atomic(r->dirfd, empty[i], "{}", 2) < 0)
            return error("cannot write '%s/%s': %s", r->dir, empty[i], strerror(errno));
    if (cout_open(&r->cout, r->dirfd) < 0)
        return error("cannot create '%s/" COUT_TXT "': %s", r->dir, strerror(errno));
    r->lockfd = openat(r->dirfd, RUN_LOCK, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (r->lockfd < 0)
        return error("cannot create '%s/" RUN_LOCK "': %s", r->dir, strerror(errno));
    redact_run(r->redact, r->run);
    if (run_write_merged(r->dirfd, r->dir, r->lockfd, r->run, &r->written, -1) < 0)
        return error("cannot write '%s/" RUN_JSON "': %s", r->dir, strerror(errno));
    reserve_space(r);
    return 0;
}

void record_failed(struct record *r, const char *what)
{
    if (r->warned++)
        return;
    warning("cannot update %s in '%s': %s; the program goes on, the record may be incomplete",
            what, r->dir, strerror(errno));
}

void record_write_run(struct record *r)
{
    redact_run(r->redact, r->run);
    if (run_write_merged(r->dirfd, r->dir, r->lockfd, r->run, &r->written, -1) < 0)
        record_failed(r, RUN_JSON);
}

int record_write_info(struct record *r, const cJSON *info)
{
    r->info_failed = 0;
    if (json_write_file(r->dirfd, INFO_JSON, info) == 0)
        return 0;
    r->info_failed = errno ? errno : EIO;
    record_failed(r, INFO_JSON);
    return -1;
}

static void add_loss(cJSON *files, const char **reason, const char *name, int err)
{
    if (!err)
        return;
    cJSON_AddStringToObject(files, name, strerror(err));
    if (!*reason)
        *reason = strerror(err);
}

/* record_incomplete for what the record lacks now, or NULL when it lacks nothing. */
static cJSON *incomplete(const struct record *r, const struct metrics *ms)
{
    unsigned long long in_json = ms->points_in_json, lost = ms->points - in_json;
    const char *reason = NULL;
    cJSON *files = cJSON_CreateObject();
    add_loss(files, &reason, COUT_TXT, r->cout.failed);
    add_loss(files, &reason, METRICS_JSON, lost ? (ms->failed ? ms->failed : EIO) : 0);
    add_loss(files, &reason, INFO_JSON, r->info_failed);
    if (!reason) {
        cJSON_Delete(files);
        return NULL;
    }
    cJSON *inc = cJSON_CreateObject();
    cJSON_AddStringToObject(inc, "reason", reason);
    cJSON_AddItemToObject(inc, "files", files);
    cJSON_AddItemToObject(inc, "output_bytes_recorded", json_int((long long)r->cout.committed));
    cJSON_AddItemToObject(inc, "output_bytes_lost", json_int((long long)r->cout.lost));
    cJSON_AddItemToObject(inc, "metric_points_recorded", json_int((long long)in_json));
    cJSON_AddItemToObject(inc, "metric_points_lost", json_int((long long)lost));
    unsigned long long on_disk = metrics_points_on_disk(ms);
    cJSON_AddItemToObject(inc, "metric_points_in_fragments",
                          json_int((long long)(on_disk > in_json ? on_disk - in_json : 0)));
    return inc;
}

/* Writes run.json, into the kept space while there is some (it becomes run.json). */
static int write_run(struct record *r)
{
    int spare = r->reserve_fd;
    r->reserve_fd = -1;
    redact_run(r->redact, r->run);
    return run_write_merged(r->dirfd, r->dir, r->lockfd, r->run, &r->written, spare);
}

/* The last resort on a full storage: run.json without its process list, which says so. */
static int write_trimmed(struct record *r, int err)
{
    cJSON *inc = cJSON_GetObjectItemCaseSensitive(r->run, "record_incomplete");
    if (!inc) {
        inc = cJSON_AddObjectToObject(r->run, "record_incomplete");
        cJSON_AddStringToObject(inc, "reason", strerror(err));
        cJSON_AddObjectToObject(inc, "files");
    }
    json_set(cJSON_GetObjectItemCaseSensitive(inc, "files"), RUN_JSON, cJSON_CreateString(strerror(err)));
    json_set(inc, "run_json_lacks", json_string_list((char *[]){ "processes", NULL }));
    cJSON_DeleteItemFromObjectCaseSensitive(r->run, "processes");
    return write_run(r);
}

/* Writes the final run.json: again after a failure (a passing fault), then trimmed. */
static int write_final(struct record *r)
{
    if (write_run(r) == 0 || write_run(r) == 0)
        return 0;
    if (errno != ENOSPC && errno != EDQUOT)
        return -1;
    return write_trimmed(r, errno);
}

static long long num(const cJSON *inc, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(inc, key);
    return v ? strtoll(v->valuestring, NULL, 10) : 0;
}

/* What is incomplete, in words, for stderr (written: run.json was written with inc). */
static void describe(struct strbuf *sb, const cJSON *inc, int written)
{
    const cJSON *files = cJSON_GetObjectItemCaseSensitive(inc, "files");
    if (cJSON_HasObjectItem(files, COUT_TXT))
        strbuf_addf(sb, "; " COUT_TXT " has the first %lld bytes of the output, the last %lld are not recorded",
                    num(inc, "output_bytes_recorded"), num(inc, "output_bytes_lost"));
    if (cJSON_HasObjectItem(files, METRICS_JSON))
        strbuf_addf(sb, "; " METRICS_JSON " has %lld of %lld metric points (.metrics/ keeps %lld more)",
                    num(inc, "metric_points_recorded"),
                    num(inc, "metric_points_recorded") + num(inc, "metric_points_lost"),
                    num(inc, "metric_points_in_fragments"));
    if (cJSON_HasObjectItem(files, INFO_JSON))
        strbuf_addstr(sb, "; " INFO_JSON " lacks the last info reported");
    if (written && cJSON_HasObjectItem(inc, "run_json_lacks"))
        strbuf_addstr(sb, "; " RUN_JSON " lacks the process list");
}

static void report_outcome(const struct record *r, const cJSON *inc, int err)
{
    struct stat st;
    if (err && fstat(r->dirfd, &st) == 0 && st.st_nlink == 0) {
        warning("the run directory '%s' was removed while the program ran; its record is lost", r->dir);
        return;
    }
    if (err)
        warning("cannot write the final %s in '%s': %s; it still says RUNNING", RUN_JSON, r->dir,
                strerror(err));
    if (!inc)
        return;
    struct strbuf sb = STRBUF_INIT;
    describe(&sb, inc, !err);
    warning("the record in '%s' is incomplete (%s)%s%s", r->dir,
            cJSON_GetObjectItemCaseSensitive(inc, "reason")->valuestring, sb.len ? sb.buf : "",
            err ? "" : "; " RUN_JSON " says so under record_incomplete");
    strbuf_release(&sb);
}

void record_finish(struct record *r, const struct metrics *ms)
{
    cout_close(&r->cout); /* cut back to its committed text */
    cJSON *inc = incomplete(r, ms);
    if (inc)
        json_set(r->run, "record_incomplete", inc);
    int err = write_final(r) < 0 ? (errno ? errno : EIO) : 0;
    if (!err && fsync(r->dirfd) < 0 && errno != EINVAL)
        warning("cannot sync '%s': %s; the final record may not be on disk", r->dir, strerror(errno));
    report_outcome(r, cJSON_GetObjectItemCaseSensitive(r->run, "record_incomplete"), err);
}

void record_remove(struct record *r)
{
    if (r->dirfd < 0)
        return;
    for (size_t i = 0; i < SACRED_NFILES; i++)
        unlinkat(r->dirfd, sacred_files[i], 0);
    unlinkat(r->dirfd, RUN_LOCK, 0);
    record_release_space(r, 1);
    rmdir(r->dir);
}

void record_release(struct record *r)
{
    record_release_space(r, 1);
    cout_close(&r->cout);
    if (r->dirfd >= 0)
        close(r->dirfd);
    if (r->lockfd >= 0)
        close(r->lockfd);
    cJSON_Delete(r->run);
    free(r->basedir);
    free(r->id);
    free(r->dir);
    memset(r, 0, sizeof(*r));
    r->dirfd = r->cout.fd = r->lockfd = r->reserve_fd = -1;
}
