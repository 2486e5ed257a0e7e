/* http.c: libmicrohttpd glue: collects a POST body, checks access (Host on a loopback
 * bind, the token, same origin for POST), routes to the handlers and sends their reply
 * with the security headers. Never serves a file the storefile checks did not pass. */
#include "dashboard/http.h"

#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dashboard/api.h"
#include "dashboard/assets.h"
#include "dashboard/dash.h"
#include "dashboard/mhd.h"
#include "dashboard/storefile.h"
#include "json/json.h"
#include "util/error.h"

enum { MAX_BODY = 1 << 20 };

/* The page may load its own scripts, styles, images and API only; run content served as a
 * file is sandboxed (no script runs in it, whatever its type). */
static const char CSP_PAGE[] = "default-src 'none'; script-src 'self'; style-src 'self'; "
                               "img-src 'self'; connect-src 'self'; base-uri 'none'; "
                               "form-action 'none'; frame-ancestors 'none'";
static const char CSP_SANDBOX[] = "sandbox; default-src 'none'; img-src 'self'; "
                                  "style-src 'unsafe-inline'; frame-ancestors 'none'";

static const struct mhd_api *mhd; /* set by http_start, before any request */

struct pending {
    struct strbuf body;
    int too_big;
};

const char *req_arg(const struct request *rq, const char *name)
{
    for (size_t i = 0; i < rq->nargs; i++)
        if (!strcmp(rq->args[i].key, name))
            return rq->args[i].value;
    return NULL;
}

const char **req_args(const struct request *rq, const char *name, size_t *n)
{
    const char **v = xcalloc(rq->nargs + 1, sizeof(*v));
    *n = 0;
    for (size_t i = 0; i < rq->nargs; i++)
        if (!strcmp(rq->args[i].key, name))
            v[(*n)++] = rq->args[i].value;
    return v;
}

struct arg_list {
    struct query_arg *v;
    size_t n;
};

static enum MHD_Result collect_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                                   const char *value)
{
    struct arg_list *l = cls;
    (void)kind;
    l->v = xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
    l->v[l->n++] = (struct query_arg){ key, value ? value : "" };
    return MHD_YES;
}

/* JavaScript's JSON.parse refuses NaN and Infinity: they travel as strings. */
static void finite_only(cJSON *j)
{
    for (cJSON *c = j->child; c; c = c->next) {
        if (cJSON_IsNumber(c) && !isfinite(c->valuedouble)) {
            char buf[32];
            json_repr_double(c->valuedouble, buf);
            c->type = cJSON_String;
            c->valuestring = xstrdup(buf);
        } else {
            finite_only(c);
        }
    }
}

void reply_json(struct reply *rp, unsigned status, cJSON *tree)
{
    cJSON *wrap = cJSON_CreateArray();
    cJSON_AddItemToArray(wrap, tree);
    finite_only(wrap);
    rp->status = status;
    rp->type = "application/json";
    strbuf_reset(&rp->body);
    json_print_compact(&rp->body, tree);
    cJSON_Delete(wrap);
}

void reply_error(struct reply *rp, unsigned status, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "error", msg);
    reply_json(rp, status, j);
}

void reply_file(struct reply *rp, const char *path, const char *type)
{
    struct stat st;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        if (fd >= 0)
            close(fd);
        reply_error(rp, MHD_HTTP_NOT_FOUND, "no such file");
        return;
    }
    rp->status = MHD_HTTP_OK;
    rp->type = type;
    rp->fd = fd;
    rp->size = (uint64_t)st.st_size;
}

static const char *header(const struct request *rq, const char *name)
{
    return mhd->MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND, name);
}

/* Equal strings, compared in time that does not depend on where they differ. */
static int same_secret(const char *a, const char *b)
{
    size_t na = strlen(a), nb = strlen(b);
    unsigned char diff = na != nb;
    for (size_t i = 0; i < na && i < nb; i++)
        diff |= (unsigned char)(a[i] ^ b[i]);
    return !diff;
}

/* A loopback bind without a token answers only to the names of this host's loopback, so a
 * page of another site that rebinds its name to 127.0.0.1 gets nothing. */
static int host_allowed(const struct request *rq)
{
    const char *h = header(rq, MHD_HTTP_HEADER_HOST);
    const char *names[] = { "localhost", "127.0.0.1", "[::1]", rq->dash->host };
    char port[16];
    snprintf(port, sizeof(port), ":%u", rq->dash->port);
    if (!h)
        return 0;
    for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++) {
        size_t k = strlen(names[i]);
        if (!strncasecmp(h, names[i], k) && !strcmp(h + k, port))
            return 1;
    }
    return 0;
}

