/* dbread.c: the local copy of a database's runs (dbread.h). Runs are copied whole by
 * store/dbcopy.c; each one's version (runs.updated) is kept in a manifest beside them and
 * unchanged runs are not read again.
 * Never prints. */
#include "store/dbread.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "json/json.h"
#include "json/json_parse.h"
#include "record/runedit.h"
#include "store/dbcopy.h"
#include "store/schema.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/strbuf.h"

#define MANIFEST ".versions" /* in the copy's directory */

static char *cache_dir(const char *shown)
{
    unsigned long long h = 1469598103934665603ULL; /* FNV-1a of the URL */
    for (const char *p = shown; *p; p++)
        h = (h ^ (unsigned char)*p) * 1099511628211ULL;
    char name[32];
    snprintf(name, sizeof(name), "db/%016llx", h);
    return xdg_dir("XDG_CACHE_HOME", ".cache", name);
}

static struct db_rows *query1(struct db *d, const char *sql, const char *id)
{
    struct db_param p = DB_TEXT(id);
    struct db_rows *r;
    return db_exec(d, sql, id ? 1 : 0, &p, &r) ? NULL : r;
}

/* The versions of the runs in the copy: "ID VERSION" lines, ids ascending. */
struct manifest {
    struct strbuf text;
    char **line;
    size_t n;
};

static void manifest_read(const char *cache, struct manifest *m)
{
    memset(m, 0, sizeof(*m));
    char *path = xasprintf("%s/" MANIFEST, cache);
    if (strbuf_read_file(&m->text, path) == 0)
        for (char *p = m->text.buf, *nl; (nl = strchr(p, '\n')); p = nl + 1) {
            *nl = 0;
            m->line = xrealloc(m->line, (m->n + 1) * sizeof(*m->line));
            m->line[m->n++] = p;
        }
    free(path);
}

static void manifest_release(struct manifest *m)
{
    strbuf_release(&m->text);
    free(m->line);
}

/* Removes the copies of the manifest's runs from *k on whose id is below upto. */
static void drop_below(const struct dbread *r, const struct manifest *m, size_t *k, long long upto)
{
    for (; *k < m->n && strtoll(m->line[*k], NULL, 10) < upto; ++*k) {
        char *dir = xasprintf("%s/%.*s", r->cache, (int)strcspn(m->line[*k], " "), m->line[*k]);
        remove_tree(AT_FDCWD, dir);
        free(dir);
    }
}

/* Copies the runs whose version the manifest does not have, removes those the database
 * no longer has (both lists ascending), and writes the new manifest into out. */
static int update(struct dbread *r, const struct db_rows *rows, const struct manifest *m, struct strbuf *out)
{
    size_t k = 0, n = 0;
    long long *copy = xcalloc(db_rows_count(rows) + 1, sizeof(*copy));
    for (size_t i = 0; i < db_rows_count(rows); i++) {
        const char *id = db_value(rows, i, 0), *version = db_value(rows, i, 1);
        drop_below(r, m, &k, strtoll(id, NULL, 10));
        char *line = xasprintf("%s %s", id, version);
        if (!(k < m->n && !strcmp(m->line[k], line)))
            copy[n++] = strtoll(id, NULL, 10);
        k += k < m->n && strtoll(m->line[k], NULL, 10) == strtoll(id, NULL, 10);
        strbuf_addf(out, "%s\n", line);
        free(line);
    }
    drop_below(r, m, &k, __LONG_LONG_MAX__);
    int rc = dbcopy_runs(r->db, r->cache, copy, n);
    free(copy);
    return rc;
}

static int read_failed(struct dbread *r, char *err, size_t errlen)
{
    return error_text(err, errlen, "cannot read the runs of %s: %s", r->url.shown,
                      *db_error(r->db) ? db_error(r->db) : strerror(errno));
}

