/* finish.c: the end of a run, however the program ended. Everything the program printed is
 * in cout.txt before the final run.json is written; the status never goes back to RUNNING. */
#include "finish.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "capture/capture.h"
#include "cli.h"
#include "json/json.h"
#include "observe/events.h"
#include "observe/hasher.h"
#include "observe/sysmon.h"
#include "prov/facts.h"
#include "prov/provenance.h"
#include "record/metrics.h"
#include "record/record.h"
#include "record/sacred_files.h"
#include "report/report_verbs.h"
#include "store/dbwriter.h"
#include "util/error.h"
#include "util/log.h"
#include "util/signame.h"
#include "util/timefmt.h"

enum { TAIL_BYTES = 4096, TAIL_LINES = 10 };

/* The last lines of cout.txt, as fail_trace entries. */
static void add_output_tail(cJSON *trace, struct record *r)
{
    char buf[TAIL_BYTES + 1];
    off_t start = r->cout.committed > TAIL_BYTES ? r->cout.committed - TAIL_BYTES : 0;
    int fd = openat(r->dirfd, COUT_TXT, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return;
    ssize_t n = pread(fd, buf, TAIL_BYTES, start);
    close(fd);
    if (n <= 0)
        return;
    buf[n] = '\0';
    const char *lines[TAIL_LINES + 1];
    int k = 0;
    char *p = buf;
    if (start > 0)
        p += strcspn(p, "\n") + (p[strcspn(p, "\n")] ? 1 : 0); /* skip a partial first line */
    for (char *save = NULL, *t = strtok_r(p, "\n", &save); t; t = strtok_r(NULL, "\n", &save)) {
        if (k == TAIL_LINES + 1) {
            memmove(lines, lines + 1, TAIL_LINES * sizeof(*lines));
            k--;
        }
        lines[k++] = t;
    }
    int first = k > TAIL_LINES ? 1 : 0;
    if (k == 0)
        return;
    cJSON_AddItemToArray(trace, cJSON_CreateString("Last lines of output:\n"));
    for (int i = first; i < k; i++) {
        char *line = xasprintf("  %s\n", lines[i]);
        cJSON_AddItemToArray(trace, cJSON_CreateString(line));
        free(line);
    }
}

static char *describe_end(int st, const char *prog)
{
    if (WIFEXITED(st))
        return xasprintf("ProgramExited: '%s' exited with status %d\n", prog, WEXITSTATUS(st));
    int sig = WTERMSIG(st);
    char name[SIGNAME_LEN];
    return xasprintf("ProgramKilled: '%s' was killed by signal %d (%s: %s)%s\n", prog, sig,
                     signal_name(sig, name), strsignal(sig), WCOREDUMP(st) ? ", core dumped" : "");
}

static const char *run_status(const struct supervisor *s)
{
    int st = s->status;
    if (s->interrupted)
        return "INTERRUPTED";
    if (WIFSIGNALED(st)
        && (WTERMSIG(st) == SIGINT || WTERMSIG(st) == SIGTERM || WTERMSIG(st) == SIGHUP))
        return "INTERRUPTED";
    return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? "COMPLETED" : "FAILED";
}

static void add_exit_facts(cJSON *prog, const struct supervisor *s)
{
    int st = s->status;
    char name[SIGNAME_LEN];
    cJSON_AddItemToObject(prog, "pid", json_int(s->child));
    cJSON_AddBoolToObject(prog, "instrumented", events_instrumented(s->ev, s->child));
    cJSON_AddItemToObject(prog, "exit_code",
                          WIFEXITED(st) ? json_int(WEXITSTATUS(st)) : cJSON_CreateNull());
    if (WIFSIGNALED(st)) {
        cJSON_AddStringToObject(prog, "signal", signal_name(WTERMSIG(st), name));
        cJSON_AddItemToObject(prog, "signal_number", json_int(WTERMSIG(st)));
        cJSON_AddBoolToObject(prog, "core_dumped", WCOREDUMP(st));
    } else {
        cJSON_AddNullToObject(prog, "signal");
        cJSON_AddNullToObject(prog, "signal_number");
        cJSON_AddFalseToObject(prog, "core_dumped");
    }
    if (s->interrupted)
        cJSON_AddStringToObject(prog, "interrupted_by", signal_name(s->interrupted, name));
}

/* --result METRIC: the metric's last value becomes the run's result. */
static void result_from_metric(struct supervisor *s)
{
    const char *name = s->opt->result_metric;
    const char *last = name ? metrics_last(s->state->ms, name) : NULL;
    if (last)
        json_set(s->rec->run, "result", cJSON_CreateRaw(last));
    else if (name)
        warning("--result: the run logged no metric '%s'; result left as it was", name);
}

static void finalise_measurements(struct supervisor *s)
{
    struct metrics *ms = s->state->ms;
    result_from_metric(s);
    if (ms->since_write && metrics_write_json(ms) < 0)
        record_failed(s->rec, METRICS_JSON); /* the fragments are kept when it lacks points */
    cJSON *prog = cJSON_GetObjectItemCaseSensitive(s->rec->run, "program");
    struct rusage ru;
    getrusage(RUSAGE_CHILDREN, &ru);
    cJSON_AddItemToObject(prog, "max_rss_process_bytes", json_int((long long)ru.ru_maxrss * 1024));
    if (s->sys)
        cJSON_AddItemToObject(prog, "peak_rss_tree_bytes", json_int(s->sys->peak_rss));
}

static void finalise_record(struct supervisor *s, const char *status)
{
    struct record *r = s->rec;
    supervise_end_output(s);
    record_release_space(r, 0); /* half of the kept space, for metrics.json and info.json */
    supervise_last_beat(s);
    finalise_measurements(s);
    hasher_finish(s->hasher); /* what it hashed is in the cache provenance reads */
    if (s->prov)
        provenance_record(s->prov, s->files, r);
    if (s->facts)
        facts_add(s->facts, r->run); /* as late as can be: a short run's git status runs on */ /* Sacred's final heartbeat: heartbeat time, processes */
    char now[TIME_ISO_LEN];
    time_iso_now(now);
    add_exit_facts(cJSON_GetObjectItemCaseSensitive(r->run, "program"), s);
    json_set(r->run, "status", cJSON_CreateString(status));
    json_set(r->run, "stop_time", cJSON_CreateString(now));
    if (!strcmp(status, "FAILED")) {
        cJSON *trace = cJSON_CreateArray();
        add_output_tail(trace, r);
        int sig;
        cJSON *bt = events_backtrace(s->ev, s->child, &sig);
        for (cJSON *l = bt ? bt->child : NULL; l; l = l->next)
            cJSON_AddItemToArray(trace, cJSON_CreateString(l->valuestring));
        cJSON_Delete(bt);
        char *end = describe_end(s->status, s->opt->argv[0]);
        cJSON_AddItemToArray(trace, cJSON_CreateString(end));
        free(end);
        json_set(r->run, "fail_trace", trace);
    }
    record_finish(r, s->state->ms);
    if (s->dbs)
        dbwriters_finish(s->dbs, DB_FINAL_WAIT);
}

int finish_run(struct supervisor *s, double elapsed)
{
    const char *status = run_status(s);
    char took[64];
    log_elapsed(elapsed, took, sizeof(took));
    if (s->rec)
        finalise_record(s, status);
    log_repeats();
    if (!strcmp(status, "COMPLETED"))
        log_msg(LOG_INFO, "Completed after %s", took);
    else if (!strcmp(status, "INTERRUPTED"))
        log_msg(LOG_WARNING, "Aborted after %s!", took);
    else
        log_msg(LOG_ERROR, "Failed after %s!", took);
    return WIFEXITED(s->status) ? WEXITSTATUS(s->status) : 128 + WTERMSIG(s->status);
}

static void forward_loop(struct capture *cap, char *buf, size_t size)
{
    while (capture_open_channels(cap)) {
        struct pollfd p[2];
        for (int i = 0; i < cap->nch; i++)
            p[i] = (struct pollfd){ cap->ch[i].rfd, POLLIN, 0 };
        if (poll(p, (nfds_t)cap->nch, -1) < 0 && errno != EINTR)
            return;
        for (int i = 0; i < cap->nch; i++) {
            if (!p[i].revents || cap->ch[i].rfd < 0)
                continue;
            ssize_t n = capture_read(&cap->ch[i], buf, size);
            if (n == 0 || (n < 0 && errno != EAGAIN) ||
                (n > 0 && capture_relay(&cap->ch[i], buf, (size_t)n) < 0))
                capture_close(&cap->ch[i]);
        }
    }
}

void finish_forward_rest(struct supervisor *s)
{
    if (!capture_open_channels(s->cap))
        return;
    log_msg(LOG_DEBUG, "a descendant still holds the output open; its later output is not recorded");
    pid_t pid = fork();
    if (pid != 0)
        return; /* the parent (or a failed fork) goes on to exit */
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    signal(SIGPIPE, SIG_DFL);
    for (int fd = 3; fd < 1024; fd++) {
        int keep = 0;
        for (int i = 0; i < s->cap->nch; i++)
            keep |= s->cap->ch[i].rfd == fd || s->cap->ch[i].out_fd == fd;
        if (!keep)
            close(fd);
    }
    char buf[65536];
    forward_loop(s->cap, buf, sizeof(buf));
    _exit(0);
}
