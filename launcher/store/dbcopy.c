/* dbcopy.c: runs of a database written into the local copy (dbcopy.h), a batch of runs
 * per query: their documents, output, file lists and points are each fetched for an id
 * range at once, and a run too large for that has its points fetched a metric at a time.
 * Never prints. */
#include "store/dbcopy.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "json/json.h"
#include "json/json_stream.h"
#include "record/sacred_files.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/io.h"
#include "util/strbuf.h"

/* A batch: at most so many runs, within an id span of twice that (the runs between are
 * fetched too and skipped), holding at most so many points and bytes of output. */
enum { BATCH_RUNS = 256, BATCH_POINTS = 200000 };
#define BATCH_COUT_BYTES (64ll << 20)

/* One query's rows for a batch, ordered by run id (column 0), read run after run. */
struct part {
    struct db_rows *r;
    size_t at, from, end; /* the current run's rows: [from, end) */
};

struct batch {
    struct part docs, cout, files, points;
    int points_per_run; /* the batch is one run of more than BATCH_POINTS */
};

static struct db_rows *range_query(struct db *d, const char *sql, long long lo, long long hi)
{
    char a[24], b[24];
    snprintf(a, sizeof(a), "%lld", lo);
    snprintf(b, sizeof(b), "%lld", hi);
    struct db_param p[] = { DB_TEXT(a), DB_TEXT(b) };
    struct db_rows *r;
    return db_exec(d, sql, 2, p, &r) ? NULL : r;
}

/* Moves the part to run id's rows. */
static void part_seek(struct part *p, long long id)
{
    size_t n = p->r ? db_rows_count(p->r) : 0; /* no rows fetched: none in the batch */
    while (p->at < n && db_value_ll(p->r, p->at, 0, 0) < id)
        p->at++;
    p->from = p->at;
    while (p->at < n && db_value_ll(p->r, p->at, 0, 0) == id)
        p->at++;
    p->end = p->at;
}

static int put_docs(const struct part *p, int dirfd)
{
    static const char *const names[] = { RUN_JSON, CONFIG_JSON, INFO_JSON };
    if (p->from == p->end)
        return errno = ENOENT, -1; /* removed since it was listed */
    for (int c = 0; c < 3; c++) {
        const char *text = db_value(p->r, p->from, c + 1);
        if (text && write_file_atomic(dirfd, names[c], text, db_length(p->r, p->from, c + 1)))
            return -1;
    }
    return 0;
}