int dbread_refresh(struct dbread *r, char *err, size_t errlen)
{
    struct db_rows *rows = query1(r->db, "SELECT id, updated FROM runs WHERE status IS NOT NULL ORDER BY id", NULL);
    struct manifest m;
    manifest_read(r->cache, &m);
    struct strbuf out = STRBUF_INIT;
    int rc = rows ? update(r, rows, &m, &out) : -1;
    int fd = open(r->cache, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (!rc && (out.len != m.text.len || memcmp(out.buf ? out.buf : "", m.text.buf ? m.text.buf : "", out.len)))
        rc = fd < 0 ? -1 : write_file_atomic(fd, MANIFEST, out.buf ? out.buf : "", out.len);
    if (fd >= 0)
        close(fd);
    strbuf_release(&out);
    manifest_release(&m);
    db_rows_free(rows);
    r->fresh = !rc;
    return rc ? read_failed(r, err, errlen) : 0;
}

int dbread_docs(struct dbread *r, dbread_doc_fn *fn, void *arg, char *err, size_t errlen)
{
    struct db_rows *rows = query1(r->db, "SELECT id, doc_text, config_text, info_text FROM runs"
                                         " WHERE status IS NOT NULL ORDER BY id", NULL);
    if (!rows)
        return read_failed(r, err, errlen);
    for (size_t i = 0; i < db_rows_count(rows); i++)
        fn(arg, db_value(rows, i, 0), db_value(rows, i, 1), db_value(rows, i, 2), db_value(rows, i, 3));
    db_rows_free(rows);
    return 0;
}

int dbread_connect(struct dbread *r, const char *url, char *err, size_t errlen)
{
    memset(r, 0, sizeof(*r));
    if (db_url_parse(url, &r->url, err, errlen))
        return -1;
    r->db = schema_connect(&r->url, err, errlen);
    if (!r->db)
        return -1;
    r->cache = cache_dir(r->url.shown);
    if (!r->cache)
        return error_text(err, errlen, "cannot create the local copy of %s's runs: %s", r->url.shown,
                          strerror(errno));
    return 0;
}

int dbread_open(struct dbread *r, const char *url, char *err, size_t errlen)
{
    return dbread_connect(r, url, err, errlen) ? -1 : dbread_refresh(r, err, errlen);
}

/* Applies edit to run id's run.json in the database, locked against its launcher's
 * writes; 1 when it changed, 0 when not, -1 (err set, or the database's error). */
static int edit_locked(struct db *d, const char *id, run_edit_fn edit, void *arg, char *err, size_t errlen)
{
    struct db_rows *r = query1(d, db_kind(d) == DB_POSTGRES ? "SELECT doc_text FROM runs WHERE id = $1 FOR UPDATE"
                                                            : "SELECT doc_text FROM runs WHERE id = $1", id);
    cJSON *doc = r && db_rows_count(r) ? json_parse_typed(db_value(r, 0, 0)) : NULL;
    db_rows_free(r);
    if (!doc)
        return error_text(err, errlen, "%s", *db_error(d) ? db_error(d) : "its run.json cannot be read");
    int changed = edit(doc, arg, err, errlen);
    struct strbuf sb = STRBUF_INIT;
    json_print(&sb, doc);
    cJSON_Delete(doc);
    struct db_param p[] = { DB_TEXT(sb.buf), DB_TEXT(id) };
    if (changed == 1 && db_exec(d, db_kind(d) == DB_POSTGRES
                                       ? "UPDATE runs SET doc_text = $1::text, doc = $1::text::jsonb, updated = updated + 1 WHERE id = $2"
                                       : "UPDATE runs SET doc_text = $1, updated = updated + 1 WHERE id = $2",
                                   2, p, NULL))
        changed = error_text(err, errlen, "%s", db_error(d));
    strbuf_release(&sb);
    return changed;
}

int dbread_edit(struct dbread *r, const char *id, run_edit_fn edit, void *arg, char *err, size_t errlen)
{
    if (db_begin(r->db))
        return error_text(err, errlen, "%s", db_error(r->db));
    int changed = edit_locked(r->db, id, edit, arg, err, errlen);
    if (changed < 0 || db_commit(r->db)) {
        if (changed >= 0)
            error_text(err, errlen, "%s", db_error(r->db));
        db_rollback(r->db);
        return -1;
    }
    return dbread_refresh(r, err, errlen);
}

int dbread_remove(struct dbread *r, const char *id, char *err, size_t errlen)
{
    static const char *const sql[] = {
        "DELETE FROM metrics WHERE run_id = $1", "DELETE FROM cout WHERE run_id = $1",
        "DELETE FROM run_files WHERE run_id = $1", "DELETE FROM runs WHERE id = $1",
    };
    int rc = db_begin(r->db);
    for (size_t i = 0; id && !rc && i < sizeof(sql) / sizeof(*sql); i++) {
        struct db_param p = DB_TEXT(id);
        rc = db_exec(r->db, sql[i], 1, &p, NULL);
    }
    if (!rc) /* contents no run lists any more, with their chunks */
        rc = db_run(r->db, "DELETE FROM file_chunks WHERE md5 NOT IN (SELECT md5 FROM run_files)")
             || db_run(r->db, "DELETE FROM files WHERE md5 NOT IN (SELECT md5 FROM run_files)");
    if (rc || db_commit(r->db)) {
        error_text(err, errlen, "cannot remove run %s from %s: %s", id ? id : "contents", r->url.shown,
                   db_error(r->db));
        db_rollback(r->db);
        return -1;
    }
    return dbread_refresh(r, err, errlen);
}

void dbread_close(struct dbread *r)
{
    db_close(r->db);
    db_url_release(&r->url);
    free(r->cache);
    memset(r, 0, sizeof(*r));
}
