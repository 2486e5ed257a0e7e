/* error.c: message printing and allocation helpers for the launcher.
 * Messages are one line, lower case, the program name ("sacred-run: ") first; in a run
 * (after log_setup) a warning is a log line instead. Nothing here may allocate to print. */
#include "util/error.h"
#include "util/log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void (*die_cleanup)(int status);
static const char *program_name = "sacred-run";

void set_program_name(const char *name)
{
    program_name = name;
}

static void vreport(const char *prefix, const char *fmt, va_list ap)
{
    char msg[4096];
    int saved = errno;
    vsnprintf(msg, sizeof(msg), fmt, ap);
    dprintf(STDERR_FILENO, "%s: %s%s\n", program_name, prefix, msg);
    errno = saved;
}

void set_die_cleanup(void (*fn)(int status))
{
    die_cleanup = fn;
}

void die_status(int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport("", fmt, ap);
    va_end(ap);
    if (die_cleanup)
        die_cleanup(status);
    exit(status);
}

int error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport("", fmt, ap);
    va_end(ap);
    return -1;
}

int error_text(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return -1;
}

void warning(const char *fmt, ...)
{
    va_list ap, again;
    va_start(ap, fmt);
    va_copy(again, ap);
    if (!log_vwarning(fmt, ap))
        vreport("warning: ", fmt, again);
    va_end(again);
    va_end(ap);
}

static void *check_alloc(void *p)
{
    if (!p) {
        dprintf(STDERR_FILENO, "%s: out of memory\n", program_name);
        abort();
    }
    return p;
}

void *xmalloc(size_t n) { return check_alloc(malloc(n ? n : 1)); }
void *xcalloc(size_t n, size_t size) { return check_alloc(calloc(n ? n : 1, size ? size : 1)); }
void *xrealloc(void *p, size_t n) { return check_alloc(realloc(p, n ? n : 1)); }
char *xstrdup(const char *s) { return check_alloc(strdup(s)); }
char *xstrndup(const char *s, size_t n) { return check_alloc(strndup(s, n)); }

char *xasprintf(const char *fmt, ...)
{
    char *out;
    va_list ap;
    va_start(ap, fmt);
    int n = vasprintf(&out, fmt, ap);
    va_end(ap);
    return check_alloc(n < 0 ? NULL : out);
}
