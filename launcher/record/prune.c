/* prune.c: the references runs make into the stores, the stores' files, and removal. A
 * reference is recognised by its last two path components, so a storage that was moved
 * or copied (Sacred records absolute resource paths) still protects its files. */
#include "record/prune.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "record/runedit.h"
#include "record/runread.h"
#include "record/sources.h"
#include "util/error.h"
#include "util/fs.h"

static const char *const stores[] = { "_sources", "_resources" };

/* Adds name (taken) unless it is there. */
static void add_name(struct store_refs *refs, char *name)
{
    if (name_index_get(&refs->ix, name, strlen(name)) >= 0) {
        free(name);
        return;
    }
    if (refs->n == refs->cap)
        refs->name = xrealloc(refs->name, (refs->cap = refs->cap ? 2 * refs->cap : 64) * sizeof(char *));
    refs->name[refs->n] = name;
    name_index_put(&refs->ix, name, refs->n++);
}

/* A path naming a store file: ".../_resources/train_c3c6....csv", "_sources/x_1a2b.py". */
static void add_path(struct store_refs *refs, const char *path)
{
    const char *base = strrchr(path, '/');
    if (!base || !base[1])
        return;
    const char *parent = base;
    while (parent > path && parent[-1] != '/')
        parent--;
    for (size_t i = 0; i < sizeof(stores) / sizeof(*stores); i++)
        if ((size_t)(base - parent) == strlen(stores[i]) && !strncmp(parent, stores[i], strlen(stores[i])))
            add_name(refs, xstrdup(parent));
}

static int is_md5(const char *s)
{
    size_t n = 0;
    while (isxdigit((unsigned char)s[n]))
        n++;
    return n == 32 && !s[n];
}

/* [name, stored] or {"py/tuple": [name, md5]} (a queued run's sources: the stored name
 * follows from the two). */
static void add_pair(struct store_refs *refs, const cJSON *e, const char *store)
{
    if (cJSON_IsObject(e))
        e = cJSON_GetObjectItemCaseSensitive(e, "py/tuple");
    const cJSON *name = cJSON_GetArrayItem(e, 0), *second = cJSON_GetArrayItem(e, 1);
    if (!cJSON_IsArray(e) || !cJSON_IsString(name) || !cJSON_IsString(second))
        return;
    if (is_md5(second->valuestring)) {
        char stored[PATH_MAX];
        store_name(store, name->valuestring, second->valuestring, stored, sizeof(stored));
        add_name(refs, xstrdup(stored));
    } else
        add_path(refs, second->valuestring);
}

void store_refs_add(struct store_refs *refs, const cJSON *run)
{
    const cJSON *exp = cJSON_GetObjectItemCaseSensitive(run, "experiment"), *e;
    cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(exp, "sources"))
        add_pair(refs, e, "_sources");
    cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(run, "resources"))
        add_pair(refs, e, "_resources");
    cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(run, "resource_files")) {
        const cJSON *stored = cJSON_GetObjectItemCaseSensitive(e, "stored");
        if (cJSON_IsString(stored))
            add_path(refs, stored->valuestring);
    }
}

int store_refs_has(const struct store_refs *refs, const char *name)
{
    return name_index_get(&refs->ix, name, strlen(name)) >= 0;
}

void store_refs_release(struct store_refs *refs)
{
    for (size_t i = 0; i < refs->n; i++)
        free(refs->name[i]);
    free(refs->name);
    name_index_release(&refs->ix);
    memset(refs, 0, sizeof(*refs));
}

/* util/fs.c's temporary name while a file is being stored: ".NAME.tmpPID". */
static int is_temporary(const char *name)
{
    size_t n = strlen(name), d = n;
    while (d > 0 && isdigit((unsigned char)name[d - 1]))
        d--;
    return name[0] == '.' && d < n && d >= 4 && !strncmp(name + d - 4, ".tmp", 4);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(((const struct store_entry *)a)->name, ((const struct store_entry *)b)->name);
}

