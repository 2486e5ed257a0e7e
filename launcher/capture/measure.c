/* measure.c: output lines to measurements. The default scanner and the user's patterns
 * see each line once, in its final (filtered) form; nothing here touches the terminal. */
#include "capture/measure.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture/bsfilter.h"
#include "capture/metric_parse.h"
#include "json/numtext.h"
#include "util/error.h"

void measure_init(struct measure *m, struct metrics *ms, int defaults, char **patterns,
                  int npatterns)
{
    memset(m, 0, sizeof(*m));
    m->ms = ms;
    m->defaults = defaults;
    m->rx = xcalloc((size_t)npatterns, sizeof(*m->rx));
    for (int i = 0; i < npatterns; i++) {
        char err[512];
        if (metric_regex_compile(&m->rx[i], patterns[i], err, sizeof(err)) < 0)
            die("%s", err);
        m->nrx++;
    }
}

static void add(struct measure *m, const char *name, size_t nlen, const char *value, size_t vlen,
                int has_step, long long step)
{
    char json[NUMTEXT_MAX];
    int is_int;
    if (nlen == 0 || nlen > METRIC_NAME_MAX || !numtext_json(value, vlen, json, &is_int))
        return;
    if (!metric_name_valid(name, nlen)) {
        m->bad_names++;
        return;
    }
    long long used = metrics_add(m->ms, name, nlen, json, has_step, step, m->stamp);
    if (m->seen) {
        char *n = xstrndup(name, nlen);
        m->seen(m->seen_ctx, m->lineno, n, json, used);
        free(n);
    }
}

static void regex_hit(void *ctx, const char *name, size_t nlen, const char *value, size_t vlen,
                      const char *step, size_t slen)
{
    char buf[24];
    long long s = 0;
    int has = step && slen && slen < sizeof(buf);
    if (has) {
        memcpy(buf, step, slen);
        buf[slen] = '\0';
        char *end;
        s = strtoll(buf, &end, 10);
        has = *end == '\0';
    }
    add(ctx, name, nlen, value, vlen, has, s);
}

static void parse_line(struct measure *m, const char *s, size_t n)
{
    m->lineno++;
    if (m->defaults) {
        struct metric_line ml;
        metric_parse_line(s, n, &ml);
        for (int i = 0; i < ml.n; i++)
            add(m, ml.hit[i].name, ml.hit[i].name_len, ml.hit[i].value, ml.hit[i].value_len,
                ml.has_step, ml.step);
    }
    for (int i = 0; i < m->nrx; i++)
        metric_regex_scan(&m->rx[i], s, n, regex_hit, m);
}

/* Where the next ':' or '=' is, found once per piece of output rather than once per line,
 * so output without them is passed over in whole blocks. */
struct seps {
    const char *colon, *eq; /* NULL: not looked for yet; end: there is none */
};

static const char *next_of(const char **at, char c, const char *p, const char *end)
{
    if (!*at || *at < p) {
        const char *q = memchr(p, c, (size_t)(end - p));
        *at = q ? q : end;
    }
    return *at;
}

/* The start of the first line from p that holds a separator, or the start of the
 * unfinished line at the end when none does: the lines before it yield nothing. */
static const char *skip_plain(struct seps *sp, const char *p, const char *end)
{
    const char *c = next_of(&sp->colon, ':', p, end), *e = next_of(&sp->eq, '=', p, end);
    const char *sep = c < e ? c : e;
    const char *nl = memrchr(p, '\n', (size_t)(sep - p));
    return nl ? nl + 1 : p;
}

/* Parses the line that began in an earlier piece, if this one ends it; returns where the
 * rest begins. */
static const char *end_partial(struct measure *m, const char *p, const char *end)
{
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    if (!nl) {
        strbuf_add(&m->partial, p, (size_t)(end - p));
        return end;
    }
    strbuf_add(&m->partial, p, (size_t)(nl - p));
    parse_line(m, m->partial.buf, m->partial.len);
    strbuf_reset(&m->partial);
    return nl + 1;
}

void measure_feed(struct measure *m, const char *buf, size_t n)
{
    if (!m->defaults && !m->nrx)
        return;
    time_iso_now(m->stamp); /* every line of this piece of output arrived now */
    const char *p = buf, *end = buf + n, *nl;
    if (m->partial.len)
        p = end_partial(m, p, end);
    /* Only the default scanner is cheap to leave out: it needs a ':' or '=' in the line. */
    int skip = !m->nrx && !m->seen;
    struct seps sp = { NULL, NULL };
    while (p < end) {
        if (skip)
            p = skip_plain(&sp, p, end);
        if (!(nl = memchr(p, '\n', (size_t)(end - p))))
            break;
        parse_line(m, p, (size_t)(nl - p));
        p = nl + 1;
    }
    if (p < end)
        strbuf_add(&m->partial, p, (size_t)(end - p));
}

void measure_finish(struct measure *m)
{
    time_iso_now(m->stamp);
    if (m->partial.len)
        parse_line(m, m->partial.buf, m->partial.len);
    strbuf_reset(&m->partial);
}

void measure_release(struct measure *m)
{
    for (int i = 0; i < m->nrx; i++)
        metric_regex_free(&m->rx[i]);
    free(m->rx);
    strbuf_release(&m->partial);
    memset(m, 0, sizeof(*m));
}

static void print_seen(void *ctx, size_t lineno, const char *name, const char *value, long long step)
{
    (void)ctx;
    printf("line %zu: %s = %s (step %lld)\n", lineno, name, value, step);
}

static void feed_measure(void *ctx, const char *buf, size_t n)
{
    measure_feed(ctx, buf, n);
}

int measure_test_file(const char *path, int defaults, char **patterns, int npatterns, int filter)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        die("cannot read '%s': %s", path, strerror(errno));
    struct metrics ms;
    struct measure m;
    struct bsfilter f;
    metrics_init(&ms, -1);
    measure_init(&m, &ms, defaults, patterns, npatterns);
    m.seen = print_seen;
    bsfilter_init(&f);
    char buf[65536];
    ssize_t n;
    while ((n = read(fd, buf, sizeof(buf))) > 0) {
        if (filter)
            bsfilter_feed(&f, buf, (size_t)n, feed_measure, &m);
        else
            measure_feed(&m, buf, (size_t)n);
    }
    close(fd);
    if (filter)
        bsfilter_finish(&f, feed_measure, &m);
    measure_finish(&m);
    printf("%llu measurements of %zu metrics in %zu lines\n", ms.points, ms.n, m.lineno);
    if (m.bad_names)
        printf("%llu measurements dropped: their names hold control characters\n", m.bad_names);
    bsfilter_release(&f);
    measure_release(&m);
    metrics_release(&ms, 0);
    return n < 0 ? SR_EXIT_TOOL : 0;
}
