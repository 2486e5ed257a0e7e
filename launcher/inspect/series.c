/* series.c: `sacred-run metrics ID [NAME...]`: a run's series as CSV (a row per step, a
 * column per metric) or --json. Streams from metrics.json: memory must not grow with the
 * points (only a series whose steps go back is held, to sort it). Reads only. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inspect/commands.h"
#include "inspect/inspect.h"
#include "json/json_stream.h"
#include "record/metrics_read.h"
#include "util/error.h"
#include "util/utf8.h"

static const char usage[] = "sacred-run metrics [-F DIR | -s URL] [--json] ID [NAME...]";

/* A point of a held series, its texts copied. */
struct held {
    struct series_point p;
    size_t order;
};

struct column {
    const struct series_info *si;
    struct series_cursor cur; /* steps that ascend are read as the rows go */
    struct held *held;        /* others are read first and sorted by step */
    size_t nheld, next;
    struct series_point pt;   /* the current point, when has */
    int has;
};

static int by_step(const void *a, const void *b)
{
    const struct held *x = a, *y = b;
    int c = series_step_cmp(&x->p.step, &y->p.step);
    return c ? c : (x->order > y->order) - (x->order < y->order);
}

static void read_error(const char *id, const char *err)
{
    die("run %s: %s", id, err);
}

static void hold(struct column *c, const char *id)
{
    char err[256];
    struct series_point p;
    c->held = xcalloc(c->si->count + 1, sizeof(*c->held));
    for (int r; (r = series_next(&c->cur, &p, err, sizeof(err))) != 0; c->nheld++) {
        if (r < 0)
            read_error(id, err);
        struct held *h = &c->held[c->nheld];
        h->p = p;
        for (int i = 0; i < SERIES_LISTS; i++)
            h->p.text[i] = xstrndup(p.text[i], p.n[i]);
        h->order = c->nheld;
    }
    qsort(c->held, c->nheld, sizeof(*c->held), by_step);
}

static void advance(struct column *c, const char *id)
{
    char err[256];
    if (c->held) {
        c->has = c->next < c->nheld;
        if (c->has)
            c->pt = c->held[c->next++].p;
        return;
    }
    int r = series_next(&c->cur, &c->pt, err, sizeof(err));
    if (r < 0)
        read_error(id, err);
    c->has = r > 0;
}

static void column_release(struct column *c)
{
    for (size_t i = 0; i < c->nheld; i++)
        for (int k = 0; k < SERIES_LISTS; k++)
            free((char *)c->held[i].p.text[k]);
    free(c->held);
    series_close(&c->cur);
}

/* A CSV field: quoted (quotes doubled) when it holds a comma, a quote or a line end. */
static void csv_text(FILE *out, const char *s, size_t n)
{
    int quote = 0;
    for (size_t i = 0; i < n && !quote; i++)
        quote = s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r';
    if (!quote) {
        fwrite(s, 1, n, out);
        return;
    }
    fputc('"', out);
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"')
            fputc('"', out);
        fputc(s[i], out);
    }
    fputc('"', out);
}

/* A value as its JSON text; a string as its text. */
static void csv_token(FILE *out, const char *text, size_t n, enum json_token kind)
{
    if (kind != JSON_STRING) {
        fwrite(text, 1, n, out);
        return;
    }
    if (!memchr(text, '\\', n)) {
        csv_text(out, text + 1, n - 2);
        return;
    }
    char *plain = json_scan_string(text, n);
    csv_text(out, plain, strlen(plain));
    free(plain);
}

/* 1 when the timestamp of a is earlier than that of b (ISO texts compare as times). */
static int earlier(const struct series_point *a, const struct series_point *b)
{
    size_t na = a->n[SERIES_STAMPS], nb = b->n[SERIES_STAMPS];
    int c = memcmp(a->text[SERIES_STAMPS], b->text[SERIES_STAMPS], na < nb ? na : nb);
    return c < 0 || (c == 0 && na < nb);
}

/* One row: the lowest step of the columns, the first timestamp seen at it, and the value
 * of every column at that step. Returns 0 when all columns are done. */
static int csv_row(FILE *out, struct column *col, size_t ncol, char *at, const char *id)
{
    const struct series_point *low = NULL, *stamp = NULL;
    for (size_t c = 0; c < ncol; c++)
        if (col[c].has && (!low || series_step_cmp(&col[c].pt.step, &low->step) < 0))
            low = &col[c].pt;
    if (!low)
        return 0;
    for (size_t c = 0; c < ncol; c++) {
        at[c] = col[c].has && !series_step_cmp(&col[c].pt.step, &low->step);
        if (at[c] && col[c].pt.kind[SERIES_STAMPS] == JSON_STRING && (!stamp || earlier(&col[c].pt, stamp)))
            stamp = &col[c].pt;
    }
    fwrite(low->text[SERIES_STEPS], 1, low->n[SERIES_STEPS], out);
    fputc(',', out);
    if (stamp)
        csv_token(out, stamp->text[SERIES_STAMPS], stamp->n[SERIES_STAMPS], JSON_STRING);
    for (size_t c = 0; c < ncol; c++) {
        fputc(',', out);
        if (at[c])
            csv_token(out, col[c].pt.text[SERIES_VALUES], col[c].pt.n[SERIES_VALUES],
                      col[c].pt.kind[SERIES_VALUES]);
    }
    fputc('\n', out);
    for (size_t c = 0; c < ncol; c++)
        if (at[c])
            advance(&col[c], id);
    return 1;
}

