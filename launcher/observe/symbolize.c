/* symbolize.c: libelf lookups for crash backtraces. Reads files only, after the crashed
 * process has reported; never touches the process. */
#include "observe/symbolize.h"

#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <string.h>
#include <unistd.h>

#include "util/elffile.h"
#include "util/error.h"

/* The virtual address of file offset off, from the PT_LOAD segment holding it. */
static int offset_to_vaddr(Elf *e, unsigned long off, GElf_Addr *vaddr)
{
    size_t n;
    if (elf_getphdrnum(e, &n) < 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        GElf_Phdr ph;
        if (gelf_getphdr(e, (int)i, &ph) && ph.p_type == PT_LOAD && off >= ph.p_offset
            && off < ph.p_offset + ph.p_filesz) {
            *vaddr = off - ph.p_offset + ph.p_vaddr;
            return 0;
        }
    }
    return -1;
}

/* Searches the symbol table of type (SHT_SYMTAB or SHT_DYNSYM) for addr. */
static char *lookup(Elf *e, Elf64_Word type, GElf_Addr addr, unsigned long *sym_off)
{
    for (Elf_Scn *scn = NULL; (scn = elf_nextscn(e, scn));) {
        GElf_Shdr sh;
        if (!gelf_getshdr(scn, &sh) || sh.sh_type != type || !sh.sh_entsize)
            continue;
        Elf_Data *data = elf_getdata(scn, NULL);
        for (size_t i = 0; data && i < sh.sh_size / sh.sh_entsize; i++) {
            GElf_Sym s;
            if (!gelf_getsym(data, (int)i, &s) || GELF_ST_TYPE(s.st_info) != STT_FUNC)
                continue;
            if (addr >= s.st_value && addr < s.st_value + (s.st_size ? s.st_size : 1)) {
                const char *name = elf_strptr(e, sh.sh_link, s.st_name);
                *sym_off = addr - s.st_value;
                return name && *name ? xstrdup(name) : NULL;
            }
        }
    }
    return NULL;
}

char *symbolize(const char *module, unsigned long off, unsigned long *sym_off)
{
    struct elf_file f;
    if (elf_file_open(&f, module) != 1)
        return NULL;
    char *name = NULL;
    GElf_Addr addr;
    if (offset_to_vaddr(f.e, off, &addr) == 0) {
        name = lookup(f.e, SHT_SYMTAB, addr, sym_off);
        if (!name)
            name = lookup(f.e, SHT_DYNSYM, addr, sym_off);
    }
    elf_file_close(&f);
    return name;
}
