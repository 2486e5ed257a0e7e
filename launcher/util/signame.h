/* signame.h: a signal's name as run records spell it ("SIGSEGV"), also for a number glibc
 * has no abbreviation for ("SIG?"). No allocation. */
#ifndef SR_SIGNAME_H
#define SR_SIGNAME_H

enum { SIGNAME_LEN = 16 };

/* Writes the name into buf and returns buf. */
const char *signal_name(int sig, char buf[SIGNAME_LEN]);

#endif
