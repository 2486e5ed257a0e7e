/* copyruns.h: copying runs between storages (a file storage or a database, either way),
 * keeping everything (the five files, artifacts, sources, resources, metric points), the
 * run keeping its id unless the destination has it already. Prints one line per run. */
#ifndef SR_COPYRUNS_H
#define SR_COPYRUNS_H

#include <stddef.h>

/* 1 when text names a database (a URL db_url_parse takes), 0 for a directory. */
int storage_is_database(const char *text);
/* Copies runs ids[0..n) (every run when n is 0) of the storage from (a directory, or a
 * database's local copy) into to. Prints "ID" or "ID -> NEW" per run on stdout, an error
 * per run that could not be copied. Returns the number of those. Dies (125) when to
 * cannot be used or an id is not in from. */
int copy_runs(const char *from, const char *to, char *const *ids, size_t n);

#endif
