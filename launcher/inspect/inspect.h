/* inspect.h: the commands that read a storage (ls, show, compare, metrics, tail, ...) and
 * the few that edit what a user may edit (tags, notes, removing runs). They run nothing and
 * never touch a run's Sacred files except through record/. Bad input: one line, status 125. */
#ifndef SR_INSPECT_H
#define SR_INSPECT_H

#include "record/runread.h"

struct run_row;

struct inspect_ctx {
    const char *storage; /* -F DIR, else $SACRED_RUN_STORAGE, else ./runs */
    int json;            /* --json: one JSON document on stdout */
    int tty;             /* stdout is a terminal: aligned tables, colours */
    int width;           /* the terminal's columns (0: unknown) */
    struct dbread *db;   /* -s URL (else $SACRED_RUN_DB without -F): storage is its local copy */
};

/* The index of the command word in argv (after an optional leading -F DIR), or 0 when
 * argv is not an inspect command. */
int inspect_wanted(int argc, char **argv);
/* Runs the command at argv[at]; returns the exit status. */
int inspect_main(int argc, char **argv, int at);

/* Options every inspect command takes, for getopt_long tables: -F DIR and --json. */
enum { INSPECT_OPT_JSON = 1000 };
#define INSPECT_LONG_OPTIONS                                                                     \
    { "file_storage", required_argument, NULL, 'F' }, { "sql", required_argument, NULL, 's' },     \
    { "json", no_argument, NULL, INSPECT_OPT_JSON }
/* The short options every command takes, first in its getopt string. */
#define INSPECT_SHORT "F:s:"
/* Handles -F, -s and --json; returns 1 when c was one of them (-s was acted on before the
 * command started: inspect_main opens the database). */
int inspect_common_option(struct inspect_ctx *cx, int c, const char *arg);

/* For getopt_long's '?': dies naming the option that was not understood and the usage. */
_Noreturn void inspect_bad_option(char **argv, const char *usage);

/* Loads run id of the storage, or dies (125) naming the id and how to list the runs. */
void inspect_load(const struct inspect_ctx *cx, const char *id, struct run_doc *d);
/* The same, as a row of runs.h (the effective status, times, column values). */
void inspect_load_row(const struct inspect_ctx *cx, const char *id, struct run_row *row);

/* Prints tree on stdout as one JSON document (Python's layout) and a newline. */
void inspect_print_json(const cJSON *tree);

#endif
