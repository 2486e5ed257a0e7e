/* at_writes.c: writes files in every way a tool may, each into its own name under d1/ or
 * d2/ (which it creates): relative to directory fds (openat, openat64, openat2), renamed
 * (renameat, renameat2), linked (link, linkat, an O_TMPFILE file linked into place), made
 * by the mkstemp family and creat, each with its 64-bit twin. Then it makes calls of that
 * kind fail and prints each result with its errno (the same with and without the preload). */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static void put(int fd, const char *what)
{
    if (fd < 0) {
        printf("%s failed: %s\n", what, strerror(errno));
        exit(1);
    }
    (void)!write(fd, what, strlen(what));
    close(fd);
}

/* A temporary name in dir, written, then given the name to with renameat or renameat2. */
static void rename_into(int dir, const char *to, int two)
{
    char tmp[64];
    snprintf(tmp, sizeof(tmp), ".%s.tmp", to);
    put(openat(dir, tmp, O_WRONLY | O_CREAT | O_EXCL, 0644), tmp);
    int rc = two ? renameat2(dir, tmp, dir, to, RENAME_NOREPLACE) : renameat(dir, tmp, dir, to);
    if (rc != 0)
        printf("rename %s: %s\n", to, strerror(errno));
}

/* An unnamed file in d2, linked into place as to: through its fd (AT_EMPTY_PATH, which
 * needs CAP_DAC_READ_SEARCH) or through its /proc/self/fd link. */
static void tmpfile_into(int dir, const char *to, int empty_path)
{
    int fd = openat(dir, ".", O_TMPFILE | O_WRONLY, 0644);
    if (fd < 0) {
        printf("O_TMPFILE: %s\n", strerror(errno));
        exit(1);
    }
    (void)!write(fd, to, strlen(to));
    char proc[64];
    snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
    if (!(empty_path && linkat(fd, "", dir, to, AT_EMPTY_PATH) == 0)
        && linkat(AT_FDCWD, proc, dir, to, AT_SYMLINK_FOLLOW) != 0)
        printf("linkat %s: %s\n", to, strerror(errno));
    close(fd);
}

/* A file made from a template by one of the mkstemp family, then renamed to its name. */
static void made(int fd, const char *tmpl, const char *name)
{
    char to[64];
    snprintf(to, sizeof(to), "d1/%s.txt", name);
    put(fd, name);
    if (rename(tmpl, to) != 0)
        printf("rename %s: %s\n", tmpl, strerror(errno));
}

#define MAKE(call, name, tmpl_text)                                                         \
    do {                                                                                    \
        char tmpl[] = tmpl_text;                                                            \
        made(call, tmpl, name);                                                             \
    } while (0)

static void mkstemp_family(void)
{
    MAKE(mkstemp(tmpl), "mkstemp", "d1/aXXXXXX");
    MAKE(mkstemp64(tmpl), "mkstemp64", "d1/bXXXXXX");
    MAKE(mkostemp(tmpl, O_CLOEXEC), "mkostemp", "d1/cXXXXXX");
    MAKE(mkostemp64(tmpl, O_CLOEXEC), "mkostemp64", "d1/dXXXXXX");
    MAKE(mkstemps(tmpl, 4), "mkstemps", "d1/eXXXXXX.tmp");
    MAKE(mkstemps64(tmpl, 4), "mkstemps64", "d1/fXXXXXX.tmp");
    MAKE(mkostemps(tmpl, 4, O_CLOEXEC), "mkostemps", "d1/gXXXXXX.tmp");
    MAKE(mkostemps64(tmpl, 4, O_CLOEXEC), "mkostemps64", "d1/hXXXXXX.tmp");
}

static void show(const char *what, long rc)
{
    printf("%s rc=%ld errno=%s\n", what, rc, rc < 0 ? strerrorname_np(errno) : "-");
}

/* Calls that fail: each result and errno must be what libc gives without the preload. */
static void failures(int d1)
{
    struct open_how how = { .flags = O_RDONLY };
    errno = 0;
    show("openat", openat(d1, "missing/x", O_RDONLY));
    errno = 0;
    show("openat2", syscall(SYS_openat2, d1, "missing/x", &how, sizeof(how)));
    errno = 0;
    show("renameat", renameat(d1, "missing", d1, "x"));
    errno = 0;
    show("renameat2", renameat2(d1, "creat.txt", d1, "creat64.txt", RENAME_NOREPLACE));
    errno = 0;
    show("linkat", linkat(d1, "missing", d1, "x", 0));
    errno = 0;
    show("link", link("d1/creat.txt", "d1/creat64.txt"));
    char bad[] = "d1/noX";
    errno = 0;
    show("mkstemp", mkstemp(bad));
    errno = 0;
    show("creat", creat("missing/x", 0644));
    errno = 0;
    show("getpid", syscall(SYS_getpid) == getpid() ? 0 : -1);
}

int main(void)
{
    mkdir("d1", 0755);
    mkdir("d2", 0755);
    int d1 = open("d1", O_RDONLY | O_DIRECTORY), d2 = open("d2", O_PATH | O_DIRECTORY);
    put(openat(d1, "same.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644), "same in d1");
    put(openat64(d2, "same.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644), "same in d2");
    struct open_how how = { .flags = O_WRONLY | O_CREAT | O_TRUNC, .mode = 0644 };
    put((int)syscall(SYS_openat2, d2, "openat2.txt", &how, sizeof(how)), "openat2");
    rename_into(d1, "renameat.txt", 0);
    rename_into(d2, "renameat2.txt", 1);
    tmpfile_into(d2, "tmpfile-fd.txt", 1);
    tmpfile_into(d2, "tmpfile-proc.txt", 0);
    put(creat("d1/creat.txt", 0644), "creat");
    put(creat64("d1/creat64.txt", 0644), "creat64");
    put(openat(AT_FDCWD, "d1/orig.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644), "orig");
    if (link("d1/orig.txt", "d2/link.txt") != 0 || linkat(d1, "orig.txt", d2, "linkat.txt", 0) != 0)
        printf("link: %s\n", strerror(errno));
    mkstemp_family();
    failures(d1);
    return 0;
}
