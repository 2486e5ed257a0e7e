/* record.c: the run directory and its five files. JSON files are replaced atomically; a
 * reader sees the old or the new file, never a partial one. */
#include "record/record.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "json/json.h"
#include "record/runid.h"
#include "record/sacred_files.h"
#include "util/error.h"
#include "util/fs.h"

const char *const sacred_files[SACRED_NFILES] = { RUN_JSON, CONFIG_JSON, COUT_TXT, INFO_JSON,
                                                  METRICS_JSON };

static char *absolute_dir(const char *p)
{
    char buf[PATH_MAX];
    if (realpath(p, buf))
        return xstrdup(buf);
    return xstrdup(p);
}

int record_claim(struct record *r, const char *storage, const char *forced_id)
{
    char id[64];
    memset(r, 0, sizeof(*r));
    r->dirfd = r->cout.fd = r->lockfd = -1;
    if (mkdir_p(storage, 0777) < 0)
        return error("cannot create storage directory '%s': %s; choose another with -F", storage,
                     strerror(errno));
    r->basedir = absolute_dir(storage);
    if (forced_id && runid_force(r->basedir, forced_id) < 0)
        return error(errno == EEXIST ? "run '%s' already exists in '%s'; choose another --id"
                     : errno == EINVAL ? "invalid run id '%s' for '%s': use a plain name (no '/', not starting with '.' or '_')"
                                       : "cannot create run '%s' in '%s'",
                     forced_id, storage);
    if (!forced_id && runid_claim(r->basedir, id, sizeof(id)) < 0)
        return error("cannot create a run directory in '%s': %s; check that it is writable",
                     storage, strerror(errno));
    r->id = xstrdup(forced_id ? forced_id : id);
    r->dir = xasprintf("%s/%s", r->basedir, r->id);
    r->dirfd = open(r->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (r->dirfd < 0)
        return error("cannot open run directory '%s': %s", r->dir, strerror(errno));
    return 0;
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
    if (run_write_merged(r->dirfd, r->dir, r->lockfd, r->run, &r->written) < 0)
        return error("cannot write '%s/" RUN_JSON "': %s", r->dir, strerror(errno));
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
    if (run_write_merged(r->dirfd, r->dir, r->lockfd, r->run, &r->written) < 0)
        record_failed(r, RUN_JSON);
}

void record_write_info(struct record *r, const cJSON *info)
{
    if (json_write_file(r->dirfd, INFO_JSON, info) < 0)
        record_failed(r, INFO_JSON);
}

void record_remove(struct record *r)
{
    if (r->dirfd < 0)
        return;
    for (size_t i = 0; i < SACRED_NFILES; i++)
        unlinkat(r->dirfd, sacred_files[i], 0);
    unlinkat(r->dirfd, RUN_LOCK, 0);
    rmdir(r->dir);
}

void record_release(struct record *r)
{
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
    r->dirfd = r->cout.fd = r->lockfd = -1;
}
