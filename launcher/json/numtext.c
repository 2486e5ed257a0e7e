/* numtext.c: numeric tokens to Python-compatible JSON text, with a fast exact path for
 * plain decimals of up to 15 significant digits (their repr is the normalised decimal,
 * since 15 digits always survive a round trip through a double). */
#include "json/numtext.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "json/json.h"

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static size_t word_at(const char *s, size_t n, const char *w)
{
    size_t k = strlen(w);
    return n >= k && (s[0] | 0x20) == w[0] && !strncasecmp(s, w, k) ? k : 0;
}

size_t numtext_span(const char *s, size_t n)
{
    size_t i = 0, d = 0;
    if (i < n && (s[i] == '-' || s[i] == '+'))
        i++;
    size_t w = word_at(s + i, n - i, "infinity");
    if (!w)
        w = word_at(s + i, n - i, "inf");
    if (!w && i == 0)
        w = word_at(s, n, "nan");
    if (w)
        return i + w;
    while (i < n && is_digit(s[i]))
        i++, d++;
    if (i < n && s[i] == '.')
        for (i++; i < n && is_digit(s[i]); i++)
            d++;
    if (!d)
        return 0;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        size_t j = i + 1;
        if (j < n && (s[j] == '-' || s[j] == '+'))
            j++;
        if (j < n && is_digit(s[j])) {
            while (j < n && is_digit(s[j]))
                j++;
            i = j;
        }
    }
    return i;
}

/* Integer text: sign and digits only; up to 18 digits so it fits a long long exactly. */
static size_t int_text(const char *s, size_t n, char *out)
{
    size_t i = s[0] == '-' || s[0] == '+';
    if (i == n || n - i > 18)
        return 0;
    for (size_t j = i; j < n; j++)
        if (!is_digit(s[j]))
            return 0;
    /* Canonical form of an integer literal: no '+', no leading zeros ("-0" is "0"). */
    int neg = s[0] == '-';
    size_t d = i;
    while (d + 1 < n && s[d] == '0')
        d++;
    size_t o = 0;
    if (neg && !(n - d == 1 && s[d] == '0'))
        out[o++] = '-';
    memcpy(out + o, s + d, n - d);
    o += n - d;
    out[o] = '\0';
    return o;
}

/* A plain decimal ("-0.2500", ".5", "5.") written the way repr() writes its value. */
static size_t decimal_text(const char *s, size_t n, char *out)
{
    size_t i = 0, o = 0;
    int neg = s[0] == '-';
    if (s[0] == '-' || s[0] == '+')
        i++;
    const char *dot = memchr(s + i, '.', n - i);
    if (!dot)
        return 0;
    size_t ib = i, ie = (size_t)(dot - s), fb = ie + 1, fe = n;
    while (ib < ie && s[ib] == '0')
        ib++;
    while (fe > fb && s[fe - 1] == '0')
        fe--;
    size_t lead0 = 0; /* zeros after the point before the first significant digit */
    if (ib == ie)
        while (fb + lead0 < fe && s[fb + lead0] == '0')
            lead0++;
    size_t sig = (ie - ib) + (fe - fb) - (ib == ie ? lead0 : 0);
    int decpt = ib < ie ? (int)(ie - ib) : -(int)lead0;
    if (sig > 15 || (sig && (decpt <= -4 || decpt > 16)))
        return 0;
    if (neg)
        out[o++] = '-';
    if (ib == ie)
        out[o++] = '0';
    memcpy(out + o, s + ib, ie - ib);
    o += ie - ib;
    out[o++] = '.';
    if (fe == fb)
        out[o++] = '0';
    memcpy(out + o, s + fb, fe - fb);
    o += fe - fb;
    out[o] = '\0';
    return o;
}

size_t numtext_json(const char *s, size_t n, char out[NUMTEXT_MAX], int *is_int)
{
    if (n == 0 || n >= 64 || numtext_span(s, n) != n)
        return 0;
    size_t k = int_text(s, n, out);
    *is_int = k > 0;
    if (k)
        return k;
    if (!memchr(s, 'e', n) && !memchr(s, 'E', n) && is_digit(s[n - 1] == '.' ? '0' : s[n - 1])
        && (k = decimal_text(s, n, out)))
        return k;
    char buf[64];
    memcpy(buf, s, n);
    buf[n] = '\0';
    errno = 0;
    double v = strtod(buf, NULL);
    char repr[32];
    json_repr_double(v, repr);
    return (size_t)snprintf(out, NUMTEXT_MAX, "%s", repr);
}
