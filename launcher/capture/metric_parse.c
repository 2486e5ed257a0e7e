/* metric_parse.c: a hand-written scanner for the shapes training programs print (Keras,
 * tqdm postfixes, Lightning, XGBoost, LightGBM, Hugging Face dicts, printf), which leaves
 * out what common tools print that is no measurement (progress counts, file names, units,
 * call arguments and options). A regex would cost more per line than printing it. */
#include "capture/metric_parse.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "json/numtext.h"

/* Step keys by priority (a lower index wins when a line has several). */
static const char *const step_keys[] = { "global_step", "step", "iteration", "iter", "epoch" };
enum { NSTEP_KEYS = sizeof(step_keys) / sizeof(*step_keys), NO_STEP = NSTEP_KEYS + 1 };

static int name_char(unsigned char c)
{
    return isalnum(c) || c == '_' || c == '.' || c == '/' || c == '-' || c >= 0x80;
}

/* A value must end at the end of the line or at one of these; "45%|" is a progress bar's
 * percentage, and "12,345" a number with thousands separators, which is not read. */
static int boundary(const char *s, size_t n, size_t i)
{
    if (i < n && s[i] == '%')
        return i + 1 == n || s[i + 1] != '|';
    if (i + 1 < n && s[i] == ',' && (unsigned)(s[i + 1] - '0') < 10)
        return 0;
    return i == n || strchr(" \t\r,;|)]}'\"", s[i]) != NULL;
}

/* "100% (302/302)", "45% 9/20": a percentage with a count is progress, not a measurement;
 * so is a count that is "done" (git's "Enumerating objects: 62, done."). */
static int progress_count(const char *s, size_t n, size_t i)
{
    if (n - i >= 6 && !memcmp(s + i, ", done", 6))
        return 1;
    if (i >= n || s[i] != '%')
        return 0;
    for (i++; i < n && (s[i] == ' ' || s[i] == '('); i++)
        ;
    size_t d = i;
    while (i < n && (unsigned)(s[i] - '0') < 10)
        i++;
    return i > d && i < n && s[i] == '/';
}

static int in_list(const char *const *list, size_t nlist, const char *s, size_t n, int nocase)
{
    for (size_t i = 0; i < nlist; i++)
        if (strlen(list[i]) == n && !(nocase ? strncasecmp : strncmp)(s, list[i], n))
            return 1;
    return 0;
}

/* 1 if name ends with the word end ("AssertionError"). */
static int ends_with(const char *name, size_t n, const char *end)
{
    size_t e = strlen(end);
    return n > e && !memcmp(name + n - e, end, e);
}

/* A unit ("MiB = 1.000" in xz's progress), a file name ("big.bin:" in gzip -v, zstd -v) or
 * an exception ("AssertionError: 1 != 2") names no measurement. */
