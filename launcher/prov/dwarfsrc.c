/* dwarfsrc.c: reading compile-unit names with libdw. Reads files only. */
#include "prov/dwarfsrc.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int dwarf_sources(const char *elf_path, void (*fn)(void *ctx, const char *path), void *ctx)
{
    int fd = open(elf_path, O_RDONLY | O_CLOEXEC), found = 0;
    Dwarf *dw = fd >= 0 ? dwarf_begin(fd, DWARF_C_READ) : NULL;
    Dwarf_Off off = 0, next;
    size_t header;
    while (dw && dwarf_nextcu(dw, off, &next, &header, NULL, NULL, NULL) == 0) {
        Dwarf_Die die;
        Dwarf_Attribute attr;
        if (dwarf_offdie(dw, off + header, &die)) {
            const char *name = dwarf_diename(&die);
            const char *dir = dwarf_formstring(dwarf_attr(&die, DW_AT_comp_dir, &attr));
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
        dwarf_end(dw);
    if (fd >= 0)
        close(fd);
    return found;
}
