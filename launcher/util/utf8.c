/* utf8.c: Python-compatible (surrogateescape) UTF-8 decoding used by the output filter
 * and the JSON printer, so both agree on what a character is. No allocation, no I/O. */
#include "util/utf8.h"

#include "util/strbuf.h"

/* Second-byte bounds for each lead byte, per Unicode Table 3-7. */
static int second_range(unsigned char lead, unsigned char *lo, unsigned char *hi)
{
    *lo = 0x80;
    *hi = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF)
        return 2;
    if (lead >= 0xE0 && lead <= 0xEF) {
        if (lead == 0xE0)
            *lo = 0xA0;
        if (lead == 0xED)
            *hi = 0x9F;
        return 3;
    }
    if (lead >= 0xF0 && lead <= 0xF4) {
        if (lead == 0xF0)
            *lo = 0x90;
        if (lead == 0xF4)
            *hi = 0x8F;
        return 4;
    }
    return 0;
}

size_t utf8_char(const unsigned char *s, size_t n, int more_coming, uint32_t *cp)
{
    unsigned char lo, hi;
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    size_t len = (size_t)second_range(s[0], &lo, &hi);
    if (len == 0)
        goto invalid;
    for (size_t i = 1; i < len; i++) {
        if (i >= n)
            return more_coming ? 0 : (*cp = 0xDC00u + s[0], 1);
        unsigned char a = i == 1 ? lo : 0x80, b = i == 1 ? hi : 0xBF;
        if (s[i] < a || s[i] > b)
            goto invalid;
    }
    uint32_t v = s[0] & (0x7F >> len);
    for (size_t i = 1; i < len; i++)
        v = (v << 6) | (s[i] & 0x3F);
    *cp = v;
    return len;
invalid:
    *cp = 0xDC00u + s[0];
    return 1;
}

size_t utf8_put(uint32_t cp, unsigned char out[4])
{
    if (cp < 0x80) {
        out[0] = (unsigned char)cp;
        return 1;
    }
    if (cp >= 0xDC80 && cp <= 0xDCFF) {
        out[0] = (unsigned char)(cp - 0xDC00);
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (unsigned char)(0xC0 | (cp >> 6));
        out[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (unsigned char)(0xE0 | (cp >> 12));
        out[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (unsigned char)(0xF0 | (cp >> 18));
    out[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (unsigned char)(0x80 | (cp & 0x3F));
    return 4;
}

int utf8_cmp(const char *a, const char *b)
{
    const unsigned char *p = (const unsigned char *)a, *q = (const unsigned char *)b;
    while (*p && *q) {
        if (*p < 0x80 && *q < 0x80) { /* ASCII compares as bytes */
            if (*p != *q)
                return *p < *q ? -1 : 1;
            p++;
            q++;
            continue;
        }
        uint32_t ca, cb;
        size_t la = utf8_char(p, 4, 0, &ca), lb = utf8_char(q, 4, 0, &cb);
        if (ca != cb)
            return ca < cb ? -1 : 1;
        p += la;
        q += lb;
    }
    return (*p != 0) - (*q != 0);
}

char *utf8_clean(const char *s, size_t n, const char *replacement, int no_nul)
{
    struct strbuf sb = STRBUF_INIT;
    strbuf_grow(&sb, n);
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t k = utf8_char((const unsigned char *)s + i, n - i, 0, &cp);
        if (k == 0 || (k == 1 && cp >= 0xDC80 && cp <= 0xDCFF) || (no_nul && cp == 0))
            strbuf_addstr(&sb, replacement);
        else
            strbuf_add(&sb, s + i, k);
        i += k ? k : 1;
    }
    return strbuf_detach(&sb);
}