static int not_a_measure(const char *name, size_t n)
{
    if (ends_with(name, n, "Error") || ends_with(name, n, "Exception") || ends_with(name, n, "Warning"))
        return 1;
    static const char *const units[] = {
        "B", "kB", "KB", "KiB", "MB", "MiB", "GB", "GiB", "TB", "TiB", "PB", "PiB", "bytes",
        "bits", "it", "sec", "secs", "seconds", "ms", "us", "ns", "Hz", "kHz", "MHz", "GHz",
    };
    static const char *const exts[] = {
        "bin", "txt", "gz", "xz", "zst", "bz2", "lz4", "lzma", "tar", "tgz", "zip", "7z", "rar",
        "csv", "tsv", "json", "jsonl", "yaml", "yml", "xml", "log", "dat", "py", "c", "h", "cc",
        "cpp", "o", "so", "pt", "pth", "pkl", "pickle", "npy", "npz", "h5", "hdf5", "ckpt",
        "onnx", "pb", "safetensors", "parquet", "arrow", "jpg", "jpeg", "png", "gif", "tif",
        "tiff", "wav", "mp3", "mp4", "pdf", "md", "html", "iso", "img", "deb", "rpm", "whl", "sh",
    };
    size_t u = n > 2 && !memcmp(name + n - 2, "/s", 2) ? n - 2 : n; /* MiB/s, it/s */
    if (in_list(units, sizeof(units) / sizeof(*units), name, u, 0))
        return 1;
    const char *dot = memrchr(name, '.', n);
    return dot && dot > name
           && in_list(exts, sizeof(exts) / sizeof(*exts), dot + 1, (size_t)(name + n - dot - 1), 1);
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

/* The word of name characters ending at e: its start, after any leading characters that
 * cannot start a name; *opt tells that it began with '-' (an option: "--lr=0.1", "-DN=1"). */
static size_t word_before(const char *s, size_t e, int *opt)
{
    size_t j = e;
    while (j > 0 && name_char((unsigned char)s[j - 1]))
        j--;
    *opt = j < e && s[j] == '-';
    while (j < e && !isalpha((unsigned char)s[j]) && s[j] != '_')
        j++; /* a name starts with a letter or '_' */
    return j;
}

enum { NAME_WORDS_MAX = 6 };

/* Words before the one at j, each a name starting with a letter, after a space, a tab, an
 * opening bracket or the line's start, and one space before the next: "SGD test accuracy".
 * Stops at anything else (punctuation, a number, two spaces), and after 6 words. */
static size_t earlier_words(const char *s, size_t j)
{
    for (int w = 1; w < NAME_WORDS_MAX && j >= 2 && s[j - 1] == ' '
                    && name_char((unsigned char)s[j - 2]); w++) {
        int opt;
        size_t p = word_before(s, j - 1, &opt);
        if (opt || !isalpha((unsigned char)s[p]) || (p > 0 && !strchr(" \t([{", s[p - 1])))
            break; /* "-", "3", "4,", "valid_0's": not a word of a name */
        j = p;
    }
    return j;
}

/* The name ending just before position k (the separator), or 0. A name of several words
 * is taken before ':' and before a '=' with a space in front ("loss = 0.3"); "k=v" is one
 * word. A name that is an option ("--lr=0.1") is no name. */
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
    if (j > 1 && s[j - 1] == ')') { /* "User time (seconds): 0.01": the unit is left out */
        const char *open = memrchr(s, '(', j - 1);
        if (open && open > s + 1 && open[-1] == ' ' && !memchr(open, ' ', (size_t)(s + j - open))
            && name_char((unsigned char)open[-2]))
            j = (size_t)(open - s - 1);
    }
    size_t e = j;
    int opt;
    j = word_before(s, e, &opt);
    if (opt)
        return 0;
    if (j < e && (s[k] == ':' || k > e))
        j = earlier_words(s, j);
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
    if (nl == 0 || nl > METRIC_NAME_MAX || not_a_measure(name, nl))
        return;
    size_t v = k + 1;
    while (v < n && s[v] == ' ')
        v++;
    size_t vl = numtext_span(s + v, n - v);
    if (vl == 0 || !boundary(s, n, v + vl) || progress_count(s, n, v + vl))
        return;
    long long iv;
    const char *last = memrchr(name, ' ', nl); /* "Train Epoch: 1": the last word is the step */
    last = last ? last + 1 : name;
    int r = step_rank(last, (size_t)(name + nl - last));
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
    int rank = NO_STEP, depth = 0;
    unsigned long long calls = 0; /* bit d: the d-th open '(' follows a name: a call */
    for (size_t k = 0; k < n; k++) {
        if (s[k] == '(' && depth < 64)
            calls |= (unsigned long long)(k > 0 && (isalnum((unsigned char)s[k - 1]) || s[k - 1] == '_'))
                     << depth++;
        else if (s[k] == ')' && depth > 0)
            calls &= ~(1ULL << --depth);
        else if ((s[k] == ':' || s[k] == '=') && !calls) /* Parallel(n_jobs=1): an argument */
            pair_at(s, n, k, out, &rank);
    }
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
