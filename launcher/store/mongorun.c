/* mongorun.c: one run's documents for the dump (mongodump_add_run), shaped as Sacred's
 * MongoObserver (sacred/observers/mongo.py) leaves them: started_event's keys, what the
 * heartbeats, the end and Omniboard's edits add, and log_metrics' documents in `metrics`.
 * Reads the run directory only; what cannot be kept is said in the notes, never printed. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "json/json.h"
#include "record/metrics_read.h"
#include "record/runfiles.h"
#include "record/sacred_files.h"
#include "store/bsonval.h"
#include "store/mongoparts.h"
#include "util/error.h"

/* run.json's keys that MongoObserver's document has, or that it makes itself; the others
 * are sacred-run's own, kept in meta.sacred_run. */
static const char *const sacred_keys[] = { "experiment", "command", "host", "start_time", "meta", "status",
                                           "resources", "artifacts", "heartbeat", "result", "stop_time",
                                           "fail_trace", "omniboard", "captured_out", "info", "config",
                                           "format", "_id", NULL };

/* Python's mimetypes with Sacred's data/mime.types, for the common artifacts. */
static const char *const content_types[][2] = {
    { "bmp", "image/x-ms-bmp" }, { "csv", "text/csv" }, { "gif", "image/gif" }, { "htm", "text/html" },
    { "html", "text/html" }, { "jpeg", "image/jpeg" }, { "jpg", "image/jpeg" }, { "json", "application/json" },
    { "md", "text/markdown" }, { "mp3", "audio/mpeg" }, { "mp4", "video/mp4" }, { "pdf", "application/pdf" },
    { "png", "image/png" }, { "py", "text/x-python" }, { "sh", "text/x-sh" }, { "svg", "image/svg+xml" },
    { "tar", "application/x-tar" }, { "tgz", "application/x-tar" }, { "tif", "image/tiff" }, { "tiff", "image/tiff" }, { "txt", "text/plain" },
    { "wav", "audio/x-wav" }, { "webm", "video/webm" }, { "xml", "application/xml" }, { "zip", "application/zip" },
};

struct run_parts {
    const struct run_doc *d;
    bson_t sources, resources, artifacts; /* the three lists, as BSON arrays */
    cJSON *info;                          /* info.json with log_metrics' list */
    cJSON *extras;                        /* run.json's other keys (references), or NULL */
    struct strbuf cout;
    struct metrics_file mf;
    bson_oid_t *metric_id;
};

/* Python's guess_type: a compression suffix (an encoding) is dropped, then the type is
 * that of the extension before it. */
static const char *content_type(const char *name)
{
    const char *base = strrchr(name, '/') ? strrchr(name, '/') + 1 : name;
    const char *dot = strrchr(base, '.'), *end = base + strlen(base);
    static const char *const encodings[] = { ".gz", ".bz2", ".xz", ".br", ".Z" };
    for (size_t i = 0; dot && i < sizeof(encodings) / sizeof(*encodings); i++)
        if (!strcmp(dot, encodings[i])) {
            end = dot;
            dot = memrchr(base, '.', (size_t)(dot - base));
            break;
        }
    for (size_t i = 0; dot && i < sizeof(content_types) / sizeof(*content_types); i++)
        if (strlen(content_types[i][0]) == (size_t)(end - dot - 1)
            && !strncasecmp(dot + 1, content_types[i][0], (size_t)(end - dot - 1)))
            return content_types[i][1];
    return NULL;
}

/* A run id as Sacred's MongoObserver keeps it: an int (Sacred counts _id up from 1), or
 * the name of a run directory that is no number. */
static void append_id(bson_t *b, const char *key, const char *id)
{
    size_t n = strlen(id);
    if (n && n <= 18 && strspn(id, "0123456789") == n)
        bsonval_append_number(b, key, id, n);
    else
        bsonval_append_text(b, key, id, n);
}

static void add_pair(bson_t *list, uint32_t *k, const char *name, const bson_oid_t *id, const char *md5)
{
    bson_t pair;
    char buf[16];
    bson_append_array_begin(list, bsonval_index((*k)++, buf), -1, &pair);
    bsonval_append_text(&pair, "0", name, strlen(name));
    if (id)
        bson_append_oid(&pair, "1", -1, id);
    else
        bson_append_utf8(&pair, "1", -1, md5, -1);
    bson_append_array_end(list, &pair);
}

