/* strbuf.h: a growable byte buffer. The buffer owns buf; strbuf_release frees it and
 * leaves an empty, reusable buffer; strbuf_detach hands buf to the caller (NUL-terminated). */
#ifndef SR_STRBUF_H
#define SR_STRBUF_H

#include <stddef.h>

struct strbuf {
    char *buf;   /* NULL, or NUL-terminated at len */
    size_t len;
    size_t cap;
};

#define STRBUF_INIT { NULL, 0, 0 }

void strbuf_grow(struct strbuf *sb, size_t extra);
void strbuf_add(struct strbuf *sb, const void *data, size_t n);
void strbuf_addstr(struct strbuf *sb, const char *s);
void strbuf_addch(struct strbuf *sb, char c);
/* Appends v in decimal (without printf: for paths taken once per metric point). */
void strbuf_add_ll(struct strbuf *sb, long long v);
void strbuf_addf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* data[0..n) in base64 (RFC 4648, with padding). */
void strbuf_add_base64(struct strbuf *sb, const void *data, size_t n);
void strbuf_reset(struct strbuf *sb);
void strbuf_release(struct strbuf *sb);
char *strbuf_detach(struct strbuf *sb);
/* Appends w as a shell reads it back: bare when it holds only safe characters, else in
 * single quotes ('\'' for a quote). */
void strbuf_add_shell_word(struct strbuf *sb, const char *w);
/* Appends the whole file at path (buf is then non-NULL). 0, or -1 with errno. */
int strbuf_read_file(struct strbuf *sb, const char *path);
/* For "key value" line files: the value of the first line of sb that starts with
 * key[0..k) (it runs to the next '\n' or the end), or NULL. */
const char *strbuf_line_value(const struct strbuf *sb, const char *key, size_t k);

#endif
