/* supervise.c: the launcher's event loop. It never blocks on the program: output is read
 * non-blocking, record writes that fail are reported and skipped, and after the program's
 * own process ends the remaining output is drained for a bounded time only. */
#include "supervise.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "capture/capture.h"
#include "capture/measure.h"
#include "cli.h"
#include "json/json.h"
#include "observe/events.h"
#include "observe/sysmon.h"
#include "prov/facts.h"
#include "record/metrics.h"
#include "record/record.h"
#include "record/sacred_files.h"
#include "report/report.h"
#include "report/report_verbs.h"
#include "store/dbwriter.h"
#include "util/error.h"
#include "util/log.h"
#include "util/signame.h"
#include "util/timefmt.h"

enum {
    READ_SIZE = 128 * 1024,
    FLUSH_AT = 64 * 1024,
    DRAIN_QUIET_MS = 100,  /* after the program ends: stop when output pauses this long */
    PACE_MIN_NS = 50000,   /* the shortest and longest pause for a burst of reports */
    PACE_MAX_NS = 1000000,
    DRAIN_MAX_MS = 1000,   /* ... or after this long in any case */
};

void supervise_signals(sigset_t *set)
{
    sigemptyset(set);
    sigaddset(set, SIGCHLD);
    sigaddset(set, SIGINT);
    sigaddset(set, SIGTERM);
    sigaddset(set, SIGHUP);
    sigaddset(set, SIGQUIT);
    sigaddset(set, SIGWINCH);
}

static void flush_cout(struct supervisor *s)
{
    if (!s->filtered.len)
        return;
    if (cout_append(&s->rec->cout, s->filtered.buf, s->filtered.len) < 0)
        record_failed(s->rec, COUT_TXT);
    strbuf_reset(&s->filtered);
}

/* Takes filtered text: small pieces are batched, a large one (a long line) is written
 * straight from the filter's buffer, so it is never copied again. */
static void collect_filtered(void *ctx, const char *buf, size_t n)
{
    struct supervisor *s = ctx;
    measure_feed(s->meas, buf, n);
    if (n < FLUSH_AT) {
        strbuf_add(&s->filtered, buf, n);
        return;
    }
    flush_cout(s);
    if (cout_append(&s->rec->cout, buf, n) < 0)
        record_failed(s->rec, COUT_TXT);
}

void supervise_end_output(struct supervisor *s)
{
    if (!s->rec)
        return;
    if (!s->opt->no_filter)
        bsfilter_finish(&s->filt, collect_filtered, s);
    measure_finish(s->meas);
    if (s->meas->bad_names)
        warning("%llu metric points found in the output were dropped: their names hold control "
                "characters", s->meas->bad_names);
    flush_cout(s);
}

static void record_output(struct supervisor *s, const char *buf, size_t n)
{
    if (!s->rec)
        return;
    if (s->opt->no_filter)
        collect_filtered(s, buf, n);
    else
        bsfilter_feed(&s->filt, buf, n, collect_filtered, s);
    if (s->filtered.len >= FLUSH_AT)
        flush_cout(s);
}

/* Reads what one channel has; returns 1 if it delivered bytes. */
static int on_output(struct supervisor *s, struct channel *ch)
{
    ssize_t n = capture_read(ch, s->buf, READ_SIZE);
    if (n == 0 || (n < 0 && errno != EAGAIN)) {
        capture_close(ch);
        return 0;
    }
    if (n < 0)
        return 0;
    if (!ch->out_dead && capture_relay(ch, s->buf, (size_t)n) < 0) {
        if (errno == EPIPE) {
            /* Nobody reads our output any more: let the program see that, as it would. */
            record_output(s, s->buf, (size_t)n);
            capture_close(ch);
            return 1;
        }
        ch->out_dead = 1;
    }
    record_output(s, s->buf, (size_t)n);
    return 1;
}

static void reap(struct supervisor *s)
{
    int st;
    pid_t pid;
    /* __WNOTHREAD: never a helper a thread started (git, from prov/facts), which that
     * thread waits for itself; orphans are reparented to this, the main thread. */
    while ((pid = waitpid(-1, &st, WNOHANG | __WNOTHREAD)) > 0) {
        events_reaped(s->ev, pid, st); /* the program, or an orphan left to us (subreaper) */
        if (pid == s->child) {
            s->status = st;
            s->child_done = 1;
        }
    }
}

