/* export.c: the export command (export.h): its options, the storage read (a directory, or
 * a database through its local copy, store/dbread.h), the runs chosen, and the
 * destination (--to: store/copyruns.h; --mongo-dump: store/mongodump.h). All input is checked before anything is
 * written, and a dump that fails is removed. */
#include "store/export.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "record/runread.h"
#include "store/copyruns.h"
#include "store/dbread.h"
#include "store/mongodump.h"
#include "util/error.h"
#include "util/strbuf.h"

static const char usage[] = "usage: sacred-run export --from DIR|URL (--to DIR|URL | --mongo-dump OUTDIR [--db NAME]) [ID...]";

struct export_opts {
    const char *from;       /* --from: a file storage, or a database's URL */
    const char *to;         /* --to: another storage, a directory or a database's URL */
    const char *mongo_dump; /* --mongo-dump OUTDIR: a dump for mongorestore */
    const char *db;         /* --db NAME: the dump's database (Sacred's default "sacred") */
    char **ids;             /* the runs asked for, or none: every run */
    int nids;
};

enum { OPT_FROM = 256, OPT_TO, OPT_MONGO_DUMP, OPT_DB };

static void set_once(const char **slot, const char *name, const char *arg)
{
    if (*slot)
        die("%s given twice; %s", name, usage);
    if (!*arg)
        die("%s ''; %s", name, usage);
    *slot = arg;
}

static void parse(int argc, char **argv, struct export_opts *o)
{
    static const struct option opts[] = { { "from", required_argument, NULL, OPT_FROM },
                                          { "to", required_argument, NULL, OPT_TO },
                                          { "mongo-dump", required_argument, NULL, OPT_MONGO_DUMP },
                                          { "db", required_argument, NULL, OPT_DB },
                                          { "help", no_argument, NULL, 'h' },
                                          { NULL, 0, NULL, 0 } };
    int c;
    memset(o, 0, sizeof(*o));
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c == OPT_FROM)
            set_once(&o->from, "--from", optarg);
        else if (c == OPT_TO)
            set_once(&o->to, "--to", optarg);
        else if (c == OPT_MONGO_DUMP)
            set_once(&o->mongo_dump, "--mongo-dump", optarg);
        else if (c == OPT_DB)
            set_once(&o->db, "--db", optarg);
        else if (c == 'h') {
            puts(usage);
            exit(0);
        } else
            die("unknown or incomplete option '%s'; %s", argv[optind - 1], usage);
    }
    o->ids = argv + optind;
    o->nids = argc - optind;
    if (!o->from)
        die("no --from: name the storage to export from (a directory, or a database URL); %s", usage);
    if (!o->mongo_dump == !o->to)
        die("%s: give --to DIR|URL or --mongo-dump OUTDIR; %s", o->to ? "two destinations" : "no destination", usage);
    if (o->to && o->db)
        die("--db names the database of a --mongo-dump; with --to, the URL names it; %s", usage);
    if (o->to && !strcmp(o->to, o->from))
        die("--from and --to are the same storage '%s'; give another destination", o->to);
    if (!o->db)
        o->db = "sacred";
}

/* MongoDB's rule for database names (also a directory name in the dump). */
static void check_db_name(const char *db)
{
    if (strlen(db) >= 64 || strpbrk(db, "/\\. \"$*<>:|?"))
        die("--db '%s' is not a MongoDB database name: at most 63 bytes, none of / \\ . space \" $ * < > : | ?", db);
}

/* OUTDIR must be new or empty: mongorestore OUTDIR loads everything in it. */
static void check_outdir(const char *dir)
{
    struct stat st;
    if (stat(dir, &st)) {
        if (errno != ENOENT)
            die("--mongo-dump '%s': %m", dir);
        return;
    }
    if (!S_ISDIR(st.st_mode))
        die("--mongo-dump '%s' exists and is not a directory; give a new or empty directory", dir);
    DIR *d = opendir(dir);
    if (!d)
        die("--mongo-dump '%s': %m", dir);
    int empty = 1;
    for (struct dirent *e; empty && (e = readdir(d));)
        empty = !strcmp(e->d_name, ".") || !strcmp(e->d_name, "..");
    closedir(d);
    if (!empty)
        die("--mongo-dump '%s' exists and is not empty; give a new or empty directory (mongorestore loads"
            " everything in it)", dir);
}

