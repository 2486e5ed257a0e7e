/* storefile.c: the path checks behind /files/: text first (no "..", no absolute path; the
 * URL arrives percent-decoded), then realpath and a prefix check, so a symlink that leads
 * out of the storage is refused as well. Never serves a directory or a device. */
#include "dashboard/storefile.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/error.h"
#include "util/path.h"

int store_rel_ok(const char *rel)
{
    if (!*rel || *rel == '/' || strchr(rel, '\\'))
        return 0;
    for (const char *p = rel;;) {
        size_t n = strcspn(p, "/");
        if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
            return 0;
        if (!p[n])
            return 1;
        p += n + 1;
    }
}

char *store_resolve(const char *storage_real, const char *rel)
{
    char real[PATH_MAX];
    struct stat st;
    if (!store_rel_ok(rel))
        return NULL;
    char *path = xasprintf("%s/%s", storage_real, rel);
    int ok = realpath(path, real) && path_under(real, storage_real) && stat(real, &st) == 0
          && S_ISREG(st.st_mode);
    free(path);
    return ok ? xstrdup(real) : NULL;
}

char *store_rel_of_recorded(const char *recorded)
{
    static const char *const stores[] = { "_sources/", "_resources/" };
    for (size_t i = 0; i < sizeof(stores) / sizeof(*stores); i++) {
        size_t k = strlen(stores[i]);
        const char *at = NULL;
        for (const char *p = strstr(recorded, stores[i]); p; p = strstr(p + 1, stores[i]))
            if (p == recorded || p[-1] == '/')
                at = p;
        if (at && at[k] && !strchr(at + k, '/'))
            return xstrdup(at);
    }
    return NULL;
}
