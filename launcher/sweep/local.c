/* local.c: the local scheduler: one poll loop over the running points' output pipes and a
 * signalfd. It starts points through util/subproc only, never records a run itself (each
 * point's launcher does), and touches the sweep record only under its lock (record/). */
#include "sweep/local.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "json/json.h"
#include "record/sweeprec.h"
#include "sweep/pointargv.h"
#include "util/error.h"
#include "util/io.h"
#include "util/log.h"
#include "util/strbuf.h"
#include "util/sigwatch.h"
#include "util/subproc.h"

struct slot {
    pid_t pid;                /* 0: free */
    long index;
    int fd[2];                /* the point's stdout and stderr, -1 when closed */
    struct strbuf pending[2]; /* a line not yet complete */
};

struct runner {
    const struct sweep_job *j;
    char *self;
    struct slot *slots;       /* j->jobs of them */
    size_t next;              /* the next of j->todo to start */
    size_t running, done, failed;
    int stop;                 /* start nothing more */
    int signo;                /* the signal that stopped the sweep, or 0 */
    int sigfd;
    int progress;             /* stderr is a terminal: the progress line is drawn */
    int shown;                /* the progress line is on the screen */
    struct timespec t0;
};

static double elapsed(const struct runner *r)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - r->t0.tv_sec) + (double)(t.tv_nsec - r->t0.tv_nsec) / 1e9;
}

static void clear_progress(struct runner *r)
{
    if (r->shown)
        write_full(STDERR_FILENO, "\r\033[K", 4);
    r->shown = 0;
}

/* "sweep 3: 4 done, 2 running, 1 failed, 13 queued, 0:00:08 elapsed, ~0:00:26 left" */
static void draw_progress(struct runner *r)
{
    if (!r->progress)
        return;
    char took[64], left[64] = "?";
    double t = elapsed(r);
    size_t finished = r->done + r->failed, queued = r->j->ntodo - r->next;
    log_elapsed(t, took, sizeof(took));
    if (finished)
        log_elapsed(t * (double)(queued + r->running) / (double)finished, left, sizeof(left));
    struct strbuf sb = STRBUF_INIT;
    strbuf_addf(&sb, "\r\033[Ksweep %s: %zu done, %zu running, %zu failed, %zu queued, %s elapsed, ~%s left",
                r->j->id, r->done, r->running, r->failed, queued, took, left);
    write_full(STDERR_FILENO, sb.buf, sb.len);
    strbuf_release(&sb);
    r->shown = 1;
}

/* Writes the complete lines of s's pending output k (all of it when at_end), each after
 * the point's index. */
static void relay(struct runner *r, struct slot *s, int k, int at_end)
{
    struct strbuf *p = &s->pending[k];
    char prefix[32];
    size_t start = 0;
    int n = snprintf(prefix, sizeof(prefix), "[%ld] ", s->index);
    for (size_t i = 0; i < p->len; i++)
        if (p->buf[i] == '\n' || (at_end && i + 1 == p->len)) {
            clear_progress(r);
            write_full(k ? STDERR_FILENO : STDOUT_FILENO, prefix, (size_t)n);
            write_full(k ? STDERR_FILENO : STDOUT_FILENO, p->buf + start, i + 1 - start);
            if (p->buf[i] != '\n')
                write_full(k ? STDERR_FILENO : STDOUT_FILENO, "\n", 1);
            start = i + 1;
        }
    if (start) {
        memmove(p->buf, p->buf + start, p->len - start);
        p->len -= start;
        p->buf[p->len] = '\0';
    }
}

/* Reads what fd k of s holds (to its end when draining); closes it at end of file. */
static void read_output(struct runner *r, struct slot *s, int k, int drain)
{
    char buf[65536];
    ssize_t n;
    do {
        n = read(s->fd[k], buf, sizeof(buf));
        if (n > 0) {
            strbuf_add(&s->pending[k], buf, (size_t)n);
            relay(r, s, k, 0);
        }
    } while ((n > 0 && drain) || (n < 0 && errno == EINTR));
    if (n == 0 || drain) {
        relay(r, s, k, 1);
        close(s->fd[k]);
        s->fd[k] = -1;
        strbuf_release(&s->pending[k]);
    }
}

struct exit_note {
    long index;
    int code;
    const char *state;        /* for a point whose launcher recorded no end */
};

static int note_exit(cJSON *doc, void *arg)
{
    const struct exit_note *e = arg;
    cJSON *p = sweep_point(doc, e->index);
    if (!p)
        return 0;
    json_set(p, "exit_status", json_int(e->code));
    if (!sweep_state_final(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(p, "state"))))
        json_set(p, "state", cJSON_CreateString(e->state));
    return 1;
}

/* A point ended with code (128+N for signal N). Below 125 its launcher recorded the end
 * itself; otherwise it may have stopped before it could, and the record is checked. */
static void record_exit(struct runner *r, long index, int code)
{
    char err[4096];
    struct exit_note e = { index, code, r->signo ? "INTERRUPTED" : "FAILED" };
    if (code >= SR_EXIT_TOOL && sweep_edit(r->j->storage, r->j->id, note_exit, &e, err, sizeof(err)) < 0)
        warning("%s", err);
    if (code == 0)
        r->done++;
    else {
        r->failed++;
        r->stop |= r->j->fail_fast;
    }
}

