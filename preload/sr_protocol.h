/* sr_protocol.h: the event protocol between the preload library and the launcher, shared
 * by both. One event is one datagram of at most SR_EVENT_MAX bytes on the unix socket named
 * by SACRED_EVENT_SOCKET: a fixed header, then len payload bytes. Long payloads are split
 * into chunks: the first has no SR_EVF_CONT, the last has no SR_EVF_MORE. */
#ifndef SR_PROTOCOL_H
#define SR_PROTOCOL_H

#include <stdint.h>

#define SR_EVENT_MAGIC 0x31455253u /* "SRE1" little-endian */
#define SR_EVENT_MAX 4096

/* Environment variables the launcher sets for every process of the tree. */
#define SR_ENV_SOCKET "SACRED_EVENT_SOCKET" /* path of the launcher's event socket */
#define SR_ENV_PRELOAD "SACRED_PRELOAD"     /* absolute path of the preload library */
#define SR_ENV_RUN_DIR "SACRED_RUN_DIR"     /* the run directory */
#define SR_ENV_RUN_ID "SACRED_RUN_ID"       /* the run id */
#define SR_ENV_EXE "SACRED_RUN_EXE"        /* absolute path of the launcher (sacred-run) */
#define SR_ENV_PREFIX "SACRED_"             /* all of these survive a cleared environment */

/* The launcher's executable exports this symbol; in a process image that has it (sacred-run
 * run from inside a run: `sacred-run log`, a nested run) the preload library stays silent. */
#define SR_LAUNCHER_MARK sacred_run_launcher

enum sr_event_type {
    SR_EV_HELLO = 1,       /* a process image started; payload: exe NUL cwd NUL argc NUL
                              argv[0] NUL ... argv[argc-1] NUL, then the shared objects it
                              has loaded, each NUL-terminated (chunked) */
    SR_EV_EXEC = 3,        /* pid is about to exec; payload: path NUL args... (chunked) */
    SR_EV_EXEC_FAILED = 4, /* that exec returned; other = errno */
    SR_EV_SPAWN = 5,       /* pid started child other; payload: path NUL args... (chunked) */
    SR_EV_FILE = 7,        /* a file was opened; other = SR_FILE_* bits; payload: its
                              absolute path NUL (as the kernel resolved the open fd) */
    SR_EV_RENAME = 8,      /* a file was renamed; payload: old path NUL new path NUL, both
                              absolute, their directories as the kernel resolved them */
    SR_EV_LINK = 12,       /* a file got another name (link, linkat, an O_TMPFILE file linked
                              into place); payload as for SR_EV_RENAME, the old name stays */
    SR_EV_LIBS = 9,        /* shared objects loaded so far; payload: paths, each NUL-
                              terminated (chunked) */
    SR_EV_REAPED = 10,     /* pid reaped its child other; payload: the wait status, decimal */
    SR_EV_FORK = 11,       /* pid forked child other (same image, not yet exec'd) */
    SR_EV_LAUNCHER = 13,   /* pid is now sacred-run itself (sent by the launcher's binary, not
                              the preload): its image and a fork that only ran it are no
                              process of the run; no payload */
    SR_EV_CRASH = 6,       /* pid dies of signal other; payload: optionally "context" NUL
                              or "scanned" NUL (frame 0 is the faulting PC, not our handler;
                              with "scanned" the callers come from a stack scan), then per frame
                              "index" NUL "module path" NUL "hex file offset" NUL, index 0
                              innermost (chunked) */
};

enum sr_file_bits {
    SR_FILE_READ = 1,  /* opened for reading */
    SR_FILE_WRITE = 2, /* opened for writing (created, truncated or appended) */
    SR_FILE_LIB = 4,   /* loaded as a shared object (launcher-side only) */
    SR_FILE_EXEC = 8,  /* run as a program's executable (launcher-side only) */
};

enum sr_event_flags {
    SR_EVF_MORE = 1, /* another chunk of this payload follows */
    SR_EVF_CONT = 2, /* this chunk continues the previous one */
};

struct sr_event {
    uint32_t magic;
    uint16_t type;
    uint16_t flags;
    int32_t pid;     /* the sending process */
    int32_t ppid;    /* its parent */
    int32_t other;   /* type-specific, see above */
    uint32_t len;    /* payload bytes following the header */
    int64_t time_ns; /* CLOCK_REALTIME when the event happened */
};

#define SR_EVENT_PAYLOAD_MAX (SR_EVENT_MAX - (int)sizeof(struct sr_event))

#endif
