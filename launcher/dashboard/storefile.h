/* storefile.h: which files of a storage the dashboard may serve: a path from a URL,
 * relative to the storage, resolved (symlinks followed) to a regular file that lies inside
 * the storage. Reads only; never opens anything outside the storage. */
#ifndef SR_DASH_STOREFILE_H
#define SR_DASH_STOREFILE_H

/* 1 when rel is acceptable as text: not empty, not absolute, no empty, "." or ".."
 * component, no backslash. */
int store_rel_ok(const char *rel);

/* The real path of storage_real/rel when rel is acceptable and it resolves to a regular
 * file inside storage_real (itself a real path), else NULL. Newly allocated. */
char *store_resolve(const char *storage_real, const char *rel);

/* Where a recorded file lives, relative to the storage: "_sources/x.py" as sacred-run and
 * Sacred record sources, an absolute ".../_resources/x.csv" as Sacred records resources
 * (the storage may have moved since). NULL when it names no file of the storage's stores. */
char *store_rel_of_recorded(const char *recorded);

#endif
