/* subproc.c: posix_spawnp with a pipe; the helper's stdin and stderr are /dev/null, so
 * it can neither read the program's input nor write into its output. A started child
 * (subproc_start) gets the descriptors its caller gives and its own process group. */
#include "util/subproc.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/error.h"

extern char **environ;

static char **with_env(char *const env[])
{
    size_t n = 0, k = 0;
    while (environ[n])
        n++;
    for (size_t i = 0; env && env[i]; i++)
        k++;
    char **all = xcalloc(n + k + 1, sizeof(*all));
    for (size_t i = 0; i < k; i++)
        all[i] = env[i];
    for (size_t i = 0; i < n; i++)
        all[k + i] = environ[i];
    return all;
}

/* execvp's search: 0 and *found, or an errno (ENOENT, EACCES). */
int subproc_search(const char *name, char **found)
{
    const char *path = getenv("PATH");
    char defpath[256];
    if (!path) {
        confstr(_CS_PATH, defpath, sizeof(defpath));
        path = defpath;
    }
    int err = ENOENT;
    for (const char *p = path;; p++) {
        size_t n = strcspn(p, ":");
        char *cand = xasprintf("%.*s%s%s", (int)n, n ? p : ".", "/", name);
        struct stat st;
        if (stat(cand, &st) == 0 && S_ISREG(st.st_mode)) {
            if (access(cand, X_OK) == 0) {
                *found = cand;
                return 0;
            }
            err = EACCES;
        }
        free(cand);
        p += n;
        if (!*p)
            return err;
    }
}

/* The launcher blocks the signals its signalfd reads and ignores SIGPIPE; a helper starts
 * with neither, so Ctrl-C and a closed pipe end it as they would elsewhere. */
static void default_signals(posix_spawnattr_t *attr, int own_group)
{
    sigset_t none, all_signals;
    sigemptyset(&none);
    sigfillset(&all_signals);
    posix_spawnattr_init(attr);
    posix_spawnattr_setflags(attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF
                                       | (own_group ? POSIX_SPAWN_SETPGROUP : 0));
    posix_spawnattr_setsigmask(attr, &none);
    posix_spawnattr_setsigdefault(attr, &all_signals);
    posix_spawnattr_setpgroup(attr, 0);
}

/* Starts argv[0], a path or found on PATH here (no process is started for a helper that is
 * not there), with the environment envp: its pid, or -1 with errno. */
static pid_t spawn(char *const argv[], char *const envp[], posix_spawn_file_actions_t *fa,
                   int own_group)
{
    char *prog = NULL;
    int rc = strchr(argv[0], '/') ? (prog = xstrdup(argv[0]), 0) : subproc_search(argv[0], &prog);
    if (rc) {
        errno = rc;
        return -1;
    }
    posix_spawnattr_t attr;
    default_signals(&attr, own_group);
    pid_t pid;
    rc = posix_spawn(&pid, prog, fa, &attr, argv, envp);
    free(prog);
    posix_spawnattr_destroy(&attr);
    if (rc) {
        errno = rc;
        return -1;
    }
    return pid;
}

int subproc_output(char *const argv[], char *const env[], struct strbuf *out)
{
    int p[2], status = -1;
    if (pipe2(p, O_CLOEXEC) < 0)
        return -1;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, p[1], 1);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    char **all = with_env(env);
    pid_t pid = spawn(argv, all, &fa, 0);
    free(all);
    posix_spawn_file_actions_destroy(&fa);
    close(p[1]);
    if (pid > 0) {
        char buf[4096];
        ssize_t n;
        while ((n = read(p[0], buf, sizeof(buf))) > 0 || (n < 0 && errno == EINTR))
            if (n > 0)
                strbuf_add(out, buf, (size_t)n);
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
            ;
    }
    close(p[0]);
    return pid > 0 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

pid_t subproc_start_in(char *const argv[], char *const env[], const char *dir, const int fds[3])
{
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    for (int i = 0; i < 3; i++) {
        if (fds[i] < 0)
            posix_spawn_file_actions_addopen(&fa, i, "/dev/null", i ? O_WRONLY : O_RDONLY, 0);
        else
            posix_spawn_file_actions_adddup2(&fa, fds[i], i);
    }
    if (dir)
        posix_spawn_file_actions_addchdir_np(&fa, dir);
    pid_t pid = spawn(argv, env ? env : environ, &fa, 1);
    posix_spawn_file_actions_destroy(&fa);
    return pid;
}

pid_t subproc_start(char *const argv[], const int fds[3])
{
    return subproc_start_in(argv, NULL, NULL, fds);
}
