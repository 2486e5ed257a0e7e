/* dwarfsrc.c: reading compile-unit names with libdw, loaded only for a program that has
 * debug information (most runs never load it and the compressors it needs). Reads files
 * only. */
#include "prov/dwarfsrc.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <fcntl.h>
#include <gelf.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/dynlib.h"
#include "util/elffile.h"
#include "util/log.h"

#define DW_FUNCTIONS(X) X(dwarf_begin) X(dwarf_nextcu) X(dwarf_offdie) X(dwarf_diename) \
    X(dwarf_formstring) X(dwarf_attr) X(dwarf_end)

static struct {
    DW_FUNCTIONS(DYNLIB_SLOT)
} dw_api;
DYNLIB_DEFINE(dw_lib, DW_FUNCTIONS, dw_api, "libdw.so.1", "libdw1");

/* 1 when the ELF file has a DWARF compile-unit section (plain or compressed). */
static int has_debug_info(const char *elf_path)
{
    struct elf_file f;
    size_t names;
    int found = 0;
    if (elf_file_open(&f, elf_path) != 1)
        return 0;
    for (Elf_Scn *scn = NULL; !found && elf_getshdrstrndx(f.e, &names) == 0 && (scn = elf_nextscn(f.e, scn));) {
        GElf_Shdr sh;
        const char *name = gelf_getshdr(scn, &sh) ? elf_strptr(f.e, names, sh.sh_name) : NULL;
        found = name && (!strcmp(name, ".debug_info") || !strcmp(name, ".zdebug_info"));
    }
    elf_file_close(&f);
    return found;
}

/* libdw, for a file that has debug information; a missing libdw is said once. */
static int load_libdw(void)
{
    static int said;
    char err[256];
    if (dynlib_load(&dw_lib, "reading sources from debug information", err, sizeof(err)) == 0)
        return 1;
    if (!said++)
        log_msg(LOG_WARNING, "%s", err);
    return 0;
}

int dwarf_sources(const char *elf_path, void (*fn)(void *ctx, const char *path), void *ctx)
{
    if (!has_debug_info(elf_path) || !load_libdw())
        return 0;
    int fd = open(elf_path, O_RDONLY | O_CLOEXEC), found = 0;
    Dwarf *dw = fd >= 0 ? dw_api.dwarf_begin(fd, DWARF_C_READ) : NULL;
    Dwarf_Off off = 0, next;
    size_t header;
    while (dw && dw_api.dwarf_nextcu(dw, off, &next, &header, NULL, NULL, NULL) == 0) {
        Dwarf_Die die;
        Dwarf_Attribute attr;
        if (dw_api.dwarf_offdie(dw, off + header, &die)) {
            const char *name = dw_api.dwarf_diename(&die);
            const char *dir = dw_api.dwarf_formstring(dw_api.dwarf_attr(&die, DW_AT_comp_dir, &attr));
            char joined[PATH_MAX], real[PATH_MAX];
            if (name && (name[0] == '/' || dir)) {
                snprintf(joined, sizeof(joined), "%s%s%s", name[0] == '/' ? "" : dir,
                         name[0] == '/' ? "" : "/", name);
                if (realpath(joined, real)) {
                    fn(ctx, real);
                    found++;
                }
            }
        }
        off = next;
    }
    if (dw)
        dw_api.dwarf_end(dw);
    if (fd >= 0)
        close(fd);
    return found;
}
