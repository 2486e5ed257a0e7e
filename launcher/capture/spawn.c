/* spawn.c: vfork + exec of the program with its output channels in place. The child never
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
#include "util/nameindex.h"

/* The child, between vfork and exec: it shares the parent's memory, so it only makes
 * system calls and leaves exec's errno in *err (the parent is suspended until then). */
static void run_child(const struct spawn_req *r, pid_t parent, volatile int *err)
{
    prctl(PR_SET_PDEATHSIG, SIGHUP);
    if (getppid() != parent) { /* the launcher died before that */
        *err = -1;
        return;
    }
    capture_child(r->cap);
    if (r->restore_sigpipe)
        signal(SIGPIPE, SIG_DFL);
    sigprocmask(SIG_SETMASK, r->mask, NULL);
    execve(r->path, r->argv, r->envp);
    if (errno == ENOEXEC && r->sh_argv)
        execve("/bin/sh", r->sh_argv, r->envp);
    *err = errno;
}

pid_t spawn_program(const struct spawn_req *r)
{
    volatile int err = 0;
    int saved = errno;
    pid_t parent = getpid(), pid = vfork(); /* no copy of the launcher's page tables */
    if (pid == 0) {
        run_child(r, parent, &err);
        _exit(err < 0 ? 128 + SIGHUP : 127);
    }
    if (pid < 0)
        return -1;
    if (err > 0) {
        waitpid(pid, NULL, 0);
        errno = err;
        return -1;
    }
    errno = saved;
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

char **build_env(char *const *base, char *const *set)
{
    size_t nb = 0, ns = 0, k = 0;
    struct name_index names = { NULL, 0, 0 };
    while (base && base[nb])
        nb++;
    char **set_names = NULL;
    while (set[ns])
        ns++;
    set_names = xcalloc(ns + 1, sizeof(*set_names));
    for (size_t i = 0; i < ns; i++) {
        set_names[i] = xstrndup(set[i], name_len(set[i]));
        if (name_index_get(&names, set_names[i], strlen(set_names[i])) < 0)
            name_index_put(&names, set_names[i], i);
    }
    char **env = xcalloc(nb + ns + 1, sizeof(*env));
    for (size_t i = 0; i < nb; i++)
        if (name_index_get(&names, base[i], name_len(base[i])) < 0)
            env[k++] = xstrdup(base[i]);
    for (size_t i = 0; i < ns; i++)
        env[k++] = xstrdup(set[i]);
    name_index_release(&names);
    free_env(set_names);
    return env;
}

size_t exec_size(char *const *v)
{
    size_t n = 0;
    for (; v && *v; v++)
        n += strlen(*v) + 1 + sizeof(*v);
    return n;
}

char **exec_fit(char *const *set, size_t room, struct strbuf *dropped)
{
    size_t n = 0, k = 0, ndropped = 0, most = 32 * (size_t)sysconf(_SC_PAGESIZE);
    while (set[n])
        n++;
    char **fit = xcalloc(n + 1, sizeof(*fit));
    for (size_t i = 0; i < n; i++) {
        size_t need = strlen(set[i]) + 1;
        if (need <= most && need + sizeof(*set) <= room) {
            fit[k++] = set[i];
            room -= need + sizeof(*set);
        } else if (++ndropped <= 10)
            strbuf_addf(dropped, "%s%.*s", ndropped > 1 ? ", " : "", (int)name_len(set[i]), set[i]);
    }
    if (ndropped > 10)
        strbuf_addf(dropped, " and %zu more", ndropped - 10);
    return fit;
}

void free_env(char **env)
{
    for (char **e = env; e && *e; e++)
        free(*e);
    free(env);
}
