/* cout.h: cout.txt, grown by appending completed lines; the pending last line is shown by
 * rewriting only the file's tail. Never re-reads the file, never rewrites committed text.
 * After a write fails, cout.txt keeps what it has and later text is only counted as lost,
 * so the file is always a true beginning of the output, never one with a hole. */
#ifndef SR_COUT_H
#define SR_COUT_H

#include <stddef.h>
#include <sys/types.h>

struct cout_file {
    int fd;
    off_t committed; /* bytes of completed text */
    off_t visible;   /* file length: committed plus a shown pending tail */
    int failed;      /* errno of the first failed write, or 0 */
    unsigned long long lost; /* bytes of output not in the file, after the failure */
};

/* Creates (empty) or opens dir/cout.txt. 0 or -1 with errno. */
int cout_open(struct cout_file *c, int dirfd);
/* Appends completed text at the committed end. -1 with errno for the first failure only;
 * after it, text is counted in lost and 0 returned. */
int cout_append(struct cout_file *c, const char *buf, size_t n);
/* Shows the pending line after the committed text (replacing the previous tail). Fails
 * like cout_append. */
int cout_show_pending(struct cout_file *c, const char *buf, size_t n);
/* Cuts the file back to its committed text (after a failure it may hold a partial tail). */
void cout_close(struct cout_file *c);

#endif
