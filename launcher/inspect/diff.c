/* diff.c: unified diffs. Lines become numbers (one per distinct line, through a name
 * index), Myers' middle-snake recursion marks the deleted and inserted ones in linear
 * space, and changes closer than twice the context share a hunk, as in GNU diff. */
#include "inspect/diff.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"
#include "util/nameindex.h"

struct text {
    char *copy;   /* the lines, each NUL-terminated after its newline (owned) */
    char **line;  /* the start of each line in copy */
    size_t *len;  /* its length, the newline included */
    long *id;     /* the number of its content */
    size_t n;
};

static void split(struct text *t, const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += s[i] == '\n' || i + 1 == len;
    t->n = n;
    t->copy = xmalloc(len + n + 1);
    t->line = xcalloc(n + 1, sizeof(*t->line));
    t->len = xcalloc(n + 1, sizeof(*t->len));
    t->id = xcalloc(n + 1, sizeof(*t->id));
    char *o = t->copy;
    for (size_t i = 0, k = 0; k < n; k++) {
        const char *nl = memchr(s + i, '\n', len - i);
        size_t l = nl ? (size_t)(nl - (s + i)) + 1 : len - i;
        memcpy(o, s + i, l);
        o[l] = '\0';
        t->line[k] = o;
        t->len[k] = l;
        o += l + 1;
        i += l;
    }
}

static void number_lines(struct text *t, struct name_index *ix, long *next)
{
    for (size_t k = 0; k < t->n; k++) {
        long id = name_index_get(ix, t->line[k], t->len[k]);
        if (id < 0) {
            id = (*next)++;
            name_index_put(ix, t->line[k], (size_t)id);
        }
        t->id[k] = id;
    }
}

static void text_release(struct text *t)
{
    free(t->copy);
    free(t->line);
    free(t->len);
    free(t->id);
}

struct myers {
    const long *a, *b;
    char *del, *ins; /* marks per line of a and of b */
    long *fd, *bd;   /* furthest x reached on each diagonal x - y, forward and backward */
};

/* The search for the middle snake of a[xoff..xlim) x b[yoff..ylim): Myers' "An O(ND)
 * difference algorithm", section 4b, from both ends at once. */
struct snake {
    long xoff, xlim, yoff, ylim;
    long dmin, dmax, fmin, fmax, bmin, bmax;
    int odd;
};

/* One more forward step on every diagonal in reach; 1 with (x, y) when it met the
 * backward search. */
static int forward(const struct myers *m, struct snake *s, long *xmid, long *ymid)
{
    long *fd = m->fd;
    if (s->fmin > s->dmin)
        fd[--s->fmin - 1] = -1;
    else
        ++s->fmin;
    if (s->fmax < s->dmax)
        fd[++s->fmax + 1] = -1;
    else
        --s->fmax;
    for (long d = s->fmax; d >= s->fmin; d -= 2) {
        long x = fd[d - 1] >= fd[d + 1] ? fd[d - 1] + 1 : fd[d + 1], y = x - d;
        while (x < s->xlim && y < s->ylim && m->a[x] == m->b[y])
            x++, y++;
        fd[d] = x;
        if (s->odd && s->bmin <= d && d <= s->bmax && m->bd[d] <= x) {
            *xmid = x, *ymid = y;
            return 1;
        }
    }
    return 0;
}

static int backward(const struct myers *m, struct snake *s, long *xmid, long *ymid)
{
    long *bd = m->bd;
    if (s->bmin > s->dmin)
        bd[--s->bmin - 1] = LONG_MAX;
    else
        ++s->bmin;
    if (s->bmax < s->dmax)
        bd[++s->bmax + 1] = LONG_MAX;
    else
        --s->bmax;
    for (long d = s->bmax; d >= s->bmin; d -= 2) {
        long x = bd[d - 1] < bd[d + 1] ? bd[d - 1] : bd[d + 1] - 1, y = x - d;
        while (x > s->xoff && y > s->yoff && m->a[x - 1] == m->b[y - 1])
            x--, y--;
        bd[d] = x;
        if (!s->odd && s->fmin <= d && d <= s->fmax && x <= m->fd[d]) {
            *xmid = x, *ymid = y;
            return 1;
        }
    }
    return 0;
}

/* A point (x, y) on an optimal path through a[xoff..xlim) x b[yoff..ylim). */
static void middle(const struct myers *m, long xoff, long xlim, long yoff, long ylim, long *xmid,
                   long *ymid)
{
    long fmid = xoff - yoff, bmid = xlim - ylim;
    struct snake s = { xoff, xlim, yoff, ylim, xoff - ylim, xlim - yoff,
                       fmid, fmid, bmid, bmid, (int)((fmid - bmid) & 1) };
    m->fd[fmid] = xoff;
    m->bd[bmid] = xlim;
    while (!forward(m, &s, xmid, ymid) && !backward(m, &s, xmid, ymid))
        ;
}

