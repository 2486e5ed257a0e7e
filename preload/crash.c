/* crash.c: backtraces of crashing processes. Handlers for SIGSEGV, SIGBUS, SIGFPE, SIGILL
 * and SIGABRT stand in for the default action only: the program's own handlers replace
 * them (and it always sees SIG_DFL where ours is installed). The handler is
 * async-signal-safe: it unwinds with backtrace() only where libgcc_s was already loaded
 * (loading it in every process costs each exec ~0.15 ms; loading it in the handler could
 * deadlock in malloc), else it walks the frame-pointer chain from the signal context,
 * bounded to the stack mapping; /proc/self/maps is read with raw syscalls. */
#define _GNU_SOURCE 1
#include <link.h>
#include <errno.h>
#include <execinfo.h>
#include <stdint.h>
#include <ucontext.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "channel.h"
#include "crash.h"
#include "real.h"
#include "sr_protocol.h"

enum { MAX_FRAMES = 64 };

static const int crash_signals[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT };
static int armed;
static int unwinder; /* backtrace() can run without loading anything */

static int is_crash_signal(int sig)
{
    for (size_t i = 0; i < sizeof(crash_signals) / sizeof(*crash_signals); i++)
        if (crash_signals[i] == sig)
            return 1;
    return 0;
}

static unsigned long hex(const char **p)
{
    unsigned long v = 0;
    for (;; (*p)++) {
        char c = **p;
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
        if (d < 0)
            return v;
        v = v * 16 + (unsigned long)d;
    }
}

/* For one line of /proc/self/maps, sends every frame that falls in it. */
static void match_line(const char *line, void *const *frames, int n, struct sr_chunker *c, char *found)
{
    const char *p = line;
    unsigned long start = hex(&p), end = (p++, hex(&p));
    p = strchr(p, ' ');
    if (!p)
        return;
    unsigned long off = (p = p + 6, hex(&p)); /* skip " rwxp " */
    const char *path = strchr(p, '/');
    for (int i = 0; path && i < n; i++) {
        unsigned long a = (unsigned long)frames[i]; /* exact; the launcher adjusts callers */
        if (found[i] || a < start || a >= end)
            continue;
        found[i] = 1;
        char num[24], idx[4] = { (char)('0' + i / 10), (char)('0' + i % 10), '\0' }, *q = num + sizeof(num);
        unsigned long v = a - start + off;
        *--q = '\0';
        do
            *--q = "0123456789abcdef"[v % 16];
        while (v /= 16);
        sr_chunk_add(c, idx, 3);
        sr_chunk_add(c, path, strlen(path) + 1);
        sr_chunk_add(c, q, (size_t)(num + sizeof(num) - q));
    }
}

/* Calls on_line with each line of /proc/self/maps until it returns nonzero. Raw system
 * calls and stack buffers only: safe in the signal handler. */
static void each_mapping(int (*on_line)(const char *line, void *ctx), void *ctx)
{
    char buf[4096], line[1024];
    size_t ln = 0;
    int stop = 0, fd = (int)syscall(SYS_openat, AT_FDCWD, "/proc/self/maps", O_RDONLY | O_CLOEXEC);
    ssize_t r;
    while (fd >= 0 && !stop && (r = syscall(SYS_read, fd, buf, sizeof(buf))) > 0)
        for (ssize_t i = 0; i < r && !stop; i++) {
            if (buf[i] != '\n' && ln + 1 < sizeof(line)) {
                line[ln++] = buf[i];
                continue;
            }
            line[ln] = '\0';
            ln = 0;
            stop = on_line(line, ctx);
        }
    if (fd >= 0)
        syscall(SYS_close, fd);
}

struct frame_send {
    void *const *frames;
    int n;
    struct sr_chunker c;
    char found[MAX_FRAMES];
};

static int send_matching(const char *line, void *ctx)
{
    struct frame_send *f = ctx;
    match_line(line, f->frames, f->n, &f->c, f->found);
    return 0;
}

/* Streams "frame index" NUL "module path" NUL "hex file offset" NUL for every frame, in
 * the order of /proc/self/maps (each frame once; the index gives the call order). */