static int put_cout(const struct part *p, int dirfd)
{
    int fd = openat(dirfd, COUT_TXT, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    int rc = fd < 0 ? -1 : 0;
    for (size_t i = p->from; !rc && i < p->end; i++)
        rc = write_full(fd, db_value(p->r, i, 1), db_length(p->r, i, 1));
    if (fd >= 0 && close(fd))
        rc = -1;
    return rc;
}

/* Rows [from, end) of r: "run_id, name, step, timestamp, value_text", ordered by name and
 * seq, as metrics.json's members, one per name. */
static void put_series(struct json_stream *js, const struct db_rows *r, size_t from, size_t end)
{
    static const char *const keys[] = { "steps", "timestamps", "values" };
    struct strbuf q = STRBUF_INIT; /* a timestamp quoted: they are strings */
    while (from < end) {
        const char *name = db_value(r, from, 1);
        size_t stop = from;
        while (stop < end && !strcmp(db_value(r, stop, 1), name))
            stop++;
        json_stream_open(js, name, '{');
        for (int k = 0; k < 3; k++) {
            json_stream_open(js, keys[k], '[');
            for (size_t i = from; i < stop; i++) {
                const char *v = db_value(r, i, k + 2);
                if (k == 1) {
                    strbuf_reset(&q);
                    json_quote(&q, v ? v : "");
                    json_stream_value(js, NULL, q.buf, q.len);
                } else
                    json_stream_value(js, NULL, v ? v : "null", v ? db_length(r, i, k + 2) : 4);
            }
            json_stream_close(js, ']');
        }
        json_stream_close(js, '}');
        from = stop;
    }
    strbuf_release(&q);
}

/* A run's points a metric at a time (one run of many points). */
static int put_series_by_name(struct json_stream *js, struct db *d, const char *id)
{
    struct db_param p[2] = { DB_TEXT(id) };
    struct db_rows *names, *r;
    if (db_exec(d, "SELECT DISTINCT name FROM metrics WHERE run_id = $1 ORDER BY name", 1, p, &names))
        return -1;
    int rc = 0;
    for (size_t i = 0; !rc && i < db_rows_count(names); i++) {
        p[1] = (struct db_param)DB_TEXT(db_value(names, i, 0));
        rc = db_exec(d, "SELECT run_id, name, step, timestamp, value_text FROM metrics"
                        " WHERE run_id = $1 AND name = $2 ORDER BY seq", 2, p, &r);
        if (!rc)
            put_series(js, r, 0, db_rows_count(r));
        db_rows_free(rc ? NULL : r);
    }
    db_rows_free(names);
    return rc;
}

static int put_metrics(const struct batch *b, struct db *d, const char *id, int dirfd)
{
    int fd = openat(dirfd, METRICS_JSON, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    FILE *out = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!out) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    struct json_stream js;
    json_stream_init(&js, out);
    json_stream_open(&js, NULL, '{');
    int rc = 0;
    if (b->points_per_run)
        rc = put_series_by_name(&js, d, id);
    else
        put_series(&js, b->points.r, b->points.from, b->points.end);
    json_stream_close(&js, '}');
    return fclose(out) || rc ? -1 : 0;
}

/* A stored file's content at path (made with its directories), unless it is there. */
static int put_content(struct db *d, const char *md5, const char *path, int replace)
{
    if (!replace && access(path, F_OK) == 0)
        return 0;
    char *slash = strrchr(path, '/'), *dir = xstrndup(path, slash ? (size_t)(slash - path) : 0);
    if (*dir)
        mkdir_p(dir, 0700);
    free(dir);
    struct db_param p = DB_TEXT(md5);
    struct db_rows *r = NULL;
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    int rc = fd < 0 ? -1 : db_exec(d, "SELECT data FROM file_chunks WHERE md5 = $1 ORDER BY n", 1, &p, &r);
    for (size_t i = 0; !rc && i < db_rows_count(r); i++)
        rc = write_full(fd, db_value(r, i, 0), db_length(r, i, 0));
    db_rows_free(r);
    if (fd >= 0 && close(fd))
        rc = -1;
    return rc;
}

/* Sources and resources into the copy's stores, artifacts into the new run directory. */
static int put_files(const struct part *f, struct db *d, const char *cache, const char *newdir)
{
    int rc = 0;
    for (size_t i = f->from; !rc && i < f->end; i++) {
        const char *kind = db_value(f->r, i, 1), *name = db_value(f->r, i, 2), *path = db_value(f->r, i, 3);
        const char *base = strrchr(path, '/');
        if (strstr(name, "..") || (kind[0] == 's' && strstr(path, "..")))
            continue; /* never outside the copy */
        /* A source not in a store is a queued run's copy, in its run directory. */
        char *to = kind[0] == 'a' ? xasprintf("%s/%s", newdir, name)
                 : kind[0] == 's' && path[0] == '_' ? xasprintf("%s/%s", cache, path)
                 : kind[0] == 's' ? xasprintf("%s/%s", newdir, base ? base + 1 : path)
                                  : xasprintf("%s/_resources/%s", cache, base ? base + 1 : path);
        rc = put_content(d, db_value(f->r, i, 4), to, kind[0] == 'a');
        free(to);
    }
    return rc;
}

/* Run id, its rows in the batch, into the copy, replacing what was there. */
static int copy_run(struct db *d, const char *cache, struct batch *b, long long id)
{
    char key[24];
    snprintf(key, sizeof(key), "%lld", id);
    part_seek(&b->docs, id);
    part_seek(&b->cout, id);
    part_seek(&b->files, id);
    part_seek(&b->points, id);
    char *tmp = xasprintf("%s/.new-%s-%d", cache, key, (int)getpid()), *dst = xasprintf("%s/%s", cache, key);
    remove_tree(AT_FDCWD, tmp);
    int dirfd = mkdir(tmp, 0700) ? -1 : open(tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int rc = dirfd < 0 || put_docs(&b->docs, dirfd) || put_cout(&b->cout, dirfd)
             || put_metrics(b, d, key, dirfd) || put_files(&b->files, d, cache, tmp) ? -1 : 0;
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

static void batch_release(struct batch *b)
{
    db_rows_free(b->docs.r);
    db_rows_free(b->cout.r);
    db_rows_free(b->files.r);
    db_rows_free(b->points.r);
}

/* The rows of ids lo..hi; 1 when they hold too much for one batch (and it is more than
 * one run), 0, or -1. */
static int batch_fetch(struct db *d, struct batch *b, long long lo, long long hi)
{
    memset(b, 0, sizeof(*b));
    struct db_rows *size = range_query(d, "SELECT (SELECT count(*) FROM metrics WHERE run_id BETWEEN $1 AND $2),"
                                          " (SELECT coalesce(sum(length(data)), 0) FROM cout"
                                          " WHERE run_id BETWEEN $1 AND $2)", lo, hi);
    if (!size)
        return -1;
    long long points = db_value_ll(size, 0, 0, 0), bytes = db_value_ll(size, 0, 1, 0);
    db_rows_free(size);
    if (lo < hi && (points > BATCH_POINTS || bytes > BATCH_COUT_BYTES))
        return 1;
    b->points_per_run = points > BATCH_POINTS;
    b->docs.r = range_query(d, "SELECT id, doc_text, config_text, info_text FROM runs"
                               " WHERE id BETWEEN $1 AND $2 ORDER BY id", lo, hi);
    b->cout.r = range_query(d, "SELECT run_id, data FROM cout WHERE run_id BETWEEN $1 AND $2"
                               " ORDER BY run_id, off", lo, hi);
    b->files.r = range_query(d, "SELECT run_id, kind, name, path, md5 FROM run_files"
                                " WHERE run_id BETWEEN $1 AND $2 ORDER BY run_id", lo, hi);
    b->points.r = b->points_per_run ? NULL
                : range_query(d, "SELECT run_id, name, step, timestamp, value_text FROM metrics"
                                 " WHERE run_id BETWEEN $1 AND $2 ORDER BY run_id, name, seq", lo, hi);
    if (b->docs.r && b->cout.r && b->files.r && (b->points.r || b->points_per_run))
        return 0;
    batch_release(b);
    return -1;
}

/* ids[0..n) as one batch, or halves of it when it holds too much. */
static int copy_batch(struct db *d, const char *cache, const long long *ids, size_t n)
{
    struct batch b;
    int got = batch_fetch(d, &b, ids[0], ids[n - 1]), rc = got;
    if (got == 1)
        return copy_batch(d, cache, ids, n / 2) || copy_batch(d, cache, ids + n / 2, n - n / 2);
    for (size_t i = 0; !rc && i < n; i++)
        rc = copy_run(d, cache, &b, ids[i]);
    if (!got)
        batch_release(&b);
    return rc ? -1 : 0;
}

int dbcopy_runs(struct db *d, const char *cache, const long long *ids, size_t n)
{
    for (size_t at = 0; at < n;) {
        size_t k = 1;
        while (at + k < n && k < BATCH_RUNS && ids[at + k] - ids[at] < 2 * BATCH_RUNS)
            k++;
        if (copy_batch(d, cache, ids + at, k))
            return -1;
        at += k;
    }
    return 0;
}
