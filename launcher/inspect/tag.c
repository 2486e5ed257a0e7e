/* tag.c: `sacred-run tag` and `sacred-run note`: a run's Omniboard tags and notes
 * (omniboard.tags, a list of strings; omniboard.notes, a string). Edits go through
 * record/runedit.h, so a running run's launcher keeps them; no other key is ever changed. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inspect/commands.h"
#include "inspect/inspect.h"
#include "json/json.h"
#include "record/runedit.h"
#include "store/dbread.h"
#include "util/error.h"
#include "util/strbuf.h"

#define TAG_USAGE "sacred-run tag [-F DIR | -s URL] [--json] [--remove] ID [TAG...]"
#define NOTE_USAGE "sacred-run note [-F DIR | -s URL] [--json] [--append] ID [TEXT...]"

struct tag_edit {
    char **tags;
    int ntags;
    int remove;
};

/* Sets *ob to run's "omniboard" object (created when create is set, else NULL when
 * absent). 0, or -1 with err when it is not an object. */
static int omniboard(cJSON *run, int create, cJSON **ob, char *err, size_t errlen)
{
    *ob = cJSON_GetObjectItemCaseSensitive(run, RUN_EDITABLE);
    if (!*ob && create)
        cJSON_AddItemToObject(run, RUN_EDITABLE, *ob = cJSON_CreateObject());
    if (*ob && !cJSON_IsObject(*ob))
        return error_text(err, errlen, "its '" RUN_EDITABLE "' is not a JSON object; fix run.json by hand");
    return 0;
}

static int has_tag(const cJSON *tags, const char *tag)
{
    const cJSON *t;
    cJSON_ArrayForEach(t, tags)
        if (cJSON_IsString(t) && !strcmp(t->valuestring, tag))
            return 1;
    return 0;
}

/* Removes every tags entry equal to tag; 1 when there was one. */
static int remove_tag(cJSON *tags, const char *tag)
{
    int found = 0;
    for (cJSON *t = tags->child, *next; t; t = next) {
        next = t->next;
        if (cJSON_IsString(t) && !strcmp(t->valuestring, tag)) {
            cJSON_Delete(cJSON_DetachItemViaPointer(tags, t));
            found = 1;
        }
    }
    return found;
}

/* Adds (those not there yet, in order) or removes the tags; 1 when the list changed. */
static int edit_tags(cJSON *run, void *arg, char *err, size_t errlen)
{
    struct tag_edit *e = arg;
    cJSON *ob, *tags;
    if (omniboard(run, !e->remove, &ob, err, errlen) < 0)
        return -1;
    if (!(tags = ob ? cJSON_GetObjectItemCaseSensitive(ob, "tags") : NULL) && e->remove)
        return 0;
    if (!tags)
        cJSON_AddItemToObject(ob, "tags", tags = cJSON_CreateArray());
    if (!cJSON_IsArray(tags))
        return error_text(err, errlen, "its omniboard.tags is not a list; fix run.json by hand");
    int changed = 0;
    for (int i = 0; i < e->ntags; i++) {
        if (e->remove)
            changed |= remove_tag(tags, e->tags[i]);
        else if (!has_tag(tags, e->tags[i])) {
            cJSON_AddItemToArray(tags, cJSON_CreateString(e->tags[i]));
            changed = 1;
        }
    }
    return changed;
}

/* Dies unless tag is one a table and a command line can show. */
static void check_tag(const char *tag)
{
    if (!*tag)
        die("empty tag; give a word such as 'baseline'");
    for (const char *p = tag; *p; p++)
        if ((unsigned char)*p < ' ' || *p == 0x7f)
            die("a tag holds a control character (a newline, a tab); tags are one-line words");
}

/* Parses the options of tag/note: the common ones and one flag (--remove, --append). */
static int flag_option(struct inspect_ctx *cx, int argc, char **argv, const char *flag,
                       const char *usage)
{
    const struct option longopts[] = { INSPECT_LONG_OPTIONS, { flag, no_argument, NULL, flag[0] },
                                       { NULL, 0, NULL, 0 } };
    char shorts[16];
    snprintf(shorts, sizeof(shorts), INSPECT_SHORT "%c", flag[0]);
    int set = 0, c;
    while ((c = getopt_long(argc, argv, shorts, longopts, NULL)) != -1) {
        if (c == flag[0])
            set = 1;
        else if (!inspect_common_option(cx, c, optarg))
            inspect_bad_option(argv, usage);
    }
    if (optind >= argc)
        die("no run id given; usage: %s", usage);
    return set;
}

