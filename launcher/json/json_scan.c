/* json_scan.c: the token reader of json_scan.h. The buffer holds the current token whole
 * (it grows only for a token longer than itself), and is refilled with pread, so readers
 * at several offsets of one file do not disturb each other. */
#include "json/json_scan.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "json/json_parse.h"
#include "util/error.h"

enum { CHUNK = 64 * 1024, MAX_DEPTH = 256, AT_EOF = -1, AT_READ_ERROR = -2 };

void json_scan_open(struct json_scan *s, int fd, off_t at)
{
    memset(s, 0, sizeof(*s));
    s->fd = fd;
    s->base = s->at = at;
}

void json_scan_close(struct json_scan *s)
{
    free(s->buf);
    memset(s, 0, sizeof(*s));
}

/* Reads until buf[pos + k] is there: 1, 0 when the file ends first, -1 on a read error.
 * Keeps buf[pos..] (the token being read) and drops what is before it. */
static int fill(struct json_scan *s, size_t k)
{
    while (s->pos + k >= s->len) {
        if (s->pos) {
            memmove(s->buf, s->buf + s->pos, s->len - s->pos);
            s->base += (off_t)s->pos;
            s->len -= s->pos;
            s->pos = 0;
        }
        if (s->len == s->cap)
            s->buf = xrealloc(s->buf, s->cap = s->cap ? 2 * s->cap : CHUNK);
        ssize_t r = pread(s->fd, s->buf + s->len, s->cap - s->len, s->base + (off_t)s->len);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return r < 0 ? -1 : 0;
        s->len += (size_t)r;
    }
    return 1;
}

/* The byte k places after the token's start, AT_EOF or AT_READ_ERROR. */
static inline int peek(struct json_scan *s, size_t k)
{
    if (s->pos + k < s->len)
        return (unsigned char)s->buf[s->pos + k];
    int r = fill(s, k);
    return r > 0 ? (unsigned char)s->buf[s->pos + k] : r == 0 ? AT_EOF : AT_READ_ERROR;
}

static inline int digit(int c)
{
    return c >= '0' && c <= '9';
}

