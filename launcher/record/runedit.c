/* runedit.c: the lock and the two writers of run.json (the launcher, a user's edit). The
 * launcher never loses an edit made while it runs, and never stalls on a stuck editor;
 * nothing here prints, and run.json is only ever replaced atomically. */
#include "record/runedit.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "json/json.h"
#include "json/json_parse.h"
#include "record/sacred_files.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/io.h"
#include "util/proc.h"
#include "util/strbuf.h"
#include "util/timefmt.h"

static const char *const editable[] = { RUN_EDITABLE };

void run_take_edits(cJSON *ours, const cJSON *theirs)
{
    for (size_t i = 0; i < sizeof(editable) / sizeof(*editable); i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(theirs, editable[i]);
        if (v)
            json_set(ours, editable[i], cJSON_Duplicate(v, 1));
        else
            cJSON_DeleteItemFromObjectCaseSensitive(ours, editable[i]);
    }
}

/* 1 when dirfd/run.json exists and is not the file stamp describes. */
static int replaced(int dirfd, const struct run_stamp *stamp)
{
    struct stat st;
    if (fstatat(dirfd, RUN_JSON, &st, 0) < 0)
        return 0;
    return st.st_dev != stamp->st.st_dev || st.st_ino != stamp->st.st_ino || !stat_unchanged(&st, &stamp->st);
}

/* run.json of dir parsed, or NULL with errno (EINVAL: not a JSON object). */
static cJSON *read_run(const char *dir)
{
    struct strbuf sb = STRBUF_INIT;
    char *path = xasprintf("%s/" RUN_JSON, dir);
    cJSON *run = NULL;
    if (strbuf_read_file(&sb, path) == 0 && !cJSON_IsObject(run = json_parse_typed(sb.buf))) {
        cJSON_Delete(run);
        run = NULL;
        errno = EINVAL;
    }
    strbuf_release(&sb);
    free(path);
    return run;
}

/* Writes run atomically (in the spare file when spare_fd >= 0); stamp gets the new file's
 * identity (taken before the rename, which keeps inode, size and mtime). */
static int write_stamped(int dirfd, const cJSON *run, struct run_stamp *stamp, int spare_fd)
{
    struct strbuf sb = STRBUF_INIT;
    struct atomic_file a;
    struct stat st;
    json_print(&sb, run);
    int rc = spare_fd >= 0 ? atomic_adopt(&a, dirfd, RUN_JSON, RESERVE_FILE, spare_fd)
                           : atomic_open(&a, dirfd, RUN_JSON);
    if (rc == 0) {
        rc = write_full(a.fd, sb.buf, sb.len);
        if (rc == 0 && (rc = fstat(a.fd, &st)) == 0 && stamp)
            stamp->st = st;
        rc = atomic_commit(&a, rc);
    }
    strbuf_release(&sb);
    return rc;
}

/* Tries to lock lockfd for up to ms milliseconds. 1 when locked, 0 when not. */
static int lock_within(int lockfd, int ms)
{
    for (int i = 0; i <= ms; i++) {
        if (flock(lockfd, LOCK_EX | LOCK_NB) == 0)
            return 1;
        if (errno != EWOULDBLOCK && errno != EINTR)
            return 0;
        nanosleep(&(struct timespec){ 0, 1000000 }, NULL);
    }
    return 0;
}

int run_write_merged(int dirfd, const char *dir, int lockfd, cJSON *run, struct run_stamp *stamp,
                     int spare_fd)
{
    int locked = lockfd >= 0 && lock_within(lockfd, 1000);
    if (replaced(dirfd, stamp)) {
        cJSON *theirs = read_run(dir);
        if (theirs)
            run_take_edits(run, theirs);
        cJSON_Delete(theirs);
    }
    int rc = write_stamped(dirfd, run, stamp, spare_fd);
    int saved = errno;
    if (locked)
        flock(lockfd, LOCK_UN);
    errno = saved;
    return rc;
}

int run_lock(int dirfd)
{
    return lock_open(dirfd, RUN_LOCK);
}

int run_edit(const char *dir, run_edit_fn edit, void *arg, char *err, size_t errlen)
{
    int dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), lockfd = -1, rc = -1;
    cJSON *run = NULL;
    if (dirfd < 0 || (lockfd = run_lock(dirfd)) < 0)
        error_text(err, errlen, "cannot lock '%s/" RUN_LOCK "': %s", dir, strerror(errno));
    else if (!(run = read_run(dir)))
        error_text(err, errlen, "cannot read '%s/" RUN_JSON "': %s", dir,
                   errno == EINVAL ? "not a JSON object" : strerror(errno));
    else if ((rc = edit(run, arg, err, errlen)) > 0 && (rc = write_stamped(dirfd, run, NULL, -1)) < 0)
        error_text(err, errlen, "cannot write '%s/" RUN_JSON "': %s", dir, strerror(errno));
    cJSON_Delete(run);
    if (lockfd >= 0)
        close(lockfd);
    if (dirfd >= 0)
        close(dirfd);
    return rc < 0 ? -1 : 0;
}

static long long int_of(const cJSON *v)
{
    return cJSON_IsRaw(v) ? strtoll(v->valuestring, NULL, 10) : -1;
}

int run_launcher_alive(const cJSON *run)
{
    const cJSON *l = cJSON_GetObjectItemCaseSensitive(run, "launcher");
    const cJSON *host = cJSON_GetObjectItemCaseSensitive(l, "host");
    const cJSON *boot = cJSON_GetObjectItemCaseSensitive(l, "boot_id");
    long long pid = int_of(cJSON_GetObjectItemCaseSensitive(l, "pid"));
    long long ticks = int_of(cJSON_GetObjectItemCaseSensitive(l, "start_ticks"));
    char here[256];
    if (!host) /* recorded before the launcher's host was */
        host = json_get_dotted(run, "host.hostname");
    if (pid <= 0 || ticks < 0 || !cJSON_IsString(host) || !cJSON_IsString(boot)
        || gethostname(here, sizeof(here)) < 0 || strcmp(here, host->valuestring))
        return -1; /* nothing recorded, or another host's process */
    return proc_still_runs((pid_t)pid, (unsigned long long)ticks, boot->valuestring);
}

/* Sacred's own heartbeat interval, for runs that do not record theirs. */
#define DEFAULT_BEAT 10.0
/* A heartbeat is late after two intervals plus this. */
#define LATE_MARGIN 10.0

/* The heartbeat interval the run was recorded with (seconds; <= 0: no beats). */
static double beat_interval(const cJSON *run)
{
    const cJSON *b = json_get_dotted(run, "meta.options.--beat-interval");
    if (cJSON_IsString(b))
        return strtod(b->valuestring, NULL);
    if (cJSON_IsRaw(b) && b->valuestring)
        return strtod(b->valuestring, NULL);
    return cJSON_IsNumber(b) ? b->valuedouble : DEFAULT_BEAT;
}

static double time_at(const cJSON *run, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(run, key);
    double t;
    return cJSON_IsString(v) && time_iso_parse(v->valuestring, &t) == 0 ? t : NAN;
}

double run_beat_lateness(const cJSON *run, double now, double *limit)
{
    double beat = beat_interval(run), last = time_at(run, "heartbeat");
    if (isnan(last))
        last = time_at(run, "start_time");
    *limit = 2 * beat + LATE_MARGIN;
    return beat > 0 && !isnan(last) ? now - last - *limit : NAN;
}
