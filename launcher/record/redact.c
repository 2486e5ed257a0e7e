/* redact.c: secret detection by variable name for the recorded environment.
 * It only decides; it never touches the environment the program receives. */
#include "record/redact.h"

#include <string.h>
#include <strings.h>

static const char *const builtin[] = {
    "TOKEN", "SECRET", "PASSWORD", "PASSWD", "CREDENTIAL", "PRIVATE",
    "API_KEY", "ACCESS_KEY", "AUTH", "COOKIE", "SESSION",
};

static int contains_ci(const char *name, size_t n, const char *pat)
{
    size_t m = strlen(pat);
    for (size_t i = 0; m && i + m <= n; i++)
        if (!strncasecmp(name + i, pat, m))
            return 1;
    return 0;
}

int redact_name(const struct redact_rules *r, const char *name)
{
    size_t n = strcspn(name, "=");
    for (int i = 0; r && i < r->nallow; i++)
        if (strlen(r->allow[i]) == n && !strncmp(name, r->allow[i], n))
            return 0;
    for (size_t i = 0; i < sizeof(builtin) / sizeof(*builtin); i++)
        if (contains_ci(name, n, builtin[i]))
            return 1;
    for (int i = 0; r && i < r->ndeny; i++)
        if (contains_ci(name, n, r->deny[i]))
            return 1;
    return 0;
}