/* The POST comes from a page of this server: Origin (or else Referer) names its origin. */
static int same_origin(const struct request *rq)
{
    const char *host = header(rq, MHD_HTTP_HEADER_HOST);
    const char *origin = header(rq, "Origin"), *referer = header(rq, MHD_HTTP_HEADER_REFERER);
    if (!host)
        return 0;
    char *own = xasprintf("http://%s", host);
    size_t k = strlen(own);
    int ok = origin ? !strcmp(origin, own)
                    : referer && !strncmp(referer, own, k) && referer[k] == '/';
    free(own);
    return ok;
}

/* The token the request names itself (query or header), or NULL. */
static const char *explicit_token(const struct request *rq)
{
    const char *auth = header(rq, MHD_HTTP_HEADER_AUTHORIZATION);
    if (auth && !strncasecmp(auth, "token ", 6))
        return auth + 6;
    const char *h = header(rq, "X-Sacred-Token");
    return h ? h : req_arg(rq, "token");
}

/* 1 when the request may go on; else fills rp. *set_cookie: the URL carried the token. */
static int allowed(const struct request *rq, struct reply *rp, int *set_cookie)
{
    const struct dash *d = rq->dash;
    const char *given = explicit_token(rq);
    int named = 0;
    if (d->token) {
        const char *c = mhd->MHD_lookup_connection_value(rq->conn, MHD_COOKIE_KIND, d->cookie);
        named = given && same_secret(given, d->token);
        *set_cookie = named && req_arg(rq, "token");
        if (!named && !(c && same_secret(c, d->token))) {
            reply_error(rp, MHD_HTTP_FORBIDDEN, "this dashboard needs its token: open the "
                        "URL that 'sacred-run serve' printed (.../?token=...)");
            return 0;
        }
    } else if (!host_allowed(rq)) {
        reply_error(rp, MHD_HTTP_FORBIDDEN, "unknown Host; open http://127.0.0.1:%u/", d->port);
        return 0;
    }
    if (strcmp(rq->method, "POST") || named || same_origin(rq))
        return 1;
    reply_error(rp, MHD_HTTP_FORBIDDEN, "a change needs a request from the dashboard's own "
                "page (Origin) or the token");
    return 0;
}

static void reply_asset(struct reply *rp, const char *name)
{
    const struct asset *a = asset_find(name);
    if (!a) {
        reply_error(rp, MHD_HTTP_NOT_FOUND, "no such page");
        return;
    }
    rp->status = MHD_HTTP_OK;
    rp->type = !strcmp(name, "index.html") ? "text/html; charset=utf-8" : content_type(name);
    strbuf_add(&rp->body, a->data, a->len);
    rp->cache = 1;
}

static void reply_chartjs(const struct request *rq, struct reply *rp)
{
    reply_file(rp, rq->dash->chartjs, "text/javascript; charset=utf-8");
    rp->cache = 1;
}

/* /files/REL: a file of the storage, shown sandboxed, or downloaded with ?download=1. */
static void reply_store_file(const struct request *rq, struct reply *rp, const char *rel)
{
    char *real = store_resolve(rq->dash->storage_real, rel);
    if (!real) {
        reply_error(rp, MHD_HTTP_NOT_FOUND, "no such file in the storage");
        return;
    }
    reply_file(rp, real, content_type(real));
    rp->sandbox = 1;
    if (req_arg(rq, "download")) {
        const char *base = strrchr(real, '/') + 1;
        rp->attachment = xstrdup(base);
        for (char *p = rp->attachment; *p; p++)
            if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-+", *p))
                *p = '_';
    }
    free(real);
}

static void route(const struct request *rq, struct reply *rp)
{
    const char *p = rq->path;
    int get = !strcmp(rq->method, "GET") || !strcmp(rq->method, "HEAD");
    if (!strncmp(p, "/api/", 5))
        api_route(rq, p + 4, rp);
    else if (!get)
        reply_error(rp, MHD_HTTP_METHOD_NOT_ALLOWED, "only GET here");
    else if (!strcmp(p, "/"))
        reply_asset(rp, "index.html");
    else if (!strcmp(p, "/favicon.ico"))
        rp->status = MHD_HTTP_NO_CONTENT;
    else if (!strcmp(p, "/static/chart.js"))
        reply_chartjs(rq, rp);
    else if (!strncmp(p, "/static/", 8) && !strchr(p + 8, '/'))
        reply_asset(rp, p + 8);
    else if (!strncmp(p, "/files/", 7))
        reply_store_file(rq, rp, p + 7);
    else
        reply_error(rp, MHD_HTTP_NOT_FOUND, "no such page");
}

