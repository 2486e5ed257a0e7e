/* elffile.c: opening files with libelf (see elffile.h). Holds no state of its own
 * besides libelf's version handshake. */
#include "util/elffile.h"

#include <fcntl.h>
#include <unistd.h>

int elf_file_open(struct elf_file *f, const char *path)
{
    f->e = NULL;
    f->fd = open(path, O_RDONLY | O_CLOEXEC);
    if (f->fd < 0)
        return -1;
    elf_version(EV_CURRENT);
    f->e = elf_begin(f->fd, ELF_C_READ_MMAP, NULL);
    if (f->e && elf_kind(f->e) == ELF_K_ELF)
        return 1;
    elf_file_close(f);
    return 0;
}

void elf_file_close(struct elf_file *f)
{
    if (f->e)
        elf_end(f->e);
    if (f->fd >= 0)
        close(f->fd);
    *f = (struct elf_file){ -1, NULL };
}