static void send_frames(int sig, void *const *frames, int n, const char *origin)
{
    struct frame_send f = { .frames = frames, .n = n, .c = { .type = SR_EV_CRASH, .other = sig } };
    if (origin) /* frames from the signal context: no handler or trampoline frames */
        sr_chunk_add(&f.c, origin, strlen(origin) + 1);
    each_mapping(send_matching, &f);
    sr_chunk_end(&f.c);
}

struct span {
    uintptr_t addr, lo, hi;
};

static int contains_addr(const char *line, void *ctx)
{
    struct span *s = ctx;
    const char *p = line;
    uintptr_t a = hex(&p), b = (p++, hex(&p));
    if (s->addr < a || s->addr >= b)
        return 0;
    s->lo = a;
    s->hi = b;
    return 1;
}

enum { MAX_CODE = 128, SCAN_WORDS = 8192 };

struct code_map {
    uintptr_t lo[MAX_CODE], hi[MAX_CODE];
    int n;
};

static int add_code(const char *line, void *ctx)
{
    struct code_map *m = ctx;
    const char *p = line;
    uintptr_t a = hex(&p), b = (p++, hex(&p));
    if (p[0] == ' ' && p[3] == 'x' && strchr(p, '/') && m->n < MAX_CODE) { /* " r-xp ... /path" */
        m->lo[m->n] = a;
        m->hi[m->n++] = b;
    }
    return 0;
}

/* 1 if ret is in code and the bytes before it are an x86-64 call instruction (call rel32,
 * or an indirect call through a register or memory). */
static int return_address(const struct code_map *m, uintptr_t ret)
{
    for (int i = 0; i < m->n; i++) {
        if (ret < m->lo[i] + 8 || ret >= m->hi[i])
            continue;
#if defined(__x86_64__)
        const unsigned char *c = (const unsigned char *)ret;
        return c[-5] == 0xE8 || (c[-2] == 0xFF && (c[-1] & 0x38) == 0x10)
               || (c[-3] == 0xFF && (c[-2] & 0x38) == 0x10) || (c[-6] == 0xFF && (c[-5] & 0x38) == 0x10)
               || (c[-7] == 0xFF && (c[-6] & 0x38) == 0x10);
#else
        return 0;
#endif
    }
    return 0;
}

/* Return addresses found by scanning the stack from sp (used where frame pointers end). */
static int scan_stack(uintptr_t sp, uintptr_t hi, void **frames, int n)
{
    struct code_map m = { .n = 0 };
    each_mapping(add_code, &m);
    const uintptr_t *w = (const uintptr_t *)(sp & ~(uintptr_t)7);
    for (int i = 0; i < SCAN_WORDS && n < MAX_FRAMES && (uintptr_t)(w + i + 1) <= hi; i++)
        if (return_address(&m, w[i]))
            frames[n++] = (void *)w[i];
    return n;
}

/* The faulting PC and the frame-pointer chain, reading only inside the stack mapping;
 * *scanned is set when the callers come from a stack scan instead. */
static int walk_frames(const void *uctx, void **frames, int *scanned)
{
    const ucontext_t *uc = uctx;
#if defined(__x86_64__)
    uintptr_t pc = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP], fp = (uintptr_t)uc->uc_mcontext.gregs[REG_RBP],
              sp = (uintptr_t)uc->uc_mcontext.gregs[REG_RSP];
#elif defined(__aarch64__)
    uintptr_t pc = (uintptr_t)uc->uc_mcontext.pc, fp = (uintptr_t)uc->uc_mcontext.regs[29],
              sp = (uintptr_t)uc->uc_mcontext.sp;
#else
    uintptr_t pc = 0, fp = 0, sp = 0;
    (void)uc;
#endif
    struct span stack = { .addr = sp };
    int n = 0;
    frames[n++] = (void *)pc;
    each_mapping(contains_addr, &stack);
    if (!stack.hi)
        return n;
    uintptr_t lo = stack.lo, hi = stack.hi;
    while (n < MAX_FRAMES && fp >= sp && fp >= lo && fp + 2 * sizeof(uintptr_t) <= hi
           && !(fp & (sizeof(uintptr_t) - 1))) {
        uintptr_t next = ((const uintptr_t *)fp)[0], ret = ((const uintptr_t *)fp)[1];
        if (!ret)
            break;
        frames[n++] = (void *)ret;
        if (next <= fp)
            break;
        fp = next;
    }
    *scanned = n == 1;
    return n > 1 ? n : scan_stack(sp, hi, frames, n); /* no frame pointers: scan the stack */
}

