/* hook_names.c: files given a new name: rename, renameat, renameat2, link and linkat
 * (also an O_TMPFILE file linked into place). Both names are resolved before the call, by
 * the kernel, relative to the cwd or the directory fds given, and sent as absolute paths
 * when the call succeeds. Nothing here allocates, locks or changes errno. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "channel.h"
#include "paths.h"
#include "real.h"
#include "sr_protocol.h"

struct names {
    char from[PATH_MAX], to[PATH_MAX];
    int ok;
};

/* Resolves both names before the call (a linked O_TMPFILE fd has a name only after it). */
static void names_resolve(struct names *n, int olddir, const char *from, int at_flags, int newdir,
                          const char *to)
{
    n->ok = 0;
    if (!sr_channel_on() || !from || !to)
        return;
    int saved = errno;
    n->ok = sr_entry_path(olddir, from, at_flags, n->from, sizeof(n->from)) > 0
            && sr_entry_path(newdir, to, 0, n->to, sizeof(n->to)) > 0;
    errno = saved;
}

/* After the call: type is SR_EV_RENAME or SR_EV_LINK. */
static void names_send(const struct names *n, int rc, int type)
{
    if (rc != 0 || !n->ok)
        return;
    int saved = errno;
    struct sr_chunker c = { .type = type };
    sr_chunk_add(&c, n->from, strlen(n->from) + 1);
    sr_chunk_add(&c, n->to, strlen(n->to) + 1);
    sr_chunk_end(&c);
    errno = saved;
}

/* One hook: both names resolved, the call, the report if it succeeded. */
#define NAMES_HOOK(type, call, olddir, from, at_flags, newdir, to)             \
    {                                                                          \
        struct names n;                                                        \
        names_resolve(&n, olddir, from, at_flags, newdir, to);                 \
        int rc = call;                                                         \
        names_send(&n, rc, type);                                              \
        return rc;                                                             \
    }

SR_EXPORT int rename(const char *from, const char *to)
    NAMES_HOOK(SR_EV_RENAME, REAL(rename)(from, to), AT_FDCWD, from, 0, AT_FDCWD, to)

SR_EXPORT int renameat(int olddir, const char *from, int newdir, const char *to)
    NAMES_HOOK(SR_EV_RENAME, REAL(renameat)(olddir, from, newdir, to), olddir, from, 0, newdir, to)

SR_EXPORT int link(const char *from, const char *to)
    NAMES_HOOK(SR_EV_LINK, REAL(link)(from, to), AT_FDCWD, from, 0, AT_FDCWD, to)

SR_EXPORT int linkat(int olddir, const char *from, int newdir, const char *to, int flags)
    NAMES_HOOK(SR_EV_LINK, REAL(linkat)(olddir, from, newdir, to, flags), olddir, from, flags, newdir, to)

/* An exchange swaps two files: neither is new, so it is not reported. */
SR_EXPORT int renameat2(int olddir, const char *from, int newdir, const char *to, unsigned int flags)
{
    struct names n;
    names_resolve(&n, olddir, from, 0, newdir, to);
    int rc = REAL(renameat2)(olddir, from, newdir, to, flags);
    if (!(flags & RENAME_EXCHANGE))
        names_send(&n, rc, SR_EV_RENAME);
    return rc;
}
