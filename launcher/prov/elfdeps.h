/* elfdeps.h: the shared libraries a program will load, found as ld.so finds them
 * (DT_NEEDED; RPATH, LD_LIBRARY_PATH, RUNPATH with $ORIGIN; ld.so.conf; default dirs),
 * each with a version: from its file name, else from the Debian package that owns it. */
#ifndef SR_ELFDEPS_H
#define SR_ELFDEPS_H

#include <stddef.h>

#include <cjson/cJSON.h>

struct elf_dep {
    char *soname;   /* as DT_NEEDED names it */
    char *path;     /* where it was found, or NULL (not found) */
    char *version;  /* or NULL */
};

struct elf_deps {
    struct elf_dep *d;
    size_t n;
};

/* Collects the closure of exe's DT_NEEDED. 0, or -1 if exe is not a readable ELF file. */
int elf_deps_collect(const char *exe, struct elf_deps *out);
/* Adds a library found at path (its DT_SONAME, else its file name) and its file-name
 * version; elf_deps_package_versions then fills the rest from Debian's packages. */
void elf_deps_add_file(struct elf_deps *out, const char *path);
void elf_deps_package_versions(struct elf_deps *out);

/* Facts about an ELF file for run.json: path, size, md5, build_id, interpreter, needed.
 * md5: the file's MD5 when the caller knows it (NULL: computed here). NULL if it is not a
 * readable ELF file. */
cJSON *elf_facts(const char *path, const char *md5);
void elf_deps_release(struct elf_deps *deps);

#endif
