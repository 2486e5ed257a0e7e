/* crash.c: crashes on purpose. "segv": a NULL write two calls deep; "abort": abort();
 * "recover": its own SIGSEGV handler recovers with siglongjmp and it exits 0; "query":
 * prints what sigaction and signal report for SIGSEGV (the preload must stay invisible). */
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static sigjmp_buf back;

__attribute__((noinline)) static void crash_inner(volatile int *p)
{
    *p = 42;
}

__attribute__((noinline)) static void crash_outer(void)
{
    crash_inner(NULL);
    puts("not reached");
}

static void on_segv(int sig)
{
    (void)sig;
    siglongjmp(back, 1);
}

static int query(void)
{
    struct sigaction old;
    sigaction(SIGSEGV, NULL, &old);
    sighandler_t prev = signal(SIGBUS, SIG_DFL);
    printf("sigaction %s, signal %s\n", old.sa_handler == SIG_DFL ? "default" : "other",
           prev == SIG_DFL ? "default" : "other");
    return 0;
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "segv";
    setvbuf(stdout, NULL, _IONBF, 0);
    if (!strcmp(mode, "query"))
        return query();
    if (!strcmp(mode, "abort"))
        abort();
    if (!strcmp(mode, "recover")) {
        struct sigaction sa;
        memset(&sa, 0, sizeof(sa));
        sa.sa_handler = on_segv;
        sigaction(SIGSEGV, &sa, NULL);
        if (sigsetjmp(back, 1) == 0)
            crash_outer();
        puts("recovered");
        return 0;
    }
    puts("crashing");
    crash_outer();
    return 0;
}
