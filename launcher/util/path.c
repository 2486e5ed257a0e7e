/* path.c: path prefixes on the text of paths; never touches the file system. */
#include "util/path.h"

#include <string.h>

#include "util/error.h"

size_t path_under(const char *path, const char *dir)
{
    size_t n = strlen(dir);
    while (n > 1 && dir[n - 1] == '/')
        n--;
    return !strncmp(path, dir, n) && path[n] == '/' ? n + 1 : 0;
}

char *path_relative_to(const char *path, const char *base)
{
    return xstrdup(path + path_under(path, base));
}

int path_in_system_dir(const char *path)
{
    static const char *const prefixes[] = {
        "/usr/", "/lib/", "/lib32/", "/lib64/", "/bin/", "/sbin/", "/etc/", "/proc/", "/sys/",
        "/dev/", "/run/", "/var/lib/", "/var/cache/", "/opt/conda/pkgs/",
    };
    for (size_t i = 0; i < sizeof(prefixes) / sizeof(*prefixes); i++)
        if (!strncmp(path, prefixes[i], strlen(prefixes[i])))
            return 1;
    return 0;
}
