/* real.h: the real (next) definitions of every function the preload library hooks,
 * each resolved with dlsym(RTLD_NEXT) on its first use. Never call a hooked name directly
 * from our code. */
#ifndef SR_REAL_H
#define SR_REAL_H

#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>

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
    int (*open)(const char *, int, ...);
    int (*open64)(const char *, int, ...);
    int (*openat)(int, const char *, int, ...);
    int (*openat64)(int, const char *, int, ...);
    int (*open_2)(const char *, int);
    int (*open64_2)(const char *, int);
    int (*openat_2)(int, const char *, int);
    int (*openat64_2)(int, const char *, int);
    int (*creat)(const char *, mode_t);
    int (*creat64)(const char *, mode_t);
    FILE *(*fopen)(const char *, const char *);
    FILE *(*fopen64)(const char *, const char *);
    FILE *(*freopen)(const char *, const char *, FILE *);
    FILE *(*freopen64)(const char *, const char *, FILE *);
    int (*rename)(const char *, const char *);
    int (*renameat)(int, const char *, int, const char *);
    int (*renameat2)(int, const char *, int, const char *, unsigned int);
    int (*link)(const char *, const char *);
    int (*linkat)(int, const char *, int, const char *, int);
    int (*mkstemp)(char *);
    int (*mkstemp64)(char *);
    int (*mkostemp)(char *, int);
    int (*mkostemp64)(char *, int);
    int (*mkstemps)(char *, int);
    int (*mkstemps64)(char *, int);
    int (*mkostemps)(char *, int, int);
    int (*mkostemps64)(char *, int, int);
    long (*syscall)(long, ...);
    int (*chdir)(const char *);
    void *(*dlopen)(const char *, int);
    pid_t (*waitpid)(pid_t, int *, int);
    pid_t (*wait)(int *);
    pid_t (*wait3)(int *, int, struct rusage *);
    pid_t (*wait4)(pid_t, int *, int, struct rusage *);
    int (*waitid)(idtype_t, id_t, siginfo_t *, int);
    pid_t (*fork)(void);
    int (*fchdir)(int);
    sighandler_t (*signal)(int, sighandler_t);
};

extern struct sr_real sr_real;

/* glibc's fortified open entry points, which its headers do not declare. */
int __open_2(const char *, int);
int __open64_2(const char *, int);
int __openat_2(int, const char *, int);
int __openat64_2(int, const char *, int);

/* Resolves the field of sr_real named field on first use; returns its address. */
void **sr_slot(void **slot, const char *field);

/* The real function behind a hook: REAL(open)(path, flags). */
#define REAL(field) (*(__typeof__(&sr_real.field))sr_slot((void **)&sr_real.field, #field))

#endif
