/* elffile.h: the one way the launcher opens a file for reading with libelf (dependencies,
 * ELF facts, symbols, preload state). Read-only; never maps anything writable. */
#ifndef SR_ELFFILE_H
#define SR_ELFFILE_H

#include <libelf.h>

struct elf_file {
    int fd;
    Elf *e;
};

/* 1: path is an ELF file, open in f (elf_file_close it); 0: readable but not ELF;
 * -1: cannot be opened (errno). Nothing stays open unless 1 is returned. */
int elf_file_open(struct elf_file *f, const char *path);
void elf_file_close(struct elf_file *f);

#endif
