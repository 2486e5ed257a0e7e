/* log_cmd.c: the report client. It turns its arguments into one protocol line (paths made
 * absolute, JSON newlines folded), sends it with a sync, and prints the launcher's answer. */
#include "report/log_cmd.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "util/error.h"
#include "util/io.h"
#include "util/strbuf.h"
#include "util/unixsock.h"

#define REPORT_ENV "SACRED_REPORT_SOCKET"

static const char usage_text[] =
    "usage: sacred-run log scalar NAME VALUE [STEP]\n"
    "       sacred-run log info KEY JSON       (dotted KEY nests: optim.lr)\n"
    "       sacred-run log result JSON\n"
    "       sacred-run log artifact PATH [NAME]\n"
    "       sacred-run log resource PATH\n";

static int usage(void)
{
    fputs(usage_text, stderr);
    return 2;
}

static void add_word(struct strbuf *sb, const char *w)
{
    strbuf_addch(sb, ' ');
    for (; *w; w++)
        strbuf_addch(sb, *w == '\n' ? ' ' : *w);
}

static void add_path(struct strbuf *sb, const char *p)
{
    char cwd[PATH_MAX];
    if (p[0] != '/' && getcwd(cwd, sizeof(cwd)))
        strbuf_addf(sb, " %s/%s", cwd, p);
    else
        strbuf_addf(sb, " %s", p);
}

/* 1 if s can be a single protocol word (a name, a value, a step). */
static int is_word(const char *s)
{
    return *s && !strpbrk(s, " \n\t");
}

/* The protocol line for argv, or -1 (usage). Names and numbers are single words; JSON
 * and paths may contain spaces. */
static int build_line(int argc, char **argv, struct strbuf *sb)
{
    const char *verb = argv[1];
    int n = argc - 2;
    for (int i = 2; i < argc; i++)
        if (!*argv[i])
            return -1;
    if ((!strcmp(verb, "scalar") && n >= 2 && !(is_word(argv[2]) && is_word(argv[3])
                                                 && (n < 3 || is_word(argv[4]))))
        || (!strcmp(verb, "info") && n >= 1 && !is_word(argv[2]))
        || (!strcmp(verb, "artifact") && n == 2 && !is_word(argv[3])))
        return -1;
    strbuf_addstr(sb, verb);
    if (!strcmp(verb, "scalar") && (n == 2 || n == 3))
        for (int i = 2; i < argc; i++)
            add_word(sb, argv[i]);
    else if (!strcmp(verb, "info") && n == 2) {
        add_word(sb, argv[2]);
        add_word(sb, argv[3]);
    } else if (!strcmp(verb, "result") && n == 1)
        add_word(sb, argv[2]);
    else if (!strcmp(verb, "artifact") && (n == 1 || n == 2)) {
        add_word(sb, n == 2 ? argv[3] : "-");
        add_path(sb, argv[2]);
    } else if (!strcmp(verb, "resource") && n == 1)
        add_path(sb, argv[2]);
    else
        return -1;
    strbuf_addstr(sb, "\nsync\n");
    return 0;
}

/* Reads the launcher's replies up to "ok N"; prints errors; returns how many. */
static int read_replies(int fd)
{
    struct strbuf in = STRBUF_INIT;
    char buf[4096];
    ssize_t n;
    int errors = 0, done = 0;
    while (!done && (n = read(fd, buf, sizeof(buf))) > 0) {
        strbuf_add(&in, buf, (size_t)n);
        char *line = in.buf, *nl;
        while ((nl = strchr(line, '\n'))) {
            *nl = '\0';
            if (!strncmp(line, "ok ", 3))
                done = 1;
            else if (!strncmp(line, "error ", 6)) {
                char *msg = strchr(line, ':');
                error("%s", msg ? msg + 2 : line);
                errors++;
            }
            line = nl + 1;
        }
        size_t left = strlen(line);
        memmove(in.buf, line, left + 1);
        in.len = left;
    }
    strbuf_release(&in);
    return done ? errors : errors + 1;
}

int log_command(int argc, char **argv)
{
    set_program_name("sacred-run log");
    struct strbuf line = STRBUF_INIT;
    if (argc < 2 || build_line(argc, argv, &line) < 0) {
        strbuf_release(&line);
        return usage();
    }
    const char *path = getenv(REPORT_ENV);
    if (!path || !*path) {
        warning("not inside a sacred-run run; nothing recorded");
        strbuf_release(&line);
        return 0;
    }
    int fd = unix_socket_connected(path, SOCK_STREAM | SOCK_CLOEXEC);
    if (fd < 0) {
        warning("the run's launcher is gone (%s); nothing recorded", strerror(errno));
        strbuf_release(&line);
        return 0;
    }
    int rc = write_full(fd, line.buf, line.len) < 0 ? 1 : read_replies(fd) ? 1 : 0;
    close(fd);
    strbuf_release(&line);
    return rc;
}