static void on_crash(int sig, siginfo_t *info, void *uctx)
{
    (void)info;
    int saved = errno;
    void *frames[MAX_FRAMES];
    int scanned = 0, n = unwinder ? backtrace(frames, MAX_FRAMES) : walk_frames(uctx, frames, &scanned);
    send_frames(sig, frames, n, unwinder ? NULL : scanned ? "scanned" : "context");
    struct sigaction dfl;
    memset(&dfl, 0, sizeof(dfl));
    dfl.sa_handler = SIG_DFL;
    REAL(sigaction)(sig, &dfl, NULL);
    raise(sig); /* delivered when we return: the default action, core dump included */
    errno = saved;
}

/* Installs our handler; returns the action it replaced through old (may be NULL). */
static int install(int sig, struct sigaction *old)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_crash;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    return REAL(sigaction)(sig, &sa, old);
}

static int ours(const struct sigaction *sa)
{
    return (sa->sa_flags & SA_SIGINFO) && sa->sa_sigaction == on_crash;
}

/* dl_iterate_phdr callback: stops at libgcc_s (looking costs no system call, unlike
 * dlopen with RTLD_NOLOAD, which searches the library path for a missing one). */
static int is_libgcc(struct dl_phdr_info *info, size_t size, void *ctx)
{
    (void)size;
    (void)ctx;
    const char *slash = info->dlpi_name ? strrchr(info->dlpi_name, '/') : NULL;
    return slash && strncmp(slash + 1, "libgcc_s.so", 11) == 0;
}

void sr_crash_arm(void)
{
    (void)REAL(syscall); /* the handler's syscall() is our hook: resolve it outside a signal */
    if (dl_iterate_phdr(is_libgcc, NULL)) { /* already there: backtrace() may prepare now */
        void *warm[2];
        backtrace(warm, 2);
        unwinder = 1;
    }
    /* After exec an action is SIG_DFL or SIG_IGN: install ours, put back an inherited
     * SIG_IGN (one system call per signal in the common case). */
    for (size_t i = 0; i < sizeof(crash_signals) / sizeof(*crash_signals); i++) {
        struct sigaction was;
        if (install(crash_signals[i], &was) == 0
            && (was.sa_handler != SIG_DFL || (was.sa_flags & SA_SIGINFO)))
            REAL(sigaction)(crash_signals[i], &was, NULL);
    }
    armed = 1;
}

SR_EXPORT int sigaction(int sig, const struct sigaction *act, struct sigaction *old)
{
    if (!armed || !is_crash_signal(sig))
        return REAL(sigaction)(sig, act, old);
    struct sigaction cur;
    int rc = REAL(sigaction)(sig, NULL, &cur);
    if (rc == 0 && act) {
        if (act->sa_handler == SIG_DFL && !(act->sa_flags & SA_SIGINFO))
            install(sig, NULL); /* the default again: ours stands in for it */
        else
            rc = REAL(sigaction)(sig, act, NULL);
    }
    if (rc == 0 && old) {
        *old = cur;
        if (ours(&cur)) { /* the program never sees our handler */
            memset(old, 0, sizeof(*old));
            old->sa_handler = SIG_DFL;
        }
    }
    return rc;
}

SR_EXPORT sighandler_t signal(int sig, sighandler_t handler)
{
    if (!armed || !is_crash_signal(sig))
        return REAL(signal)(sig, handler);
    struct sigaction act, old;
    memset(&act, 0, sizeof(act));
    act.sa_handler = handler;
    act.sa_flags = SA_RESTART; /* glibc's signal() has BSD semantics */
    sigemptyset(&act.sa_mask);
    sigaddset(&act.sa_mask, sig);
    if (sigaction(sig, &act, &old) < 0)
        return SIG_ERR;
    return old.sa_handler;
}
