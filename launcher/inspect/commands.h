/* commands.h: the inspect commands, one function each (argv[0] is the command word; each
 * parses its own options with getopt_long and INSPECT_LONG_OPTIONS). Exit status: 0, or
 * 125 for bad input (die), as the README documents. */
#ifndef SR_INSPECT_COMMANDS_H
#define SR_INSPECT_COMMANDS_H

struct inspect_ctx;

int cmd_ls(struct inspect_ctx *cx, int argc, char **argv);
int cmd_show(struct inspect_ctx *cx, int argc, char **argv);
int cmd_compare(struct inspect_ctx *cx, int argc, char **argv);
int cmd_metrics(struct inspect_ctx *cx, int argc, char **argv);
int cmd_tail(struct inspect_ctx *cx, int argc, char **argv);
int cmd_tag(struct inspect_ctx *cx, int argc, char **argv);
int cmd_note(struct inspect_ctx *cx, int argc, char **argv);
int cmd_rm(struct inspect_ctx *cx, int argc, char **argv);
int cmd_gc(struct inspect_ctx *cx, int argc, char **argv);
/* dashboard/serve.c: the live dashboard; dashboard/report.c: its views as one HTML file. */
int cmd_serve(struct inspect_ctx *cx, int argc, char **argv);
int cmd_report(struct inspect_ctx *cx, int argc, char **argv);

/* The command table: word, function, and whether the command reads a database's runs
 * itself (1: inspect_ctx.db is connected and its local copy left for the command to bring
 * up to date when it needs it; 0: the copy is brought up to date before the command
 * starts), in the order `sacred-run --help` lists them. */
#define INSPECT_COMMANDS \
    { "ls", cmd_ls, 1 }, { "show", cmd_show, 0 }, { "compare", cmd_compare, 0 }, \
    { "metrics", cmd_metrics, 0 }, { "tail", cmd_tail, 0 }, { "tag", cmd_tag, 0 }, \
    { "note", cmd_note, 0 }, { "rm", cmd_rm, 0 }, { "gc", cmd_gc, 0 }, { "serve", cmd_serve, 0 }, \
    { "report", cmd_report, 0 },

#endif