static void add_headers(struct MHD_Response *r, const struct reply *rp, const struct dash *d,
                        int set_cookie)
{
    mhd->MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, rp->type ? rp->type : "text/plain");
    mhd->MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    mhd->MHD_add_response_header(r, "Referrer-Policy", "same-origin");
    mhd->MHD_add_response_header(r, "X-Frame-Options", "DENY");
    mhd->MHD_add_response_header(r, "Content-Security-Policy", rp->sandbox ? CSP_SANDBOX : CSP_PAGE);
    mhd->MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, rp->cache ? "no-cache" : "no-store");
    if (rp->attachment) {
        char *v = xasprintf("attachment; filename=\"%s\"", rp->attachment);
        mhd->MHD_add_response_header(r, "Content-Disposition", v);
        free(v);
    }
    if (set_cookie) {
        char *v = xasprintf("%s=%s; Path=/; HttpOnly; SameSite=Strict", d->cookie, d->token);
        mhd->MHD_add_response_header(r, MHD_HTTP_HEADER_SET_COOKIE, v);
        free(v);
    }
}

static enum MHD_Result send_reply(struct MHD_Connection *conn, struct reply *rp,
                                  const struct dash *d, int set_cookie)
{
    struct MHD_Response *r;
    if (rp->fd >= 0) {
        r = mhd->MHD_create_response_from_fd64(rp->size, rp->fd);
    } else {
        size_t n = rp->body.len;
        r = mhd->MHD_create_response_from_buffer(n, n ? strbuf_detach(&rp->body) : (char *)"",
                                                n ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
    }
    if (!r)
        return MHD_NO;
    add_headers(r, rp, d, set_cookie);
    enum MHD_Result ok = mhd->MHD_queue_response(conn, rp->status, r);
    mhd->MHD_destroy_response(r);
    return ok;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version,
                                  const char *upload, size_t *upload_size, void **state)
{
    struct pending *p = *state;
    (void)version;
    if (!p) {
        *state = xcalloc(1, sizeof(*p));
        return MHD_YES;
    }
    if (*upload_size) {
        if (p->body.len + *upload_size > MAX_BODY)
            p->too_big = 1;
        else
            strbuf_add(&p->body, upload, *upload_size);
        *upload_size = 0;
        return MHD_YES;
    }
    struct arg_list args = { NULL, 0 };
    mhd->MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, collect_arg, &args);
    struct request rq = { conn, cls, method, url, p->body.buf, p->body.len, args.v, args.n };
    struct reply rp = { .status = MHD_HTTP_OK, .fd = -1 };
    int set_cookie = 0;
    if (allowed(&rq, &rp, &set_cookie)) {
        if (p->too_big)
            reply_error(&rp, MHD_HTTP_CONTENT_TOO_LARGE, "request body over %d bytes", MAX_BODY);
        else
            route(&rq, &rp);
    }
    enum MHD_Result ok = send_reply(conn, &rp, cls, set_cookie);
    strbuf_release(&rp.body);
    free(rp.attachment);
    free(args.v);
    return ok;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **state,
                         enum MHD_RequestTerminationCode why)
{
    struct pending *p = *state;
    (void)cls, (void)conn, (void)why;
    if (p) {
        strbuf_release(&p->body);
        free(p);
        *state = NULL;
    }
}

struct MHD_Daemon *http_start(const struct dash *d, int fd, int family, char *err, size_t n)
{
    if (!(mhd = mhd_load(err, n)))
        return NULL;
    snprintf(err, n, "it did not start");
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION | MHD_USE_POLL;
    if (family == AF_INET6)
        flags |= MHD_USE_IPv6;
    return mhd->MHD_start_daemon(flags, 0, NULL, NULL, on_request, (void *)d,
                                 MHD_OPTION_LISTEN_SOCKET, fd,
                                 MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
                                 MHD_OPTION_CONNECTION_TIMEOUT, 120u,
                                 MHD_OPTION_CONNECTION_LIMIT, 256u, MHD_OPTION_END);
}

void http_stop(struct MHD_Daemon *daemon)
{
    mhd->MHD_stop_daemon(daemon);
}
