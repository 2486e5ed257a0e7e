/* json_scan.h: JSON text read token by token from a file, through a small buffer and from
 * any offset, for documents too large to parse into a tree (a metrics.json of millions of
 * points). Checks each token's syntax; never allocates per token, never prints. */
#ifndef SR_JSON_SCAN_H
#define SR_JSON_SCAN_H

#include <stddef.h>
#include <sys/types.h>

enum json_token {
    JSON_END,      /* end of the file */
    JSON_ERROR,    /* a read error or malformed text: see error */
    JSON_OPEN_OBJECT, JSON_CLOSE_OBJECT, JSON_OPEN_ARRAY, JSON_CLOSE_ARRAY,
    JSON_COLON, JSON_COMMA,
    JSON_STRING,   /* text holds the quotes and the escapes as written */
    JSON_NUMBER,   /* as written: "3", "0.25", "1e-07" */
    JSON_LITERAL,  /* true false null NaN Infinity -Infinity */
};

struct json_scan {
    int fd;
    off_t base;          /* the file offset of buf[0] */
    char *buf;
    size_t len, pos, cap;
    const char *text;    /* the last token's text (not NUL-terminated) */
    size_t n;            /* its length */
    off_t at;            /* its file offset */
    const char *error;   /* why the last token was JSON_ERROR */
};

/* Starts reading fd at offset at (the descriptor stays the caller's). */
void json_scan_open(struct json_scan *s, int fd, off_t at);
/* The next token; its text stays valid until the next call. */
enum json_token json_scan_next(struct json_scan *s);
/* Reads the rest of the value whose first token was first, checking its nesting.
 * 0, or -1 with s->error. */
int json_scan_skip(struct json_scan *s, enum json_token first);
/* Reads the rest of a list whose '[' was just read, through its ']', counting its elements
 * by their commas and checking only that none is a list or an object and that strings end
 * (not each element's syntax): fast, for lists of millions of numbers whose elements are
 * checked when read. 0, or -1 with s->error. */
int json_scan_count_list(struct json_scan *s, size_t *count);
void json_scan_close(struct json_scan *s);

/* A number token text[0..n) (as json_scan_next read it) as a double, rounded as strtod
 * rounds it (the common short cases without strtod): 0, or -1 when it is not a number. */
int json_scan_double(const char *text, size_t n, double *d);
/* 1 with *v when the number token text[0..n) is an integer (no fraction, no exponent) of
 * at most 18 digits; else 0. */
int json_scan_integer(const char *text, size_t n, long long *v);

/* The text of a string token text[0..n) with its escapes undone (newly allocated). */
char *json_scan_string(const char *text, size_t n);

#endif
