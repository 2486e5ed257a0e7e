/* hook_wait.c: the ends of processes, as their parents see them: every child a process
 * reaps (wait family) is reported with its wait status; forks are reported by the parent.
 * Report only, never change what the caller gets. */
#include <errno.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "channel.h"
#include "real.h"
#include "sr_protocol.h"

static void reaped(pid_t pid, int status)
{
    if (pid <= 0 || !(WIFEXITED(status) || WIFSIGNALED(status)))
        return;
    int saved = errno;
    char text[16];
    int n = snprintf(text, sizeof(text), "%d", status);
    sr_send(SR_EV_REAPED, 0, pid, text, (size_t)n + 1);
    errno = saved;
}

SR_EXPORT pid_t waitpid(pid_t pid, int *status, int options)
{
    int local;
    pid_t r = REAL(waitpid)(pid, status ? status : &local, options);
    reaped(r, status ? *status : local);
    return r;
}

SR_EXPORT pid_t wait(int *status)
{
    int local;
    pid_t r = REAL(wait)(status ? status : &local);
    reaped(r, status ? *status : local);
    return r;
}

SR_EXPORT pid_t wait3(int *status, int options, struct rusage *ru)
{
    int local;
    pid_t r = REAL(wait3)(status ? status : &local, options, ru);
    reaped(r, status ? *status : local);
    return r;
}

SR_EXPORT pid_t wait4(pid_t pid, int *status, int options, struct rusage *ru)
{
    int local;
    pid_t r = REAL(wait4)(pid, status ? status : &local, options, ru);
    reaped(r, status ? *status : local);
    return r;
}

SR_EXPORT int waitid(idtype_t idtype, id_t id, siginfo_t *info, int options)
{
    int r = REAL(waitid)(idtype, id, info, options);
    if (r == 0 && info && info->si_pid > 0 && !(options & WNOWAIT)
        && (info->si_code == CLD_EXITED || info->si_code == CLD_KILLED || info->si_code == CLD_DUMPED))
        reaped(info->si_pid, info->si_code == CLD_EXITED ? info->si_status << 8
                             : (info->si_status | (info->si_code == CLD_DUMPED ? 0x80 : 0)));
    return r;
}

SR_EXPORT pid_t fork(void)
{
    pid_t r = REAL(fork)();
    if (r > 0) {
        int saved = errno;
        sr_send(SR_EV_FORK, 0, r, NULL, 0);
        errno = saved;
    }
    return r;
}
