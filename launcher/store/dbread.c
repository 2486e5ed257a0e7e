/* dbread.c: the local copy of a database's runs (dbread.h). A run is copied whole into a
 * new directory that then replaces the old one, so a reader never sees half of one; its
 * version (runs.updated) is kept beside it and unchanged runs are not read again.
 * Never prints. */
#include "store/dbread.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "json/json.h"
#include "json/json_parse.h"
#include "json/json_stream.h"
#include "record/runedit.h"
#include "record/sacred_files.h"
#include "store/schema.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/io.h"
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

static int put_file(int dirfd, const char *name, const char *text, size_t n)
{
    return text ? write_file_atomic(dirfd, name, text, n) : 0;
}

/* The chunks a query returns (column 0), in order, into fd. */
static int put_chunks(struct db *d, const char *sql, const char *key, int fd)
{
    struct db_rows *r = query1(d, sql, key);
    int rc = r ? 0 : -1;
    for (size_t i = 0; !rc && i < db_rows_count(r); i++)
        rc = write_full(fd, db_value(r, i, 0), db_length(r, i, 0));
    db_rows_free(r);
    return rc;
}

static int put_cout(struct db *d, const char *id, int dirfd)
{
    int fd = openat(dirfd, COUT_TXT, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    int rc = fd < 0 ? -1 : put_chunks(d, "SELECT data FROM cout WHERE run_id = $1 ORDER BY off", id, fd);
    if (fd >= 0 && close(fd))
        rc = -1;
    return rc;
}

static void put_list(struct json_stream *js, const char *key, const struct db_rows *r, int col)
{
    json_stream_open(js, key, '[');
    for (size_t i = 0; i < db_rows_count(r); i++) {
        const char *v = db_value(r, i, col);
        if (col != 1) {
            json_stream_value(js, NULL, v ? v : "null", v ? db_length(r, i, col) : 4);
            continue;
        }
        struct strbuf q = STRBUF_INIT; /* timestamps are strings */
        json_quote(&q, v ? v : "");
        json_stream_value(js, NULL, q.buf, q.len);
        strbuf_release(&q);
    }
    json_stream_close(js, ']');
}

/* metrics.json in the file storage's layout, one metric's points in memory at a time. */
static int put_metrics(struct db *d, const char *id, int dirfd)
{
    struct db_rows *names = query1(d, "SELECT DISTINCT name FROM metrics WHERE run_id = $1 ORDER BY name", id);
    int fd = names ? openat(dirfd, METRICS_JSON, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600) : -1;
    FILE *out = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!out) {
        if (fd >= 0)
            close(fd);
        db_rows_free(names);
        return -1;
    }
    struct json_stream js;
    json_stream_init(&js, out);
    json_stream_open(&js, NULL, '{');
    int rc = 0;
    for (size_t i = 0; !rc && i < db_rows_count(names); i++) {
        struct db_param p[] = { DB_TEXT(id), DB_TEXT(db_value(names, i, 0)) };
        struct db_rows *r;
        if ((rc = db_exec(d, "SELECT step, timestamp, value_text FROM metrics WHERE run_id = $1"
                             " AND name = $2 ORDER BY seq", 2, p, &r)))
            break;
        json_stream_open(&js, db_value(names, i, 0), '{');
        put_list(&js, "steps", r, 0);
        put_list(&js, "timestamps", r, 1);
        put_list(&js, "values", r, 2);
        json_stream_close(&js, '}');
        db_rows_free(r);
    }
    json_stream_close(&js, '}');
    db_rows_free(names);
    return fclose(out) || rc ? -1 : 0;
}

/* One stored file's content at path (made with its directories), unless it is there. */
static int put_content(struct db *d, const char *md5, const char *path, int replace)
{
    if (!replace && access(path, F_OK) == 0)
        return 0;
    char *slash = strrchr(path, '/'), *dir = xstrndup(path, slash ? (size_t)(slash - path) : 0);
    if (*dir)
        mkdir_p(dir, 0700);
    free(dir);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    int rc = fd < 0 ? -1 : put_chunks(d, "SELECT data FROM file_chunks WHERE md5 = $1 ORDER BY n", md5, fd);
    if (fd >= 0 && close(fd))
        rc = -1;
    return rc;
}