static void note_gone(struct strbuf *notes, const char *id, const char *what, const struct run_file *f)
{
    strbuf_addf(notes, "run %s: %s '%s' is not in the storage (%s); left out\n", id, what, f->name,
                f->stored ? f->stored : f->name);
}

/* save_sources: [name, GridFS id] pairs, the file named base_dir/name. */
static int add_sources(struct mongodump *m, struct run_parts *p, const char *storage, struct strbuf *notes,
                       char *err, size_t errlen)
{
    size_t n;
    struct run_file *f = run_files(p->d, storage, RUN_SOURCES, &n);
    const cJSON *base = json_get_dotted(p->d->run, "experiment.base_dir");
    const char *dir = cJSON_IsString(base) ? base->valuestring : "";
    size_t dl = strlen(dir);
    int rc = 0;
    uint32_t k = 0;
    for (size_t i = 0; i < n && rc >= 0; i++) {
        char *filename = f[i].name[0] == '/' || !dl ? xstrdup(f[i].name)
                         : xasprintf("%.*s/%s", (int)(dir[dl - 1] == '/' ? dl - 1 : dl), dir, f[i].name);
        bson_oid_t id;
        rc = f[i].path ? mongo_put_shared(m, f[i].path, filename, f[i].md5, &id, err, errlen) : 1;
        if (rc == 1)
            note_gone(notes, p->d->id, "source", &f[i]);
        else if (rc == 0)
            add_pair(&p->sources, &k, f[i].name, &id, NULL);
        free(filename);
    }
    run_files_free(f, n);
    return rc < 0 ? -1 : 0;
}

/* resource_event: [path, md5] pairs, each once; the content in GridFS under the path. */
static int add_resources(struct mongodump *m, struct run_parts *p, const char *storage, struct strbuf *notes,
                         char *err, size_t errlen)
{
    size_t n;
    struct run_file *f = run_files(p->d, storage, RUN_RESOURCES, &n);
    int rc = 0;
    uint32_t k = 0;
    for (size_t i = 0; i < n && rc >= 0; i++) {
        if (!f[i].stored) /* read by the run but not stored (--resource-limit): no content */
            continue;
        bson_oid_t id;
        rc = f[i].path ? mongo_put_shared(m, f[i].path, f[i].name, f[i].md5, &id, err, errlen) : 1;
        int seen = 0;
        for (size_t j = 0; j < i && !seen; j++)
            seen = f[j].stored && !strcmp(f[j].name, f[i].name) && !strcmp(f[j].md5, f[i].md5);
        if (rc == 1)
            note_gone(notes, p->d->id, "resource", &f[i]);
        else if (rc == 0 && !seen)
            add_pair(&p->resources, &k, f[i].name, NULL, f[i].md5);
    }
    run_files_free(f, n);
    return rc < 0 ? -1 : 0;
}

/* artifact_event: {"name", "file_id"}, the file named artifact://runs/ID/NAME. */
static int add_artifacts(struct mongodump *m, struct run_parts *p, struct strbuf *notes, char *err,
                         size_t errlen)
{
    size_t n;
    struct run_file *f = run_files(p->d, NULL, RUN_ARTIFACTS, &n);
    int rc = 0;
    uint32_t k = 0;
    for (size_t i = 0; i < n && rc >= 0; i++) {
        char *filename = xasprintf("artifact://runs/%s/%s", p->d->id, f[i].name), buf[16];
        bson_oid_t id;
        rc = f[i].path ? mongo_put_file(m, f[i].path, filename, 1, content_type(f[i].name), &id, err, errlen) : 1;
        free(filename);
        if (rc == 1)
            note_gone(notes, p->d->id, "artifact", &f[i]);
        if (rc)
            continue;
        bson_t a;
        bson_append_document_begin(&p->artifacts, bsonval_index(k++, buf), -1, &a);
        bsonval_append_text(&a, "name", f[i].name, strlen(f[i].name));
        bson_append_oid(&a, "file_id", -1, &id);
        bson_append_document_end(&p->artifacts, &a);
    }
    run_files_free(f, n);
    return rc < 0 ? -1 : 0;
}

