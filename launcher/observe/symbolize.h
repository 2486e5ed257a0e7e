/* symbolize.h: names for code addresses, offline: a file offset in an ELF module becomes
 * the function that contains it, from .symtab (or .dynsym when stripped). */
#ifndef SR_SYMBOLIZE_H
#define SR_SYMBOLIZE_H

/* The function at file offset off of module ("main", "crash_here"), newly allocated, or
 * NULL when the module has no symbol there. *sym_off receives the offset into it. */
char *symbolize(const char *module, unsigned long off, unsigned long *sym_off);

#endif
