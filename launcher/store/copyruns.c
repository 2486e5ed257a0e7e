/* copyruns.c: copy_runs (copyruns.h). Into a database, each run is one final pass of
 * dbsync.c from its directory; into a file storage, its directory is copied (hidden files
 * left out) with the stored sources and resources run.json names. Never changes from. */
#include "store/copyruns.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "record/runfiles.h"
#include "record/runid.h"
#include "record/runread.h"
#include "store/db.h"
#include "store/dbsync.h"
#include "store/schema.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/path.h"

int storage_is_database(const char *text)
{
    struct db_url u;
    char err[16];
    int is = db_url_parse(text, &u, err, sizeof(err)) == 0;
    if (is)
        db_url_release(&u);
    return is;
}

/* A run directory's files and subdirectories (not hidden ones) into to. 0 or -1. */
static int copy_tree(const char *from, const char *to)
{
    DIR *d = opendir(from);
    if (!d || (mkdir(to, 0777) && errno != EEXIST)) {
        if (d)
            closedir(d);
        return -1;
    }
    int rc = 0;
    for (struct dirent *e; !rc && (e = readdir(d));) {
        if (e->d_name[0] == '.')
            continue;
        char *a = xasprintf("%s/%s", from, e->d_name), *b = xasprintf("%s/%s", to, e->d_name);
        struct stat st;
        rc = lstat(a, &st) ? -1 : S_ISDIR(st.st_mode) ? copy_tree(a, b) : S_ISREG(st.st_mode) ? copy_file(a, b) : 0;
        free(a);
        free(b);
    }
    closedir(d);
    return rc;
}

/* The copies of kind that run d names and that lie in from's stores (_sources/,
 * _resources/: found by record/runfiles.h), at the same place in to when it lacks them. */
static int copy_stored(const struct run_doc *d, const char *from, const char *to, enum run_file_kind kind)
{
    size_t n;
    struct run_file *f = run_files(d, from, kind, &n);
    int rc = 0;
    for (size_t i = 0; !rc && i < n; i++) {
        size_t at = f[i].path ? path_under(f[i].path, from) : 0;
        if (!at || f[i].path[at] != '_' || strstr(f[i].path + at, ".."))
            continue; /* not in a store: in the run directory (copied with it) or elsewhere */
        char *b = xasprintf("%s/%s", to, f[i].path + at);
        rc = access(b, F_OK) == 0 ? 0 : copy_file_mkdir(f[i].path, b);
        free(b);
    }
    run_files_free(f, n);
    return rc;
}

static int to_directory(const char *from, const char *to, const char *id, char *got, size_t gotlen)
{
    struct run_doc d;
    run_doc_load(&d, from, id);
    int rc = runid_force(to, id);
    if (rc && errno == EEXIST)
        rc = runid_claim(to, got, gotlen);
    else if (!rc)
        snprintf(got, gotlen, "%s", id);
    char *dst = xasprintf("%s/%s", to, got);
    if (!rc)
        rc = copy_tree(d.dir, dst) || (d.run && (copy_stored(&d, from, to, RUN_SOURCES)
                                                 || copy_stored(&d, from, to, RUN_RESOURCES))) ? -1 : 0;
    if (rc)
        error("run %s: cannot copy it into '%s': %s", id, to, strerror(errno));
    free(dst);
    run_doc_release(&d);
    return rc;
}

static int to_database(struct db *db, const char *from, const char *id, char *got, size_t gotlen)
{
    char err[2048];
    long long nid = dbsync_claim(db, id, err, sizeof(err));
    struct dbsync s;
    char *dir = xasprintf("%s/%s", from, id);
    dbsync_init(&s, nid, dir);
    int rc = nid > 0 ? dbsync_pass(db, &s, 1, err, sizeof(err)) : -1;
    if (rc && nid > 0) {
        char key[24];
        snprintf(key, sizeof(key), "%lld", nid);
        struct db_param p = DB_TEXT(key);
        db_exec(db, "DELETE FROM runs WHERE id = $1 AND doc_text = '{}'", 1, &p, NULL);
    }
    if (rc)
        error("run %s: %s", id, err);
    snprintf(got, gotlen, "%lld", nid);
    dbsync_release(&s);
    free(dir);
    return rc;
}

static struct db *open_destination(const char *to, struct db_url *u)
{
    char err[2048];
    if (!storage_is_database(to)) {
        if (mkdir_p(to, 0777) < 0)
            die("--to '%s': %s; give a directory that can be created", to, strerror(errno));
        return NULL;
    }
    db_url_parse(to, u, err, sizeof(err));
    struct db *d = schema_connect(u, err, sizeof(err));
    if (!d)
        die("--to: %s", err);
    return d;
}

int copy_runs(const char *from, const char *to, char *const *ids, size_t n)
{
    struct db_url u = { 0 };
    struct db *db = open_destination(to, &u);
    char **all = NULL;
    size_t nall = 0;
    if (!n && storage_run_ids(from, &all, &nall))
        die("--from '%s': %s", from, strerror(errno));
    for (size_t i = 0; i < n; i++)
        if (!storage_has_run(from, ids[i]))
            die("no run '%s' in the storage given with --from; 'sacred-run ls' lists its runs", ids[i]);
    int failed = 0;
    for (size_t i = 0; i < (n ? n : nall); i++) {
        const char *id = n ? ids[i] : all[i];
        char got[64] = "";
        if (db ? to_database(db, from, id, got, sizeof(got)) : to_directory(from, to, id, got, sizeof(got)))
            failed++;
        else if (strcmp(got, id))
            printf("%s -> %s\n", id, got);
        else
            printf("%s\n", id);
    }
    run_ids_free(all, nall);
    db_close(db);
    db_url_release(&u);
    return failed;
}
