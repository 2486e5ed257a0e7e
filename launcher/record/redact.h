/* redact.h: which environment variables are secrets. A name is redacted when it contains
 * (case-insensitively) a built-in or --env-deny pattern and is not named by --env-allow. */
#ifndef SR_REDACT_H
#define SR_REDACT_H

#define REDACTED_MARKER "<redacted by sacred-run>"

struct redact_rules {
    const char **deny;  /* extra substrings, case-insensitive */
    int ndeny;
    const char **allow; /* exact names kept as they are */
    int nallow;
};

/* 1 if the variable called name (up to '=' or NUL) must be redacted. */
int redact_name(const struct redact_rules *r, const char *name);

#endif
