/* sync.h: `sacred-run sync [-s URL]`: records into their databases the runs whose journal
 * entries are still pending (store/journal.h). Exit status: 0 when none is left, 1 when
 * some database still lacks a run, 125 for bad input. */
#ifndef SR_SYNC_H
#define SR_SYNC_H

int sync_command(int argc, char **argv);

#endif
