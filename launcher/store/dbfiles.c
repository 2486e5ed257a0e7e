/* dbfiles.c: a run's sources, resources and artifacts (where record/runfiles.h finds their
 * copies) into the database: the content of each once per MD5 (files, file_chunks),
 * shared by every run that has it, and the run's own list (run_files) with the names and
 * paths run.json gives. Never prints. */
#include "store/dbparts.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "record/runfiles.h"
#include "record/sacred_files.h"
#include "store/db.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/strbuf.h"

enum { CHUNK = 1 << 20 };

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

/* One file of the run: its content (unless the database has it) and the run's row. */
static int store_entry(struct db *d, const char *key, const char *kind, const struct run_file *f)
{
    char md5[33];
    snprintf(md5, sizeof(md5), "%s", f->md5);
    if (!*md5 && md5_file(f->path, md5))
        return 0; /* not there any more: nothing to store */
    int rc = store_content(d, f->path, md5);
    if (rc)
        return rc > 0 ? 0 : -1;
    struct db_param p[] = { DB_TEXT(key), DB_TEXT(kind), DB_TEXT(f->name),
                            DB_TEXT(f->stored ? f->stored : f->name), DB_TEXT(md5) };
    return db_exec(d, "INSERT INTO run_files (run_id, kind, name, path, md5) VALUES ($1, $2, $3, $4, $5)"
                      " ON CONFLICT (run_id, kind, name) DO UPDATE SET path = excluded.path,"
                      " md5 = excluded.md5", 5, p, NULL);
}

/* The files of one kind whose copy is in the storage (record/runfiles.h finds them). */
static int store_kind(struct db *d, const char *key, const struct run_doc *doc, const char *storage,
                      enum run_file_kind kind)
{
    static const char *const kinds[] = { [RUN_SOURCES] = "source", [RUN_RESOURCES] = "resource",
                                         [RUN_ARTIFACTS] = "artifact" };
    size_t n;
    struct run_file *f = run_files(doc, storage, kind, &n);
    int rc = 0;
    for (size_t i = 0; !rc && i < n; i++)
        if (f[i].path && !(kind == RUN_ARTIFACTS && strstr(f[i].name, "..")))
            rc = store_entry(d, key, kinds[kind], &f[i]);
    run_files_free(f, n);
    return rc;
}

int dbfiles_store(struct db *d, long long id, const char *dir, char *err, size_t errlen)
{
    char *storage = xstrdup(dir), *slash = strrchr(storage, '/'), key[24];
    if (slash)
        *slash = 0;
    struct run_doc doc;
    run_doc_load(&doc, storage, slash ? slash + 1 : dir);
    snprintf(key, sizeof(key), "%lld", id);
    int rc = !doc.run ? error_text(err, errlen, "%s/%s cannot be read as JSON", dir, RUN_JSON)
             : store_kind(d, key, &doc, storage, RUN_SOURCES) || store_kind(d, key, &doc, storage, RUN_RESOURCES)
                       || store_kind(d, key, &doc, storage, RUN_ARTIFACTS)
                   ? error_text(err, errlen, "%s", db_error(d)) : 0;
    run_doc_release(&doc);
    free(storage);
    return rc;
}
