/* nameindex.h: an index from names to positions in a caller's array (open addressing,
 * linear probing, never more than half full). The names stay the caller's: the index
 * keeps their pointers, so each must live as long as its entry. */
#ifndef SR_NAMEINDEX_H
#define SR_NAMEINDEX_H

#include <stddef.h>

struct name_slot {
    const char *name; /* NULL: empty */
    size_t pos;
};

struct name_index {
    struct name_slot *slot;
    size_t nslot, n;
};

/* The position of the name name[0..len), or -1 when it is not in the index. */
long name_index_get(const struct name_index *ix, const char *name, size_t len);
/* Adds a NUL-terminated name that is not in the index yet, at position pos. */
void name_index_put(struct name_index *ix, const char *name, size_t pos);
/* Empties the index (it can be filled again). */
void name_index_release(struct name_index *ix);

#endif
