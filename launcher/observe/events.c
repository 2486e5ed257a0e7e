/* events.c: receiving preload events and keeping the process table. A malformed or
 * unexpected datagram is counted and dropped; nothing a process sends can stop the run. */
#include "observe/events.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <fcntl.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "json/json.h"
#include "observe/files.h"
#include "observe/symbolize.h"
#include "preload/sr_protocol.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/log.h"
#include "util/proc.h"
#include "util/signame.h"
#include "util/timefmt.h"
#include "util/unixsock.h"

#define DIR_PREFIX "sacred-run."
#define OWNER_FILE "launcher"

static const char *tmp_base(void)
{
    const char *tmp = getenv("TMPDIR");
    return tmp && *tmp ? tmp : "/tmp";
}

/* dir/OWNER_FILE: "PID START_TICKS BOOT_ID". 0 or -1 with errno. */
static int write_owner(const char *dir)
{
    unsigned long long ticks;
    char boot[40];
    if (proc_start_ticks(getpid(), &ticks) < 0)
        return -1;
    proc_boot_id(boot);
    char *text = xasprintf("%ld %llu %s\n", (long)getpid(), ticks, boot);
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc = -1;
    if (dfd >= 0) {
        rc = write_file_atomic(dfd, OWNER_FILE, text, strlen(text));
        close(dfd);
    }
    free(text);
    return rc;
}

