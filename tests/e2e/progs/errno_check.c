/* errno_check.c: failing exec-family calls must return exactly what they return without
 * the preload library (value and errno); prints one line per call. */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern char **environ;

static void show(const char *what, int rc, int err)
{
    printf("%s rc=%d errno=%s\n", what, rc, strerrorname_np(err));
}

int main(void)
{
    char *argv[] = { "x", NULL };
    errno = 0;
    int rc = execve("/nonexistent/prog", argv, environ);
    show("execve", rc, errno);
    errno = 0;
    rc = execvp("no-such-program-sr", argv);
    show("execvp", rc, errno);
    errno = 0;
    rc = execl("/etc/passwd", "passwd", (char *)NULL);
    show("execl", rc, errno);
    errno = 0;
    rc = open("/nonexistent/file", O_RDONLY);
    show("open", rc, errno);
    errno = 0;
    FILE *f = fopen("/nonexistent/file", "r");
    show("fopen", f ? 0 : -1, errno);
    pid_t pid;
    errno = 0;
    rc = posix_spawn(&pid, "/nonexistent/prog", NULL, NULL, argv, environ);
    show("posix_spawn", rc, errno);
    return 0;
}
