/* report.c: `sacred-run report [-F DIR | -s URL] [ID...] -o FILE.html`: the dashboard's views of some
 * runs as one self-contained HTML file: the API's answers, the page's code and Chart.js
 * inline, nothing loaded from the network. Reads the storage; writes only FILE. */
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dashboard/api.h"
#include "dashboard/assets.h"
#include "dashboard/dash.h"
#include "dashboard/rowcache.h"
#include "dashboard/series.h"
#include "dashboard/storefile.h"
#include "inspect/commands.h"
#include "inspect/inspect.h"
#include "json/json.h"
#include "json/json_parse.h"
#include "record/sacred_files.h"
#include "util/error.h"
#include "util/fs.h"

#define USAGE "usage: sacred-run report [-F DIR | -s URL] [ID...] -o FILE.html"
enum { CACHE_POINTS = 16 << 20, PLOT_WIDTH = 1200, COUT_LAST = 1 << 20,
       TEXT_MAX = 256 << 10, IMAGE_MAX = 2 << 20 };

/* The file's own page rules: its inline code only, images embedded. */
static const char CSP_REPORT[] = "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src "
                                 "'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
                                 "img-src data:\">\n";

/* The API's answer to GET path?args, parsed; NULL when it is no success. */
static cJSON *ask(const struct dash *d, const char *path, const struct query_arg *args, size_t n)
{
    struct request rq = { NULL, d, "GET", path, NULL, 0, args, n };
    struct reply rp = { .status = 200, .fd = -1 };
    api_route(&rq, path + 4, &rp);
    cJSON *j = rp.status == 200 && rp.body.buf ? json_parse_typed(rp.body.buf) : NULL;
    strbuf_release(&rp.body);
    return j;
}

/* files[rel]: {"text"} for a small text file, {"data": a data: URL} for an image. */
static void embed_file(cJSON *files, const char *storage_real, const char *rel)
{
    struct strbuf sb = STRBUF_INIT, url = STRBUF_INIT;
    char *real = rel && !cJSON_HasObjectItem(files, rel) ? store_resolve(storage_real, rel) : NULL;
    struct stat st;
    if (!real || stat(real, &st) < 0 || st.st_size > IMAGE_MAX || strbuf_read_file(&sb, real) < 0) {
        free(real);
        return;
    }
    const char *type = content_type(real);
    cJSON *f = cJSON_CreateObject();
    if (!strncmp(type, "text/", 5) && sb.len <= TEXT_MAX) {
        cJSON_AddItemToObject(f, "text", json_bytes(sb.buf, sb.len));
    } else if (!strncmp(type, "image/", 6)) {
        strbuf_addf(&url, "data:%s;base64,", type);
        strbuf_add_base64(&url, sb.buf, sb.len);
        cJSON_AddStringToObject(f, "data", url.buf);
    }
    cJSON_AddItemToObject(files, rel, f);
    strbuf_release(&sb);
    strbuf_release(&url);
    free(real);
}

static void embed_listed(cJSON *files, const char *storage_real, const cJSON *list)
{
    const cJSON *f;
    cJSON_ArrayForEach(f, list)
        embed_file(files, storage_real, cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(f, "path")));
}

/* The last MiB of cout.txt as the API's answer for the whole file. */
static cJSON *whole_cout(const struct dash *d, const char *id)
{
    struct strbuf sb = STRBUF_INIT;
    char *path = xasprintf("%s/%s/" COUT_TXT, d->storage, id);
    strbuf_read_file(&sb, path);
    free(path);
    size_t skip = sb.len > COUT_LAST ? sb.len - COUT_LAST : 0;
    cJSON *c = cJSON_CreateObject();
    cJSON_AddItemToObject(c, "size", json_int((long long)sb.len));
    cJSON_AddItemToObject(c, "text", json_bytes(sb.buf ? sb.buf + skip : "", sb.len - skip));
    cJSON_AddStringToObject(c, "tail", "");
    cJSON_AddItemToObject(c, "next", json_int((long long)sb.len));
    cJSON_AddBoolToObject(c, "more", 0);
    strbuf_release(&sb);
    return c;
}

