/* exec_all.c: starts /bin/echo through every exec entry point of glibc, each child after
 * clearing its environment, then through posix_spawn(p), system and popen the same way. */
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static char *empty_env[] = { NULL };

static void via(const char *how)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        clearenv();
        char *argv[] = { "echo", (char *)how, NULL };
        if (!strcmp(how, "execl"))
            execl("/bin/echo", "echo", how, (char *)NULL);
        else if (!strcmp(how, "execlp"))
            execlp("/bin/echo", "echo", how, (char *)NULL);
        else if (!strcmp(how, "execle"))
            execle("/bin/echo", "echo", how, (char *)NULL, empty_env);
        else if (!strcmp(how, "execv"))
            execv("/bin/echo", argv);
        else if (!strcmp(how, "execvp"))
            execvp("/bin/echo", argv);
        else if (!strcmp(how, "execvpe"))
            execvpe("/bin/echo", argv, empty_env);
        else if (!strcmp(how, "execve"))
            execve("/bin/echo", argv, empty_env);
        else if (!strcmp(how, "fexecve"))
            fexecve(open("/bin/echo", O_RDONLY), argv, empty_env);
        _exit(99);
    }
    waitpid(pid, NULL, 0);
}

int main(void)
{
    static const char *const ways[] = { "execl", "execlp", "execle", "execv", "execvp",
                                        "execvpe", "execve", "fexecve" };
    for (size_t i = 0; i < sizeof(ways) / sizeof(*ways); i++)
        via(ways[i]);
    clearenv();
    pid_t pid;
    char *a1[] = { "echo", "posix_spawn", NULL }, *a2[] = { "echo", "posix_spawnp", NULL };
    posix_spawn(&pid, "/bin/echo", NULL, NULL, a1, empty_env);
    waitpid(pid, NULL, 0);
    posix_spawnp(&pid, "echo", NULL, NULL, a2, empty_env);
    waitpid(pid, NULL, 0);
    fflush(stdout);
    system("/bin/echo system");
    FILE *p = popen("/bin/echo popen", "r");
    char line[64];
    if (p && fgets(line, sizeof(line), p))
        fputs(line, stdout);
    if (p)
        pclose(p);
    return 0;
}
