/* dbcopy.h: a database's runs written into its local copy (store/dbread.h) in the file
 * storage's layout, each run into a new directory that then replaces its old copy, so a
 * reader never sees half of one. Never prints. */
#ifndef SR_DBCOPY_H
#define SR_DBCOPY_H

#include <stddef.h>

#include "store/db.h"

/* Copies the runs ids[0..n) (ascending) into the copy's directory cache. 0, or -1 (the
 * database's error, else errno) at the first that cannot be copied. */
int dbcopy_runs(struct db *d, const char *cache, const long long *ids, size_t n);

#endif