static void compare(const struct myers *m, long xoff, long xlim, long yoff, long ylim)
{
    while (xoff < xlim && yoff < ylim && m->a[xoff] == m->b[yoff])
        xoff++, yoff++;
    while (xlim > xoff && ylim > yoff && m->a[xlim - 1] == m->b[ylim - 1])
        xlim--, ylim--;
    if (xoff == xlim)
        memset(m->ins + yoff, 1, (size_t)(ylim - yoff));
    else if (yoff == ylim)
        memset(m->del + xoff, 1, (size_t)(xlim - xoff));
    else {
        long x, y;
        middle(m, xoff, xlim, yoff, ylim, &x, &y);
        compare(m, xoff, x, yoff, y);
        compare(m, x, xlim, y, ylim);
    }
}

struct op {
    char kind;    /* ' ' common, '-' deleted from a, '+' inserted from b */
    size_t ai, bj; /* the line of a and of b at this point */
};

/* The edit script: every line of a and b once, in order. */
static struct op *script(const struct text *a, const struct text *b, size_t *nop)
{
    long na = (long)a->n, nb = (long)b->n;
    struct myers m = { a->id, b->id, xcalloc(a->n + 1, 1), xcalloc(b->n + 1, 1), NULL, NULL };
    long *fd = xcalloc((size_t)(na + nb + 3), sizeof(long));
    long *bd = xcalloc((size_t)(na + nb + 3), sizeof(long));
    m.fd = fd + nb + 1;
    m.bd = bd + nb + 1;
    compare(&m, 0, na, 0, nb);
    struct op *op = xcalloc(a->n + b->n + 1, sizeof(*op));
    size_t i = 0, j = 0, k = 0;
    while (i < a->n || j < b->n) {
        char kind = i < a->n && m.del[i] ? '-' : j < b->n && m.ins[j] ? '+' : ' ';
        op[k++] = (struct op){ kind, i, j };
        i += kind != '+';
        j += kind != '-';
    }
    free(fd);
    free(bd);
    free(m.del);
    free(m.ins);
    *nop = k;
    return op;
}

static void range(struct strbuf *out, char sign, size_t start, size_t count)
{
    if (count == 1)
        strbuf_addf(out, "%c%zu", sign, start + 1);
    else
        strbuf_addf(out, "%c%zu,%zu", sign, count ? start + 1 : start, count);
}

static void hunk(struct strbuf *out, const struct op *op, size_t from, size_t to,
                 const struct text *a, const struct text *b)
{
    size_t na = 0, nb = 0;
    for (size_t k = from; k < to; k++)
        na += op[k].kind != '+', nb += op[k].kind != '-';
    strbuf_addstr(out, "@@ ");
    range(out, '-', op[from].ai, na);
    strbuf_addch(out, ' ');
    range(out, '+', op[from].bj, nb);
    strbuf_addstr(out, " @@\n");
    for (size_t k = from; k < to; k++) {
        const struct text *t = op[k].kind == '+' ? b : a;
        size_t at = op[k].kind == '+' ? op[k].bj : op[k].ai, len = t->len[at];
        strbuf_addch(out, op[k].kind);
        strbuf_add(out, t->line[at], len);
        if (t->line[at][len - 1] != '\n')
            strbuf_addstr(out, "\n\\ No newline at end of file\n");
    }
}

static void hunks(struct strbuf *out, const struct op *op, size_t nop, const struct text *a,
                  const struct text *b, size_t ctx)
{
    for (size_t k = 0; k < nop;) {
        while (k < nop && op[k].kind == ' ')
            k++;
        if (k == nop)
            break;
        size_t last = k;
        for (size_t j = k + 1; j < nop && j - last <= 2 * ctx + 1; j++)
            if (op[j].kind != ' ')
                last = j;
        size_t from = k > ctx ? k - ctx : 0, to = last + 1 + ctx < nop ? last + 1 + ctx : nop;
        hunk(out, op, from, to, a, b);
        k = to;
    }
}

int diff_unified(struct strbuf *out, const char *a, size_t alen, const char *b, size_t blen,
                 const char *label_a, const char *label_b, int context)
{
    a = a ? a : "";
    b = b ? b : "";
    if (alen == blen && !memcmp(a, b, alen))
        return 0;
    if (memchr(a, '\0', alen) || memchr(b, '\0', blen)) {
        strbuf_addf(out, "Binary files %s and %s differ\n", label_a, label_b);
        return 1;
    }
    struct text ta, tb;
    struct name_index ix = { NULL, 0, 0 };
    long next = 0;
    split(&ta, a, alen);
    split(&tb, b, blen);
    number_lines(&ta, &ix, &next);
    number_lines(&tb, &ix, &next);
    size_t nop;
    struct op *op = script(&ta, &tb, &nop);
    strbuf_addf(out, "--- %s\n+++ %s\n", label_a, label_b);
    hunks(out, op, nop, &ta, &tb, context > 0 ? (size_t)context : 0);
    free(op);
    name_index_release(&ix);
    text_release(&ta);
    text_release(&tb);
    return 1;
}
