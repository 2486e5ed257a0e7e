/* strbuf.c: growable byte buffer used to build text before it is written in one go.
 * It never writes outside [buf, buf+cap) and keeps buf NUL-terminated after every add. */
#include "util/strbuf.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"

void strbuf_grow(struct strbuf *sb, size_t extra)
{
    if (sb->len + extra + 1 <= sb->cap)
        return;
    size_t cap = sb->cap ? sb->cap : 64;
    while (cap < sb->len + extra + 1)
        cap *= 2;
    sb->buf = xrealloc(sb->buf, cap);
    sb->buf[sb->len] = '\0'; /* a new buffer is terminated before anything is added */
    sb->cap = cap;
}

void strbuf_add(struct strbuf *sb, const void *data, size_t n)
{
    strbuf_grow(sb, n);
    memcpy(sb->buf + sb->len, data, n);
    sb->len += n;
    sb->buf[sb->len] = '\0';
}

void strbuf_addstr(struct strbuf *sb, const char *s) { strbuf_add(sb, s, strlen(s)); }
void strbuf_addch(struct strbuf *sb, char c) { strbuf_add(sb, &c, 1); }

void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    strbuf_grow(sb, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    sb->len += (size_t)n;
}

void strbuf_reset(struct strbuf *sb)
{
    sb->len = 0;
    if (sb->buf)
        sb->buf[0] = '\0';
}

void strbuf_release(struct strbuf *sb)
{
    free(sb->buf);
    sb->buf = NULL;
    sb->len = sb->cap = 0;
}

char *strbuf_detach(struct strbuf *sb)
{
    strbuf_grow(sb, 0);
    char *out = sb->buf;
    sb->buf = NULL;
    sb->len = sb->cap = 0;
    return out;
}

int strbuf_read_file(struct strbuf *sb, const char *path)
{
    FILE *f = fopen(path, "re");
    if (!f)
        return -1;
    char buf[65536];
    size_t n;
    errno = 0;
    while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
        strbuf_add(sb, buf, n);
    int failed = ferror(f), err = errno ? errno : EIO; /* EISDIR for a directory */
    fclose(f);
    strbuf_grow(sb, 0);
    errno = failed ? err : errno;
    return failed ? -1 : 0;
}

const char *strbuf_line_value(const struct strbuf *sb, const char *key, size_t k)
{
    for (const char *line = sb->buf; line && *line;) {
        if (!strncmp(line, key, k))
            return line + k;
        const char *nl = strchr(line, '\n');
        line = nl ? nl + 1 : NULL;
    }
    return NULL;
}

void strbuf_add_shell_word(struct strbuf *sb, const char *w)
{
    static const char safe[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-./=:,+@%^";
    if (*w && strspn(w, safe) == strlen(w)) {
        strbuf_addstr(sb, w);
        return;
    }
    strbuf_addch(sb, '\'');
    for (; *w; w++)
        if (*w == '\'')
            strbuf_addstr(sb, "'\\''");
        else
            strbuf_addch(sb, *w);
    strbuf_addch(sb, '\'');
}

void strbuf_add_base64(struct strbuf *sb, const void *data, size_t n)
{
    static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const unsigned char *p = data;
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)p[i] << 16 | (i + 1 < n ? (unsigned)p[i + 1] << 8 : 0)
                   | (i + 2 < n ? p[i + 2] : 0);
        char q[4] = { abc[v >> 18], abc[(v >> 12) & 63], i + 1 < n ? abc[(v >> 6) & 63] : '=',
                      i + 2 < n ? abc[v & 63] : '=' };
        strbuf_add(sb, q, 4);
    }
}

void strbuf_add_ll(struct strbuf *sb, long long v)
{
    char num[24], *e = num + sizeof(num), *d = e;
    unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
    do
        *--d = (char)('0' + u % 10);
    while (u /= 10);
    if (v < 0)
        *--d = '-';
    strbuf_add(sb, d, (size_t)(e - d));
}
