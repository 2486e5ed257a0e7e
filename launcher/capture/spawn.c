/* spawn.c: fork + exec of the program with its output channels in place. The child never
 * allocates, never prints, and exits 127 if exec fails (the parent reports why). */
#include "capture/spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/error.h"

pid_t spawn_program(const struct spawn_req *r)
{
    int p[2];
    if (pipe2(p, O_CLOEXEC) < 0)
        return -1;
    pid_t parent = getpid(), pid = fork();
    if (pid < 0) {
        int saved = errno;
        close(p[0]);
        close(p[1]);
        errno = saved;
        return -1;
    }
    if (pid == 0) {
        close(p[0]);
        prctl(PR_SET_PDEATHSIG, SIGHUP);
        if (getppid() != parent) /* the launcher died before that */
            _exit(128 + SIGHUP);
        capture_child(r->cap);
        if (r->restore_sigpipe)
            signal(SIGPIPE, SIG_DFL);
        sigprocmask(SIG_SETMASK, r->mask, NULL);
        execve(r->path, r->argv, r->envp);
        if (errno == ENOEXEC && r->sh_argv)
            execve("/bin/sh", r->sh_argv, r->envp);
        int e = errno;
        (void)!write(p[1], &e, sizeof(e));
        _exit(127);
    }
    close(p[1]);
    int e = 0;
    ssize_t n;
    while ((n = read(p[0], &e, sizeof(e))) < 0 && errno == EINTR)
        ;
    close(p[0]);
    if (n == (ssize_t)sizeof(e)) {
        waitpid(pid, NULL, 0);
        errno = e;
        return -1;
    }
    return pid;
}

char **shell_argv(const char *path, char *const *argv)
{
    size_t n = 0;
    while (argv[n])
        n++;
    char **v = xcalloc(n + 2, sizeof(*v));
    v[0] = "/bin/sh";
    v[1] = (char *)path;
    for (size_t i = 1; i < n; i++)
        v[i + 1] = argv[i];
    return v;
}

static size_t name_len(const char *entry)
{
    const char *eq = strchr(entry, '=');
    return eq ? (size_t)(eq - entry) : strlen(entry);
}

static int is_set(char *const *set, const char *entry)
{
    size_t n = name_len(entry);
    for (; *set; set++)
        if (name_len(*set) == n && !strncmp(*set, entry, n))
            return 1;
    return 0;
}

char **build_env(char *const *base, char *const *set)
{
    size_t nb = 0, ns = 0, k = 0;
    while (base && base[nb])
        nb++;
    while (set[ns])
        ns++;
    char **env = xcalloc(nb + ns + 1, sizeof(*env));
    for (size_t i = 0; i < nb; i++)
        if (!is_set(set, base[i]))
            env[k++] = xstrdup(base[i]);
    for (size_t i = 0; i < ns; i++)
        env[k++] = xstrdup(set[i]);
    return env;
}

void free_env(char **env)
{
    for (char **e = env; e && *e; e++)
        free(*e);
    free(env);
}