static void print_csv(const struct metrics_file *mf, const struct series_info **sel, size_t n,
                      const char *id)
{
    struct column *col = xcalloc(n + 1, sizeof(*col));
    char *at = xcalloc(n + 1, 1);
    fputs("step,timestamp", stdout);
    for (size_t c = 0; c < n; c++) {
        fputc(',', stdout);
        csv_text(stdout, sel[c]->name, strlen(sel[c]->name));
        col[c].si = sel[c];
        series_open(&col[c].cur, mf, sel[c], SERIES_ALL);
        if (!sel[c]->ascending)
            hold(&col[c], id);
        advance(&col[c], id);
    }
    fputc('\n', stdout);
    while (csv_row(stdout, col, n, at, id))
        ;
    for (size_t c = 0; c < n; c++)
        column_release(&col[c]);
    free(col);
    free(at);
}

static int by_name(const void *a, const void *b)
{
    return utf8_cmp((*(const struct series_info *const *)a)->name,
                    (*(const struct series_info *const *)b)->name);
}

/* {name: {"steps": [...], "timestamps": [...], "values": [...]}}, the lists as recorded. */
static void print_json(const struct metrics_file *mf, const struct series_info **sel, size_t n,
                       const char *id)
{
    static const char *const lists[SERIES_LISTS] = { "steps", "timestamps", "values" };
    struct json_stream js;
    char err[256];
    json_stream_init(&js, stdout);
    json_stream_open(&js, NULL, '{');
    qsort(sel, n, sizeof(*sel), by_name);
    for (size_t c = 0; c < n; c++) {
        json_stream_open(&js, sel[c]->name, '{');
        for (int k = 0; k < SERIES_LISTS; k++) {
            struct series_cursor cur;
            struct series_point p;
            int r;
            json_stream_open(&js, lists[k], '[');
            series_open(&cur, mf, sel[c], 1 << k);
            while ((r = series_next(&cur, &p, err, sizeof(err))) > 0)
                json_stream_value(&js, NULL, p.text[k], p.n[k]);
            series_close(&cur);
            if (r < 0)
                read_error(id, err);
            json_stream_close(&js, ']');
        }
        json_stream_close(&js, '}');
    }
    json_stream_close(&js, '}');
    fputc('\n', stdout);
}

/* The series named on the command line (each once), else all of them by name. */
static const struct series_info **select_series(const struct metrics_file *mf, char **names,
                                                size_t nnames, const char *id, size_t *n)
{
    const struct series_info **sel = xcalloc((nnames ? nnames : mf->n) + 1, sizeof(*sel));
    *n = 0;
    for (size_t i = 0; i < nnames; i++) {
        const struct series_info *si = metrics_file_find(mf, names[i]);
        if (!si)
            die("run %s has no metric '%s'; 'sacred-run show %s' lists its metrics", id, names[i], id);
        int dup = 0;
        for (size_t k = 0; k < *n; k++)
            dup |= sel[k] == si;
        if (!dup)
            sel[(*n)++] = si;
    }
    for (size_t i = 0; !nnames && i < mf->n; i++)
        sel[(*n)++] = &mf->series[i];
    if (!nnames)
        qsort(sel, *n, sizeof(*sel), by_name);
    return sel;
}

int cmd_metrics(struct inspect_ctx *cx, int argc, char **argv)
{
    static const struct option options[] = { INSPECT_LONG_OPTIONS, { NULL, 0, NULL, 0 } };
    for (int c; (c = getopt_long(argc, argv, INSPECT_SHORT, options, NULL)) != -1;)
        if (!inspect_common_option(cx, c, optarg))
            inspect_bad_option(argv, usage);
    if (optind >= argc)
        die("metrics needs a run id; usage: %s", usage);
    const char *id = argv[optind];
    struct run_doc d;
    struct metrics_file mf;
    char err[512];
    inspect_load(cx, id, &d);
    if (metrics_file_open(&mf, d.dir, 0, err, sizeof(err)) < 0)
        die("run %s: %s", id, err);
    size_t n;
    const struct series_info **sel = select_series(&mf, argv + optind + 1, (size_t)(argc - optind - 1), id, &n);
    static char buf[1 << 16];
    setvbuf(stdout, buf, _IOFBF, sizeof(buf));
    if (cx->json)
        print_json(&mf, sel, n, id);
    else
        print_csv(&mf, sel, n, id);
    if (fflush(stdout) != 0)
        die("cannot write the series: %m");
    free(sel);
    metrics_file_close(&mf);
    run_doc_release(&d);
    return 0;
}
