/* tail.c: `sacred-run tail [-f] ID`: cout.txt, and with -f the run followed while it is
 * RUNNING. The launcher rewrites the unfinished last line in place, so text after the last
 * newline is never printed until the run ends. Never writes into the storage. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "inspect/commands.h"
#include "inspect/inspect.h"
#include "inspect/runs.h"
#include "record/sacred_files.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/strbuf.h"

static const char usage[] = "sacred-run tail [-F DIR | -s URL] [-f] ID";

enum { POLL_MS = 200, UNREADABLE_POLLS = 25, CHUNK = 64 * 1024 };

static volatile sig_atomic_t interrupted;

static void on_interrupt(int sig)
{
    (void)sig;
    interrupted = 1;
}

struct follow {
    const struct inspect_ctx *cx;
    const char *id;
    char *path;          /* STORAGE/ID/cout.txt */
    int fd;              /* -1 until the file is there */
    off_t printed;       /* bytes printed: always up to a newline, until the end */
    struct stat seen;    /* size and mtime at the last read */
};

/* Prints the text after what was printed up to its last newline, or with final all of it. */
static void drain(struct follow *f, int final)
{
    char buf[CHUNK];
    struct strbuf pending = STRBUF_INIT; /* read after the last newline, not printed yet */
    for (;;) {
        ssize_t n = pread(f->fd, buf, sizeof(buf), f->printed + (off_t)pending.len);
        if (n < 0 && errno == EINTR && !interrupted)
            continue;
        if (n <= 0)
            break;
        const char *nl = memrchr(buf, '\n', (size_t)n);
        if (!nl) {
            strbuf_add(&pending, buf, (size_t)n);
            continue;
        }
        size_t k = (size_t)(nl - buf) + 1;
        if (pending.len)
            fwrite(pending.buf, 1, pending.len, stdout);
        fwrite(buf, 1, k, stdout);
        f->printed += (off_t)(pending.len + k);
        strbuf_reset(&pending);
        strbuf_add(&pending, buf + k, (size_t)n - k);
    }
    if (final && pending.len) {
        fwrite(pending.buf, 1, pending.len, stdout);
        f->printed += (off_t)pending.len;
    }
    strbuf_release(&pending);
    if (fflush(stdout) != 0)
        die("cannot write the output: %m");
}

/* Opens cout.txt once it is there; 1 when it is open. */
static int open_cout(struct follow *f)
{
    if (f->fd < 0)
        f->fd = open(f->path, O_RDONLY | O_CLOEXEC);
    return f->fd >= 0;
}

/* 1 when cout.txt changed (size or mtime) since the last look. */
static int changed(struct follow *f)
{
    struct stat st;
    if (fstat(f->fd, &st) < 0)
        return 1;
    int yes = !stat_unchanged(&st, &f->seen);
    f->seen = st;
    return yes;
}

/* The run's effective status now (runs.h), into status. */
static void status_now(const struct follow *f, char status[16])
{
    struct run_row row;
    run_row_load(&row, f->cx->storage, f->id);
    memcpy(status, row.status, 16);
    run_row_release(&row);
}

static void pause_a_moment(void)
{
    struct timespec ts = { 0, POLL_MS * 1000000L };
    nanosleep(&ts, NULL);
    if (interrupted) {
        fflush(stdout);
        exit(130);
    }
}

/* Follows the run until it is no longer RUNNING; then prints the rest. A run.json that
 * cannot be read for a while (Python Sacred rewrites it in place) ends it too. */
static void follow(struct follow *f)
{
    struct sigaction sa = { .sa_handler = on_interrupt };
    sigaction(SIGINT, &sa, NULL);
    char status[16];
    for (int unreadable = 0;; pause_a_moment()) {
        status_now(f, status);
        unreadable = !strcmp(status, "ERROR") ? unreadable + 1 : 0;
        int done = unreadable ? unreadable > UNREADABLE_POLLS : strcmp(status, "RUNNING") != 0;
        if (open_cout(f) && (done || changed(f)))
            drain(f, done);
        if (done)
            break;
    }
    if (!strcmp(status, "DIED") || !strcmp(status, "PROBABLY_DEAD") || !strcmp(status, "ERROR"))
        warning("run %s is %s; stopped following it", f->id,
                !strcmp(status, "DIED") ? "DIED (its launcher is gone)"
                : !strcmp(status, "ERROR") ? "unreadable (run.json)" : "PROBABLY_DEAD (no heartbeat)");
}

int cmd_tail(struct inspect_ctx *cx, int argc, char **argv)
{
    static const struct option options[] = { INSPECT_LONG_OPTIONS, { "follow", no_argument, NULL, 'f' },
                                             { NULL, 0, NULL, 0 } };
    int follows = 0;
    for (int c; (c = getopt_long(argc, argv, INSPECT_SHORT "f", options, NULL)) != -1;)
        if (c == 'f')
            follows = 1;
        else if (!inspect_common_option(cx, c, optarg))
            inspect_bad_option(argv, usage);
    if (cx->json)
        die("tail prints cout.txt as it is; it has no --json (usage: %s)", usage);
    if (optind + 1 != argc)
        die("tail takes one run id; usage: %s", usage);
    struct follow f = { .cx = cx, .id = argv[optind], .fd = -1 };
    struct run_doc d;
    inspect_load(cx, f.id, &d);
    f.path = xasprintf("%s/" COUT_TXT, d.dir);
    run_doc_release(&d);
    if (follows)
        follow(&f);
    else if (open_cout(&f))
        drain(&f, 1);
    if (f.fd >= 0)
        close(f.fd);
    free(f.path);
    return 0;
}
