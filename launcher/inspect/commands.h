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

/* The command table: word and function, in the order `sacred-run --help` lists them. */
#define INSPECT_COMMANDS \
    { "ls", cmd_ls }, { "show", cmd_show }, { "compare", cmd_compare }, { "metrics", cmd_metrics }, \
    { "tail", cmd_tail }, { "tag", cmd_tag }, { "note", cmd_note }, { "rm", cmd_rm }, { "gc", cmd_gc }, \
    { "serve", cmd_serve }, { "report", cmd_report },

#endif