/* Appends the unreferenced files of storage/store to *out. */
static int list_store(const char *storage, const char *store, const struct store_refs *refs,
                      struct store_entry **out, size_t *n, size_t *cap)
{
    char *path = xasprintf("%s/%s", storage, store);
    DIR *d = opendir(path);
    free(path);
    if (!d)
        return errno == ENOENT ? 0 : -1;
    for (struct dirent *e; (e = readdir(d));) {
        struct stat st;
        char *name = xasprintf("%s/%s", store, e->d_name);
        if (is_temporary(e->d_name) || fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0
            || !S_ISREG(st.st_mode) || store_refs_has(refs, name)) {
            free(name);
            continue;
        }
        if (*n == *cap)
            *out = xrealloc(*out, (*cap = *cap ? 2 * *cap : 64) * sizeof(**out));
        (*out)[(*n)++] = (struct store_entry){ name, st.st_size, st.st_mtim };
    }
    closedir(d);
    return 0;
}

int store_unreferenced(const char *storage, const struct store_refs *refs,
                       struct store_entry **out, size_t *n)
{
    size_t cap = 0;
    *out = NULL;
    *n = 0;
    for (size_t i = 0; i < sizeof(stores) / sizeof(*stores); i++)
        if (list_store(storage, stores[i], refs, out, n, &cap) < 0) {
            int saved = errno;
            store_entries_free(*out, *n);
            *out = NULL;
            *n = 0;
            errno = saved;
            return -1;
        }
    if (*n)
        qsort(*out, *n, sizeof(**out), by_name);
    return 0;
}

void store_entries_free(struct store_entry *e, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(e[i].name);
    free(e);
}

int store_remove(const char *storage, const char *name)
{
    char *path = xasprintf("%s/%s", storage, name);
    int rc = unlink(path);
    free(path);
    return rc;
}

double storage_runs_starting(const char *storage, double max_age)
{
    DIR *d = opendir(storage);
    double earliest = INFINITY, now = (double)time(NULL);
    for (struct dirent *e; d && (e = readdir(d));) {
        struct stat st;
        if (e->d_name[0] == '.' || e->d_name[0] == '_'
            || fstatat(dirfd(d), e->d_name, &st, 0) < 0 || !S_ISDIR(st.st_mode))
            continue;
        double t = (double)st.st_mtim.tv_sec + (double)st.st_mtim.tv_nsec / 1e9;
        if (now - t < max_age && t < earliest && !storage_has_run(storage, e->d_name))
            earliest = t;
    }
    if (d)
        closedir(d);
    return earliest;
}

/* remove_tree, again while a launcher still writing (rm --force) adds files. */
static int remove_hidden(int sfd, const char *hidden)
{
    int rc, tries = 0;
    while ((rc = remove_tree(sfd, hidden)) < 0 && errno == ENOTEMPTY && ++tries < 20)
        ;
    return rc;
}

int run_remove(const char *storage, const char *id, char *err, size_t errlen)
{
    char *dir = xasprintf("%s/%s", storage, id);
    char *hidden = xasprintf(".removing-%s.%ld", id, (long)getpid());
    int sfd = open(storage, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int lockfd = sfd < 0 || dfd < 0 ? -1 : run_lock(dfd), rc = -1;
    if (lockfd < 0)
        error_text(err, errlen, "cannot lock run '%s' ('%s/" RUN_LOCK "'): %s", id, dir, strerror(errno));
    else if (renameat(sfd, id, sfd, hidden) < 0)
        error_text(err, errlen, "cannot remove run '%s' ('%s'): %s", id, dir, strerror(errno));
    else if (remove_hidden(sfd, hidden) < 0)
        error_text(err, errlen, "cannot remove all of run '%s' (now '%s/%s'): %s", id, storage,
                   hidden, strerror(errno));
    else
        rc = 0;
    if (lockfd >= 0)
        close(lockfd);
    if (dfd >= 0)
        close(dfd);
    if (sfd >= 0)
        close(sfd);
    free(dir);
    free(hidden);
    return rc;
}
