/* pyliteral.h: configuration values written as Sacred reads them after "with": Python
 * literals (numbers with 0x/0o/0b and '_', 'strings', True/False/None, lists, tuples as
 * lists, dicts), plus JSON's true/false/null; any other bare word is a string. */
#ifndef SR_PYLITERAL_H
#define SR_PYLITERAL_H

#include <stddef.h>

#include <cjson/cJSON.h>

/* Parses text. Text that starts like a literal ([ ( { ' ") must be one: otherwise NULL and
 * a one-line reason in err. An empty value is an error too. */
cJSON *pyliteral_parse(const char *text, char *err, size_t errlen);

/* The same, but never fails: what cannot be parsed is a string (for program options). */
cJSON *pyliteral_parse_lenient(const char *text);

#endif
