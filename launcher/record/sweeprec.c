/* sweeprec.c: creating, reading and editing sweep records under their lock. A record is
 * small (a line per point), so every edit reads and rewrites the whole file; nothing here
 * prints, and the record is replaced atomically (util/fs.c), never edited in place. */
#include "record/sweeprec.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "json/json.h"
#include "json/json_parse.h"
#include "record/runid.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/strbuf.h"

#define SWEEP_LOCK ".lock"

int sweep_create(const char *storage, cJSON *doc, char *id, size_t idlen, char *err, size_t errlen)
{
    char *base = xasprintf("%s/" SWEEPS_DIR, storage), *dir = NULL;
    int rc = -1;
    if (mkdir_p(base, 0777) < 0 || runid_claim(base, id, idlen) < 0)
        error_text(err, errlen, "cannot create a sweep in '%s': %s", base, strerror(errno));
    else {
        json_set(doc, "id", cJSON_CreateString(id));
        dir = xasprintf("%s/%s", base, id);
        int dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dirfd < 0 || json_write_file(dirfd, SWEEP_JSON, doc) < 0)
            error_text(err, errlen, "cannot write '%s/" SWEEP_JSON "': %s", dir, strerror(errno));
        else
            rc = 0;
        if (dirfd >= 0)
            close(dirfd);
    }
    free(base);
    free(dir);
    return rc;
}

static cJSON *read_record(const char *dir, char *err, size_t errlen)
{
    struct strbuf sb = STRBUF_INIT;
    char *path = xasprintf("%s/" SWEEP_JSON, dir);
    int rc = strbuf_read_file(&sb, path);
    cJSON *doc = rc == 0 ? json_parse_typed(sb.buf) : NULL;
    if (!cJSON_IsObject(doc) || !cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(doc, "points"))) {
        error_text(err, errlen, "cannot read the sweep record '%s': %s", path,
                   rc < 0 ? strerror(errno) : "not a sweep record");
        cJSON_Delete(doc);
        doc = NULL;
    }
    strbuf_release(&sb);
    free(path);
    return doc;
}

/* STORAGE/_sweeps/ID opened, or -1 with a message naming the sweep. */
static int open_sweep(const char *storage, const char *id, char **dir, char *err, size_t errlen)
{
    *dir = xasprintf("%s/" SWEEPS_DIR "/%s", storage, id);
    int fd = !*id || strchr(id, '/') || id[0] == '.' ? -1 : open(*dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        error_text(err, errlen, "no sweep '%s' in '%s'; see the ids in '%s/" SWEEPS_DIR "'", id,
                   storage, storage);
    return fd;
}

cJSON *sweep_load(const char *storage, const char *id, char *err, size_t errlen)
{
    char *dir;
    int dirfd = open_sweep(storage, id, &dir, err, errlen);
    cJSON *doc = dirfd < 0 ? NULL : read_record(dir, err, errlen);
    if (dirfd >= 0)
        close(dirfd);
    free(dir);
    return doc;
}


int sweep_edit(const char *storage, const char *id, sweep_edit_fn edit, void *arg, char *err,
               size_t errlen)
{
    char *dir;
    int dirfd = open_sweep(storage, id, &dir, err, errlen), lockfd = -1, rc = -1;
    cJSON *doc = NULL;
    if (dirfd < 0)
        ;
    else if ((lockfd = lock_open(dirfd, SWEEP_LOCK)) < 0)
        error_text(err, errlen, "cannot lock '%s/" SWEEP_LOCK "': %s", dir, strerror(errno));
    else if ((doc = read_record(dir, err, errlen))) {
        rc = 0;
        if (edit(doc, arg) > 0 && (rc = json_write_file(dirfd, SWEEP_JSON, doc)) < 0)
            error_text(err, errlen, "cannot write '%s/" SWEEP_JSON "': %s", dir, strerror(errno));
    }
    cJSON_Delete(doc);
    if (lockfd >= 0)
        close(lockfd);
    if (dirfd >= 0)
        close(dirfd);
    free(dir);
    return rc;
}

long sweep_int(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsRaw(v) ? strtol(v->valuestring, NULL, 10) : cJSON_IsNumber(v) ? (long)v->valuedouble : -1;
}

cJSON *sweep_point(const cJSON *doc, long index)
{
    cJSON *p = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(doc, "points"), (int)index);
    return index >= 0 && sweep_int(p, "index") == index ? p : NULL;
}

int sweep_state_final(const char *state)
{
    return state && (!strcmp(state, "COMPLETED") || !strcmp(state, "FAILED") || !strcmp(state, "INTERRUPTED"));
}

static void set_state(cJSON *obj, const char *state)
{
    json_set(obj, "state", cJSON_CreateString(state));
}

void sweep_close(cJSON *doc, int stopped)
{
    int all = 1, cut = 0;
    for (cJSON *p = cJSON_GetObjectItemCaseSensitive(doc, "points")->child; p; p = p->next) {
        const char *state = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(p, "state"));
        all &= state && !strcmp(state, "COMPLETED");
        if (!state || !strcmp(state, "QUEUED"))
            set_state(p, "NOT_STARTED");
        else if (!strcmp(state, "RUNNING"))
            set_state(p, "INTERRUPTED");
        state = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(p, "state"));
        cut |= !strcmp(state, "NOT_STARTED") || !strcmp(state, "INTERRUPTED");
    }
    set_state(doc, (stopped < 0 ? cut : stopped) ? "INTERRUPTED" : all ? "COMPLETED" : "FAILED");
}

struct report {
    long index;
    const char *run_id, *state;
    int exit_status;
};

static int set_point(cJSON *doc, void *arg)
{
    const struct report *r = arg;
    cJSON *p = sweep_point(doc, r->index);
    if (!p)
        return 0;
    if (r->run_id)
        json_set(p, "run_id", cJSON_CreateString(r->run_id));
    set_state(p, r->state);
    if (r->exit_status >= 0)
        json_set(p, "exit_status", json_int(r->exit_status));
    return 1;
}

int sweep_point_report(const char *storage, const char *id, long index, const char *run_id,
                       const char *state, int exit_status, char *err, size_t errlen)
{
    struct report r = { index, run_id, state, exit_status };
    return sweep_edit(storage, id, set_point, &r, err, errlen);
}
