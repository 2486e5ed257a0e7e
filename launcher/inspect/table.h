/* table.h: what the inspect commands print, as a table: on a terminal aligned columns
 * fitted to its width, with colours; otherwise one line per row, cells separated by tabs
 * (tabs and newlines inside a cell become spaces). Never reads the storage. */
#ifndef SR_TABLE_H
#define SR_TABLE_H

#include <stddef.h>
#include <stdio.h>

struct table {
    size_t ncols, nrows;  /* rows after the header */
    char **cells;         /* (nrows + 1) * ncols texts, row 0 the header; owned */
    const char **colour;  /* an ANSI colour for each cell, or NULL */
};

void table_init(struct table *t, size_t ncols, const char *const *header);
/* Starts a row; its cells are empty until set. */
void table_add_row(struct table *t);
/* Sets a cell of the last row (copied); colour is an ANSI SGR code ("32") or NULL. */
void table_set(struct table *t, size_t col, const char *text, const char *colour);
/* Prints the header and the rows: aligned and coloured when tty (width: the terminal's
 * columns, 0 for no limit), tab-separated otherwise. */
void table_print(const struct table *t, FILE *out, int tty, int width);
enum { TABLE_COLOUR = 1, TABLE_NO_HEADER = 2 };
/* Prints the rows aligned, each line after indent, fitted to width (0: no limit); with
 * TABLE_COLOUR in colours (the header bold), with TABLE_NO_HEADER without the header. */
void table_print_aligned(const struct table *t, FILE *out, int flags, int width, const char *indent);
void table_release(struct table *t);

/* The colour a run status is shown in on a terminal. */
const char *status_colour(const char *status);
/* The terminal's width for stdout (0 when it is not a terminal). */
int terminal_width(void);

#endif