/* One list element of a metric point as pymongo encodes what json.loads gave Sacred. */
static void append_token(bson_t *b, const char *key, const struct series_point *pt, int which)
{
    const char *t = pt->text[which];
    size_t n = pt->n[which];
    if (pt->kind[which] == JSON_NUMBER)
        bsonval_append_number(b, key, t, n);
    else if (pt->kind[which] == JSON_STRING) {
        char *s = json_scan_string(t, n);
        if (which == SERIES_STAMPS)
            bsonval_append_time(b, key, s);
        else
            bsonval_append_text(b, key, s, strlen(s));
        free(s);
    } else if (pt->kind[which] == JSON_LITERAL && (*t == 't' || *t == 'f'))
        bson_append_bool(b, key, -1, *t == 't');
    else if (pt->kind[which] == JSON_LITERAL && *t != 'n')
        bson_append_double(b, key, -1, *t == 'N' ? NAN : *t == '-' ? -INFINITY : INFINITY);
    else
        bson_append_null(b, key, -1);
}

/* The points of series i into the three lists, up to what one document holds. */
static void read_series(struct run_parts *p, const struct series_info *si, bson_t lists[3], struct strbuf *notes)
{
    struct series_cursor c;
    struct series_point pt;
    char cerr[512], buf[16];
    size_t kept = 0, room = MONGO_DOC_MAX - 1024 - 3 * strlen(si->name) - strlen(p->d->id);
    int r, cut = 0;
    series_open(&c, &p->mf, si, SERIES_ALL);
    while ((r = series_next(&c, &pt, cerr, sizeof(cerr))) == 1) {
        size_t need = 192 + 3 * (pt.n[0] + pt.n[1] + pt.n[2]); /* invalid UTF-8 triples */
        if ((cut = lists[0].len + lists[1].len + lists[2].len + need > room))
            break;
        const char *key = bsonval_index((uint32_t)kept++, buf);
        append_token(&lists[0], key, &pt, SERIES_STEPS);
        append_token(&lists[1], key, &pt, SERIES_VALUES);
        append_token(&lists[2], key, &pt, SERIES_STAMPS);
    }
    series_close(&c);
    if (r < 0)
        strbuf_addf(notes, "run %s: metric '%s': %s; its first %zu points are kept\n", p->d->id, si->name, cerr, kept);
    else if (cut)
        strbuf_addf(notes, "run %s: metric '%s' cut to its first %zu of %zu points: a MongoDB document holds"
                    " at most 16 MiB\n", p->d->id, si->name, kept, si->count);
}

/* log_metrics' document: the upsert's run_id and name, then the three $push lists. */
static int put_metric(struct mongodump *m, struct run_parts *p, size_t i, struct strbuf *notes, char *err,
                      size_t errlen)
{
    const struct series_info *si = &p->mf.series[i];
    bson_t lists[3], *b = bson_new();
    for (int k = 0; k < 3; k++)
        bson_init(&lists[k]);
    read_series(p, si, lists, notes);
    bson_append_oid(b, "_id", -1, &p->metric_id[i]);
    append_id(b, "run_id", p->d->id);
    bsonval_append_text(b, "name", si->name, strlen(si->name));
    bson_append_array(b, "steps", -1, &lists[0]);
    bson_append_array(b, "values", -1, &lists[1]);
    bson_append_array(b, "timestamps", -1, &lists[2]);
    int rc = mongo_write(m, MONGO_METRICS, b, err, errlen);
    m->counts.metrics += !rc;
    for (int k = 0; k < 3; k++)
        bson_destroy(&lists[k]);
    bson_destroy(b);
    return rc;
}

/* metrics.json's index, an id for each series, and info.json with log_metrics' list
 * ({"name", "id"} per series) in it. */
