/* inspect.c: dispatching the inspect commands and what they share: the storage option,
 * --json, loading a run by id. The command words are reserved the way print_config is:
 * a program of the same name is recorded as ./NAME or after "--". */
#include "inspect/inspect.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "inspect/commands.h"
#include "inspect/runs.h"
#include "inspect/table.h"
#include "json/json.h"
#include "store/dbread.h"
#include "util/error.h"
#include "util/strbuf.h"

static const struct {
    const char *word;
    int (*run)(struct inspect_ctx *cx, int argc, char **argv);
    int reads_db;
} commands[] = {
    INSPECT_COMMANDS { NULL, NULL, 0 }
};

static int find(const char *word)
{
    for (int i = 0; commands[i].word; i++)
        if (!strcmp(word, commands[i].word))
            return i;
    return -1;
}

/* Length of a leading storage option at argv[i] (1 or 2 words), or 0. */
static int storage_option(int argc, char **argv, int i)
{
    if (!strcmp(argv[i], "-F") || !strcmp(argv[i], "--file_storage") || !strcmp(argv[i], "-s")
        || !strcmp(argv[i], "--sql"))
        return i + 1 < argc ? 2 : 0;
    return !strncmp(argv[i], "-F", 2) || !strncmp(argv[i], "--file_storage=", 15)
           || !strncmp(argv[i], "--sql=", 6);
}

/* The database URL of a -s URL, --sql URL or --sql=URL among argv (before "--"), or NULL;
 * *given_f tells whether a -F is there too. */
static const char *db_option(int argc, char **argv, int *given_f)
{
    const char *url = NULL;
    *given_f = 0;
    for (int i = 1; i < argc && strcmp(argv[i], "--"); i++) {
        if ((!strcmp(argv[i], "-s") || !strcmp(argv[i], "--sql")) && i + 1 < argc)
            url = argv[++i];
        else if (!strncmp(argv[i], "--sql=", 6))
            url = argv[i] + 6;
        else if (!strncmp(argv[i], "-F", 2) || !strncmp(argv[i], "--file_storage", 14))
            *given_f = 1;
    }
    return url;
}

/* -s URL (else $SACRED_RUN_DB, when no -F is given): the database's runs, brought into
 * their local copy (unless the command reads them itself), which the command then reads
 * as its storage. */
static void open_database(struct inspect_ctx *cx, int argc, char **argv, int reads_db)
{
    static struct dbread db;
    int given_f;
    const char *env = getenv("SACRED_RUN_DB"), *url = db_option(argc, argv, &given_f);
    if (url && given_f)
        die("-F and -s name two storages; give one");
    if (!url && !given_f && env && *env)
        url = env;
    if (!url)
        return;
    char err[2048];
    if ((reads_db ? dbread_connect : dbread_open)(&db, url, err, sizeof(err)))
        die("%s; check -s (or $SACRED_RUN_DB) and that the database is up", err);
    cx->db = &db;
    cx->storage = db.cache;
}

int inspect_wanted(int argc, char **argv)
{
    int i = 1, k;
    while (i < argc && (k = storage_option(argc, argv, i)) > 0)
        i += k;
    return i < argc && find(argv[i]) >= 0 ? i : 0;
}

int inspect_common_option(struct inspect_ctx *cx, int c, const char *arg)
{
    if (c == 'F')
        cx->storage = arg;
    else if (c == 's')
        ; /* opened by inspect_main */
    else if (c == INSPECT_OPT_JSON)
        cx->json = 1;
    else
        return 0;
    return 1;
}

int inspect_main(int argc, char **argv, int at)
{
    struct inspect_ctx cx = { 0 };
    const char *env = getenv("SACRED_RUN_STORAGE");
    cx.storage = env && *env ? env : "runs";
    for (int i = 1; i < at; i += storage_option(argc, argv, i)) {
        const char *v = !strcmp(argv[i], "-F") || !strcmp(argv[i], "--file_storage") ? argv[i + 1]
                      : argv[i][1] == 'F' ? argv[i] + 2 : strchr(argv[i], '=') + 1;
        if (strcmp(argv[i], "-s") && strncmp(argv[i], "--sql", 5))
            cx.storage = v;
    }
    if (!*cx.storage)
        die("empty storage directory; give -F DIR");
    open_database(&cx, argc, argv, commands[find(argv[at])].reads_db);
    cx.tty = isatty(STDOUT_FILENO);
    cx.width = terminal_width();
    optind = 1;
    opterr = 0; /* inspect_bad_option says it in one line */
    return commands[find(argv[at])].run(&cx, argc - at, argv + at);
}

_Noreturn void inspect_bad_option(char **argv, const char *usage)
{
    die("unknown or incomplete option '%s'; usage: %s", argv[optind - 1], usage);
}

static void check_id(const struct inspect_ctx *cx, const char *id)
{
    if (!*id || strchr(id, '/') || id[0] == '.' || !storage_has_run(cx->storage, id))
        die("no run '%s' in '%s'; 'sacred-run ls -F %s' lists the runs", id, cx->storage,
            cx->storage);
}

void inspect_load(const struct inspect_ctx *cx, const char *id, struct run_doc *d)
{
    check_id(cx, id);
    run_doc_load(d, cx->storage, id);
}

void inspect_load_row(const struct inspect_ctx *cx, const char *id, struct run_row *row)
{
    check_id(cx, id);
    run_row_load(row, cx->storage, id);
}

void inspect_print_json(const cJSON *tree)
{
    struct strbuf sb = STRBUF_INIT;
    json_print(&sb, tree);
    strbuf_addstr(&sb, "\n");
    fwrite(sb.buf, 1, sb.len, stdout);
    strbuf_release(&sb);
}
