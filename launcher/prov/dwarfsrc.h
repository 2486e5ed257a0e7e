/* dwarfsrc.h: the source files an ELF file was compiled from, named by the compile units
 * of its DWARF debug information (libdw), made absolute with their compilation dirs. */
#ifndef SR_DWARFSRC_H
#define SR_DWARFSRC_H

/* Calls fn(ctx, path) for each compile unit's source file that exists on disk. Returns
 * the number found (0 when the file has no debug information). */
int dwarf_sources(const char *elf_path, void (*fn)(void *ctx, const char *path), void *ctx);

#endif
