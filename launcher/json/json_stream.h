/* json_stream.h: one JSON document written piece by piece in json_print's layout (one item
 * a line, indent 2), for documents too large to build as a tree. The caller gives an
 * object's keys in sorted order, and values as their JSON text; nothing is checked. */
#ifndef SR_JSON_STREAM_H
#define SR_JSON_STREAM_H

#include <stddef.h>
#include <stdio.h>

struct json_stream {
    FILE *out;
    int depth;
    int empty; /* nothing written yet in the innermost open container */
};

void json_stream_init(struct json_stream *js, FILE *out);
/* Opens an object ('{') or an array ('['): as the member key of the enclosing object, or
 * (key NULL) as an element of an array or the document itself. */
void json_stream_open(struct json_stream *js, const char *key, char bracket);
/* A value given as its JSON text ("0.5", "\"x\"", "NaN"), as member key or element. */
void json_stream_value(struct json_stream *js, const char *key, const char *text, size_t n);
/* Closes the innermost container ('}' or ']'). */
void json_stream_close(struct json_stream *js, char bracket);

#endif
