/* metrics.c: metric storage. Steps, timestamps and values of each metric are kept as
 * three append-only JSON fragments; metrics.json is their concatenation under Sacred's
 * layout, written to a temporary file and renamed. Until the first flush (4 MiB pending)
 * the fragments are only in memory and metrics.json is written from them. */
#include "record/metrics.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "json/json.h"
#include "record/sacred_files.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/io.h"
#include "util/timefmt.h"
#include "util/utf8.h"

#define FRAG_DIR ".metrics"
enum { FLUSH_PENDING = 4 << 20, SMALL_JSON = 1 << 20 };
static const char *const parts[3] = { "steps", "timestamps", "values" };

void metrics_init(struct metrics *ms, int dirfd)
{
    memset(ms, 0, sizeof(*ms));
    ms->dirfd = dirfd;
    ms->flush_at = FLUSH_PENDING;
    clock_gettime(CLOCK_MONOTONIC, &ms->last_write);
}

static struct metric *lookup(struct metrics *ms, const char *name, size_t nlen, int create)
{
    long at = name_index_get(&ms->index, name, nlen);
    if (at >= 0)
        return &ms->m[at];
    if (!create)
        return NULL;
    if (ms->n == ms->cap) {
        ms->cap = ms->cap ? ms->cap * 2 : 16;
        ms->m = xrealloc(ms->m, ms->cap * sizeof(*ms->m));
    }
    struct metric *m = &ms->m[ms->n];
    memset(m, 0, sizeof(*m));
    m->name = xstrndup(name, nlen);
    name_index_put(&ms->index, m->name, ms->n++);
    return m;
}

long long metrics_add(struct metrics *ms, const char *name, size_t nlen, const char *value,
                      int has_step, long long step, const char *stamp)
{
    struct metric *m = lookup(ms, name, nlen, 1);
    if (!has_step)
        step = m->any ? m->last_step + 1 : 0;
    m->last_step = step;
    m->any = 1;
    size_t vlen = strnlen(value, sizeof(m->last_value) - 1);
    memcpy(m->last_value, value, vlen);
    m->last_value[vlen] = '\0';
    ms->points++;
    ms->since_write++;
    if (ms->sink)
        ms->sink(ms->sink_arg, m->name, (long long)(m->disk_points + m->pending_points), step, stamp,
                 value);
    if (ms->dirfd < 0)
        return step; /* counting only (--metric-test) */
    size_t before = m->frag[0].len + m->frag[1].len + m->frag[2].len;
    strbuf_add(&m->frag[0], ",\n      ", 8);
    strbuf_add_ll(&m->frag[0], step);
    strbuf_add(&m->frag[1], ",\n      \"", 9);
    strbuf_addstr(&m->frag[1], stamp);
    strbuf_addch(&m->frag[1], '"');
    strbuf_add(&m->frag[2], ",\n      ", 8);
    strbuf_addstr(&m->frag[2], value);
    ms->pending += m->frag[0].len + m->frag[1].len + m->frag[2].len - before;
    m->pending_points++;
    if (ms->pending >= ms->flush_at && metrics_flush(ms) < 0)
        ms->flush_at = ms->pending * 2; /* a full disk: try again with twice as much */
    return step;
}

static char *frag_path(size_t index, int part)
{
    return xasprintf(FRAG_DIR "/%zu.%s", index, parts[part]);
}

