/* dbfiles.c: a run's sources, resources and artifacts into the database: the content of
 * each once per MD5 (files, file_chunks), shared by every run that has it, and the run's
 * own list (run_files) with the names and paths run.json gives. Never prints. */
#include "store/dbparts.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "json/json.h"
#include "json/json_parse.h"
#include "record/sacred_files.h"
#include "store/db.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/strbuf.h"
#include "util/utf8.h"

enum { CHUNK = 1 << 20 };

char *db_text_clean(const char *text, size_t n)
{
    struct strbuf sb = STRBUF_INIT;
    strbuf_grow(&sb, n);
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t k = utf8_char((const unsigned char *)text + i, n - i, 0, &cp);
        int bad = k == 0 || (cp >= 0xDC80 && cp <= 0xDCFF && k == 1) || cp == 0;
        if (bad)
            strbuf_addch(&sb, '?');
        else
            strbuf_add(&sb, text + i, k);
        i += k ? k : 1;
    }
    return strbuf_detach(&sb);
}

/* The MD5 in a stored name ("train_c3c6...041.csv"), else NULL. */
static int md5_in_name(const char *path, char md5[33])
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    const char *dot = strrchr(base, '.');
    size_t end = dot && dot > base ? (size_t)(dot - base) : strlen(base);
    if (end < 33 || base[end - 33] != '_')
        return -1;
    for (size_t i = end - 32; i < end; i++)
        if (!strchr("0123456789abcdef", base[i]))
            return -1;
    memcpy(md5, base + end - 32, 32);
    md5[32] = 0;
    return 0;
}

static int store_chunks(struct db *d, int fd, const char *md5)
{
    char *buf = xmalloc(CHUNK), n[24];
    ssize_t k;
    int rc = 0;
    for (long i = 0; !rc && (k = read(fd, buf, CHUNK)) > 0; i++) {
        snprintf(n, sizeof(n), "%ld", i);
        struct db_param p[] = { DB_TEXT(md5), DB_TEXT(n), { buf, (size_t)k, 1 } };
        rc = db_exec(d, "INSERT INTO file_chunks (md5, n, data) VALUES ($1, $2, $3)", 3, p, NULL);
    }
    free(buf);
    return rc;
}

/* The content of path under md5, unless the database has it. */
static int store_content(struct db *d, const char *path, const char *md5)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st)) {
        if (fd >= 0)
            close(fd);
        return 1; /* gone: the run lists it without content */
    }
    char size[24], chunks[24];
    snprintf(size, sizeof(size), "%lld", (long long)st.st_size);
    snprintf(chunks, sizeof(chunks), "%lld", ((long long)st.st_size + CHUNK - 1) / CHUNK);
    struct db_param p[] = { DB_TEXT(md5), DB_TEXT(size), DB_TEXT(chunks) };
    struct db_rows *r;
    int rc = db_exec(d, "INSERT INTO files (md5, size, chunks) VALUES ($1, $2, $3)"
                        " ON CONFLICT (md5) DO NOTHING RETURNING md5", 3, p, &r);
    if (!rc && db_rows_count(r))
        rc = store_chunks(d, fd, md5);
    db_rows_free(r);
    close(fd);
    return rc;
}

static int store_entry(struct db *d, const char *key, const char *kind, const char *name,
                       const char *listed, const char *file)
{
    char md5[33];
    if (md5_in_name(file, md5) && md5_file(file, md5))
        return 0; /* not there any more: nothing to store */
    int rc = store_content(d, file, md5);
    if (rc)
        return rc > 0 ? 0 : -1;
    struct db_param p[] = { DB_TEXT(key), DB_TEXT(kind), DB_TEXT(name), DB_TEXT(listed), DB_TEXT(md5) };
    return db_exec(d, "INSERT INTO run_files (run_id, kind, name, path, md5) VALUES ($1, $2, $3, $4, $5)"
                      " ON CONFLICT (run_id, kind, name) DO UPDATE SET path = excluded.path,"
                      " md5 = excluded.md5", 5, p, NULL);
}

/* A resource's copy: in the storage's _resources/ (where it is now), else as listed. */
static char *resource_file(const char *base, const char *listed)
{
    const char *name = strrchr(listed, '/');
    char *here = xasprintf("%s/_resources/%s", base, name ? name + 1 : listed);
    if (access(here, R_OK) == 0 || listed[0] != '/')
        return here;
    free(here);
    return xstrdup(listed);
}

static int store_pairs(struct db *d, const char *key, const char *kind, const cJSON *list,
                       const char *base)
{
    const cJSON *e;
    cJSON_ArrayForEach(e, list) {
        const cJSON *name = cJSON_GetArrayItem(e, 0), *path = cJSON_GetArrayItem(e, 1);
        if (!cJSON_IsString(name) || !cJSON_IsString(path))
            continue;
        char *file = kind[0] == 's' ? xasprintf("%s/%s", base, path->valuestring)
                                    : resource_file(base, path->valuestring);
        int rc = store_entry(d, key, kind, name->valuestring, path->valuestring, file);
        free(file);
        if (rc)
            return -1;
    }
    return 0;
}

static int store_artifacts(struct db *d, const char *key, const cJSON *list, const char *dir)
{
    const cJSON *e;
    cJSON_ArrayForEach(e, list) {
        if (!cJSON_IsString(e) || strstr(e->valuestring, ".."))
            continue;
        char *file = xasprintf("%s/%s", dir, e->valuestring);
        int rc = store_entry(d, key, "artifact", e->valuestring, e->valuestring, file);
        free(file);
        if (rc)
            return -1;
    }
    return 0;
}

int dbfiles_store(struct db *d, long long id, const char *dir, char *err, size_t errlen)
{
    char *path = xasprintf("%s/%s", dir, RUN_JSON), key[24];
    struct strbuf sb = STRBUF_INIT;
    cJSON *run = strbuf_read_file(&sb, path) ? NULL : json_parse_typed(sb.buf);
    strbuf_release(&sb);
    free(path);
    if (!run)
        return error_text(err, errlen, "%s/%s cannot be read as JSON", dir, RUN_JSON);
    snprintf(key, sizeof(key), "%lld", id);
    char *base = xstrdup(dir), *slash = strrchr(base, '/');
    if (slash)
        *slash = 0;
    const cJSON *exp = cJSON_GetObjectItemCaseSensitive(run, "experiment");
    int rc = store_pairs(d, key, "source", cJSON_GetObjectItemCaseSensitive(exp, "sources"), base)
             || store_pairs(d, key, "resource", cJSON_GetObjectItemCaseSensitive(run, "resources"), base)
             || store_artifacts(d, key, cJSON_GetObjectItemCaseSensitive(run, "artifacts"), dir);
    free(base);
    cJSON_Delete(run);
    return rc ? error_text(err, errlen, "%s", db_error(d)) : 0;
}
