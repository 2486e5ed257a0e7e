/* export.h: `sacred-run export --from DIR_OR_URL (--to DIR_OR_URL | --mongo-dump OUTDIR
 * [--db NAME]) [ID...]`: copies runs of a storage into another, or into a dump for
 * MongoDB (README, "Copying runs between storages", "Exporting for MongoDB users"). Exit
 * status: 0 every run exported, 1 some run could not be (named on stderr; the others
 * are), 125 bad input or a failed write of a dump (nothing is left behind). */
#ifndef SR_EXPORT_H
#define SR_EXPORT_H

int export_command(int argc, char **argv);

#endif
