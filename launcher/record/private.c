/* private.c: the home directories and the names that make a file private. It only
 * decides; it reads the environment and the password database once, never a file. */
#include "record/private.h"

#include <limits.h>
#include <pthread.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/error.h"
#include "util/path.h"

static const char *const private_dirs[] = {
    ".config", ".ssh", ".gnupg", ".aws", ".azure", ".docker", ".kube", ".password-store",
};
static const char *const private_names[] = {
    ".netrc", "_netrc", ".pgpass", ".git-credentials", ".npmrc", ".pypirc", ".my.cnf",
    ".boto", ".s3cfg", ".dockercfg", ".htpasswd", ".env", ".Xauthority", "id_rsa", "id_dsa",
    "id_ecdsa", "id_ed25519",
};

enum { MAX_HOMES = 4 };
static char *homes[MAX_HOMES];
static int nhomes;
static pthread_once_t homes_once = PTHREAD_ONCE_INIT;

static void add_home(const char *dir)
{
    char real[PATH_MAX];
    if (!dir || dir[0] != '/' || nhomes + 2 > MAX_HOMES)
        return;
    homes[nhomes++] = xstrdup(dir);
    if (realpath(dir, real) && strcmp(real, dir))
        homes[nhomes++] = xstrdup(real);
}

static void find_homes(void)
{
    const struct passwd *pw = getpwuid(getuid());
    add_home(getenv("HOME"));
    add_home(pw ? pw->pw_dir : NULL);
}

/* The home directory path is directly in, or NULL. */
static const char *home_of_top(const char *path)
{
    pthread_once(&homes_once, find_homes);
    const char *slash = strrchr(path, '/');
    for (int i = 0; slash && i < nhomes; i++) {
        size_t n = strlen(homes[i]);
        while (n > 1 && homes[i][n - 1] == '/')
            n--;
        if ((size_t)(slash - path) == (n == 1 ? 0 : n) && !strncmp(path, homes[i], n))
            return homes[i];
    }
    return NULL;
}

int private_home_top(const char *path)
{
    return home_of_top(path) != NULL;
}

static int in_private_dir(const char *path)
{
    pthread_once(&homes_once, find_homes);
    for (int i = 0; i < nhomes; i++) {
        size_t at = path_under(path, homes[i]);
        const char *rest = path + at;
        size_t n = strcspn(rest, "/");
        for (size_t k = 0; at && rest[n] && k < sizeof(private_dirs) / sizeof(*private_dirs); k++)
            if (strlen(private_dirs[k]) == n && !strncmp(rest, private_dirs[k], n))
                return 1;
    }
    return 0;
}

int private_file(const char *path)
{
    const char *slash = strrchr(path, '/'), *base = slash ? slash + 1 : path;
    for (size_t i = 0; i < sizeof(private_names) / sizeof(*private_names); i++)
        if (!strcmp(base, private_names[i]))
            return 1;
    return (base[0] == '.' && private_home_top(path)) || in_private_dir(path);
}

int private_refuse(const char *path, char *err, size_t errlen)
{
    if (!private_file(path))
        return 0;
    return error_text(err, errlen, "'%s' is private (home configuration or credentials); not copied",
                      path);
}
