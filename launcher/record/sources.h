/* sources.h: Sacred's content-addressed file store: BASEDIR/_sources/<stem>_<md5><ext>,
 * written once (temporary file + rename) and shared by every run of the storage. */
#ifndef SR_SOURCES_H
#define SR_SOURCES_H

#include <stddef.h>

/* Stores path under basedir/subdir; writes "subdir/<stem>_<md5><ext>" to stored. A file
 * already stored gets its mtime refreshed: `sacred-run gc` keeps files newer than the
 * start of a run still being recorded. The copy is never more readable than path
 * (util/fs.h copy_mode). known_md5: path's MD5 when the caller has it (from the MD5 cache),
 * else NULL and it is computed. 0 or -1 with errno (EPERM: path is private,
 * record/private.h). */
int store_file(const char *basedir, const char *subdir, const char *path, const char *known_md5,
               char *stored, size_t storedlen);

/* The stored name "subdir/<stem>_<md5><ext>" of a file named path with content md5. */
void store_name(const char *subdir, const char *path, const char *md5, char *stored,
                size_t storedlen);

#endif