static void open_metrics(struct run_parts *p, struct strbuf *notes)
{
    char merr[512];
    p->info = cJSON_Duplicate(p->d->info, 1);
    if (metrics_file_open(&p->mf, p->d->dir, 0, merr, sizeof(merr)))
        strbuf_addf(notes, "run %s: %s; its metrics are left out\n", p->d->id, merr);
    if (!p->mf.n)
        return;
    p->metric_id = xcalloc(p->mf.n, sizeof(*p->metric_id));
    cJSON *list = cJSON_CreateArray();
    for (size_t i = 0; i < p->mf.n; i++) {
        char hex[25];
        bson_oid_init(&p->metric_id[i], NULL);
        bson_oid_to_string(&p->metric_id[i], hex);
        cJSON *e = cJSON_CreateObject();
        cJSON_AddStringToObject(e, "name", p->mf.series[i].name);
        cJSON_AddStringToObject(e, "id", hex);
        cJSON_AddItemToArray(list, e);
    }
    json_set(p->info, "metrics", list);
}

static int is_sacred_key(const char *key)
{
    for (int i = 0; sacred_keys[i]; i++)
        if (!strcmp(key, sacred_keys[i]))
            return 1;
    return 0;
}

static void collect_extras(struct run_parts *p)
{
    for (const cJSON *c = p->d->run->child; c; c = c->next) {
        if (!c->string || is_sacred_key(c->string))
            continue;
        if (!p->extras)
            p->extras = cJSON_CreateObject();
        cJSON_AddItemReferenceToObject(p->extras, c->string, (cJSON *)c);
    }
}

/* A run.json timestamp as a BSON date (null stays null). */
static void append_time(bson_t *b, const char *key, const cJSON *v)
{
    if (cJSON_IsString(v))
        bsonval_append_time(b, key, v->valuestring);
    else if (v)
        bsonval_append(b, key, v);
    else
        bson_append_null(b, key, -1);
}

static void append_key(bson_t *b, const cJSON *run, const char *key, int optional)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(run, key);
    if (v && (!strcmp(key, "start_time") || !strcmp(key, "heartbeat") || !strcmp(key, "stop_time")))
        append_time(b, key, v);
    else if (v)
        bsonval_append(b, key, v);
    else if (!optional)
        bson_append_null(b, key, -1);
}

/* experiment, its sources replaced by save_sources' list. */
static void append_experiment(bson_t *b, const struct run_parts *p)
{
    const cJSON *exp = cJSON_GetObjectItemCaseSensitive(p->d->run, "experiment");
    bson_t e;
    int sources = 0;
    bson_append_document_begin(b, "experiment", -1, &e);
    for (const cJSON *c = cJSON_IsObject(exp) ? exp->child : NULL; c; c = c->next)
        if (c->string && !strcmp(c->string, "sources") && (sources = 1))
            bson_append_array(&e, "sources", -1, &p->sources);
        else
            bsonval_append_member(&e, c);
    if (!sources)
        bson_append_array(&e, "sources", -1, &p->sources);
    bson_append_document_end(b, &e);
}

static void append_meta(bson_t *b, const cJSON *run, const cJSON *extras)
{
    const cJSON *meta = cJSON_GetObjectItemCaseSensitive(run, "meta");
    bson_t e;
    bson_append_document_begin(b, "meta", -1, &e);
    for (const cJSON *c = cJSON_IsObject(meta) ? meta->child : NULL; c; c = c->next)
        bsonval_append_member(&e, c);
    if (extras)
        bsonval_append(&e, "sacred_run", extras);
    bson_append_document_end(b, &e);
}

/* The runs document: queued_event's keys for a QUEUED run, else started_event's, then
 * heartbeat_event's result, the end's stop_time and fail_trace, Omniboard's omniboard. The
 * output from byte from on; sacred-run's keys when extras. */
static void build_run(bson_t *b, const struct run_parts *p, size_t from, int extras)
{
    const cJSON *run = p->d->run, *status = cJSON_GetObjectItemCaseSensitive(run, "status");
    int queued = cJSON_IsString(status) && !strcmp(status->valuestring, "QUEUED");
    append_id(b, "_id", p->d->id);
    append_experiment(b, p);
    if (!queued)
        bson_append_utf8(b, "format", -1, "MongoObserver-0.7.0", -1);
    append_key(b, run, "command", 0);
    append_key(b, run, "host", 0);
    if (!queued)
        append_key(b, run, "start_time", 0);
    bsonval_append(b, "config", p->d->config);
    append_meta(b, run, extras ? p->extras : NULL);
    append_key(b, run, "status", 0);
    if (queued)
        return;
    bson_append_array(b, "resources", -1, &p->resources);
    bson_append_array(b, "artifacts", -1, &p->artifacts);
    bsonval_append_text(b, "captured_out", p->cout.buf + from, p->cout.len - from);
    bsonval_append(b, "info", p->info);
    append_key(b, run, "heartbeat", 0);
    static const char *const later[] = { "result", "stop_time", "fail_trace", "omniboard" };
    for (size_t i = 0; i < sizeof(later) / sizeof(*later); i++)
        append_key(b, run, later[i], 1);
}