/* A byte of a number or a literal. */
static inline int word_char(int c)
{
    return digit(c) || c == '-' || c == '+' || c == '.' || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

/* 1 when c (a byte, or AT_EOF) is one of set. */
static int in(const char *set, int c)
{
    return c > 0 && strchr(set, c);
}

static size_t digits(const char *p, size_t i, size_t n)
{
    while (i < n && digit(p[i]))
        i++;
    return i;
}

/* JSON's number grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static int number_ok(const char *p, size_t n)
{
    size_t i = n && p[0] == '-', d;
    if (i < n && p[i] == '0')
        i++;
    else if ((d = digits(p, i, n)) > i)
        i = d;
    else
        return 0;
    if (i < n && p[i] == '.' && (d = digits(p, i + 1, n)) > i + 1)
        i = d;
    if (i < n && (p[i] == 'e' || p[i] == 'E')) {
        i += i + 1 < n && (p[i + 1] == '+' || p[i + 1] == '-');
        if ((d = digits(p, i + 1, n)) == i + 1)
            return 0;
        i = d;
    }
    return i == n;
}

/* The length of the string token at the start, or 0 (s->error set). */
static size_t string_length(struct json_scan *s)
{
    for (size_t i = 1;; i++) {
        int c = peek(s, i);
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        if (c == '"')
            return i + 1;
        if (c < 0x20) {
            s->error = c == AT_READ_ERROR ? "read error" : c == AT_EOF ? "unterminated string"
                                                                        : "control character in a string";
            return 0;
        }
        if (c != '\\')
            continue;
        c = peek(s, ++i);
        if (!in("\"\\/bfnrtu", c)) {
            s->error = "bad escape in a string";
            return 0;
        }
        for (int h = 0; c == 'u' && h < 4; h++)
            if (!in("0123456789abcdefABCDEF", peek(s, ++i))) {
                s->error = "bad \\u escape in a string";
                return 0;
            }
    }
}

/* The length of a number or literal token at the start, and its kind; 0 when malformed. */
static size_t word_length(struct json_scan *s, enum json_token *kind)
{
    static const char *const literals[] = { "true", "false", "null", "NaN", "Infinity", "-Infinity" };
    size_t n = 0;
    while (word_char(peek(s, n)))
        n++;
    const char *p = s->buf + s->pos;
    *kind = JSON_NUMBER;
    if (number_ok(p, n))
        return n;
    *kind = JSON_LITERAL;
    for (size_t i = 0; i < sizeof(literals) / sizeof(*literals); i++)
        if (strlen(literals[i]) == n && !memcmp(p, literals[i], n))
            return n;
    s->error = n ? "malformed number or literal" : "unexpected character";
    return 0;
}

enum json_token json_scan_next(struct json_scan *s)
{
    int c;
    while ((c = peek(s, 0)) == ' ' || c == '\n' || c == '\r' || c == '\t')
        s->pos++;
    s->at = s->base + (off_t)s->pos;
    s->text = s->buf + s->pos;
    s->n = 1;
    enum json_token kind = JSON_STRING;
    switch (c) {
    case AT_EOF: s->n = 0; s->error = NULL; return JSON_END;
    case AT_READ_ERROR: s->n = 0; s->error = "read error"; return JSON_ERROR;
    case '{': s->pos++; return JSON_OPEN_OBJECT;
    case '}': s->pos++; return JSON_CLOSE_OBJECT;
    case '[': s->pos++; return JSON_OPEN_ARRAY;
    case ']': s->pos++; return JSON_CLOSE_ARRAY;
    case ':': s->pos++; return JSON_COLON;
    case ',': s->pos++; return JSON_COMMA;
    }
    s->n = c == '"' ? string_length(s) : word_length(s, &kind);
    s->text = s->buf + s->pos;
    s->pos += s->n;
    return s->n ? kind : JSON_ERROR;
}

static int skip(struct json_scan *s, enum json_token t, int depth);

/* The members or elements after an opening bracket, through the closing one. */
static int skip_members(struct json_scan *s, int object, int depth)
{
    enum json_token close = object ? JSON_CLOSE_OBJECT : JSON_CLOSE_ARRAY, t = json_scan_next(s);
    if (t == close)
        return 0;
    for (;; t = json_scan_next(s)) {
        if (object && (t != JSON_STRING || json_scan_next(s) != JSON_COLON)) {
            s->error = "expected a key and ':'";
            return -1;
        }
        if (skip(s, object ? json_scan_next(s) : t, depth + 1) < 0)
            return -1;
        if ((t = json_scan_next(s)) == close)
            return 0;
        if (t != JSON_COMMA) {
            s->error = "expected ',' or a closing bracket";
            return -1;
        }
    }
}

static int skip(struct json_scan *s, enum json_token t, int depth)
{
    if (t == JSON_STRING || t == JSON_NUMBER || t == JSON_LITERAL)
        return 0;
    if (depth >= MAX_DEPTH || (t != JSON_OPEN_OBJECT && t != JSON_OPEN_ARRAY)) {
        s->error = depth >= MAX_DEPTH ? "nested too deeply" : t == JSON_ERROR ? s->error : "expected a value";
        return -1;
    }
    return skip_members(s, t == JSON_OPEN_OBJECT, depth);
}

int json_scan_skip(struct json_scan *s, enum json_token first)
{
    return skip(s, first, 0);
}

char *json_scan_string(const char *text, size_t n)
{
    if (!memchr(text, '\\', n))
        return xstrndup(text + 1, n - 2);
    char *quoted = xstrndup(text, n);
    cJSON *j = json_parse_typed(quoted);
    char *plain = xstrdup(cJSON_IsString(j) ? j->valuestring : "");
    cJSON_Delete(j);
    free(quoted);
    return plain;
}
