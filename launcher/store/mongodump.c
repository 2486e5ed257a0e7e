/* mongodump.c: the dump directory (mongodump.h): one .bson file per collection (documents
 * end to end, as mongodump writes them) and its .metadata.json, the GridFS files as
 * pymongo's GridFS stores them, and the run's documents (mongorun.c). A failed dump is
 * removed: never leave a half dump that mongorestore would load. */
#include "store/mongodump.h"

#include <errno.h>
#include <fcntl.h>
#include <md5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "store/bsonval.h"
#include "store/mongoparts.h"
#include "util/error.h"
#include "util/fs.h"

static const char *const coll_name[MONGO_NCOLL] = { "runs", "metrics", "fs.files", "fs.chunks" };

struct mongodump *mongodump_open(const char *outdir, const char *db, char *err, size_t errlen)
{
    struct mongodump *m = xcalloc(1, sizeof(*m));
    m->outdir = xstrdup(outdir);
    m->dir = xasprintf("%s/%s", outdir, db);
    m->made_outdir = access(outdir, F_OK) != 0;
    if (m->made_outdir && mkdir_p(outdir, 0777)) {
        error_text(err, errlen, "cannot create %s: %m", outdir);
        m->made_outdir = 0; /* nothing to remove */
        mongodump_abort(m);
        return NULL;
    }
    m->made_dir = mkdir(m->dir, 0777) == 0;
    if (!m->made_dir) {
        error_text(err, errlen, "cannot create %s: %m", m->dir);
        mongodump_abort(m);
        return NULL;
    }
    for (int c = 0; c < MONGO_NCOLL; c++) {
        char *path = xasprintf("%s/%s.bson", m->dir, coll_name[c]);
        m->f[c] = fopen(path, "wxe");
        if (!m->f[c])
            error_text(err, errlen, "cannot create %s: %m", path);
        free(path);
        if (!m->f[c]) {
            mongodump_abort(m);
            return NULL;
        }
    }
    return m;
}

int mongo_write(struct mongodump *m, int coll, const bson_t *b, char *err, size_t errlen)
{
    if (fwrite(bson_get_data(b), 1, b->len, m->f[coll]) != b->len)
        return error_text(err, errlen, "cannot write %s/%s.bson: %m", m->dir, coll_name[coll]);
    m->counts.bytes += b->len;
    return 0;
}

/* Writes the chunks of the open file f (path) as fs.chunks documents of file id; fills md5
 * and the length. 0, or -1 with err. */
static int put_chunks(struct mongodump *m, FILE *f, const char *path, const bson_oid_t *id, char md5[33],
                      long long *len, char *err, size_t errlen)
{
    unsigned char *buf = xmalloc(MONGO_CHUNK);
    MD5_CTX ctx;
    MD5Init(&ctx);
    size_t k;
    int rc = 0;
    *len = 0;
    for (int32_t n = 0; !rc && (k = fread(buf, 1, MONGO_CHUNK, f)) > 0; n++) {
        MD5Update(&ctx, buf, k);
        bson_t *c = bson_new();
        bson_oid_t cid;
        bson_oid_init(&cid, NULL);
        bson_append_oid(c, "_id", -1, &cid);
        bson_append_oid(c, "files_id", -1, id);
        bson_append_int32(c, "n", -1, n);
        bson_append_binary(c, "data", -1, BSON_SUBTYPE_BINARY, buf, (uint32_t)k);
        rc = mongo_write(m, MONGO_CHUNKS, c, err, errlen);
        bson_destroy(c);
        *len += (long long)k;
    }
    free(buf);
    if (!rc && ferror(f))
        return error_text(err, errlen, "cannot read %s: %m", path);
    MD5End(&ctx, md5);
    return rc;
}

/* One GridFS file: path's content under filename, as pymongo 3's GridFS.put writes it (an
 * artifact's put also gets metadata and contentType, null when unknown). uploadDate is
 * when the content was stored: the copy's mtime. 0 with *id, 1 when path cannot be read,
 * -1 with err. */
int mongo_put_file(struct mongodump *m, const char *path, const char *filename, int artifact,
                   const char *content_type, bson_oid_t *id, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rbe");
    struct stat st;
    if (!f || fstat(fileno(f), &st) || !S_ISREG(st.st_mode)) {
        if (f)
            fclose(f);
        return 1;
    }
    bson_oid_init(id, NULL);
    char md5[33];
    long long len;
    int rc = put_chunks(m, f, path, id, md5, &len, err, errlen);
    fclose(f);
    if (rc)
        return rc;
    bson_t *b = bson_new();
    bson_append_oid(b, "_id", -1, id);
    bsonval_append_text(b, "filename", filename, strlen(filename));
    if (artifact) {
        bson_append_null(b, "metadata", -1);
        if (content_type)
            bson_append_utf8(b, "contentType", -1, content_type, -1);
        else
            bson_append_null(b, "contentType", -1);
    }
    bson_append_utf8(b, "md5", -1, md5, -1);
    bson_append_int32(b, "chunkSize", -1, MONGO_CHUNK);
    bson_append_int64(b, "length", -1, len);
    bson_append_date_time(b, "uploadDate", -1, (int64_t)st.st_mtim.tv_sec * 1000 + st.st_mtim.tv_nsec / 1000000);
    rc = mongo_write(m, MONGO_FILES, b, err, errlen);
    bson_destroy(b);
    m->counts.files += !rc;
    return rc;
}