static int open_pipes(int fds[3], int ours[2])
{
    int p[2][2];
    fds[0] = fds[1] = fds[2] = ours[0] = ours[1] = -1;
    for (int k = 0; k < 2; k++) {
        if (pipe2(p[k], O_CLOEXEC) < 0)
            return -1;
        fcntl(p[k][0], F_SETFL, O_NONBLOCK);
        ours[k] = p[k][0];
        fds[k + 1] = p[k][1];
    }
    return 0;
}

static void close_fds(int *fds, int n)
{
    for (int i = 0; i < n; i++)
        if (fds[i] >= 0)
            close(fds[i]);
}

static void start_point(struct runner *r, struct slot *s, long index)
{
    int fds[3] = { -1, -1, -1 }, ours[2] = { -1, -1 };
    char **argv = sweep_point_argv(r->j->doc, sweep_point(r->j->doc, index), r->self);
    pid_t pid = -1;
    if (r->j->quiet || open_pipes(fds, ours) == 0)
        pid = subproc_start(argv, fds);
    int saved = errno;
    close_fds(fds, 3);
    sweep_argv_free(argv);
    if (pid < 0) {
        close_fds(ours, 2);
        warning("sweep %s: cannot start point %ld: %s", r->j->id, index, strerror(saved));
        record_exit(r, index, SR_EXIT_TOOL);
        r->stop = 1;
        return;
    }
    *s = (struct slot){ pid, index, { ours[0], ours[1] }, { STRBUF_INIT, STRBUF_INIT } };
    r->running++;
}

static void start_more(struct runner *r)
{
    for (long i = 0; i < r->j->jobs && !r->stop && r->next < r->j->ntodo; i++)
        if (!r->slots[i].pid)
            start_point(r, &r->slots[i], r->j->todo[r->next++]);
}

static void reap(struct runner *r)
{
    int st;
    pid_t pid;
    while ((pid = waitpid(-1, &st, WNOHANG)) > 0)
        for (long i = 0; i < r->j->jobs; i++) {
            struct slot *s = &r->slots[i];
            if (s->pid != pid)
                continue;
            for (int k = 0; k < 2; k++)
                if (s->fd[k] >= 0)
                    read_output(r, s, k, 1);
            s->pid = 0;
            r->running--;
            record_exit(r, s->index, WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
        }
}

static void on_signal(struct runner *r)
{
    int sig = sigwatch_read(r->sigfd);
    if (sig) {
        r->signo = sig;
        r->stop = 1;
        for (long i = 0; i < r->j->jobs; i++) /* each point's launcher marks its run INTERRUPTED */
            if (r->slots[i].pid)
                kill(r->slots[i].pid, sig);
    }
    reap(r);
}

static void wait_events(struct runner *r)
{
    struct pollfd pfd[1 + 2 * r->j->jobs];
    struct slot *owner[1 + 2 * r->j->jobs];
    int kind[1 + 2 * r->j->jobs];
    nfds_t n = 1;
    pfd[0] = (struct pollfd){ r->sigfd, POLLIN, 0 };
    for (long i = 0; i < r->j->jobs; i++)
        for (int k = 0; k < 2; k++)
            if (r->slots[i].pid && r->slots[i].fd[k] >= 0) {
                owner[n] = &r->slots[i];
                kind[n] = k;
                pfd[n++] = (struct pollfd){ r->slots[i].fd[k], POLLIN, 0 };
            }
    if (poll(pfd, n, r->progress ? 1000 : -1) <= 0)
        return;
    for (nfds_t i = 1; i < n; i++)
        if (pfd[i].revents)
            read_output(r, owner[i], kind[i], 0);
    if (pfd[0].revents)
        on_signal(r);
}

/* At the end: points never started are NOT_STARTED, and the sweep gets its state. */
static int note_end(cJSON *doc, void *arg)
{
    const struct runner *r = arg;
    sweep_close(doc, r->signo != 0);
    return 1;
}


int sweep_run_local(const struct sweep_job *j)
{
    struct runner r = { .j = j, .self = sweep_self(), .progress = isatty(STDERR_FILENO) };
    char err[4096];
    sigset_t old;
    r.slots = xcalloc((size_t)j->jobs, sizeof(*r.slots));
    r.sigfd = sigwatch_open(&old);
    if (r.sigfd < 0)
        die("cannot watch signals: %s", strerror(errno));
    clock_gettime(CLOCK_MONOTONIC, &r.t0);
    start_more(&r);
    while (r.running || (!r.stop && r.next < j->ntodo)) {
        draw_progress(&r);
        wait_events(&r);
        start_more(&r);
    }
    draw_progress(&r);
    clear_progress(&r);
    if (sweep_edit(j->storage, j->id, note_end, &r, err, sizeof(err)) < 0)
        warning("%s", err);
    fprintf(stderr, "sweep %s: %zu completed, %zu failed, %zu not started (sacred-run ls --sweep %s)\n",
            j->id, r.done, r.failed, j->ntodo - r.next, j->id);
    close(r.sigfd);
    sigprocmask(SIG_SETMASK, &old, NULL);
    free(r.slots);
    free(r.self);
    return r.signo ? 128 + r.signo : r.failed ? 1 : 0;
}
