/* table.c: aligned or tab-separated output. Widths count characters (UTF-8), and a
 * table too wide for the terminal has its widest columns cut with an ellipsis. */
#include "inspect/table.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "util/error.h"
#include "util/utf8.h"

enum { LONG_TEXT = 26, SHORT_TEXT = 13, GAP = 2 };

void table_init(struct table *t, size_t ncols, const char *const *header)
{
    memset(t, 0, sizeof(*t));
    t->ncols = ncols;
    t->cells = xcalloc(ncols, sizeof(*t->cells));
    t->colour = xcalloc(ncols, sizeof(*t->colour));
    for (size_t c = 0; c < ncols; c++)
        t->cells[c] = xstrdup(header[c]);
}

void table_add_row(struct table *t)
{
    size_t old = (t->nrows + 1) * t->ncols, now = old + t->ncols;
    t->cells = xrealloc(t->cells, now * sizeof(*t->cells));
    t->colour = xrealloc(t->colour, now * sizeof(*t->colour));
    for (size_t i = old; i < now; i++) {
        t->cells[i] = xstrdup("");
        t->colour[i] = NULL;
    }
    t->nrows++;
}

void table_set(struct table *t, size_t col, const char *text, const char *colour)
{
    size_t i = t->nrows * t->ncols + col;
    free(t->cells[i]);
    t->cells[i] = xstrdup(text ? text : "");
    for (char *p = t->cells[i]; *p; p++)
        if (*p == '\t' || *p == '\n' || *p == '\r')
            *p = ' ';
    t->colour[i] = colour;
}

/* Characters in s (each invalid byte counts as one, as Python would show it). */
static size_t chars(const char *s)
{
    size_t n = 0, len = strlen(s);
    uint32_t cp;
    for (size_t i = 0; i < len; n++)
        i += utf8_char((const unsigned char *)s + i, len - i, 0, &cp);
    return n;
}

/* Bytes of s that hold its first k characters. */
static size_t prefix_bytes(const char *s, size_t k)
{
    size_t i = 0, len = strlen(s);
    uint32_t cp;
    while (k-- && i < len)
        i += utf8_char((const unsigned char *)s + i, len - i, 0, &cp);
    return i;
}

/* Column widths: the widest cell of each, then the widest cut until the row fits. */
static size_t *fit_widths(const struct table *t, int width)
{
    size_t *w = xcalloc(t->ncols, sizeof(*w)), total = 0;
    for (size_t r = 0; r <= t->nrows; r++)
        for (size_t c = 0; c < t->ncols; c++) {
            size_t n = chars(t->cells[r * t->ncols + c]);
            if (n > w[c])
                w[c] = n;
        }
    for (size_t c = 0; c < t->ncols; c++)
        total += w[c] + (c ? GAP : 0);
    /* Long texts (names, results, comments) give way first, then anything longer than a
     * status; a table that still does not fit runs over rather than cut ids and statuses. */
    static const size_t floors[] = { LONG_TEXT, SHORT_TEXT };
    for (size_t f = 0; f < 2 && width > 0 && total > (size_t)width; f++) {
        size_t widest = 0, floor = floors[f];
        while (total > (size_t)width) {
            for (size_t c = 1; c < t->ncols; c++)
                if (w[c] > w[widest])
                    widest = c;
            if (w[widest] <= floor)
                break;
            w[widest]--;
            total--;
        }
    }
    return w;
}

static void print_cell(FILE *out, const char *s, const char *colour, size_t width, int last)
{
    size_t n = chars(s);
    int cut = n > width;
    size_t shown = cut ? width - 1 : n;
    if (colour)
        fprintf(out, "\033[%sm", colour);
    fwrite(s, 1, prefix_bytes(s, shown), out);
    if (cut)
        fputs("\xe2\x80\xa6", out); /* … */
    if (colour)
        fputs("\033[0m", out);
    if (!last)
        fprintf(out, "%*s", (int)(width - (cut ? width : n) + GAP), "");
}

void table_print_aligned(const struct table *t, FILE *out, int flags, int width, const char *indent)
{
    int room = width > 0 ? width - (int)strlen(indent) : 0;
    size_t *w = fit_widths(t, room > 0 ? room : 0);
    for (size_t r = (flags & TABLE_NO_HEADER) ? 1 : 0; r <= t->nrows; r++) {
        fputs(indent, out);
        for (size_t c = 0; c < t->ncols; c++) {
            const char *colour = !(flags & TABLE_COLOUR) ? NULL : r ? t->colour[r * t->ncols + c] : "1";
            print_cell(out, t->cells[r * t->ncols + c], colour, w[c], c + 1 == t->ncols);
        }
        fputc('\n', out);
    }
    free(w);
}

void table_print(const struct table *t, FILE *out, int tty, int width)
{
    if (tty) {
        table_print_aligned(t, out, TABLE_COLOUR, width, "");
        return;
    }
    for (size_t r = 0; r <= t->nrows; r++)
        for (size_t c = 0; c < t->ncols; c++)
            fprintf(out, "%s%s%s", c ? "\t" : "", t->cells[r * t->ncols + c], c + 1 == t->ncols ? "\n" : "");
}

void table_release(struct table *t)
{
    for (size_t i = 0; i < (t->nrows + 1) * t->ncols; i++)
        free(t->cells[i]);
    free(t->cells);
    free(t->colour);
    memset(t, 0, sizeof(*t));
}

const char *status_colour(const char *status)
{
    static const struct { const char *status, *colour; } map[] = {
        { "COMPLETED", "32" }, { "RUNNING", "34" },    { "QUEUED", "36" },
        { "FAILED", "31" },    { "DIED", "31;1" },     { "INTERRUPTED", "33" },
        { "PROBABLY_DEAD", "35" }, { "ERROR", "31;7" },
    };
    for (size_t i = 0; status && i < sizeof(map) / sizeof(*map); i++)
        if (!strcmp(status, map[i].status))
            return map[i].colour;
    return NULL;
}

int terminal_width(void)
{
    struct winsize ws;
    if (!isatty(STDOUT_FILENO))
        return 0;
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
        return ws.ws_col;
    const char *cols = getenv("COLUMNS");
    return cols && atoi(cols) > 0 ? atoi(cols) : 80;
}
