/* spawn.h: starting the program (git run-command style): everything is prepared before
 * fork, the child does only async-signal-safe calls, and an exec failure comes back to the
 * parent over a close-on-exec pipe. */
#ifndef SR_SPAWN_H
#define SR_SPAWN_H

#include <signal.h>
#include <sys/types.h>

#include "capture/capture.h"

struct spawn_req {
    const char *path;          /* what to exec */
    char *const *argv;
    char *const *sh_argv;      /* /bin/sh path args...: tried on ENOEXEC, as execvp does */
    char *const *envp;
    const struct capture *cap;
    const sigset_t *mask;      /* the signal mask the program starts with */
    int restore_sigpipe;       /* reset SIGPIPE to SIG_DFL in the child */
};

/* Returns the child's pid, or -1 with errno set to the exec (or fork) failure. The child
 * gets SIGHUP when the launcher dies (PR_SET_PDEATHSIG), in pty and pipe mode alike, as
 * a job does when its terminal hangs up; one that ignores SIGHUP goes on. */
pid_t spawn_program(const struct spawn_req *r);

/* The argv for running path with /bin/sh (a vector of borrowed pointers; free() it). */
char **shell_argv(const char *path, char *const *argv);

/* Builds the program's environment: ours, with the given NAME=value entries replacing
 * variables of the same name. Free with free_env(). */
char **build_env(char *const *base, char *const *set);
void free_env(char **env);

#endif
