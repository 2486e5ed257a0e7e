/* dynlib.h: a shared library loaded on first use by its soname, with the functions its
 * user calls resolved into a table of pointers, so that a run that does not need it never
 * pays for loading it and what it pulls in. Never prints. */
#ifndef SR_DYNLIB_H
#define SR_DYNLIB_H

#include <stddef.h>

/* For a user's list of functions, X(name) X(name) ...: the table's members and names. */
#define DYNLIB_SLOT(f) __typeof__(f) *f;
#define DYNLIB_NAME(f) #f,

struct dynlib {
    const char *soname;        /* "libsqlite3.so.0" */
    const char *package;       /* the Debian package that has it, for the message */
    const char *const *names;  /* the functions, in the order of table's members */
    size_t n;
    void *table;               /* a struct of n function pointers (DYNLIB_SLOT) */
    int loaded;
};

/* Defines lib, the struct dynlib of the library soname over table (a struct of
 * FUNCTIONS(DYNLIB_SLOT), defined before), with the names FUNCTIONS lists. */
#define DYNLIB_DEFINE(lib, FUNCTIONS, table, soname, package)                                     \
    static const char *const lib##_names[] = { FUNCTIONS(DYNLIB_NAME) };                          \
    static struct dynlib lib = { soname, package, lib##_names,                                    \
                                 sizeof(lib##_names) / sizeof(*lib##_names), &table, 0 }

/* Loads the library and fills its table, once per process (threads may race: one loads).
 * 0, or -1 with "NEED needs SONAME (Debian's PACKAGE): why" in err. */
int dynlib_load(struct dynlib *l, const char *need, char *err, size_t errlen);

#endif
