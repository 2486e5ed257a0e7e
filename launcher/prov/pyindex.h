/* pyindex.h: the Python distributions installed in site directories (site-packages,
 * dist-packages), each site's *.dist-info / *.egg-info read once per run and kept in
 * memory, so naming the packages of N module files costs N lookups, not N directory scans.
 * Nothing is imported or executed; only the metadata files are read. */
#ifndef SR_PYINDEX_H
#define SR_PYINDEX_H

struct pyindex;

struct pyindex *pyindex_new(void);
void pyindex_free(struct pyindex *ix);

/* Calls add(ctx, "name==version") for each distribution in site that provides the module
 * mod ("top" or "top.sub"). site is read the first time it is asked about. */
void pyindex_providers(struct pyindex *ix, const char *site, const char *mod,
                       void (*add)(void *ctx, const char *dep), void *ctx);

#endif