static void on_signal(struct supervisor *s)
{
    struct signalfd_siginfo si;
    while (read(s->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
        int sig = (int)si.ssi_signo;
        if (sig == SIGCHLD)
            reap(s);
        else if (sig == SIGWINCH) {
            /* The program got the terminal's SIGWINCH with us and may have read the old
             * size; once the pty has the new one, tell the process group again. */
            if (capture_winsize(s->cap))
                kill(0, SIGWINCH);
        }
        else {
            char name[SIGNAME_LEN];
            if (!s->interrupted)
                log_msg(LOG_DEBUG, "received %s", signal_name(sig, name));
            s->interrupted = sig;
            /* A terminal's signal reached the program's process group already. */
            if (si.ssi_code != SI_KERNEL && !s->child_done)
                kill(s->child, sig);
        }
    }
}

/* A beat: the pending cout line, heartbeat and processes, sys.*, metrics.json when due,
 * info.json when changed; run.json (with the facts, once they are in) unless last. */
static void beat(struct supervisor *s, int last)
{
    if (!s->rec)
        return;
    char now[TIME_ISO_LEN];
    size_t n;
    flush_cout(s);
    const char *pending = s->opt->no_filter ? "" : bsfilter_pending(&s->filt, &n);
    if (s->opt->no_filter)
        n = 0;
    if (cout_show_pending(&s->rec->cout, pending, n) < 0)
        record_failed(s->rec, COUT_TXT);
    time_iso_now(now);
    json_set(s->rec->run, "heartbeat", cJSON_CreateString(now));
    if (!cJSON_HasObjectItem(s->rec->run, "result"))
        cJSON_AddNullToObject(s->rec->run, "result");
    json_set(s->rec->run, "processes", events_processes(s->ev));
    if (!last) {
        if (s->facts)
            facts_add(s->facts, s->rec->run);
        record_write_run(s->rec);
        if (s->dbs)
            dbwriters_wake(s->dbs);
    }
    struct run_state *st = s->state;
    if (s->sys)
        sysmon_sample(s->sys, st->ms);
    if (metrics_due(st->ms, s->opt->beat) && metrics_write_json(st->ms) < 0)
        record_failed(s->rec, METRICS_JSON);
    if (st->info_dirty && record_write_info(s->rec, st->info) == 0)
        st->info_dirty = 0; /* else tried again at the next beat */
}

void supervise_beat(struct supervisor *s)
{
    beat(s, 0);
}

void supervise_last_beat(struct supervisor *s)
{
    beat(s, 1);
}

static int start_timer(double secs)
{
    if (secs <= 0)
        return -1;
    int fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
    if (fd < 0)
        return -1;
    struct timespec t = { (time_t)secs, (long)((secs - (double)(time_t)secs) * 1e9) };
    if (t.tv_sec == 0 && t.tv_nsec == 0)
        t.tv_nsec = 1;
    struct itimerspec its = { t, t };
    timerfd_settime(fd, 0, &its, NULL);
    return fd;
}

static long long now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000000000 + t.tv_nsec;
}

/* Reports arriving in a burst (a script starting short processes wakes us four times per
 * process, taking a core from them): after a wake-up for reports alone that follows
 * another within 2 ms, let more gather, unless anything else needs us (poll's fds p[0..n)
 * but the event socket's, p[ev]). A lone report is handled at once. The pause must
 * never let the event socket's queue fill: it holds only net.unix.max_dgram_qlen reports
 * (10 by default) and a sender then waits (cp -r sends two per file, every few
 * microseconds). So the pause adapts to what the last one gathered: scaled towards half
 * the queue, a quarter of it when the queue was full, between PACE_MIN_NS and 1 ms. */
static void pace_reports(struct supervisor *s, int gathered, struct pollfd *p, nfds_t n, int ev)
{
    long long now = now_ns();
    if (s->paced && gathered > 0) {
        long long q = s->ev->qlen, t = gathered >= q ? s->pace_ns / 4 : s->pace_ns * q / (2 * gathered);
        s->pace_ns = t < PACE_MIN_NS ? PACE_MIN_NS : t > PACE_MAX_NS ? PACE_MAX_NS : t;
    }
    s->paced = now - s->last_reports_ns < 2000000;
    if (s->paced) {
        /* The pause ends early for anything but reports: output, a signal (the program's
         * end above all), the beat, a report connection. */
        int fd = p[ev].fd;
        p[ev].fd = -1;
        ppoll(p, n, &(struct timespec){ 0, s->pace_ns }, NULL);
        p[ev].fd = fd;
    }
    s->last_reports_ns = now;
}

