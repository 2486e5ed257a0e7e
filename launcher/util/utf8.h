/* utf8.h: character boundaries as Python sees them after surrogateescape decoding.
 * A valid UTF-8 sequence (no overlong forms, no surrogates, at most U+10FFFF) is one
 * character; every other byte b is a character of its own, code point 0xDC00 + b. */
#ifndef SR_UTF8_H
#define SR_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Decodes the character at s (n > 0 bytes available) into *cp and returns its length.
 * If more_coming and the n bytes are a valid but incomplete prefix, returns 0. */
size_t utf8_char(const unsigned char *s, size_t n, int more_coming, uint32_t *cp);

/* Encodes cp (a surrogate 0xDC80..0xDCFF encodes back to its byte); returns the length. */
size_t utf8_put(uint32_t cp, unsigned char out[4]);

/* s[0..n) as valid UTF-8 (newly allocated, NUL-terminated): each byte that starts no valid
 * character becomes replacement, and with no_nul so does a NUL byte. */
char *utf8_clean(const char *s, size_t n, const char *replacement, int no_nul);

/* Compares two NUL-terminated strings by decoded code points (Python's str order). */
int utf8_cmp(const char *a, const char *b);

#endif
