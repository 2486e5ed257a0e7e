/* json_stream.c: the incremental writer of json_stream.h. Its output must equal what
 * json_print writes for the same tree; it holds no more than one key in memory. */
#include "json/json_stream.h"

#include "json/json.h"
#include "util/strbuf.h"

void json_stream_init(struct json_stream *js, FILE *out)
{
    js->out = out;
    js->depth = 0;
    js->empty = 1;
}

static void newline(FILE *out, int depth)
{
    static const char spaces[] = "                                ";
    fputc('\n', out);
    for (int n = 2 * depth; n > 0; n -= (int)sizeof(spaces) - 1)
        fwrite(spaces, 1, n < (int)sizeof(spaces) - 1 ? (size_t)n : sizeof(spaces) - 1, out);
}

/* The separator, indentation and key before a member or element. */
static void begin_item(struct json_stream *js, const char *key)
{
    if (!js->empty)
        fputc(',', js->out);
    if (js->depth)
        newline(js->out, js->depth);
    js->empty = 0;
    if (key) {
        struct strbuf sb = STRBUF_INIT;
        json_quote(&sb, key);
        fwrite(sb.buf, 1, sb.len, js->out);
        fputs(": ", js->out);
        strbuf_release(&sb);
    }
}

void json_stream_open(struct json_stream *js, const char *key, char bracket)
{
    begin_item(js, key);
    fputc(bracket, js->out);
    js->depth++;
    js->empty = 1;
}

void json_stream_value(struct json_stream *js, const char *key, const char *text, size_t n)
{
    begin_item(js, key);
    fwrite(text, 1, n, js->out);
}

void json_stream_close(struct json_stream *js, char bracket)
{
    js->depth--;
    if (!js->empty)
        newline(js->out, js->depth);
    fputc(bracket, js->out);
    js->empty = 0;
}