/* The storage to read: the directory, or the database's local copy. */
static const char *open_source(const char *from, struct dbread *db, int *is_db)
{
    char err[2048];
    struct stat st;
    *is_db = storage_is_database(from);
    if (*is_db) {
        if (dbread_open(db, from, err, sizeof(err)))
            die("--from: %s", err);
        return db->cache;
    }
    if (stat(from, &st) || !S_ISDIR(st.st_mode))
        die("--from '%s': no such storage directory", from);
    return from;
}

/* The ids to export: those given (checked, each once, in the order given), else all. */
static char **chosen_ids(const char *storage, const struct export_opts *o, int is_db, size_t *n)
{
    char **ids;
    if (!o->nids) {
        if (storage_run_ids(storage, &ids, n))
            die("cannot read the storage '%s': %m", storage);
        return ids;
    }
    ids = xcalloc((size_t)o->nids, sizeof(*ids));
    *n = 0;
    for (int i = 0; i < o->nids; i++) {
        const char *id = o->ids[i];
        if (strchr(id, '/') || id[0] == '.' || id[0] == '_' || !storage_has_run(storage, id))
            die("no run '%s' in %s; 'sacred-run ls %s %s' lists the runs", o->ids[i], o->from,
                is_db ? "-s" : "-F", o->from);
        int seen = 0;
        for (size_t j = 0; j < *n && !seen; j++)
            seen = !strcmp(ids[j], o->ids[i]);
        if (!seen)
            ids[(*n)++] = xstrdup(o->ids[i]);
    }
    return ids;
}

/* Each line of notes as a warning. */
static void warn_notes(struct strbuf *notes)
{
    for (char *line = notes->buf, *nl; line && *line; line = nl + 1) {
        nl = strchr(line, '\n');
        *nl = '\0';
        warning("%s", line);
    }
    strbuf_reset(notes);
}

static int export_mongo(const struct export_opts *o, const char *storage, char **ids, size_t n)
{
    char err[4096];
    struct mongodump *m = mongodump_open(o->mongo_dump, o->db, err, sizeof(err));
    if (!m)
        die("%s", err);
    struct strbuf notes = STRBUF_INIT;
    int skipped = 0;
    for (size_t i = 0; i < n; i++) {
        struct run_doc d;
        run_doc_load(&d, storage, ids[i]);
        int rc = mongodump_add_run(m, storage, &d, &notes, err, sizeof(err));
        run_doc_release(&d);
        warn_notes(&notes);
        if (rc < 0) {
            mongodump_abort(m);
            die("%s; nothing written", err);
        }
        if (rc)
            warning("%s; not exported", err);
        skipped += rc;
    }
    strbuf_release(&notes);
    struct mongodump_counts c;
    if (mongodump_finish(m, &c, err, sizeof(err)))
        die("%s; nothing written", err);
    printf("exported %lld run%s (%lld metric%s, %lld file%s; %lld bytes) to %s/%s; load with: mongorestore %s\n",
           c.runs, c.runs == 1 ? "" : "s", c.metrics, c.metrics == 1 ? "" : "s", c.files, c.files == 1 ? "" : "s",
           c.bytes, o->mongo_dump, o->db, o->mongo_dump);
    if (skipped)
        warning("%d run%s not exported (above)", skipped, skipped == 1 ? "" : "s");
    return skipped ? 1 : 0;
}

int export_command(int argc, char **argv)
{
    set_program_name("sacred-run export");
    struct export_opts o;
    parse(argc, argv, &o);
    if (o.mongo_dump) {
        check_db_name(o.db);
        check_outdir(o.mongo_dump);
    }
    struct dbread db;
    int is_db;
    const char *storage = open_source(o.from, &db, &is_db);
    size_t n;
    char **ids = chosen_ids(storage, &o, is_db, &n);
    int rc = o.to ? (copy_runs(storage, o.to, ids, n) ? 1 : 0) : export_mongo(&o, storage, ids, n);
    run_ids_free(ids, n);
    if (is_db)
        dbread_close(&db);
    return rc;
}
