/* events.h: the launcher's end of the event protocol (sr_protocol.h): a datagram socket
 * in a private directory, and the table of processes the events describe. */
#ifndef SR_EVENTS_H
#define SR_EVENTS_H

#include <stdint.h>
#include <sys/types.h>

#include <cjson/cJSON.h>

#include "util/strbuf.h"

struct proc {
    pid_t pid, ppid;
    char *exe, *cwd;
    struct strbuf args; /* NUL-terminated arguments, one after another */
    int64_t start_ns;
    int instrumented;   /* the preload library said hello from this image */
    int removed;        /* an exec that failed */
    int crash_signal;   /* the signal it crashed of (with a backtrace), or 0 */
    int64_t end_ns;     /* when it was reaped, or 0 */
    int forked;         /* a fork of its parent that has not exec'd (same image) */
    int status;         /* its wait status, when end_ns is set */
    struct strbuf crash;/* the crash report: "index" NUL "module" NUL "hex offset" NUL ... */
    long prev;          /* the entry of this pid before this one, or -1 */
};

struct pid_slot {       /* the pid index: a pid's last entry in procs */
    pid_t pid;          /* 0 = free */
    long at;
};

struct assembly {       /* a chunked payload being received */
    pid_t sender;
    int type;
    long proc;          /* index into procs, or -1 to discard */
    struct strbuf raw;
};

struct files;

struct events {
    struct files *files; /* where file and rename reports go (may be NULL) */
    void (*on_read)(void *ctx, const char *path); /* a file opened for reading only */
    void *read_ctx;
    int fd;
    char *dir, *path;
    struct proc *procs;
    size_t n, cap;
    struct pid_slot *slots; /* open addressing, a power of two, at most half full */
    size_t nslots;
    struct assembly asm_[8];
    pid_t *selves;       /* processes that announced they are sacred-run, until reaped */
    size_t nselves;
    unsigned long received, malformed;
    int qlen;            /* datagrams the socket queues before a sender waits */
};

/* Run inside a run (SACRED_EVENT_SOCKET set): tells that run's launcher that this process
 * is sacred-run itself, so that it is left out of the run's processes. */
void events_announce_launcher(void);
/* Creates the socket in a new 0700 directory under $TMPDIR (sacred-run.XXXXXX), with an
 * owner file naming this launcher (pid, start time, boot). 0 or -1 with errno. */
int events_open(struct events *ev);
/* Removes the directories events_open made under $TMPDIR for launchers of this user that
 * are gone (killed before they could). Never one whose launcher runs or cannot be told. */
void events_clean_stale(void);
/* Reads every pending event (non-blocking); returns how many. */
int events_drain(struct events *ev);
/* Records the main process as the launcher started it (before any event). */
void events_add_main(struct events *ev, pid_t pid, const char *exe, char *const argv[],
                     const char *cwd);
/* Records that pid ended with wait status st (the launcher reaped it). */
void events_reaped(struct events *ev, pid_t pid, int st);
/* 1 if pid said hello. */
int events_instrumented(const struct events *ev, pid_t pid);
/* The crash backtrace of pid as traceback lines, innermost frame last (Python's order), or
 * NULL if it reported none; *sig receives the signal. */
cJSON *events_backtrace(const struct events *ev, pid_t pid, int *sig);
/* The process list for run.json. */
cJSON *events_processes(const struct events *ev);
/* Closes the socket and removes its directory. */
void events_close(struct events *ev);

#endif
