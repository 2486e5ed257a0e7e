/* hook_spawn.c: posix_spawn, posix_spawnp, system and popen, whose internal exec never
 * reaches our exec hooks. The spawned child is reported with its pid. When the program has
 * stripped our variables from environ, system and popen are carried out here with
 * posix_spawn and a doctored environment (POSIX signal handling for system kept). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "channel.h"
#include "env.h"
#include "real.h"
#include "sr_protocol.h"

extern char **environ;

struct spawn_call {
    int (*fn)(pid_t *, const char *, const posix_spawn_file_actions_t *,
              const posix_spawnattr_t *, char *const[], char *const[]);
    pid_t *pid;
    const char *path;
    const posix_spawn_file_actions_t *fa;
    const posix_spawnattr_t *attr;
    char *const *argv;
};

static int call_spawn(void *ctx, char *const env[])
{
    struct spawn_call *c = ctx;
    return c->fn(c->pid, c->path, c->fa, c->attr, c->argv, env);
}

/* Spawns through c->fn with a doctored environment and reports the child. */
static int do_spawn(struct spawn_call *c, char *const envp[])
{
    pid_t local;
    if (!c->pid)
        c->pid = &local;
    int rc = sr_env_call(envp, call_spawn, c);
    if (rc == 0) {
        int saved = errno;
        sr_send_args(SR_EV_SPAWN, *c->pid, c->path, c->argv);
        errno = saved;
    }
    return rc;
}

SR_EXPORT int posix_spawn(pid_t *pid, const char *path, const posix_spawn_file_actions_t *fa,
                          const posix_spawnattr_t *attr, char *const argv[], char *const envp[])
{
    struct spawn_call c = { REAL(posix_spawn), pid, path, fa, attr, argv };
    return do_spawn(&c, envp);
}

SR_EXPORT int posix_spawnp(pid_t *pid, const char *file, const posix_spawn_file_actions_t *fa,
                           const posix_spawnattr_t *attr, char *const argv[], char *const envp[])
{
    struct spawn_call c = { REAL(posix_spawnp), pid, file, fa, attr, argv };
    return do_spawn(&c, envp);
}

/* system(3) with a doctored environment: SIGINT and SIGQUIT ignored and SIGCHLD blocked
 * in the caller while the shell runs, restored in the child, as POSIX specifies. */
static int own_system(const char *cmd)
{
    struct sigaction ign = { .sa_handler = SIG_IGN }, oint, oquit;
    sigset_t chld, omask, deflt;
    sigemptyset(&ign.sa_mask);
    sigaction(SIGINT, &ign, &oint);
    sigaction(SIGQUIT, &ign, &oquit);
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    sigprocmask(SIG_BLOCK, &chld, &omask);
    sigemptyset(&deflt);
    if (oint.sa_handler != SIG_IGN)
        sigaddset(&deflt, SIGINT);
    if (oquit.sa_handler != SIG_IGN)
        sigaddset(&deflt, SIGQUIT);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    posix_spawnattr_setsigdefault(&attr, &deflt);
    posix_spawnattr_setsigmask(&attr, &omask);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
    char *argv[] = { "sh", "-c", (char *)cmd, NULL };
    pid_t pid;
    int status = 127 << 8;
    struct spawn_call c = { REAL(posix_spawn), &pid, "/bin/sh", NULL, &attr, argv };
    if (do_spawn(&c, environ) == 0)
        while (waitpid(pid, &status, 0) < 0)
            if (errno != EINTR) {
                status = -1;
                break;
            }
    int saved = errno;
    posix_spawnattr_destroy(&attr);
    sigaction(SIGINT, &oint, NULL);
    sigaction(SIGQUIT, &oquit, NULL);
    sigprocmask(SIG_SETMASK, &omask, NULL);
    errno = saved;
    return status;
}

SR_EXPORT int system(const char *cmd)
{
    if (!cmd || sr_env_intact(environ))
        return REAL(system)(cmd);
    return own_system(cmd);
}

/* Streams opened by own_popen, so that pclose can wait for the right child. */
enum { POPEN_SLOTS = 64 };
static struct {
    FILE *f;
    pid_t pid;
} popen_slots[POPEN_SLOTS];

static FILE *own_popen(const char *cmd, const char *mode)
{
    int rd = mode[0] == 'r', fds[2];
    if ((mode[0] != 'r' && mode[0] != 'w') || pipe2(fds, O_CLOEXEC) < 0) {
        errno = EINVAL;
        return NULL;
    }
    int mine = rd ? fds[0] : fds[1], theirs = rd ? fds[1] : fds[0];
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, theirs, rd ? STDOUT_FILENO : STDIN_FILENO);
    char *argv[] = { "sh", "-c", (char *)cmd, NULL };
    pid_t pid;
    struct spawn_call c = { REAL(posix_spawn), &pid, "/bin/sh", &fa, NULL, argv };
    int rc = do_spawn(&c, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(theirs);
    FILE *f = rc == 0 ? fdopen(mine, rd ? "r" : "w") : NULL;
    if (!f) {
        close(mine);
        errno = rc ? rc : errno;
        return NULL;
    }
    for (int i = 0; i < POPEN_SLOTS; i++) {
        FILE *none = NULL;
        if (__atomic_compare_exchange_n(&popen_slots[i].f, &none, f, 0, __ATOMIC_ACQ_REL,
                                        __ATOMIC_ACQUIRE)) {
            popen_slots[i].pid = pid;
            return f;
        }
    }
    return f; /* no slot: pclose cannot wait for it, the child becomes a zombie */
}

SR_EXPORT FILE *popen(const char *cmd, const char *mode)
{
    if (sr_env_intact(environ))
        return REAL(popen)(cmd, mode);
    return own_popen(cmd, mode);
}

SR_EXPORT int pclose(FILE *f)
{
    for (int i = 0; i < POPEN_SLOTS; i++) {
        if (__atomic_load_n(&popen_slots[i].f, __ATOMIC_ACQUIRE) != f)
            continue;
        pid_t pid = popen_slots[i].pid;
        __atomic_store_n(&popen_slots[i].f, NULL, __ATOMIC_RELEASE);
        int status;
        fclose(f);
        while (waitpid(pid, &status, 0) < 0)
            if (errno != EINTR)
                return -1;
        return status;
    }
    return REAL(pclose)(f);
}
