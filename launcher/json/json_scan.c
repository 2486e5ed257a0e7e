/* json_scan.c: the token reader of json_scan.h. The buffer holds the current token whole
 * (it grows only for a token longer than itself), and is refilled with pread, so readers
 * at several offsets of one file do not disturb each other. */
#include "json/json_scan.h"

#include <errno.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
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

/* Byte classes: space (between tokens), word (of a number or literal), plain (of a string
 * without escapes). */
enum { C_SPACE = 1, C_WORD = 2, C_PLAIN = 4, C_LIST = 8 /* ends a run of a list's bytes */ };
static const unsigned char byte_class[256] = {
    [' '] = C_SPACE | C_PLAIN, ['\t'] = C_SPACE, ['\n'] = C_SPACE, ['\r'] = C_SPACE,
    ['!'] = C_PLAIN, ['#' ... '*'] = C_PLAIN, ['/'] = C_PLAIN, [':' ... '@'] = C_PLAIN,
    ['['] = C_PLAIN | C_LIST, [']'] = C_PLAIN | C_LIST, ['^' ... '`'] = C_PLAIN,
    ['{'] = C_PLAIN | C_LIST, ['|' ... 0x7f] = C_PLAIN, [0x80 ... 0xff] = C_PLAIN, ['"'] = C_LIST,
    ['+'] = C_WORD | C_PLAIN, [','] = C_PLAIN | C_LIST, ['-'] = C_WORD | C_PLAIN, ['.'] = C_WORD | C_PLAIN,
    ['0' ... '9'] = C_WORD | C_PLAIN, ['A' ... 'Z'] = C_WORD | C_PLAIN, ['a' ... 'z'] = C_WORD | C_PLAIN,
};

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

/* The length of the number at the start of p[0..n) by JSON's grammar,
 * -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?, or 0 when none starts there. */
static size_t number_end(const char *p, size_t n)
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
        size_t e = i + 1 + (i + 1 < n && (p[i + 1] == '+' || p[i + 1] == '-'));
        if ((d = digits(p, e, n)) > e)
            i = d;
    }
    return i;
}

/* Where the plain bytes of a string (no quote, backslash or control character) that start
 * at buf[pos + i] end, within what the buffer holds. */
static size_t plain_run(const struct json_scan *s, size_t i)
{
    const unsigned char *p = (const unsigned char *)s->buf + s->pos, *end = (const unsigned char *)s->buf + s->len;
    const unsigned char *q = p + i;
    while (q < end && (byte_class[*q] & C_PLAIN))
        q++;
    return (size_t)(q - p);
}

