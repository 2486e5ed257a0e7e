/* http.h: the dashboard's HTTP layer over GNU libmicrohttpd: a request as the handlers see
 * it, the reply they fill, access control (loopback Host, token, same origin for POST), the
 * routing, and the security headers every reply carries. Handlers never talk to MHD. */
#ifndef SR_DASH_HTTP_H
#define SR_DASH_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "util/strbuf.h"

struct dash;
struct MHD_Connection;
struct MHD_Daemon;

struct query_arg {
    const char *key, *value;
};

struct request {
    struct MHD_Connection *conn; /* for the HTTP layer's own checks; NULL in a report */
    const struct dash *dash;
    const char *method;
    const char *path;  /* the URL path, percent-decoded by MHD */
    const char *body;  /* a POST's body (NUL-terminated), or NULL */
    size_t body_len;
    const struct query_arg *args; /* the query, decoded, in order */
    size_t nargs;
};

struct reply {
    unsigned status;
    const char *type;     /* Content-Type */
    struct strbuf body;
    int fd;               /* a file to send instead of body (>= 0), closed by the sender */
    uint64_t size;        /* its size */
    char *attachment;     /* download under this name (Content-Disposition), owned */
    int sandbox;          /* run content: sandboxed, no script may run in it */
    int cache;            /* static content the browser may keep (revalidating) */
};

/* A query argument of the request, or NULL. */
const char *req_arg(const struct request *rq, const char *name);
/* Every value of a query argument given several times (name=a&name=b); *n of them, in
 * order; the vector is newly allocated, the strings stay the request's. */
const char **req_args(const struct request *rq, const char *name, size_t *n);

/* Fills rp with tree as compact JSON (takes tree; non-finite numbers become strings). */
void reply_json(struct reply *rp, unsigned status, cJSON *tree);
/* Fills rp with {"error": message}. */
void reply_error(struct reply *rp, unsigned status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Fills rp with the file at path (a real path the caller has checked), or a 404. */
void reply_file(struct reply *rp, const char *path, const char *type);

/* Starts serving d on the listening socket fd (of family AF_INET or AF_INET6) in threads
 * of its own; NULL with err filled when libmicrohttpd could not be loaded or started. */
struct MHD_Daemon *http_start(const struct dash *d, int fd, int family, char *err, size_t n);
/* Stops serving (waits for the request threads) and closes the socket. */
void http_stop(struct MHD_Daemon *daemon);

#endif
