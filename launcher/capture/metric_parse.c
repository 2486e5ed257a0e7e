/* metric_parse.c: a hand-written scanner for the shapes training programs print (Keras,
 * tqdm postfixes, Lightning, XGBoost, LightGBM, Hugging Face dicts, printf). A regex would
 * cost more per line than the program spends printing it. */
#include "capture/metric_parse.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "json/numtext.h"

/* Step keys by priority (a lower index wins when a line has several). */
static const char *const step_keys[] = { "global_step", "step", "iteration", "iter", "epoch" };
enum { NSTEP_KEYS = sizeof(step_keys) / sizeof(*step_keys), NO_STEP = NSTEP_KEYS + 1 };

int metric_name_valid(const char *name, size_t n)
{
    if (n == 0 || n > METRIC_NAME_MAX)
        return 0;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)name[i] < 0x20 || name[i] == 0x7f)
            return 0;
    return 1;
}

static int name_char(unsigned char c)
{
    return isalnum(c) || c == '_' || c == '.' || c == '/' || c == '-' || c >= 0x80;
}

/* A value must end at the end of the line or at one of these; "45%|" is a progress bar's
 * percentage, not a measurement. */
static int boundary(const char *s, size_t n, size_t i)
{
    if (i < n && s[i] == '%')
        return i + 1 == n || s[i + 1] != '|';
    return i == n || strchr(" \t\r,;|)]}'\"", s[i]) != NULL;
}

static int step_rank(const char *name, size_t n)
{
    char c = (char)(name[0] | 0x20); /* quick filter: every step key starts with g, s, i or e */
    if (n < 4 || n > 11 || (c != 'g' && c != 's' && c != 'i' && c != 'e'))
        return NO_STEP;
    for (int i = 0; i < NSTEP_KEYS; i++)
        if (strlen(step_keys[i]) == n && !strncasecmp(name, step_keys[i], n))
            return i;
    return NO_STEP;
}

static int is_alpha(unsigned char c)
{
    return (unsigned)((c | 0x20) - 'a') < 26;
}

static int is_digit(unsigned char c)
{
    return (unsigned)(c - '0') < 10;
}

/* An optionally signed decimal integer of up to 18 digits, exactly n bytes. */
static int integer(const char *v, size_t n, long long *out)
{
    size_t i = v[0] == '-' || v[0] == '+';
    long long x = 0;
    if (n == i || n - i > 18)
        return 0;
    for (size_t j = i; j < n; j++) {
        if (!is_digit((unsigned char)v[j]))
            return 0;
        x = x * 10 + (v[j] - '0');
    }
    *out = v[0] == '-' ? -x : x;
    return 1;
}

static void offer_step(struct metric_line *out, int *rank, int r, long long v)
{
    if (r < *rank) {
        *rank = r;
        out->has_step = 1;
        out->step = v;
    }
}

/* The name ending just before position k (the separator), or 0. */
static size_t name_before(const char *s, size_t k, const char **name)
{
    size_t j = k;
    while (j > 0 && s[j - 1] == ' ')
        j--;
    if (j > 0 && (s[j - 1] == '\'' || s[j - 1] == '"')) { /* 'loss': 0.5 */
        const char *open = NULL;
        for (size_t i = j - 1; i-- > 0;)
            if (s[i] == s[j - 1]) {
                open = s + i;
                break;
            }
        if (!open || (size_t)(s + j - 1 - open - 1) == 0)
            return 0;
        *name = open + 1;
        return (size_t)(s + j - 1 - *name);
    }
    size_t e = j;
    while (j > 0 && name_char((unsigned char)s[j - 1]))
        j--;
    while (j < e && !isalpha((unsigned char)s[j]) && s[j] != '_')
        j++; /* a name starts with a letter or '_' */
    *name = s + j;
    return e - j;
}

/* "epoch 3", "Epoch 3/10", "(step 5)", "iter 7": a step word followed by an integer. */
static void word_steps(const char *s, size_t n, struct metric_line *out, int *rank)
{
    for (size_t i = 0; i < n; i++) {
        if (!is_alpha((unsigned char)s[i]) || (i > 0 && (is_alpha((unsigned char)s[i - 1])
                                                          || is_digit((unsigned char)s[i - 1]))))
            continue;
        size_t w = i;
        while (w < n && is_alpha((unsigned char)s[w]))
            w++;
        int r = step_rank(s + i, w - i);
        if (r == NO_STEP || w >= n || s[w] != ' ') {
            i = w;
            continue;
        }
        size_t d = w + 1, e = d;
        while (e < n && is_digit((unsigned char)s[e]))
            e++;
        long long v;
        if (e > d && (e == n || !isalnum((unsigned char)s[e])) && integer(s + d, e - d, &v))
            offer_step(out, rank, r, v);
        i = e;
    }
}

static void pair_at(const char *s, size_t n, size_t k, struct metric_line *out, int *rank)
{
    const char *name;
    size_t nl = name_before(s, k, &name);
    if (nl == 0 || nl > METRIC_NAME_MAX)
        return;
    size_t v = k + 1;
    while (v < n && s[v] == ' ')
        v++;
    size_t vl = numtext_span(s + v, n - v);
    if (vl == 0 || !boundary(s, n, v + vl))
        return;
    long long iv;
    int r = step_rank(name, nl);
    if (r != NO_STEP && integer(s + v, vl, &iv)) {
        offer_step(out, rank, r, iv);
        return;
    }
    if (out->n < METRIC_HITS_MAX)
        out->hit[out->n++] = (struct metric_hit){ name, nl, s + v, vl };
}

void metric_parse_line(const char *s, size_t n, struct metric_line *out)
{
    out->n = 0;
    out->has_step = 0;
    if (!memchr(s, ':', n) && !memchr(s, '=', n))
        return;
    int rank = NO_STEP;
    for (size_t k = 0; k < n; k++)
        if (s[k] == ':' || s[k] == '=')
            pair_at(s, n, k, out, &rank);
    if (out->n == 0)
        return;
    word_steps(s, n, out, &rank);
    long long v;
    if (rank == NO_STEP && n > 2 && s[0] == '[') { /* XGBoost / LightGBM: "[12]\t..." */
        const char *close = memchr(s, ']', n < 24 ? n : 24);
        if (close && integer(s + 1, (size_t)(close - s - 1), &v))
            offer_step(out, &rank, NSTEP_KEYS, v);
    }
}