/* The length of the string token at the start, or 0 (s->error set). */
static size_t string_length(struct json_scan *s)
{
    for (size_t i = plain_run(s, 1);; i = plain_run(s, i + 1)) {
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
    const char *p = s->buf + s->pos;
    size_t n = number_end(p, s->len - s->pos);
    *kind = JSON_NUMBER;
    if (n && s->pos + n < s->len && !(byte_class[(unsigned char)p[n]] & C_WORD))
        return n; /* the common case: the number and the byte after it are in the buffer */
    for (n = 0; word_char(peek(s, n)); n++)
        continue;
    p = s->buf + s->pos;
    if (n && number_end(p, n) == n)
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
    size_t pos = s->pos;
    while (pos < s->len && (byte_class[(unsigned char)s->buf[pos]] & C_SPACE))
        pos++;
    s->pos = pos;
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

/* After a string's opening quote at p: just past its closing quote, or NULL when the
 * buffer ends first (*escaped tells whether its last byte was a lone backslash). */
static const unsigned char *string_end(const unsigned char *p, const unsigned char *end, int *escaped)
{
    const unsigned char *quote = *escaped ? NULL : memchr(p, '"', (size_t)(end - p));
    if (quote && !memchr(p, '\\', (size_t)(quote - p)))
        return quote + 1;
    for (; p < end; p++) {
        if (*escaped)
            *escaped = 0;
        else if (*p == '\\')
            *escaped = 1;
        else if (*p == '"')
            return p + 1;
    }
    return NULL;
}

typedef unsigned char bytes16 __attribute__((vector_size(16)));

/* Adds the commas of p[0..) to *commas, sixteen bytes at a time, up to the first block
 * of sixteen that holds a bracket, a brace or a quote or runs past end; returns it. */
static const unsigned char *count_commas(const unsigned char *p, const unsigned char *end, size_t *commas)
{
    const uint64_t ones = UINT64_C(0x0101010101010101);
    for (; end - p >= 16; p += 16) {
        bytes16 v, stop, comma;
        uint64_t w[2], c[2];
        memcpy(&v, p, 16);
        stop = (bytes16)((v == ']') | (v == '"') | (v == '[') | (v == '{'));
        memcpy(w, &stop, 16);
        if (w[0] | w[1])
            break;
        comma = (bytes16)(v == ',');
        memcpy(c, &comma, 16);
        *commas += (((c[0] & ones) + (c[1] & ones)) * ones) >> 56;
    }
    return p;
}

int json_scan_count_list(struct json_scan *s, size_t *count)
{
    enum json_token t = json_scan_next(s);
    size_t commas = 0;
    int quoted = 0, escaped = 0;
    if (t == JSON_CLOSE_ARRAY || t == JSON_ERROR || t == JSON_END) {
        *count = 0;
        s->error = t == JSON_END ? "unterminated list" : s->error;
        return t == JSON_CLOSE_ARRAY ? 0 : -1;
    }
    if (t == JSON_OPEN_ARRAY || t == JSON_OPEN_OBJECT) {
        s->error = "a list or an object inside the list";
        return -1;
    }
    for (;;) {
        const unsigned char *p = (const unsigned char *)s->buf + s->pos, *end = (const unsigned char *)s->buf + s->len;
        while (p < end) {
            if (quoted) {
                const unsigned char *q = string_end(p, end, &escaped);
                quoted = !q;
                p = q ? q : end;
                continue;
            }
            p = count_commas(p, end, &commas);
            while (p < end && !(byte_class[*p] & C_LIST))
                p++;
            if (p == end)
                break;
            int c = *p++;
            if (c == ']') {
                s->pos = (size_t)(p - (const unsigned char *)s->buf);
                *count = commas + 1;
                return 0;
            }
            commas += c == ',';
            quoted = c == '"';
            if (c == '[' || c == '{') {
                s->error = "a list or an object inside the list";
                return -1;
            }
        }
        s->pos = s->len;
        int r = fill(s, 0);
        if (r <= 0) {
            s->error = r < 0 ? "read error" : "unterminated list";
            return -1;
        }
    }
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

int json_scan_integer(const char *text, size_t n, long long *v)
{
    size_t i = n && text[0] == '-';
    if (n == i || n - i > 18)
        return 0;
    long long x = 0;
    for (size_t k = i; k < n; k++) {
        if (!digit(text[k]))
            return 0;
        x = x * 10 + (text[k] - '0');
    }
    *v = i ? -x : x;
    return 1;
}

/* m * 10^scale rounded to a double as strtod rounds it: 0, or -1 when this cannot tell
 * (then strtod decides). Exact doubles (m <= 2^53, |scale| <= 22) need one rounding
 * (Clinger's fast path). Otherwise, on x86's 64-bit long double, m and 10^|scale| <= 10^27
 * are exact, so the long double result is the exact one rounded once; rounding that to a
 * double gives strtod's answer unless it lies exactly halfway between two doubles. */
static int scaled(uint64_t m, int scale, int negative, double *d)
{
    static const double p10[] = { 1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                  1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                  1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22 };
    double v;
    if (m <= (UINT64_C(1) << 53) && scale >= -22 && scale <= 22)
        v = scale < 0 ? (double)m / p10[-scale] : (double)m * p10[scale];
    else {
#if (defined(__x86_64__) || defined(__i386__)) && LDBL_MANT_DIG == 64
        static const long double p10l[] = { 1e0L,  1e1L,  1e2L,  1e3L,  1e4L,  1e5L,  1e6L,
                                            1e7L,  1e8L,  1e9L,  1e10L, 1e11L, 1e12L, 1e13L,
                                            1e14L, 1e15L, 1e16L, 1e17L, 1e18L, 1e19L, 1e20L,
                                            1e21L, 1e22L, 1e23L, 1e24L, 1e25L, 1e26L, 1e27L };
        if (scale < -27 || scale > 27)
            return -1;
        long double q = scale < 0 ? (long double)m / p10l[-scale] : (long double)m * p10l[scale];
        uint64_t mantissa;
        memcpy(&mantissa, &q, sizeof(mantissa));
        v = (double)q;
        if ((mantissa & 0x7ff) == 0x400 || !isnormal(v))
            return -1;
#else
        return -1;
#endif
    }
    *d = negative ? -v : v;
    return 0;
}

/* The exponent after a number's 'e' at text[i..n): its value, or INT_MIN when out of range. */
static int exponent(const char *text, size_t i, size_t n)
{
    int sign = i < n && text[i] == '-' ? -1 : 1, e = 0;
    i += i < n && (text[i] == '-' || text[i] == '+');
    for (; i < n && digit(text[i]); i++)
        if ((e = e * 10 + (text[i] - '0')) > 1000)
            return INT_MIN;
    return i == n ? sign * e : INT_MIN;
}

int json_scan_double(const char *text, size_t n, double *d)
{
    size_t i = n && text[0] == '-';
    uint64_t m = 0;
    int significant = 0, scale = 0, fraction = 0, e = 0;
    for (; i < n && significant < 19; i++) {
        if (text[i] == '.' && !fraction) {
            fraction = 1;
            continue;
        }
        if (!digit(text[i]))
            break;
        m = m * 10 + (uint64_t)(text[i] - '0');
        significant += m != 0;
        scale -= fraction;
    }
    if (i < n && (text[i] == 'e' || text[i] == 'E'))
        e = exponent(text, i + 1, n), i = e == INT_MIN ? i : n;
    if (i == n && scaled(m, scale + e, text[0] == '-', d) == 0)
        return 0;
    char small[64], *buf = n < sizeof(small) ? small : xmalloc(n + 1), *end;
    memcpy(buf, text, n);
    buf[n] = '\0';
    *d = strtod(buf, &end);
    int ok = n && end == buf + n;
    if (buf != small)
        free(buf);
    return ok ? 0 : -1;
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
