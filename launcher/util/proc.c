/* proc.c: /proc readers for process identity. Never prints. */
#include "util/proc.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/error.h"

/* Reads up to size-1 bytes of path into buf (NUL-terminated); bytes read, or -1. */
static ssize_t read_small(const char *path, char *buf, size_t size)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t n = read(fd, buf, size - 1);
    int saved = errno;
    close(fd);
    errno = saved;
    if (n >= 0)
        buf[n] = '\0';
    return n;
}

int proc_start_ticks(pid_t pid, unsigned long long *ticks)
{
    char path[64], buf[1024];
    snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
    if (read_small(path, buf, sizeof(buf)) < 0)
        return -1;
    /* The command name (field 2) may hold spaces and ')': fields count from the last ')'. */
    char *p = strrchr(buf, ')');
    for (int field = 2; p && field < 22; field++)
        p = strchr(p + 1, ' ');
    if (!p) {
        errno = EINVAL;
        return -1;
    }
    *ticks = strtoull(p + 1, NULL, 10);
    return 0;
}

void proc_boot_id(char buf[40])
{
    if (read_small("/proc/sys/kernel/random/boot_id", buf, 40) < 0)
        buf[0] = '\0';
    buf[strcspn(buf, "\n")] = '\0';
}

int proc_still_runs(pid_t pid, unsigned long long ticks, const char *boot)
{
    char our_boot[40];
    unsigned long long now_ticks;
    proc_boot_id(our_boot);
    if (*our_boot && *boot && strcmp(our_boot, boot))
        return 0;
    if (proc_start_ticks(pid, &now_ticks) < 0)
        return errno == ENOENT ? 0 : -1;
    return now_ticks == ticks;
}

char *proc_self_exe(void)
{
    char self[PATH_MAX];
    ssize_t k = readlink("/proc/self/exe", self, sizeof(self) - 1);
    if (k <= 0)
        return NULL;
    self[k] = '\0';
    return xstrdup(self);
}
