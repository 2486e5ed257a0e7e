/* runtext.c: the text forms of runtext.h. Shell words are bare when they hold only safe
 * characters, else single-quoted; nothing here looks at the file system. */
#include "inspect/runtext.h"

#include <string.h>

#include "json/json.h"
#include "util/error.h"

const char *run_text(const cJSON *obj, const char *path)
{
    const cJSON *v = json_get_dotted(obj, path);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* A word as a shell reads it back, after a space. */
static void add_word(struct strbuf *sb, const char *w)
{
    if (sb->len)
        strbuf_addch(sb, ' ');
    strbuf_add_shell_word(sb, w);
}

void run_add_words(struct strbuf *sb, const cJSON *list)
{
    for (const cJSON *w = cJSON_IsArray(list) ? list->child : NULL; w; w = w->next)
        if (cJSON_IsString(w))
            add_word(sb, w->valuestring);
}

/* "with UPDATE..." as typed, when there were updates. */
static void add_updates(struct strbuf *sb, const cJSON *run)
{
    const cJSON *updates = json_get_dotted(run, "meta.options.UPDATE");
    if (cJSON_IsTrue(json_get_dotted(run, "meta.options.with")) || cJSON_GetArraySize(updates) > 0) {
        add_word(sb, "with");
        run_add_words(sb, updates);
    }
}

char *run_command_line(const cJSON *run)
{
    struct strbuf sb = STRBUF_INIT;
    const cJSON *argv = json_get_dotted(run, "program.argv");
    if (cJSON_IsArray(argv))
        run_add_words(&sb, argv);
    else {
        const char *main = run_text(run, "experiment.mainfile"), *cmd = run_text(run, "meta.options.COMMAND");
        if (main)
            add_word(&sb, main);
        if (cmd)
            add_word(&sb, cmd);
        add_updates(&sb, run);
    }
    return sb.len ? strbuf_detach(&sb) : xstrdup("");
}

char *run_command_typed(const cJSON *run, const char *command)
{
    const cJSON *given = json_get_dotted(run, "program.argv_given");
    if (!cJSON_IsArray(given))
        return NULL;
    struct strbuf sb = STRBUF_INIT;
    run_add_words(&sb, given);
    add_updates(&sb, run);
    if (!sb.len || !strcmp(sb.buf, command)) {
        strbuf_release(&sb);
        return NULL;
    }
    return strbuf_detach(&sb);
}

char *run_host_gpus(const cJSON *host)
{
    const cJSON *gpus = cJSON_GetObjectItemCaseSensitive(host, "gpus");
    struct strbuf sb = STRBUF_INIT;
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(gpus, "gpus");
    for (const cJSON *g = cJSON_IsArray(list) ? list->child : NULL; g; g = g->next) {
        const cJSON *mem = cJSON_GetObjectItemCaseSensitive(g, "total_memory");
        strbuf_addf(&sb, "%s%s", sb.len ? ", " : "", run_text(g, "model") ? run_text(g, "model") : "?");
        if (cJSON_IsRaw(mem))
            strbuf_addf(&sb, " (%s MiB)", mem->valuestring);
    }
    if (sb.len && run_text(gpus, "driver_version"))
        strbuf_addf(&sb, "; driver %s", run_text(gpus, "driver_version"));
    return strbuf_detach(&sb);
}


const char *run_host_os(const cJSON *host)
{
    const cJSON *os = cJSON_GetObjectItemCaseSensitive(host, "os");
    const cJSON *platform = cJSON_IsArray(os) ? cJSON_GetArrayItem(os, 1) : os;
    return cJSON_IsString(platform) ? platform->valuestring : NULL;
}

char *run_host_cpu(const cJSON *host)
{
    const char *cpu = run_text(host, "cpu");
    const cJSON *cores = cJSON_GetObjectItemCaseSensitive(host, "cpu_count");
    if (!cpu)
        return NULL;
    return cJSON_IsRaw(cores) ? xasprintf("%s (%s cores)", cpu, cores->valuestring) : xstrdup(cpu);
}
