/* runread.c: the read side of the file storage. Everything is parsed with the typed
 * parser, so integers stay integers; nothing here prints or writes. */
#include "record/runread.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "json/json_parse.h"
#include "record/sacred_files.h"
#include "util/error.h"
#include "util/strbuf.h"

static int numeric(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (!isdigit((unsigned char)*s))
            return 0;
    return 1;
}

static int by_id(const void *a, const void *b)
{
    const char *x = *(char *const *)a, *y = *(char *const *)b;
    int nx = numeric(x), ny = numeric(y);
    if (nx != ny)
        return ny - nx;
    if (nx) {
        size_t lx = strlen(x + strspn(x, "0")), ly = strlen(y + strspn(y, "0"));
        if (lx != ly)
            return lx < ly ? -1 : 1;
        int c = strcmp(x + strspn(x, "0"), y + strspn(y, "0"));
        if (c)
            return c;
    }
    return strcmp(x, y);
}

int storage_has_run(const char *storage, const char *id)
{
    struct stat st;
    char *path = xasprintf("%s/%s/" RUN_JSON, storage, id);
    int yes = stat(path, &st) == 0 && S_ISREG(st.st_mode);
    free(path);
    return yes;
}

int storage_run_ids(const char *storage, char ***ids, size_t *n)
{
    DIR *d = opendir(storage);
    *ids = NULL;
    *n = 0;
    if (!d)
        return -1;
    size_t cap = 0;
    for (struct dirent *e; (e = readdir(d));) {
        if (e->d_name[0] == '.' || e->d_name[0] == '_' || !storage_has_run(storage, e->d_name))
            continue;
        if (*n == cap)
            *ids = xrealloc(*ids, (cap = cap ? 2 * cap : 64) * sizeof(**ids));
        (*ids)[(*n)++] = xstrdup(e->d_name);
    }
    closedir(d);
    if (*n)
        qsort(*ids, *n, sizeof(**ids), by_id);
    return 0;
}

void run_ids_free(char **ids, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(ids[i]);
    free(ids);
}

/* Parses the text of file name; NULL, with the reason in *why unless why is NULL, when it
 * is absent (text NULL) or not JSON. */
static cJSON *parse_json(const char *text, const char *name, char **why)
{
    cJSON *j = text ? json_parse_typed(text) : NULL;
    if (!j && why)
        *why = text ? xasprintf("%s is not valid JSON (corrupt or half-written)", name)
                    : xasprintf("cannot read %s: %s", name, strerror(ENOENT));
    return j;
}

/* Parses dir/name; NULL, with the reason in *why unless why is NULL, when it is absent or
 * not JSON. */
static cJSON *load_json(const char *dir, const char *name, char **why)
{
    struct strbuf sb = STRBUF_INIT;
    char *path = xasprintf("%s/%s", dir, name);
    cJSON *j = NULL;
    if (strbuf_read_file(&sb, path) < 0) {
        if (why)
            *why = xasprintf("cannot read %s: %s", name, strerror(errno));
    } else
        j = parse_json(sb.buf ? sb.buf : "", name, why);
    strbuf_release(&sb);
    free(path);
    return j;
}

/* j when it is an object, else an empty object (config.json and info.json). */
static cJSON *object_or_empty(cJSON *j)
{
    if (cJSON_IsObject(j))
        return j;
    cJSON_Delete(j);
    return cJSON_CreateObject();
}

static void doc_start(struct run_doc *d, const char *storage, const char *id)
{
    memset(d, 0, sizeof(*d));
    d->id = xstrdup(id);
    d->dir = xasprintf("%s/%s", storage, id);
}

/* run.json parsed (or NULL with why, the reason): an object, or the error. */
static void doc_set_run(struct run_doc *d, cJSON *run, char *why)
{
    d->run = run;
    d->error = why;
    if (d->run && !cJSON_IsObject(d->run)) {
        cJSON_Delete(d->run);
        d->run = NULL;
        d->error = xstrdup(RUN_JSON " is not a JSON object");
    }
}

void run_doc_load(struct run_doc *d, const char *storage, const char *id)
{
    char *why = NULL;
    doc_start(d, storage, id);
    cJSON *run = load_json(d->dir, RUN_JSON, &why);
    doc_set_run(d, run, why);
    d->config = object_or_empty(load_json(d->dir, CONFIG_JSON, NULL));
    d->info = object_or_empty(load_json(d->dir, INFO_JSON, NULL));
}

void run_doc_parse(struct run_doc *d, const char *storage, const char *id, const char *run,
                   const char *config, const char *info)
{
    char *why = NULL;
    doc_start(d, storage, id);
    cJSON *j = parse_json(run, RUN_JSON, &why);
    doc_set_run(d, j, why);
    d->config = object_or_empty(parse_json(config, CONFIG_JSON, NULL));
    d->info = object_or_empty(parse_json(info, INFO_JSON, NULL));
}

cJSON *run_doc_metrics(const struct run_doc *d, char *err, size_t errlen)
{
    char *why = NULL, *path = xasprintf("%s/" METRICS_JSON, d->dir);
    struct stat st;
    int absent = stat(path, &st) < 0 && errno == ENOENT;
    free(path);
    if (absent)
        return cJSON_CreateObject();
    cJSON *m = load_json(d->dir, METRICS_JSON, &why);
    if (m && !cJSON_IsObject(m)) {
        cJSON_Delete(m);
        m = NULL;
        why = xstrdup(METRICS_JSON " is not a JSON object");
    }
    if (!m)
        snprintf(err, errlen, "run %s: %s", d->id, why);
    free(why);
    return m;
}

void run_doc_release(struct run_doc *d)
{
    free(d->id);
    free(d->dir);
    cJSON_Delete(d->run);
    cJSON_Delete(d->config);
    cJSON_Delete(d->info);
    free(d->error);
    memset(d, 0, sizeof(*d));
}