/* Everything the page asks about one run: the run, its output, its series, its files. */
static void embed_run(const struct dash *d, const char *id, cJSON *data)
{
    char *path = xasprintf("/api/runs/%s", id), *mpath = xasprintf("%s/metrics", path);
    cJSON *run = ask(d, path, NULL, 0);
    const cJSON *m;
    if (!run)
        die("report: cannot read run '%s'", id);
    cJSON_ArrayForEach(m, cJSON_GetObjectItemCaseSensitive(run, "metrics")) {
        const char *name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(m, "name"));
        for (int t = 0; name && t < 2; t++) {
            const char *x = t ? "time" : "step";
            char width[16];
            snprintf(width, sizeof(width), "%d", PLOT_WIDTH);
            struct query_arg args[] = { { "name", name }, { "x", x }, { "width", width } };
            cJSON *s = ask(d, mpath, args, 3);
            char *key = xasprintf("%s\n%s\n%s", id, name, x);
            if (s)
                cJSON_AddItemToObject(cJSON_GetObjectItemCaseSensitive(data, "series"), key, s);
            free(key);
        }
    }
    cJSON *files = cJSON_GetObjectItemCaseSensitive(data, "files");
    embed_listed(files, d->storage_real, cJSON_GetObjectItemCaseSensitive(run, "sources"));
    embed_listed(files, d->storage_real, cJSON_GetObjectItemCaseSensitive(run, "artifacts"));
    embed_listed(files, d->storage_real, cJSON_GetObjectItemCaseSensitive(run, "resources"));
    cJSON_AddItemToObject(cJSON_GetObjectItemCaseSensitive(data, "cout"), id, whole_cout(d, id));
    cJSON_AddItemToObject(cJSON_GetObjectItemCaseSensitive(data, "run"), id, run);
    free(path);
    free(mpath);
}

/* Replaces the one occurrence of what in page (an asset: missing means a build mismatch). */
static void substitute(struct strbuf *page, const char *what, const char *with, size_t withlen)
{
    char *at = strstr(page->buf, what);
    if (!at)
        die("report: the page asset has no '%s' (rebuild sacred-run)", what);
    struct strbuf out = STRBUF_INIT;
    strbuf_add(&out, page->buf, (size_t)(at - page->buf));
    strbuf_add(&out, with, withlen);
    strbuf_addstr(&out, at + strlen(what));
    strbuf_release(page);
    *page = out;
}

/* Inline code must not end its own element early. */
static void add_inline(struct strbuf *sb, const char *open, const void *text, size_t n,
                       const char *close, const char *name)
{
    if (memmem(text, n, "</", 2) && (memmem(text, n, "</script", 8) || memmem(text, n, "</style", 7)))
        die("report: %s holds a closing tag and cannot be inlined", name);
    strbuf_addstr(sb, open);
    strbuf_add(sb, text, n);
    strbuf_addstr(sb, close);
}

