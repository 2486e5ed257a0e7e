/* serve.c: `sacred-run serve [-F DIR | -s URL] [--port N] [--host ADDR] [--token T]`: binds (the
 * loopback by default; any other address only with a token), prints the URL, and serves
 * the dashboard until SIGINT or SIGTERM. It reads the storage and edits only tags and notes. */
#include <arpa/inet.h>
#include <getopt.h>
#include <netdb.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include "dashboard/assets.h"
#include "dashboard/dash.h"
#include "dashboard/http.h"
#include "dashboard/rowcache.h"
#include "dashboard/series.h"
#include "inspect/commands.h"
#include "inspect/inspect.h"
#include "store/dbread.h"
#include "util/error.h"

enum { OPT_PORT = 2000, OPT_HOST, OPT_TOKEN, CACHE_POINTS = 16 << 20 };

static int loopback(const struct sockaddr *sa)
{
    if (sa->sa_family == AF_INET)
        return (ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr) >> 24) == 127;
    const struct in6_addr *a = &((const struct sockaddr_in6 *)sa)->sin6_addr;
    return IN6_IS_ADDR_LOOPBACK(a)
        || (IN6_IS_ADDR_V4MAPPED(a) && a->s6_addr[12] == 127);
}

/* The address to bind: host (a name or a numeric address) and port. */
static struct addrinfo *resolve(const char *host, unsigned port)
{
    struct addrinfo hints = { .ai_flags = AI_PASSIVE, .ai_socktype = SOCK_STREAM }, *ai;
    char serv[16];
    snprintf(serv, sizeof(serv), "%u", port);
    int rc = getaddrinfo(host, serv, &hints, &ai);
    if (rc)
        die("serve: cannot use --host '%s': %s", host, gai_strerror(rc));
    return ai;
}

/* A listening socket on ai; *port becomes the port bound (for --port 0). */
static int listen_on(const struct addrinfo *ai, const char *host, unsigned *port)
{
    int one = 1, fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0
        || bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(fd, 64) < 0)
        die("serve: cannot listen on %s port %u: %m", host, *port);
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);
    if (getsockname(fd, (struct sockaddr *)&ss, &len) == 0)
        *port = ntohs(ss.ss_family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port
                                              : ((struct sockaddr_in6 *)&ss)->sin6_port);
    return fd;
}

static char *new_token(void)
{
    unsigned char r[24];
    char *t = xmalloc(2 * sizeof(r) + 1);
    if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r))
        die("serve: cannot make a token (getrandom: %m); give --token T");
    for (size_t i = 0; i < sizeof(r); i++)
        sprintf(t + 2 * i, "%02x", r[i]);
    return t;
}

static unsigned parse_port(const char *s)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (!*s || *end || v < 0 || v > 65535)
        die("serve: --port '%s' is not a port number (0-65535; 0 picks a free one)", s);
    return (unsigned)v;
}

/* Blocks the stop signals in every thread; the main thread waits for one of them. */
static void block_stop_signals(sigset_t *set)
{
    sigemptyset(set);
    sigaddset(set, SIGINT);
    sigaddset(set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, set, NULL);
    signal(SIGPIPE, SIG_IGN);
}

/* Until SIGINT or SIGTERM; with a database, its copy is refreshed each second meanwhile
 * (a failed refresh is said once, and the copy stays as it was). */
static void wait_for_stop(struct dash *d, const sigset_t *stop)
{
    struct timespec second = { 1, 0 };
    int warned = 0;
    for (;;) {
        int sig = d->db ? sigtimedwait(stop, NULL, &second) : sigwaitinfo(stop, NULL);
        if (sig > 0)
            return;
        if (!d->db)
            continue;
        char err[2048];
        pthread_mutex_lock(d->db_lock);
        int rc = dbread_refresh(d->db, err, sizeof(err));
        pthread_mutex_unlock(d->db_lock);
        if (rc && !warned++)
            warning("serve: %s; showing the runs as they were", err);
        warned = rc ? warned : 0;
    }
}

int cmd_serve(struct inspect_ctx *cx, int argc, char **argv)
{
    static const struct option longopts[] = {
        INSPECT_LONG_OPTIONS,
        { "port", required_argument, NULL, OPT_PORT },
        { "host", required_argument, NULL, OPT_HOST },
        { "token", required_argument, NULL, OPT_TOKEN },
        { NULL, 0, NULL, 0 },
    };
    struct dash d = { .host = "127.0.0.1", .port = 8080 };
    const char *token = NULL;
    for (int c; (c = getopt_long(argc, argv, INSPECT_SHORT, longopts, NULL)) != -1;) {
        if (c == OPT_PORT)
            d.port = parse_port(optarg);
        else if (c == OPT_HOST)
            d.host = optarg;
        else if (c == OPT_TOKEN)
            token = optarg;
        else if (!inspect_common_option(cx, c, optarg))
            die("usage: sacred-run serve [-F DIR | -s URL] [--port N] [--host ADDR] [--token T]");
    }
    if (optind < argc)
        die("serve: unexpected '%s'; usage: sacred-run serve [-F DIR | -s URL] [--port N] [--host ADDR] "
            "[--token T]", argv[optind]);
    d.storage = cx->storage;
    if (!(d.storage_real = realpath(d.storage, NULL)))
        die("serve: cannot open the storage '%s': %m; give -F DIR", d.storage);
    d.chartjs = chartjs_path();
    if (access(d.chartjs, R_OK) < 0)
        die("serve: cannot read Chart.js at '%s' (install Debian's libjs-chart.js, or set "
            "SACRED_RUN_CHARTJS)", d.chartjs);
    struct addrinfo *ai = resolve(d.host, d.port);
    int family = ai->ai_family, is_loopback = loopback(ai->ai_addr);
    if (!is_loopback && token && !*token)
        die("serve: --host %s is not a loopback address, so it needs a token: give --token T "
            "or leave --token out to have one made", d.host);
    int fd = listen_on(ai, d.host, &d.port);
    freeaddrinfo(ai);
    d.token = token && *token ? xstrdup(token) : is_loopback ? NULL : new_token();
    d.cookie = xasprintf("sacred_run_token_%u", d.port);
    d.cache = series_cache_new(CACHE_POINTS);
    d.rows = row_cache_new();
    sigset_t stop;
    block_stop_signals(&stop);
    char err[512];
    struct MHD_Daemon *daemon = http_start(&d, fd, family, err, sizeof(err));
    if (!daemon)
        die("serve: the HTTP server (libmicrohttpd) on %s port %u: %s", d.host, d.port, err);
    const char *open_br = strchr(d.host, ':') ? "[" : "", *close_br = *open_br ? "]" : "";
    printf("http://%s%s%s:%u/%s%s\n", open_br, d.host, close_br, d.port, d.token ? "?token=" : "",
           d.token ? d.token : "");
    fflush(stdout);
    static pthread_mutex_t db_lock = PTHREAD_MUTEX_INITIALIZER;
    d.db = cx->db;
    d.db_lock = &db_lock;
    wait_for_stop(&d, &stop);
    http_stop(daemon);
    series_cache_free(d.cache);
    row_cache_free(d.rows);
    free(d.storage_real);
    free(d.token);
    free(d.cookie);
    return 0;
}