/* 1 when dirfd/name is a directory of ours whose owner launcher is gone. */
static int stale(int dirfd, const char *name)
{
    struct stat st;
    char owner[256], boot[40] = "";
    long pid = 0;
    unsigned long long ticks = 0;
    if (strncmp(name, DIR_PREFIX, strlen(DIR_PREFIX)) || fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0
        || !S_ISDIR(st.st_mode) || st.st_uid != getuid())
        return 0;
    snprintf(owner, sizeof(owner), "%s/" OWNER_FILE, name);
    int fd = openat(dirfd, owner, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    ssize_t n = fd < 0 ? -1 : read(fd, owner, sizeof(owner) - 1);
    if (fd >= 0)
        close(fd);
    if (n <= 0)
        return 0; /* no owner yet (being made), or from an older sacred-run: left alone */
    owner[n] = '\0';
    if (sscanf(owner, "%ld %llu %39s", &pid, &ticks, boot) < 2 || pid <= 0)
        return 0;
    return proc_still_runs((pid_t)pid, ticks, boot) == 0;
}

void events_clean_stale(void)
{
    DIR *d = opendir(tmp_base());
    if (!d)
        return;
    for (struct dirent *e; (e = readdir(d));)
        if (stale(dirfd(d), e->d_name)) {
            log_msg(LOG_DEBUG, "removing %s/%s, left by a launcher that is gone", tmp_base(), e->d_name);
            remove_tree(dirfd(d), e->d_name);
        }
    closedir(d);
}

/* How many datagrams a new socket of ours queues (net.unix.max_dgram_qlen). */
static int dgram_queue_len(void)
{
    FILE *f = fopen("/proc/sys/net/unix/max_dgram_qlen", "re");
    int n = 0;
    if (f) {
        if (fscanf(f, "%d", &n) != 1)
            n = 0;
        fclose(f);
    }
    return n > 0 ? n : 10;
}

int events_open(struct events *ev)
{
    memset(ev, 0, sizeof(*ev));
    ev->fd = -1;
    ev->dir = xasprintf("%s/" DIR_PREFIX "XXXXXX", tmp_base());
    int made = mkdtemp(ev->dir) != NULL;
    if (!made || write_owner(ev->dir) < 0) {
        int saved = errno;
        if (made)
            rmdir(ev->dir);
        free(ev->dir);
        ev->dir = NULL;
        errno = saved;
        return -1;
    }
    ev->path = xasprintf("%s/events", ev->dir);
    ev->fd = unix_socket_bound(ev->path, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (ev->fd < 0)
        return -1;
    int size = 4 << 20;
    setsockopt(ev->fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
    ev->qlen = dgram_queue_len();
    return 0;
}

void events_announce_launcher(void)
{
    const char *path = getenv(SR_ENV_SOCKET);
    int fd = path && *path ? unix_socket_connected(path, SOCK_DGRAM | SOCK_CLOEXEC) : -1;
    if (fd < 0)
        return;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct sr_event e = { SR_EVENT_MAGIC, SR_EV_LAUNCHER, 0, getpid(), getppid(), 0, 0,
                          (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec };
    /* A busy launcher's queue may be full (net.unix.max_dgram_qlen): wait, as the preload
     * does, but never long on a stuck one. */
    struct timeval tv = { 1, 0 };
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    while (send(fd, &e, sizeof(e), MSG_NOSIGNAL) < 0 && errno == EINTR)
        ;
    close(fd);
}

/* The slot of pid in the pid index: its own, or the free one where it would go. */
static struct pid_slot *pid_slot(const struct events *ev, pid_t pid)
{
    size_t mask = ev->nslots - 1, h = ((size_t)(uint32_t)pid * 2654435761u) & mask;
    while (ev->slots[h].pid && ev->slots[h].pid != pid)
        h = (h + 1) & mask;
    return &ev->slots[h];
}

/* Makes the index twice as large when it is half full (a run can start millions of
 * processes: a lookup stays one probe or two, never a scan of every process). */
static void pid_index_grow(struct events *ev)
{
    if (ev->nslots && ev->n * 2 < ev->nslots)
        return;
    struct pid_slot *old = ev->slots;
    size_t nold = ev->nslots;
    ev->nslots = nold ? nold * 2 : 64;
    ev->slots = xcalloc(ev->nslots, sizeof(*ev->slots));
    for (size_t i = 0; i < nold; i++)
        if (old[i].pid)
            *pid_slot(ev, old[i].pid) = old[i];
    free(old);
}

static struct proc *new_proc(struct events *ev, pid_t pid, pid_t ppid, int64_t t)
{
    if (ev->n == ev->cap) {
        ev->cap = ev->cap ? ev->cap * 2 : 16;
        ev->procs = xrealloc(ev->procs, ev->cap * sizeof(*ev->procs));
    }
    pid_index_grow(ev);
    struct pid_slot *slot = pid_slot(ev, pid);
    struct proc *p = &ev->procs[ev->n];
    memset(p, 0, sizeof(*p));
    p->pid = pid;
    p->ppid = ppid;
    p->start_ns = t;
    p->prev = slot->pid ? slot->at : -1;
    *slot = (struct pid_slot){ pid, (long)ev->n++ };
    return p;
}

/* The latest entry of pid that is not a failed exec, or -1. */
static long latest(const struct events *ev, pid_t pid)
{
    const struct pid_slot *slot = ev->nslots ? pid_slot(ev, pid) : NULL;
    long i = slot && slot->pid ? slot->at : -1;
    while (i >= 0 && ev->procs[i].removed)
        i = ev->procs[i].prev;
    return i;
}

static void set_str(char **dst, const char *s)
{
    free(*dst);
    *dst = s ? xstrdup(s) : NULL;
}

void events_add_main(struct events *ev, pid_t pid, const char *exe, char *const argv[],
                     const char *cwd)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct proc *p = new_proc(ev, pid, getpid(), (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec);
    set_str(&p->exe, exe);
    set_str(&p->cwd, cwd);
    for (; *argv; argv++)
        strbuf_add(&p->args, *argv, strlen(*argv) + 1);
}

static struct assembly *assembly_for(struct events *ev, pid_t sender, int type, int cont)
{
    struct assembly *free_slot = NULL;
    for (size_t i = 0; i < sizeof(ev->asm_) / sizeof(*ev->asm_); i++) {
        struct assembly *a = &ev->asm_[i];
        if (a->sender == sender && a->type == type && cont)
            return a;
        if (!a->sender && !free_slot)
            free_slot = a;
    }
    if (cont || !free_slot)
        return NULL;
    free_slot->sender = sender;
    free_slot->type = type;
    return free_slot;
}

static long self_at(const struct events *ev, pid_t pid)
{
    for (size_t i = 0; i < ev->nselves; i++)
        if (ev->selves[i] == pid)
            return (long)i;
    return -1;
}

/* LAUNCHER: pid is sacred-run now. Its image (announced by the exec before it) and a fork
 * that did nothing but run it leave the table; a parent's later report of that fork or
 * spawn is ignored until pid is reaped. */
static void on_launcher(struct events *ev, pid_t pid)
{
    long i = latest(ev, pid);
    if (i >= 0 && !ev->procs[i].instrumented)
        ev->procs[i].removed = 1;
    i = latest(ev, pid);
    if (i >= 0 && ev->procs[i].forked)
        ev->procs[i].removed = 1;
    if (self_at(ev, pid) < 0) {
        ev->selves = xrealloc(ev->selves, (ev->nselves + 1) * sizeof(*ev->selves));
        ev->selves[ev->nselves++] = pid;
    }
}

static void forget_self(struct events *ev, pid_t pid)
{
    long i = self_at(ev, pid);
    if (i >= 0)
        ev->selves[i] = ev->selves[--ev->nselves];
}

/* The payload of an EXEC or SPAWN is complete: "path NUL args...". */
static void finish_launch(struct events *ev, const struct sr_event *e, struct strbuf *raw)
{
    pid_t pid = e->type == SR_EV_SPAWN ? e->other : e->pid;
    long i = latest(ev, pid);
    if (e->type == SR_EV_SPAWN && ((i >= 0 && ev->procs[i].instrumented) || self_at(ev, pid) >= 0))
        return; /* its hello came first and says more, or it is sacred-run */
    struct proc *p = new_proc(ev, pid, e->type == SR_EV_SPAWN ? e->pid : e->ppid, e->time_ns);
    size_t plen = strnlen(raw->buf, raw->len);
    set_str(&p->exe, raw->buf);
    if (plen < raw->len)
        strbuf_add(&p->args, raw->buf + plen + 1, raw->len - plen - 1);
}

/* The next NUL-terminated string of raw at *off, or NULL at the end. */
static const char *next_str(const struct strbuf *raw, size_t *off)
{
    if (*off >= raw->len)
        return NULL;
    const char *s = raw->buf + *off;
    *off += strnlen(s, raw->len - *off) + 1;
    return s;
}

static void add_libs(struct events *ev, const struct strbuf *raw, size_t off)
{
    for (const char *lib; ev->files && (lib = next_str(raw, &off));)
        if (*lib)
            files_add(ev->files, lib, SR_FILE_LIB);
}

/* HELLO: exe, cwd, argc, argv..., loaded objects. It completes the entry an exec or spawn
 * announced, or starts a new one. */
static void on_hello(struct events *ev, const struct sr_event *e, const struct strbuf *raw)
{
    long i = latest(ev, e->pid);
    struct proc *p = i >= 0 && !ev->procs[i].instrumented ? &ev->procs[i]
                                                           : new_proc(ev, e->pid, e->ppid, e->time_ns);
    size_t off = 0;
    const char *exe = next_str(raw, &off), *cwd = next_str(raw, &off), *argc = next_str(raw, &off);
    p->instrumented = 1;
    p->ppid = e->ppid;
    set_str(&p->exe, exe ? exe : "");
    if (ev->files && exe && *exe)
        files_add(ev->files, exe, SR_FILE_EXEC);
    set_str(&p->cwd, cwd ? cwd : "");
    strbuf_reset(&p->args);
    for (long n = argc ? atol(argc) : 0; n > 0; n--) {
        const char *a = next_str(raw, &off);
        if (!a)
            break;
        strbuf_add(&p->args, a, strlen(a) + 1);
    }
    add_libs(ev, raw, off);
}

static void on_rename(struct events *ev, const struct strbuf *raw)
{
    size_t off = 0;
    const char *from = next_str(raw, &off), *to = next_str(raw, &off);
    if (ev->files && from && to)
        files_rename(ev->files, from, to);
}

static void on_crash(struct events *ev, const struct sr_event *e, const struct strbuf *raw)
{
    long i = latest(ev, e->pid);
    if (i < 0)
        return;
    ev->procs[i].crash_signal = e->other;
    strbuf_reset(&ev->procs[i].crash);
    strbuf_add(&ev->procs[i].crash, raw->buf, raw->len);
}

/* A chunked payload is complete. */
static void on_payload(struct events *ev, const struct sr_event *e, struct strbuf *raw)
{
    switch (e->type) {
    case SR_EV_HELLO: on_hello(ev, e, raw); break;
    case SR_EV_LIBS: add_libs(ev, raw, 0); break;
    case SR_EV_RENAME:
    case SR_EV_LINK: on_rename(ev, raw); break; /* a link names the same file: follow it alike */
    case SR_EV_CRASH: on_crash(ev, e, raw); break;
    default: finish_launch(ev, e, raw); break; /* EXEC, SPAWN */
    }
}

static void on_chunk(struct events *ev, const struct sr_event *e, const char *pl)
{
    struct assembly *a = assembly_for(ev, e->pid, e->type, e->flags & SR_EVF_CONT);
    if (!a) {
        ev->malformed++;
        return;
    }
    strbuf_add(&a->raw, pl, e->len);
    if (e->flags & SR_EVF_MORE)
        return;
    on_payload(ev, e, &a->raw);
    strbuf_release(&a->raw);
    a->sender = 0;
}

static void set_end(struct events *ev, pid_t pid, int st, int64_t t)
{
    long i = latest(ev, pid);
    if (i >= 0 && !ev->procs[i].end_ns) {
        ev->procs[i].end_ns = t;
        ev->procs[i].status = st;
    }
}

void events_reaped(struct events *ev, pid_t pid, int st)
{
    forget_self(ev, pid);
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    set_end(ev, pid, st, (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec);
}

/* A fork: the child runs the parent's image until it execs. If the child's own reports
 * came first, they describe it better and the fork adds nothing. */
static void on_fork(struct events *ev, const struct sr_event *e)
{
    long parent = latest(ev, e->pid);
    if (parent < 0 || latest(ev, e->other) >= 0 || self_at(ev, e->other) >= 0)
        return;
    struct proc *p = new_proc(ev, e->other, e->pid, e->time_ns);
    const struct proc *q = &ev->procs[parent]; /* new_proc may have moved the table */
    set_str(&p->exe, q->exe);
    set_str(&p->cwd, q->cwd);
    strbuf_add(&p->args, q->args.buf ? q->args.buf : "", q->args.len);
    p->instrumented = q->instrumented;
    p->forked = 1;
}

static void on_event(struct events *ev, const struct sr_event *e, const char *pl)
{
    ev->received++;
    switch (e->type) {
    case SR_EV_HELLO:
    case SR_EV_CRASH:
    case SR_EV_EXEC:
    case SR_EV_SPAWN: on_chunk(ev, e, pl); break;
    case SR_EV_EXEC_FAILED: {
        long i = latest(ev, e->pid);
        if (i >= 0 && !ev->procs[i].instrumented)
            ev->procs[i].removed = 1;
        break;
    }
    case SR_EV_FILE:
        if (!ev->files || !e->len || pl[e->len - 1] != '\0')
            break;
        files_add(ev->files, pl, e->other);
        if (ev->on_read && e->other == SR_FILE_READ)
            ev->on_read(ev->read_ctx, pl);
        break;
    case SR_EV_RENAME:
    case SR_EV_LINK:
    case SR_EV_LIBS: on_chunk(ev, e, pl); break;
    case SR_EV_REAPED:
        forget_self(ev, e->other);
        set_end(ev, e->other, atoi(pl), e->time_ns);
        break;
    case SR_EV_LAUNCHER: on_launcher(ev, e->pid); break;
    case SR_EV_FORK: on_fork(ev, e); break;
    default: ev->malformed++;
    }
}

int events_drain(struct events *ev)
{
    int count = 0;
    union {
        struct sr_event e;
        char raw[SR_EVENT_MAX + 1];
    } u;
    for (;;) {
        ssize_t n = recv(ev->fd, u.raw, SR_EVENT_MAX, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return count;
        count++;
        if ((size_t)n < sizeof(u.e) || u.e.magic != SR_EVENT_MAGIC
            || u.e.len != (size_t)n - sizeof(u.e)) {
            ev->malformed++;
            continue;
        }
        u.raw[n] = '\0';
        on_event(ev, &u.e, u.raw + sizeof(u.e));
    }
}

int events_instrumented(const struct events *ev, pid_t pid)
{
    long i = latest(ev, pid);
    return i >= 0 && ev->procs[i].instrumented;
}

static cJSON *args_json(const struct strbuf *args)
{
    cJSON *list = cJSON_CreateArray();
    for (size_t off = 0; off < args->len;) {
        size_t n = strnlen(args->buf + off, args->len - off);
        cJSON_AddItemToArray(list, json_bytes(args->buf + off, n));
        off += n + 1;
    }
    return list;
}

enum { MAX_FRAMES = 64 };

/* One traceback line for a frame: '  File "module", in function\n'. A caller's address is
 * a return address, so the call instruction is one byte before it. */
static cJSON *frame_line(const char *module, const char *hexoff, int is_caller, int scanned)
{
    unsigned long off = strtoul(hexoff, NULL, 16), in = 0;
    char *fn = symbolize(module, off - (unsigned long)is_caller, &in), *line;
    const char *mark = scanned ? " [found by stack scan]" : "";
    if (fn)
        line = xasprintf("  File \"%s\", in %s (+0x%lx)%s\n", module, fn, in, mark);
    else
        line = xasprintf("  File \"%s\", at offset 0x%lx%s\n", module, off, mark);
    cJSON *item = cJSON_CreateString(line);
    free(fn);
    free(line);
    return item;
}

static int own_frame(const char *module)
{
    return strstr(module, "libsacred-preload") != NULL;
}

cJSON *events_backtrace(const struct events *ev, pid_t pid, int *sig)
{
    long i = latest(ev, pid);
    if (i < 0 || !ev->procs[i].crash_signal)
        return NULL;
    const struct strbuf *raw = &ev->procs[i].crash;
    const char *mod[MAX_FRAMES] = { 0 }, *off[MAX_FRAMES] = { 0 };
    int scanned = raw->len >= 8 && !memcmp(raw->buf, "scanned", 8);
    int from_context = scanned || (raw->len >= 8 && !memcmp(raw->buf, "context", 8));
    for (size_t p = from_context ? 8 : 0; p < raw->len;) { /* triplets: index, module, offset */
        const char *f[3];
        for (int k = 0; k < 3; k++) {
            f[k] = raw->buf + p;
            p += strnlen(raw->buf + p, raw->len - p) + 1;
        }
        int idx = atoi(f[0]);
        if (p <= raw->len + 1 && idx >= 0 && idx < MAX_FRAMES) {
            mod[idx] = f[1];
            off[idx] = f[2];
        }
    }
    int first = 0; /* skip our handler and the signal trampoline that called it */
    while (!from_context && first < MAX_FRAMES && mod[first] && own_frame(mod[first]))
        first++;
    if (first > 0 && first < MAX_FRAMES && mod[first])
        first++;
    cJSON *lines = cJSON_CreateArray();
    cJSON_AddItemToArray(lines, cJSON_CreateString("Traceback (most recent call last):\n"));
    int last = first;
    while (last < MAX_FRAMES && mod[last])
        last++;
    for (int k = last - 1; k >= first; k--)
        cJSON_AddItemToArray(lines, frame_line(mod[k], off[k], k > first, scanned && k > first));
    *sig = ev->procs[i].crash_signal;
    return lines;
}

/* end_time and how it ended: exit_code, or signal (and core_dumped). */
static void add_end(cJSON *o, const struct proc *p)
{
    char when[TIME_ISO_LEN];
    if (!p->end_ns) {
        cJSON_AddNullToObject(o, "end_time");
        return;
    }
    struct timespec ts = { p->end_ns / 1000000000, p->end_ns % 1000000000 };
    time_iso(&ts, when);
    cJSON_AddStringToObject(o, "end_time", when);
    if (WIFEXITED(p->status))
        cJSON_AddItemToObject(o, "exit_code", json_int(WEXITSTATUS(p->status)));
    else {
        char name[SIGNAME_LEN];
        cJSON_AddStringToObject(o, "signal", signal_name(WTERMSIG(p->status), name));
        cJSON_AddBoolToObject(o, "core_dumped", WCOREDUMP(p->status));
    }
}

cJSON *events_processes(const struct events *ev)
{
    cJSON *list = cJSON_CreateArray();
    for (size_t i = 0; i < ev->n; i++) {
        const struct proc *p = &ev->procs[i];
        if (p->removed)
            continue;
        char when[TIME_ISO_LEN];
        struct timespec ts = { p->start_ns / 1000000000, p->start_ns % 1000000000 };
        time_iso(&ts, when);
        cJSON *o = cJSON_CreateObject();
        cJSON_AddItemToObject(o, "pid", json_int(p->pid));
        cJSON_AddItemToObject(o, "ppid", json_int(p->ppid));
        cJSON_AddItemToObject(o, "executable", p->exe ? cJSON_CreateString(p->exe) : cJSON_CreateNull());
        cJSON_AddItemToObject(o, "argv", args_json(&p->args));
        cJSON_AddItemToObject(o, "cwd", p->cwd && *p->cwd ? cJSON_CreateString(p->cwd) : cJSON_CreateNull());
        cJSON_AddStringToObject(o, "start_time", when);
        cJSON_AddBoolToObject(o, "instrumented", p->instrumented);
        if (p->forked)
            cJSON_AddTrueToObject(o, "forked");
        add_end(o, p);
        int sig;
        char name[SIGNAME_LEN];
        cJSON *bt = events_backtrace(ev, p->pid, &sig);
        if (bt && &ev->procs[latest(ev, p->pid)] == p) {
            cJSON *crash = cJSON_AddObjectToObject(o, "crash");
            cJSON_AddStringToObject(crash, "signal", signal_name(sig, name));
            cJSON_AddItemToObject(crash, "backtrace", bt);
        } else
            cJSON_Delete(bt);
        cJSON_AddItemToArray(list, o);
    }
    return list;
}

void events_close(struct events *ev)
{
    if (ev->fd >= 0)
        close(ev->fd);
    if (ev->path)
        unlink(ev->path);
    if (ev->dir) {
        char *owner = xasprintf("%s/" OWNER_FILE, ev->dir);
        unlink(owner);
        free(owner);
        rmdir(ev->dir);
    }
    for (size_t i = 0; i < ev->n; i++) {
        free(ev->procs[i].exe);
        free(ev->procs[i].cwd);
        strbuf_release(&ev->procs[i].args);
        strbuf_release(&ev->procs[i].crash);
    }
    for (size_t i = 0; i < sizeof(ev->asm_) / sizeof(*ev->asm_); i++)
        strbuf_release(&ev->asm_[i].raw);
    free(ev->procs);
    free(ev->slots);
    free(ev->selves);
    free(ev->dir);
    free(ev->path);
    memset(ev, 0, sizeof(*ev));
    ev->fd = -1;
}
