/* nameindex.c: the name -> position index of files.c and metrics.c (see nameindex.h).
 * It owns its slot array only, never the names. */
#include "util/nameindex.h"

#include <stdlib.h>
#include <string.h>

#include "util/error.h"

static size_t hash(const char *s, size_t n)
{
    size_t h = 1469598103934665603u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211u;
    return h;
}

long name_index_get(const struct name_index *ix, const char *name, size_t len)
{
    if (!ix->nslot)
        return -1;
    for (size_t h = hash(name, len) & (ix->nslot - 1); ix->slot[h].name; h = (h + 1) & (ix->nslot - 1))
        if (!strncmp(ix->slot[h].name, name, len) && ix->slot[h].name[len] == '\0')
            return (long)ix->slot[h].pos;
    return -1;
}

static void place(struct name_slot *slot, size_t nslot, struct name_slot e)
{
    size_t h = hash(e.name, strlen(e.name)) & (nslot - 1);
    while (slot[h].name)
        h = (h + 1) & (nslot - 1);
    slot[h] = e;
}

void name_index_put(struct name_index *ix, const char *name, size_t pos)
{
    if (2 * (ix->n + 1) > ix->nslot) {
        size_t nslot = ix->nslot ? ix->nslot * 2 : 64;
        struct name_slot *slot = xcalloc(nslot, sizeof(*slot));
        for (size_t i = 0; i < ix->nslot; i++)
            if (ix->slot[i].name)
                place(slot, nslot, ix->slot[i]);
        free(ix->slot);
        ix->slot = slot;
        ix->nslot = nslot;
    }
    place(ix->slot, ix->nslot, (struct name_slot){ name, pos });
    ix->n++;
}

void name_index_release(struct name_index *ix)
{
    free(ix->slot);
    *ix = (struct name_index){ NULL, 0, 0 };
}
