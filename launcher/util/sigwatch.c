/* sigwatch.c: sigwatch.h over signalfd. Never prints. */
#include "util/sigwatch.h"

#include <sys/signalfd.h>
#include <unistd.h>

int sigwatch_open(sigset_t *old)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    sigaddset(&set, SIGCHLD);
    sigprocmask(SIG_BLOCK, &set, old);
    signal(SIGPIPE, SIG_IGN);
    return signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
}

int sigwatch_read(int fd)
{
    struct signalfd_siginfo si;
    int stop = 0;
    while (read(fd, &si, sizeof(si)) == (ssize_t)sizeof(si))
        if (si.ssi_signo != SIGCHLD)
            stop = (int)si.ssi_signo;
    return stop;
}