static struct pollfd *poll_slots(struct supervisor *s, size_t n)
{
    if (n > s->pfd_cap) {
        s->pfd_cap = n * 2;
        s->pfd = xrealloc(s->pfd, s->pfd_cap * sizeof(*s->pfd));
    }
    return s->pfd;
}

/* One poll round over everything; returns the number of channels that delivered bytes.
 * Filtered output is written to cout.txt when nothing more is ready at once (or when
 * FLUSH_AT bytes are pending), so a fast stream is written in large pieces. */
static int poll_once(struct supervisor *s, int timeout_ms)
{
    enum { EV, SIG, TIMER, FIXED };
    int nch = s->cap->nch, got = 0;
    struct pollfd *p = poll_slots(s, (size_t)nch + FIXED + 1 + s->rs->n);
    for (int i = 0; i < nch; i++)
        p[i] = (struct pollfd){ s->cap->ch[i].rfd, POLLIN, 0 };
    p[nch + EV] = (struct pollfd){ s->ev->fd, POLLIN, 0 };
    p[nch + SIG] = (struct pollfd){ s->sigfd, POLLIN, 0 };
    p[nch + TIMER] = (struct pollfd){ s->timerfd, POLLIN, 0 };
    size_t nrep = report_poll_fds(s->rs, p + nch + FIXED), n = (size_t)nch + FIXED + nrep;
    int ready = poll(p, (nfds_t)n, 0);
    if (ready == 0 && s->rec) {
        flush_cout(s);
        ready = poll(p, (nfds_t)n, timeout_ms);
    }
    if (ready <= 0)
        return 0;
    for (int i = 0; i < nch; i++)
        if (p[i].revents && s->cap->ch[i].rfd >= 0)
            got += on_output(s, &s->cap->ch[i]);
    int reports = p[nch + EV].revents ? events_drain(s->ev) : 0;
    if (reports && !got) {
        for (int i = 0; i < nch; i++)
            p[i].fd = s->cap->ch[i].rfd; /* -1 once closed at its end just now */
        pace_reports(s, reports, p, (nfds_t)n, nch + EV);
    }
    else
        s->paced = 0;
    if (p[nch + SIG].revents)
        on_signal(s);
    if (p[nch + TIMER].revents) {
        uint64_t ticks;
        if (read(s->timerfd, &ticks, sizeof(ticks)) > 0)
            supervise_beat(s);
    }
    report_on_poll(s->rs, p + nch + FIXED, nrep, report_apply, s->state);
    return got;
}

static long long now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* After the program's process ended: read what is left, but never wait on a descendant
 * that keeps the output open. */
static void drain(struct supervisor *s)
{
    long long end = now_ms() + DRAIN_MAX_MS;
    while (capture_open_channels(s->cap)) {
        long long left = end - now_ms();
        if (left <= 0 || !poll_once(s, (int)(left < DRAIN_QUIET_MS ? left : DRAIN_QUIET_MS)))
            break;
    }
    events_drain(s->ev);
    report_drain(s->rs, report_apply, s->state);
}

void supervise(struct supervisor *s, const sigset_t *handled)
{
    s->buf = xmalloc(READ_SIZE);
    s->pace_ns = PACE_MAX_NS;
    s->sigfd = signalfd(-1, handled, SFD_CLOEXEC | SFD_NONBLOCK);
    s->timerfd = start_timer(s->rec ? s->opt->beat : 0);
    if (s->sigfd < 0)
        die("cannot create a signalfd: %s", strerror(errno));
    reap(s); /* a SIGCHLD may have come before the signalfd existed */
    while (!s->child_done)
        poll_once(s, -1);
    drain(s);
    if (s->timerfd >= 0)
        close(s->timerfd);
    s->timerfd = -1;
    free(s->buf);
    s->buf = NULL;
    free(s->pfd);
    s->pfd = NULL;
}
