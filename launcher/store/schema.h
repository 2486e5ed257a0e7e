/* schema.h: the tables sacred-run keeps runs in, created on first use and versioned.
 * A database with a newer schema than this program knows is refused, never changed. */
#ifndef SR_SCHEMA_H
#define SR_SCHEMA_H

#include <stddef.h>

struct db;

enum { SCHEMA_VERSION = 1 };

/* Creates the schema when the database has none (one creator at a time), else checks its
 * version. 0, or -1 with a one-line message in err. */
int schema_ensure(struct db *d, const char *shown, char *err, size_t errlen);

#endif
