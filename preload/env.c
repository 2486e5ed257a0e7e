/* env.c: environment doctoring (Bear's idea) with no heap: the saved variables live in
 * static storage filled once by the constructor; each doctored envp is a VLA on the caller's
 * stack. Our library goes first in LD_PRELOAD; other entries are kept. */
#include "env.h"

#include <string.h>

#include "sr_protocol.h"

enum { SAVED_BYTES = 8192, SAVED_MAX = 32, ENV_MAX = 1 << 16 };

static char saved_buf[SAVED_BYTES];
static const char *saved[SAVED_MAX]; /* "SACRED_X=value" entries */
static size_t nsaved;
static const char *lib;              /* our library's path (in saved_buf) */
static size_t liblen;

static int save_entry(const char *entry, size_t *used)
{
    size_t n = strlen(entry) + 1;
    if (nsaved == SAVED_MAX || *used + n > SAVED_BYTES)
        return -1;
    memcpy(saved_buf + *used, entry, n);
    saved[nsaved++] = saved_buf + *used;
    *used += n;
    return 0;
}

int sr_env_save(char *const envp[])
{
    size_t used = 0;
    static const char key[] = SR_ENV_PRELOAD "=";
    for (size_t i = 0; envp && envp[i]; i++) {
        if (strncmp(envp[i], SR_ENV_PREFIX, sizeof(SR_ENV_PREFIX) - 1))
            continue;
        if (save_entry(envp[i], &used) < 0)
            continue;
        if (!strncmp(envp[i], key, sizeof(key) - 1)) {
            lib = saved[nsaved - 1] + sizeof(key) - 1;
            liblen = strlen(lib);
        }
    }
    return lib && liblen ? 0 : -1;
}

static size_t name_len(const char *entry)
{
    const char *eq = strchr(entry, '=');
    return eq ? (size_t)(eq - entry) : strlen(entry);
}

static const char *find(char *const envp[], const char *entry)
{
    size_t n = name_len(entry);
    for (size_t i = 0; envp && envp[i]; i++)
        if (!strncmp(envp[i], entry, n) && envp[i][n] == '=')
            return envp[i];
    return NULL;
}

/* 1 if the LD_PRELOAD value lists our library (':' or ' ' separated). */
static int lists_lib(const char *value)
{
    for (const char *p = value; *p;) {
        size_t n = strcspn(p, ": ");
        if (n == liblen && !strncmp(p, lib, n))
            return 1;
        p += n;
        p += strspn(p, ": ");
    }
    return 0;
}

int sr_env_intact(char *const envp[])
{
    if (!lib)
        return 1;
    const char *ld = find(envp, "LD_PRELOAD=");
    if (!ld || !lists_lib(ld + sizeof("LD_PRELOAD")))
        return 0;
    for (size_t i = 0; i < nsaved; i++)
        if (!find(envp, saved[i]))
            return 0;
    return 1;
}

int sr_env_call(char *const envp[], int (*fn)(void *ctx, char *const env[]), void *ctx)
{
    size_t n = 0;
    while (envp && envp[n])
        n++;
    if (sr_env_intact(envp) || n > ENV_MAX)
        return fn(ctx, envp);
    const char *ld = find(envp, "LD_PRELOAD=");
    size_t oldlen = ld ? strlen(ld) - sizeof("LD_PRELOAD") : 0;
    char ldbuf[sizeof("LD_PRELOAD=") + liblen + 1 + oldlen + 1];
    char *vec[n + nsaved + 2];
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (envp[i] != ld)
            vec[k++] = envp[i];
    memcpy(ldbuf, "LD_PRELOAD=", sizeof("LD_PRELOAD=") - 1);
    memcpy(ldbuf + sizeof("LD_PRELOAD=") - 1, lib, liblen + 1);
    if (ld && !lists_lib(ld + sizeof("LD_PRELOAD")) && oldlen) {
        size_t at = sizeof("LD_PRELOAD=") - 1 + liblen;
        ldbuf[at] = ':';
        memcpy(ldbuf + at + 1, ld + sizeof("LD_PRELOAD"), oldlen + 1);
    } else if (ld && lists_lib(ld + sizeof("LD_PRELOAD")))
        memcpy(ldbuf, ld, strlen(ld) + 1);
    vec[k++] = ldbuf;
    for (size_t i = 0; i < nsaved; i++)
        if (!find(envp, saved[i]))
            vec[k++] = (char *)saved[i];
    vec[k] = NULL;
    return fn(ctx, vec);
}
