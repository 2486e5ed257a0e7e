/* assets.h: the dashboard's page (index.html, app.js, style.css), compiled into the launcher
 * from launcher/dashboard/assets/ by scripts/embed-assets.sh, and the content types served.
 * Read-only data; nothing here touches the storage. */
#ifndef SR_DASH_ASSETS_H
#define SR_DASH_ASSETS_H

#include <stddef.h>

struct asset {
    const char *name; /* base name, "app.js" */
    const unsigned char *data;
    size_t len;
};

/* The generated table, ended by a NULL name. */
extern const struct asset dashboard_assets[];

/* The asset called name, or NULL. */
const struct asset *asset_find(const char *name);

/* The Content-Type for a file name by its extension: the page's own types, images, and
 * text/plain for anything textual (never text/html: run files are not pages);
 * application/octet-stream otherwise. */
const char *content_type(const char *name);

/* The Chart.js file the page uses: $SACRED_RUN_CHARTJS, else Debian's libjs-chart.js. */
const char *chartjs_path(void);

#endif
