/* error.h: the launcher's one error convention (git style) and allocation helpers.
 * die*() print "sacred-run: ..." and exit; error() prints and returns -1; warning() prints
 * ("sacred-run: warning: ...", or in a run a WARNING log line, util/log.h).
 * Lower layers never print: they return -1 with errno set and the caller reports. */
#ifndef SR_ERROR_H
#define SR_ERROR_H

#include <stddef.h>

/* Exit statuses of the launcher itself (the env/timeout convention). */
enum {
    SR_EXIT_TOOL = 125,       /* sacred-run failed before the program started */
    SR_EXIT_CANNOT_RUN = 126, /* the program exists but cannot be executed */
    SR_EXIT_NOT_FOUND = 127,  /* the program was not found */
};

_Noreturn void die_status(int status, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
#define die(...) die_status(SR_EXIT_TOOL, __VA_ARGS__)
int error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* For layers that answer someone else (a reporter, a config loader): formats the message
 * into err[errlen] instead of printing it, and returns -1. */
int error_text(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* The name every message starts with, "sacred-run" until set; a subcommand that is a
 * program of its own sets it once, first ("sacred-run log": "sacred-run log: ..."). */
void set_program_name(const char *name);

/* Hook run by die_status() with its status before exiting (removes a half-made run
 * directory; may leave with _exit itself). */
void set_die_cleanup(void (*fn)(int status));

/* Allocation failure is fatal in a command-line tool: these never return NULL. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
