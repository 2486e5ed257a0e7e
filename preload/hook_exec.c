/* hook_exec.c: the exec family. Each entry point of glibc is hooked on its own (they call
 * each other internally, out of our reach); each reports the exec, passes a doctored
 * environment, and reports a failure. Safe in vfork children: stack only, no globals. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

#include "channel.h"
#include "env.h"
#include "real.h"
#include "sr_protocol.h"

extern char **environ;

struct exec_call {
    const char *path;
    char *const *argv;
    int fd;
};

static int call_execve(void *ctx, char *const env[])
{
    struct exec_call *c = ctx;
    return REAL(execve)(c->path, c->argv, env);
}

static int call_execvpe(void *ctx, char *const env[])
{
    struct exec_call *c = ctx;
    return REAL(execvpe)(c->path, c->argv, env);
}

static int call_fexecve(void *ctx, char *const env[])
{
    struct exec_call *c = ctx;
    return REAL(fexecve)(c->fd, c->argv, env);
}

/* Reports, execs through fn with a doctored envp, reports the failure if it returns. */
static int do_exec(int (*fn)(void *, char *const[]), struct exec_call *c, const char *shown,
                   char *const envp[])
{
    sr_send_args(SR_EV_EXEC, 0, shown, c->argv);
    int rc = sr_env_call(envp, fn, c);
    int saved = errno;
    sr_send(SR_EV_EXEC_FAILED, 0, saved, NULL, 0);
    errno = saved;
    return rc;
}

SR_EXPORT int execve(const char *path, char *const argv[], char *const envp[])
{
    struct exec_call c = { path, argv, -1 };
    return do_exec(call_execve, &c, path, envp);
}

SR_EXPORT int execv(const char *path, char *const argv[])
{
    struct exec_call c = { path, argv, -1 };
    return do_exec(call_execve, &c, path, environ);
}

SR_EXPORT int execvpe(const char *file, char *const argv[], char *const envp[])
{
    struct exec_call c = { file, argv, -1 };
    return do_exec(call_execvpe, &c, file, envp);
}

SR_EXPORT int execvp(const char *file, char *const argv[])
{
    struct exec_call c = { file, argv, -1 };
    return do_exec(call_execvpe, &c, file, environ);
}

SR_EXPORT int fexecve(int fd, char *const argv[], char *const envp[])
{
    char shown[32];
    snprintf(shown, sizeof(shown), "/proc/self/fd/%d", fd);
    struct exec_call c = { NULL, argv, fd };
    return do_exec(call_fexecve, &c, shown, envp);
}

/* Counts the variadic arguments after arg0 up to the terminating NULL. */
static size_t count_args(va_list ap)
{
    size_t n = 1;
    while (va_arg(ap, char *))
        n++;
    return n;
}

/* Collects arg0 and the variadic arguments into argv (n + 1 slots). */
static char **collect_args(char **argv, const char *arg0, va_list ap, size_t n)
{
    argv[0] = (char *)arg0;
    for (size_t i = 1; i <= n; i++)
        argv[i] = va_arg(ap, char *);
    return argv;
}

/* Declares argv (a VLA) from arg0 and the variadic list; with takes_envp (execle) also
 * sets envp from the argument after the terminating NULL. A macro: a VLA cannot be returned. */
#define LIST_TO_ARGV(arg0, argv, takes_envp, envp)                 \
    va_list ap_, aq_;                                              \
    va_start(ap_, arg0);                                           \
    va_copy(aq_, ap_);                                             \
    size_t n_ = count_args(ap_);                                   \
    va_end(ap_);                                                   \
    char *argv[n_ + 1];                                            \
    collect_args(argv, arg0, aq_, n_);                             \
    if (takes_envp)                                                \
        envp = va_arg(aq_, char *const *);                         \
    va_end(aq_)

SR_EXPORT int execl(const char *path, const char *arg0, ...)
{
    char *const *envp = environ;
    LIST_TO_ARGV(arg0, argv, 0, envp);
    struct exec_call c = { path, argv, -1 };
    return do_exec(call_execve, &c, path, envp);
}

SR_EXPORT int execlp(const char *file, const char *arg0, ...)
{
    char *const *envp = environ;
    LIST_TO_ARGV(arg0, argv, 0, envp);
    struct exec_call c = { file, argv, -1 };
    return do_exec(call_execvpe, &c, file, envp);
}

SR_EXPORT int execle(const char *path, const char *arg0, ...)
{
    char *const *envp = NULL;
    LIST_TO_ARGV(arg0, argv, 1, envp);
    struct exec_call c = { path, argv, -1 };
    return do_exec(call_execve, &c, path, envp);
}