/* Writes a metric's pending parts at their known lengths; all three or none count. */
static int flush_metric(struct metrics *ms, size_t index)
{
    struct metric *m = &ms->m[index];
    off_t len[3];
    for (int k = 0; k < 3; k++) {
        len[k] = m->disk_len[k];
        if (!m->frag[k].len)
            continue;
        char *p = frag_path(index, k);
        int fd = openat(ms->dirfd, p, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
        free(p);
        int rc = fd < 0 ? -1 : pwrite_full(fd, m->frag[k].buf, m->frag[k].len, len[k]);
        int saved = errno;
        if (fd >= 0 && close(fd) < 0 && rc == 0)
            rc = -1, saved = errno;
        if (rc < 0) {
            errno = saved;
            return -1;
        }
        len[k] += (off_t)m->frag[k].len;
        m->on_disk = 1;
    }
    for (int k = 0; k < 3; k++) {
        m->disk_len[k] = len[k];
        ms->pending -= m->frag[k].len;
        strbuf_reset(&m->frag[k]);
    }
    m->disk_points += m->pending_points;
    m->pending_points = 0;
    return 0;
}

int metrics_flush(struct metrics *ms)
{
    if (!ms->pending)
        return 0;
    if (mkdirat(ms->dirfd, FRAG_DIR, 0755) < 0 && errno != EEXIST)
        return ms->failed = errno, -1;
    int rc = 0, saved = 0;
    for (size_t i = 0; i < ms->n; i++)
        if (ms->m[i].pending_points && flush_metric(ms, i) < 0)
            rc = -1, saved = errno;
    if (rc < 0)
        ms->failed = errno = saved;
    else
        ms->flush_at = FLUSH_PENDING;
    return rc;
}

unsigned long long metrics_points_on_disk(const struct metrics *ms)
{
    unsigned long long n = 0;
    for (size_t i = 0; i < ms->n; i++)
        n += ms->m[i].disk_points;
    return n;
}

/* Copies bytes [off, end) of fd to out through a buffer. 0 or -1 with errno. */
static int copy_range(int fd, loff_t off, loff_t end, int out)
{
    char buf[65536];
    while (off < end) {
        size_t want = (size_t)(end - off) < sizeof(buf) ? (size_t)(end - off) : sizeof(buf);
        ssize_t n = pread(fd, buf, want, off);
        if (n <= 0 || write_full(out, buf, (size_t)n) < 0)
            return n == 0 ? (errno = EIO, -1) : -1;
        off += n;
    }
    return 0;
}

/* Copies the known length of a fragment file into out, without its leading ','; in the
 * kernel (copy_file_range) where the file system allows, else through a buffer. */
static int copy_fragment(struct metrics *ms, size_t index, int part, int out)
{
    char *p = frag_path(index, part);
    int fd = openat(ms->dirfd, p, O_RDONLY | O_CLOEXEC);
    free(p);
    if (fd < 0)
        return -1;
    loff_t off = 1, end = ms->m[index].disk_len[part];
    ssize_t n = 0;
    while (off < end && (n = copy_file_range(fd, &off, out, NULL, (size_t)(end - off), 0)) > 0)
        ;
    int rc = off < end ? copy_range(fd, off, end, out) : 0;
    int saved = errno;
    close(fd);
    errno = saved;
    return rc;
}

static int by_name(const void *a, const void *b)
{
    const struct metric *x = *(const struct metric *const *)a, *y = *(const struct metric *const *)b;
    return utf8_cmp(x->name, y->name);
}

/* A part of m in metrics.json: its fragment file, or (nothing on disk yet) its buffer. */
static int write_part(struct metrics *ms, const struct metric *m, int k, int out)
{
    if (m->on_disk)
        return copy_fragment(ms, (size_t)(m - ms->m), k, out);
    return m->frag[k].len ? write_full(out, m->frag[k].buf + 1, m->frag[k].len - 1) : 0;
}

static int write_metric(struct metrics *ms, const struct metric *m, int out, int first)
{
    struct strbuf sb = STRBUF_INIT;
    strbuf_addstr(&sb, first ? "\n  " : ",\n  ");
    json_quote(&sb, m->name);
    strbuf_addstr(&sb, ": {");
    int rc = 0;
    for (int k = 0; k < 3 && rc == 0; k++) {
        strbuf_addf(&sb, "%s\n    \"%s\": [", k ? "," : "", parts[k]);
        rc = write_full(out, sb.buf, sb.len);
        strbuf_reset(&sb);
        if (rc == 0)
            rc = write_part(ms, m, k, out);
        strbuf_addstr(&sb, "\n    ]");
    }
    strbuf_addstr(&sb, "\n  }");
    if (rc == 0)
        rc = write_full(out, sb.buf, sb.len);
    strbuf_release(&sb);
    return rc;
}

/* Nothing was flushed yet and little is pending: metrics.json is written from memory, and
 * a short run makes no fragment files at all. */
static int all_in_memory(const struct metrics *ms)
{
    for (size_t i = 0; i < ms->n; i++)
        if (ms->m[i].on_disk)
            return 0;
    return ms->pending < SMALL_JSON;
}

/* metrics.json could not be written: the points go to the fragment files (kept when the
 * record lacks points), as when they were flushed first. -1 with the write's errno. */
static int write_failed(struct metrics *ms, int in_memory)
{
    ms->failed = errno;
    if (in_memory)
        metrics_flush(ms);
    errno = ms->failed;
    return -1;
}

int metrics_write_json(struct metrics *ms)
{
    int in_memory = all_in_memory(ms);
    int flushed = in_memory ? 0 : metrics_flush(ms), saved = errno;
    struct atomic_file a;
    if (atomic_open(&a, ms->dirfd, METRICS_JSON) < 0)
        return write_failed(ms, in_memory);
    int out = a.fd;
    const struct metric **order = xcalloc(ms->n, sizeof(*order));
    size_t k = 0;
    for (size_t i = 0; i < ms->n; i++)
        if (ms->m[i].disk_points || (in_memory && ms->m[i].pending_points))
            order[k++] = &ms->m[i];
    qsort(order, k, sizeof(*order), by_name);
    int rc = write_full(out, "{", 1);
    for (size_t i = 0; i < k && rc == 0; i++)
        rc = write_metric(ms, order[i], out, i == 0);
    if (rc == 0)
        rc = write_full(out, k ? "\n}" : "}", k ? 2 : 1);
    free(order);
    struct stat st;
    if (rc == 0 && fstat(out, &st) == 0)
        ms->json_size = st.st_size;
    if (atomic_commit(&a, rc) < 0)
        return write_failed(ms, in_memory);
    ms->points_in_json = in_memory ? ms->points : metrics_points_on_disk(ms);
    ms->since_write = ms->points - ms->points_in_json;
    clock_gettime(CLOCK_MONOTONIC, &ms->last_write);
    errno = saved;
    return flushed;
}

int metrics_due(const struct metrics *ms, double beat)
{
    if (!ms->since_write)
        return 0;
    if (ms->json_size < SMALL_JSON)
        return 1;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    double since = (double)(now.tv_sec - ms->last_write.tv_sec)
                   + (double)(now.tv_nsec - ms->last_write.tv_nsec) / 1e9;
    return since >= beat * ((double)ms->json_size / SMALL_JSON);
}

const char *metrics_last(const struct metrics *ms, const char *name)
{
    struct metric *m = lookup((struct metrics *)ms, name, strlen(name), 0);
    return m && m->any ? m->last_value : NULL;
}

/* Removes a fragment file, or cuts it back to what metrics.json's assembly would read. */
static void settle_fragment(struct metrics *ms, size_t index, int part, int remove)
{
    char *p = frag_path(index, part);
    int fd = remove ? -1 : openat(ms->dirfd, p, O_WRONLY | O_CLOEXEC);
    if (remove)
        unlinkat(ms->dirfd, p, 0);
    else if (fd >= 0) {
        (void)!ftruncate(fd, ms->m[index].disk_len[part]);
        close(fd);
    }
    free(p);
}

void metrics_release(struct metrics *ms, int remove_fragments)
{
    for (size_t i = 0; i < ms->n; i++) {
        for (int k = 0; k < 3; k++) {
            if (ms->m[i].on_disk)
                settle_fragment(ms, i, k, remove_fragments);
            strbuf_release(&ms->m[i].frag[k]);
        }
        free(ms->m[i].name);
    }
    if (remove_fragments)
        unlinkat(ms->dirfd, FRAG_DIR, AT_REMOVEDIR);
    free(ms->m);
    name_index_release(&ms->index);
    memset(ms, 0, sizeof(*ms));
}