/* Builds the runs document within MongoDB's limit: whole; else with only the end of the
 * output that fits (from a line's start); else without output or sacred-run's keys. 0, or 1 when even that is
 * too large. */
static int fit_run(bson_t *b, const struct run_parts *p, struct strbuf *notes)
{
    build_run(b, p, 0, 1);
    if (b->len <= MONGO_DOC_MAX)
        return 0;
    size_t over = b->len - MONGO_DOC_MAX + 4096, from = over < p->cout.len ? over : p->cout.len;
    const char *nl = from < p->cout.len ? memchr(p->cout.buf + from, '\n', p->cout.len - from) : NULL;
    if (nl) /* start at a line */
        from = (size_t)(nl - p->cout.buf) + 1;
    while (from < p->cout.len && ((unsigned char)p->cout.buf[from] & 0xC0) == 0x80)
        from++; /* or at least at a character */
    bson_reinit(b);
    build_run(b, p, from, 1);
    if (b->len <= MONGO_DOC_MAX && from < p->cout.len) {
        strbuf_addf(notes, "run %s: captured_out keeps the last %zu of %zu bytes of cout.txt: a MongoDB"
                    " document holds at most 16 MiB\n", p->d->id, p->cout.len - from, p->cout.len);
        return 0;
    }
    bson_reinit(b);
    build_run(b, p, p->cout.len, 0);
    if (b->len > MONGO_DOC_MAX)
        return 1;
    strbuf_addf(notes, "run %s: captured_out and meta.sacred_run left out: a MongoDB document holds at most"
                " 16 MiB\n", p->d->id);
    return 0;
}

static void parts_release(struct run_parts *p)
{
    bson_destroy(&p->sources);
    bson_destroy(&p->resources);
    bson_destroy(&p->artifacts);
    cJSON_Delete(p->info);
    cJSON_Delete(p->extras);
    strbuf_release(&p->cout);
    metrics_file_close(&p->mf);
    free(p->metric_id);
}

int mongodump_add_run(struct mongodump *m, const char *storage, const struct run_doc *d,
                      struct strbuf *notes, char *err, size_t errlen)
{
    if (!d->run) {
        error_text(err, errlen, "run %s: %s", d->id, d->error ? d->error : "run.json cannot be read");
        return 1;
    }
    struct run_parts p = { .d = d, .cout = STRBUF_INIT };
    bson_init(&p.sources);
    bson_init(&p.resources);
    bson_init(&p.artifacts);
    p.mf.fd = -1;
    char *cout = xasprintf("%s/%s", d->dir, COUT_TXT);
    if (strbuf_read_file(&p.cout, cout)) /* absent (a queued run): no output */
        strbuf_reset(&p.cout);
    strbuf_grow(&p.cout, 1);
    free(cout);
    collect_extras(&p);
    open_metrics(&p, notes);
    int rc = add_sources(m, &p, storage, notes, err, errlen) || add_resources(m, &p, storage, notes, err, errlen)
             || add_artifacts(m, &p, notes, err, errlen) ? -1 : 0;
    bson_t *b = bson_new();
    if (!rc && fit_run(b, &p, notes)) {
        error_text(err, errlen, "run %s: its document is larger than MongoDB's 16 MiB even without its output",
                   d->id);
        rc = 1;
    }
    for (size_t i = 0; !rc && i < p.mf.n; i++)
        rc = put_metric(m, &p, i, notes, err, errlen);
    if (!rc)
        rc = mongo_write(m, MONGO_RUNS, b, err, errlen);
    m->counts.runs += !rc;
    bson_destroy(b);
    parts_release(&p);
    return rc;
}