static void print_strings(const struct inspect_ctx *cx, const char *id, const char *key,
                          const cJSON *value)
{
    if (cx->json) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "id", id);
        cJSON_AddItemToObject(o, key, value ? cJSON_Duplicate(value, 1) : cJSON_CreateNull());
        inspect_print_json(o);
        cJSON_Delete(o);
        return;
    }
    const cJSON *t;
    if (cJSON_IsString(value))
        printf("%s\n", value->valuestring);
    if (cJSON_IsArray(value))
        cJSON_ArrayForEach(t, value)
            if (cJSON_IsString(t))
                printf("%s\n", t->valuestring);
}

/* Applies edit to run id; dies naming the run when it fails. */
static void edit_run(const struct inspect_ctx *cx, const char *id, run_edit_fn edit, void *arg)
{
    struct run_doc d;
    char err[512] = "";
    inspect_load(cx, id, &d);
    int rc = cx->db ? dbread_edit(cx->db, id, edit, arg, err, sizeof(err)) : run_edit(d.dir, edit, arg, err, sizeof(err));
    run_doc_release(&d);
    if (rc < 0)
        die("run '%s': %s", id, err);
}

/* Prints what shown finds in run id under the name key (for --json). */
static void show(const struct inspect_ctx *cx, const char *id, const char *key,
                 const cJSON *(*shown)(const cJSON *run))
{
    struct run_doc d;
    inspect_load(cx, id, &d);
    if (!d.run)
        die("run '%s': %s", id, d.error);
    print_strings(cx, id, key, shown(d.run));
    run_doc_release(&d);
}

static const cJSON *tags_shown(const cJSON *run)
{
    return json_get_dotted(run, RUN_EDITABLE ".tags");
}

int cmd_tag(struct inspect_ctx *cx, int argc, char **argv)
{
    struct tag_edit e = { NULL, 0, flag_option(cx, argc, argv, "remove", TAG_USAGE) };
    const char *id = argv[optind];
    e.tags = argv + optind + 1;
    e.ntags = argc - optind - 1;
    for (int i = 0; i < e.ntags; i++)
        check_tag(e.tags[i]);
    if (e.remove && !e.ntags)
        die("no tag to remove given; usage: %s", TAG_USAGE);
    if (e.ntags)
        edit_run(cx, id, edit_tags, &e);
    if (!e.ntags || cx->json)
        show(cx, id, "tags", tags_shown);
    return 0;
}

struct note_edit {
    const char *text;
    int append;
};

/* The note as Omniboard shows it: omniboard.notes, else the run's meta.comment. */
static const cJSON *note_shown(const cJSON *run)
{
    const cJSON *n = json_get_dotted(run, RUN_EDITABLE ".notes");
    return n ? n : json_get_dotted(run, "meta.comment");
}

static int edit_note(cJSON *run, void *arg, char *err, size_t errlen)
{
    struct note_edit *e = arg;
    const cJSON *old = note_shown(run);
    char *text = e->append && cJSON_IsString(old) && *old->valuestring
                   ? xasprintf("%s\n%s", old->valuestring, e->text) : xstrdup(e->text);
    cJSON *ob;
    int rc = omniboard(run, 1, &ob, err, errlen);
    if (rc == 0)
        json_set(ob, "notes", cJSON_CreateString(text));
    free(text);
    return rc < 0 ? -1 : 1;
}

int cmd_note(struct inspect_ctx *cx, int argc, char **argv)
{
    struct note_edit e = { NULL, flag_option(cx, argc, argv, "append", NOTE_USAGE) };
    const char *id = argv[optind];
    struct strbuf text = STRBUF_INIT;
    for (int i = optind + 1; i < argc; i++) {
        if (i > optind + 1)
            strbuf_addch(&text, ' ');
        strbuf_addstr(&text, argv[i]);
    }
    if (e.append && optind + 1 == argc)
        die("no text to append given; usage: %s", NOTE_USAGE);
    e.text = text.buf ? text.buf : "";
    if (optind + 1 < argc)
        edit_run(cx, id, edit_note, &e);
    if (optind + 1 == argc || cx->json)
        show(cx, id, "notes", note_shown);
    strbuf_release(&text);
    return 0;
}
