/* real.h: the real (next) definitions of every function the preload library hooks,
 * resolved once with dlsym(RTLD_NEXT). Never call a hooked name directly from our code. */
#ifndef SR_REAL_H
#define SR_REAL_H

#include <signal.h>
#include <spawn.h>
#include <stdio.h>

struct sr_real {
    int (*execve)(const char *, char *const[], char *const[]);
    int (*execvpe)(const char *, char *const[], char *const[]);
    int (*fexecve)(int, char *const[], char *const[]);
    int (*posix_spawn)(pid_t *, const char *, const posix_spawn_file_actions_t *,
                       const posix_spawnattr_t *, char *const[], char *const[]);
    int (*posix_spawnp)(pid_t *, const char *, const posix_spawn_file_actions_t *,
                        const posix_spawnattr_t *, char *const[], char *const[]);
    int (*system)(const char *);
    FILE *(*popen)(const char *, const char *);
    int (*pclose)(FILE *);
    int (*sigaction)(int, const struct sigaction *, struct sigaction *);
    sighandler_t (*signal)(int, sighandler_t);
};

extern struct sr_real sr_real;

/* Fills sr_real once; safe to call from every hook and from the constructor. */
void sr_real_init(void);

#endif
