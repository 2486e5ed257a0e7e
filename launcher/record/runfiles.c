/* runfiles.c: where the copies a record names are. A stored path relative to the storage
 * is looked up there; an absolute one (Python Sacred with an absolute -F) that is gone is
 * looked up by its file name in the store; a queued run's copies are in its directory. */
#include "record/runfiles.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "json/json.h"
#include "util/error.h"
#include "util/fs.h"

int run_file_stored_md5(const char *stored, char md5[33])
{
    const char *base = strrchr(stored, '/') ? strrchr(stored, '/') + 1 : stored;
    const char *dot = strrchr(base, '.'), *end = dot && dot > base + 32 ? dot : base + strlen(base);
    md5[0] = '\0';
    if (end - base < 33 || end[-33] != '_' || strspn(end - 32, "0123456789abcdef") < 32)
        return -1;
    memcpy(md5, end - 32, 32);
    md5[32] = '\0';
    return 0;
}

static void locate(struct run_file *f, const char *candidate)
{
    struct stat st;
    if (f->path || stat(candidate, &st) < 0 || !S_ISREG(st.st_mode))
        return;
    f->path = xstrdup(candidate);
    f->size = (long long)st.st_size;
}

/* Fills path and size for a copy recorded as stored, in store (_sources, _resources). */
static void find_stored(struct run_file *f, const char *storage, const char *store)
{
    const char *base = strrchr(f->stored, '/') ? strrchr(f->stored, '/') + 1 : f->stored;
    char *inside = xasprintf("%s/%s", storage, f->stored), *by_name = xasprintf("%s/%s/%s", storage, store, base);
    if (f->stored[0] == '/')
        locate(f, f->stored);
    else
        locate(f, inside);
    locate(f, by_name);
    free(inside);
    free(by_name);
}

static struct run_file *add(struct run_file **list, size_t *n, const char *name, const char *stored)
{
    *list = xrealloc(*list, (*n + 1) * sizeof(**list));
    struct run_file *f = &(*list)[(*n)++];
    memset(f, 0, sizeof(*f));
    f->name = xstrdup(name);
    f->stored = stored ? xstrdup(stored) : NULL;
    f->size = -1;
    if (stored)
        run_file_stored_md5(stored, f->md5);
    return f;
}

static const char *text_at(const cJSON *list, int i)
{
    const cJSON *v = cJSON_GetArrayItem(list, i);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* experiment.sources: [name, stored] pairs, or a queued run's {"py/tuple": [name, md5]}
 * with the copy in the run directory under its base name. */
static void sources(const struct run_doc *d, const char *storage, struct run_file **list, size_t *n)
{
    const cJSON *all = json_get_dotted(d->run, "experiment.sources");
    for (const cJSON *e = cJSON_IsArray(all) ? all->child : NULL; e; e = e->next) {
        const cJSON *tuple = cJSON_GetObjectItemCaseSensitive(e, "py/tuple");
        const char *name = text_at(tuple ? tuple : e, 0), *second = text_at(tuple ? tuple : e, 1);
        if (!name || !second)
            continue;
        if (!tuple) {
            struct run_file *f = add(list, n, name, second);
            find_stored(f, storage, "_sources");
            if (!*f->md5 && f->path && md5_file(f->path, f->md5) < 0)
                f->md5[0] = '\0'; /* not content-addressed (Sacred without copies): hash it */
            continue;
        }
        char *copy = xasprintf("%s/%s", d->id, strrchr(name, '/') ? strrchr(name, '/') + 1 : name);
        struct run_file *f = add(list, n, name, copy);
        snprintf(f->md5, sizeof(f->md5), "%s", second);
        find_stored(f, storage, "_sources");
        free(copy);
    }
}

/* resources: [path, stored] pairs; then what resource_files lists as not stored. */
static void resources(const struct run_doc *d, const char *storage, struct run_file **list, size_t *n)
{
    const cJSON *all = cJSON_GetObjectItemCaseSensitive(d->run, "resources");
    for (const cJSON *e = cJSON_IsArray(all) ? all->child : NULL; e; e = e->next)
        if (text_at(e, 0) && text_at(e, 1))
            find_stored(add(list, n, text_at(e, 0), text_at(e, 1)), storage, "_resources");
    const cJSON *files = cJSON_GetObjectItemCaseSensitive(d->run, "resource_files");
    for (const cJSON *e = cJSON_IsArray(files) ? files->child : NULL; e; e = e->next) {
        const cJSON *path = cJSON_GetObjectItemCaseSensitive(e, "path");
        const cJSON *md5 = cJSON_GetObjectItemCaseSensitive(e, "md5");
        if (!cJSON_IsString(path) || cJSON_IsString(cJSON_GetObjectItemCaseSensitive(e, "stored")))
            continue;
        const cJSON *size = cJSON_GetObjectItemCaseSensitive(e, "size");
        struct run_file *f = add(list, n, path->valuestring, NULL);
        if (cJSON_IsString(md5))
            snprintf(f->md5, sizeof(f->md5), "%s", md5->valuestring);
        if (cJSON_IsRaw(size) || cJSON_IsNumber(size)) /* the recorded size: there is no copy */
            f->size = cJSON_IsRaw(size) ? atoll(size->valuestring) : (long long)size->valuedouble;
    }
}

static void artifacts(const struct run_doc *d, struct run_file **list, size_t *n)
{
    const cJSON *all = cJSON_GetObjectItemCaseSensitive(d->run, "artifacts");
    for (const cJSON *e = cJSON_IsArray(all) ? all->child : NULL; e; e = e->next) {
        if (!cJSON_IsString(e))
            continue;
        char *path = xasprintf("%s/%s", d->dir, e->valuestring);
        locate(add(list, n, e->valuestring, NULL), path);
        free(path);
    }
}

struct run_file *run_files(const struct run_doc *d, const char *storage, enum run_file_kind kind,
                           size_t *n)
{
    struct run_file *list = NULL;
    *n = 0;
    if (kind == RUN_SOURCES)
        sources(d, storage, &list, n);
    else if (kind == RUN_RESOURCES)
        resources(d, storage, &list, n);
    else
        artifacts(d, &list, n);
    return list;
}

void run_files_free(struct run_file *f, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(f[i].name);
        free(f[i].stored);
        free(f[i].path);
    }
    free(f);
}

cJSON *run_files_json(const struct run_file *f, size_t n)
{
    cJSON *list = cJSON_CreateArray();
    for (size_t i = 0; i < n; i++) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "name", f[i].name);
        cJSON_AddItemToObject(o, "stored", f[i].stored ? cJSON_CreateString(f[i].stored) : cJSON_CreateNull());
        cJSON_AddItemToObject(o, "size", f[i].size >= 0 ? json_int(f[i].size) : cJSON_CreateNull());
        cJSON_AddItemToObject(o, "md5", *f[i].md5 ? cJSON_CreateString(f[i].md5) : cJSON_CreateNull());
        cJSON_AddItemToArray(list, o);
    }
    return list;
}
