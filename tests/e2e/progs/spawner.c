/* spawner.c: starts children through system, popen and posix_spawn after removing
 * LD_PRELOAD from its environment, then execs with an empty environment. */
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

int main(void)
{
    unsetenv("LD_PRELOAD");
    fflush(stdout);
    system("echo from-system");
    FILE *p = popen("echo from-popen", "r");
    char line[64];
    if (p && fgets(line, sizeof(line), p))
        fputs(line, stdout);
    printf("pclose %d\n", p ? pclose(p) : -1);
    fflush(stdout);
    pid_t pid;
    char *argv[] = { "echo", "from-spawn", NULL };
    if (posix_spawn(&pid, "/bin/echo", NULL, NULL, argv, environ) == 0)
        waitpid(pid, NULL, 0);
    char *empty[] = { NULL };
    char *args[] = { "/bin/echo", "from-exec", NULL };
    execve("/bin/echo", args, empty);
    return 1;
}
