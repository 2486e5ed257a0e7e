/* cout.h: cout.txt, grown by appending completed lines; the pending last line is shown by
 * rewriting only the file's tail. Never re-reads the file, never rewrites committed text. */
#ifndef SR_COUT_H
#define SR_COUT_H

#include <stddef.h>
#include <sys/types.h>

struct cout_file {
    int fd;
    off_t committed; /* bytes of completed text */
    off_t visible;   /* file length: committed plus a shown pending tail */
};

/* Creates (empty) or opens dir/cout.txt. 0 or -1 with errno. */
int cout_open(struct cout_file *c, int dirfd);
/* Appends completed text at the committed end. */
int cout_append(struct cout_file *c, const char *buf, size_t n);
/* Shows the pending line after the committed text (replacing the previous tail). */
int cout_show_pending(struct cout_file *c, const char *buf, size_t n);
void cout_close(struct cout_file *c);

#endif
