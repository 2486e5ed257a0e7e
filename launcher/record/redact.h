/* redact.h: what the record must not hold in clear. A name is secret when it contains
 * (case-insensitively; '-' and '.' count as '_') a built-in or --env-deny pattern and is
 * not named by --env-allow. Values under secret names, the values after secret options
 * (--password X, --password=X) and the password of a URL (scheme://user:SECRET@host) are
 * replaced by REDACTED_MARKER. Every function is idempotent: a redacted value stays as it is. */
#ifndef SR_REDACT_H
#define SR_REDACT_H

#include <stddef.h>

#include <cjson/cJSON.h>

#define REDACTED_MARKER "<redacted by sacred-run>"

struct redact_rules {
    const char **deny;  /* extra substrings, case-insensitive */
    int ndeny;
    const char **allow; /* exact names kept as they are */
    int nallow;
};

/* 1 if the variable, option or key called name (up to '=' or NUL) is a secret. */
int redact_name(const struct redact_rules *r, const char *name);

/* text with secrets replaced, newly allocated, or NULL when it holds none. Words
 * "NAME=VALUE", "--NAME=VALUE" and "--NAME VALUE" with a secret NAME lose VALUE; URLs
 * lose their password. With whole (one argv word), "NAME=..." and "--NAME=..." lose all
 * after '='. */
char *redact_text(const struct redact_rules *r, const char *text, int whole);

/* An argv as a JSON list of strings, in place: also a word after a secret "--NAME". */
void redact_argv(const struct redact_rules *r, cJSON *argv);

/* A configuration tree, in place: scalars and lists under a secret key (its dotted path
 * joined with '_', as exported to the program) become the marker; booleans and null stay;
 * strings elsewhere go through redact_text. Returns 1 if anything changed. */
int redact_config(const struct redact_rules *r, cJSON *tree);

/* run.json, in place: host.ENV, program.argv and argv_given, processes[].argv, meta
 * (config_updates as a configuration, options.UPDATE as argv, config_sources' details as
 * words, every other string as text), fail_trace and the repositories' URLs. */
void redact_run(const struct redact_rules *r, cJSON *run);

#endif