static char *page_html(const cJSON *data, const char *chartjs)
{
    struct strbuf page = STRBUF_INIT, json = STRBUF_INIT, s = STRBUF_INIT, chart = STRBUF_INIT;
    const struct asset *index = asset_find("index.html"), *css = asset_find("style.css");
    const struct asset *app = asset_find("app.js");
    if (strbuf_read_file(&chart, chartjs) < 0)
        die("report: cannot read Chart.js at '%s' (install Debian's libjs-chart.js, or set "
            "SACRED_RUN_CHARTJS): %m", chartjs);
    strbuf_add(&page, index->data, index->len);
    strbuf_addstr(&s, CSP_REPORT);
    add_inline(&s, "<style>\n", css->data, css->len, "</style>", "style.css");
    substitute(&page, "<link rel=\"stylesheet\" href=\"/static/style.css\">", s.buf, s.len);
    strbuf_reset(&s);
    add_inline(&s, "<script>", chart.buf, chart.len, "</script>", chartjs);
    substitute(&page, "<script src=\"/static/chart.js\"></script>", s.buf, s.len);
    substitute(&page, "<script src=\"/static/app.js\" defer></script>\n", "", 0);
    json_print_compact(&json, data);
    strbuf_reset(&s);
    strbuf_addstr(&s, "<script type=\"application/json\" id=\"report-data\">");
    for (size_t i = 0; i < json.len; i++) /* '<' occurs only inside JSON strings */
        json.buf[i] == '<' ? strbuf_addstr(&s, "\\u003c") : strbuf_addch(&s, json.buf[i]);
    strbuf_addstr(&s, "</script>\n");
    add_inline(&s, "<script>", app->data, app->len, "</script>\n</body>", "app.js");
    substitute(&page, "</body>", s.buf, s.len);
    strbuf_release(&json);
    strbuf_release(&s);
    strbuf_release(&chart);
    return strbuf_detach(&page);
}

int cmd_report(struct inspect_ctx *cx, int argc, char **argv)
{
    static const struct option longopts[] = {
        INSPECT_LONG_OPTIONS, { "output", required_argument, NULL, 'o' }, { NULL, 0, NULL, 0 },
    };
    const char *out = NULL;
    for (int c; (c = getopt_long(argc, argv, INSPECT_SHORT "o:", longopts, NULL)) != -1;) {
        if (c == 'o')
            out = optarg;
        else if (!inspect_common_option(cx, c, optarg))
            die(USAGE);
    }
    if (!out || !*out)
        die("report: give the file to write with -o FILE.html; " USAGE);
    struct dash d = { .storage = cx->storage, .host = "", .chartjs = chartjs_path() };
    if (!(d.storage_real = realpath(d.storage, NULL)))
        die("report: cannot open the storage '%s': %m; give -F DIR", d.storage);
    char **ids = NULL;
    size_t n = 0;
    if (optind == argc && storage_run_ids(d.storage, &ids, &n) < 0)
        die("report: cannot list the runs of '%s': %m", d.storage);
    for (int i = optind; i < argc; i++) {
        struct run_doc doc;
        inspect_load(cx, argv[i], &doc); /* dies on an unknown id */
        run_doc_release(&doc);
        ids = xrealloc(ids, (n + 1) * sizeof(*ids));
        ids[n++] = xstrdup(argv[i]);
    }
    d.cache = series_cache_new(CACHE_POINTS);
    d.rows = row_cache_new();
    cJSON *data = cJSON_CreateObject();
    struct query_arg *only = xcalloc(n + 1, sizeof(*only));
    for (size_t i = 0; i < n; i++)
        only[i] = (struct query_arg){ "id", ids[i] };
    cJSON *list = ask(&d, "/api/runs", only, n);
    cJSON_AddItemToObject(data, "runs", list ? list : cJSON_CreateObject());
    cJSON_AddItemToObject(data, "run", cJSON_CreateObject());
    cJSON_AddItemToObject(data, "cout", cJSON_CreateObject());
    cJSON_AddItemToObject(data, "series", cJSON_CreateObject());
    cJSON_AddItemToObject(data, "files", cJSON_CreateObject());
    for (size_t i = 0; i < n; i++)
        embed_run(&d, ids[i], data);
    char *html = page_html(data, d.chartjs);
    if (write_file_atomic(AT_FDCWD, out, html, strlen(html)) < 0)
        die("report: cannot write '%s': %m", out);
    free(html);
    free(only);
    cJSON_Delete(data);
    run_ids_free(ids, n);
    series_cache_free(d.cache);
    row_cache_free(d.rows);
    free(d.storage_real);
    return 0;
}
