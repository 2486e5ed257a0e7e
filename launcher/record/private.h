/* private.h: files that are never copied into a storage, whoever asks: configuration in
 * a home directory ($HOME, and the user's home from the password database) and credential
 * files by name anywhere. They may be listed by path, never by content. */
#ifndef SR_PRIVATE_H
#define SR_PRIVATE_H

#include <stddef.h>

/* 1 if path (absolute, resolved) is private: a dotfile directly in a home directory, a
 * file under ~/.config, ~/.ssh, ~/.gnupg, ~/.aws, ~/.azure, ~/.docker, ~/.kube or
 * ~/.password-store, or one named like a credential file (.netrc, .pgpass, .env, ...). */
int private_file(const char *path);

/* 0 if path is not private, else -1 with a one-line reason naming it in err. */
int private_refuse(const char *path, char *err, size_t errlen);

/* 1 if path is directly in a home directory (a dotfile or not). */
int private_home_top(const char *path);

#endif