/* Sources and resources into the copy's stores, artifacts into the new run directory. */
static int put_files(struct dbread *r, const char *id, const char *newdir)
{
    struct db_rows *f = query1(r->db, "SELECT kind, name, path, md5 FROM run_files WHERE run_id = $1", id);
    int rc = f ? 0 : -1;
    for (size_t i = 0; !rc && i < db_rows_count(f); i++) {
        const char *kind = db_value(f, i, 0), *name = db_value(f, i, 1), *path = db_value(f, i, 2);
        const char *base = strrchr(path, '/');
        if (strstr(name, "..") || (kind[0] == 's' && strstr(path, "..")))
            continue; /* never outside the copy */
        /* A source not in a store is a queued run's copy, in its run directory. */
        char *to = kind[0] == 'a' ? xasprintf("%s/%s", newdir, name)
                 : kind[0] == 's' && path[0] == '_' ? xasprintf("%s/%s", r->cache, path)
                 : kind[0] == 's' ? xasprintf("%s/%s", newdir, base ? base + 1 : path)
                                  : xasprintf("%s/_resources/%s", r->cache, base ? base + 1 : path);
        rc = put_content(r->db, db_value(f, i, 3), to, kind[0] == 'a');
        free(to);
    }
    db_rows_free(f);
    return rc;
}

static int put_docs(struct db *d, const char *id, int dirfd)
{
    struct db_rows *r = query1(d, "SELECT doc_text, config_text, info_text FROM runs WHERE id = $1", id);
    int rc = r && db_rows_count(r) ? 0 : -1;
    for (int c = 0; !rc && c < 3; c++) {
        static const char *const names[] = { RUN_JSON, CONFIG_JSON, INFO_JSON };
        rc = put_file(dirfd, names[c], db_value(r, 0, c), db_length(r, 0, c));
    }
    db_rows_free(r);
    return rc;
}

/* Copies run id into the copy, replacing what was there. */
static int copy_run(struct dbread *r, const char *id)
{
    char *tmp = xasprintf("%s/.new-%s-%d", r->cache, id, (int)getpid()), *dst = xasprintf("%s/%s", r->cache, id);
    remove_tree(AT_FDCWD, tmp);
    int dirfd = mkdir(tmp, 0700) ? -1 : open(tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int rc = dirfd < 0 || put_docs(r->db, id, dirfd) || put_cout(r->db, id, dirfd)
             || put_metrics(r->db, id, dirfd) || put_files(r, id, tmp) ? -1 : 0;
    if (dirfd >= 0)
        close(dirfd);
    if (!rc) {
        remove_tree(AT_FDCWD, dst);
        rc = rename(tmp, dst);
    }
    if (rc)
        remove_tree(AT_FDCWD, tmp);
    free(tmp);
    free(dst);
    return rc;
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
    size_t k = 0;
    for (size_t i = 0; i < db_rows_count(rows); i++) {
        const char *id = db_value(rows, i, 0), *version = db_value(rows, i, 1);
        drop_below(r, m, &k, strtoll(id, NULL, 10));
        char *line = xasprintf("%s %s", id, version);
        int same = k < m->n && !strcmp(m->line[k], line);
        k += k < m->n && strtoll(m->line[k], NULL, 10) == strtoll(id, NULL, 10);
        int rc = same ? 0 : copy_run(r, id);
        if (!rc)
            strbuf_addf(out, "%s\n", line);
        free(line);
        if (rc)
            return -1;
    }
    drop_below(r, m, &k, __LONG_LONG_MAX__);
    return 0;
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
    return rc ? error_text(err, errlen, "cannot read the runs of %s: %s", r->url.shown,
                           *db_error(r->db) ? db_error(r->db) : strerror(errno)) : 0;
}

int dbread_open(struct dbread *r, const char *url, char *err, size_t errlen)
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
    return dbread_refresh(r, err, errlen);
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