int mongo_put_shared(struct mongodump *m, const char *path, const char *filename, char md5[33],
                     bson_oid_t *id, char *err, size_t errlen)
{
    if (!*md5 && md5_file(path, md5))
        return 1;
    char *key = xasprintf("%s %s", md5, filename);
    long at = name_index_get(&m->ix, key, strlen(key));
    if (at >= 0) {
        *id = m->shared[at].id;
        free(key);
        return 0;
    }
    int rc = mongo_put_file(m, path, filename, 0, NULL, id, err, errlen);
    if (rc) {
        free(key);
        return rc;
    }
    m->shared = xrealloc(m->shared, (m->nshared + 1) * sizeof(*m->shared));
    m->shared[m->nshared].key = key;
    m->shared[m->nshared].id = *id;
    name_index_put(&m->ix, key, m->nshared++);
    return 0;
}

/* The indexes mongodump lists for a collection: _id's, and those pymongo's GridFS makes. */
static void add_indexes(bson_t *list, int coll)
{
    bson_t ix, key;
    char buf[16];
    BSON_APPEND_DOCUMENT_BEGIN(list, "0", &ix);
    BSON_APPEND_INT32(&ix, "v", 2);
    BSON_APPEND_DOCUMENT_BEGIN(&ix, "key", &key);
    BSON_APPEND_INT32(&key, "_id", 1);
    bson_append_document_end(&ix, &key);
    BSON_APPEND_UTF8(&ix, "name", "_id_");
    bson_append_document_end(list, &ix);
    if (coll != MONGO_FILES && coll != MONGO_CHUNKS)
        return;
    int files = coll == MONGO_FILES;
    bson_append_document_begin(list, bsonval_index(1, buf), -1, &ix);
    BSON_APPEND_INT32(&ix, "v", 2);
    if (!files)
        BSON_APPEND_BOOL(&ix, "unique", true);
    BSON_APPEND_DOCUMENT_BEGIN(&ix, "key", &key);
    BSON_APPEND_INT32(&key, files ? "filename" : "files_id", 1);
    BSON_APPEND_INT32(&key, files ? "uploadDate" : "n", 1);
    bson_append_document_end(&ix, &key);
    BSON_APPEND_UTF8(&ix, "name", files ? "filename_1_uploadDate_1" : "files_id_1_n_1");
    bson_append_document_end(list, &ix);
}

/* COLL.metadata.json: the options, indexes and name, in canonical extended JSON. */
static int write_metadata(struct mongodump *m, int coll, char *err, size_t errlen)
{
    bson_t *b = bson_new(), opts, list;
    BSON_APPEND_DOCUMENT_BEGIN(b, "options", &opts);
    bson_append_document_end(b, &opts);
    BSON_APPEND_ARRAY_BEGIN(b, "indexes", &list);
    add_indexes(&list, coll);
    bson_append_array_end(b, &list);
    BSON_APPEND_UTF8(b, "collectionName", coll_name[coll]);
    BSON_APPEND_UTF8(b, "type", "collection");
    size_t n;
    char *json = bson_as_canonical_extended_json(b, &n);
    bson_destroy(b);
    char *name = xasprintf("%s.metadata.json", coll_name[coll]);
    int dirfd = open(m->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int rc = dirfd < 0 || write_file_atomic(dirfd, name, json, n) ? -1 : 0;
    if (rc)
        error_text(err, errlen, "cannot write %s/%s: %m", m->dir, name);
    if (dirfd >= 0)
        close(dirfd);
    free(name);
    bson_free(json);
    return rc;
}

static void release(struct mongodump *m)
{
    for (int c = 0; c < MONGO_NCOLL; c++)
        if (m->f[c])
            fclose(m->f[c]);
    for (size_t i = 0; i < m->nshared; i++)
        free(m->shared[i].key);
    free(m->shared);
    name_index_release(&m->ix);
    free(m->dir);
    free(m->outdir);
    free(m);
}

int mongodump_finish(struct mongodump *m, struct mongodump_counts *counts, char *err, size_t errlen)
{
    int rc = 0;
    for (int c = 0; c < MONGO_NCOLL; c++) {
        FILE *f = m->f[c];
        m->f[c] = NULL;
        if (fclose(f) && !rc)
            rc = error_text(err, errlen, "cannot write %s/%s.bson: %m", m->dir, coll_name[c]);
        if (!rc)
            rc = write_metadata(m, c, err, errlen);
    }
    *counts = m->counts;
    if (rc)
        mongodump_abort(m);
    else
        release(m);
    return rc;
}

void mongodump_abort(struct mongodump *m)
{
    if (m->made_outdir || m->made_dir)
        remove_tree(AT_FDCWD, m->made_outdir ? m->outdir : m->dir);
    release(m);
}
