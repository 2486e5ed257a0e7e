/* assets.c: looking up the embedded page assets and choosing content types by extension.
 * Run files are never given an active type (HTML, SVG with scripts run only sandboxed). */
#include "dashboard/assets.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define CHARTJS_DEBIAN "/usr/share/javascript/chart.js/chart.min.js"

const struct asset *asset_find(const char *name)
{
    for (const struct asset *a = dashboard_assets; a->name; a++)
        if (!strcmp(a->name, name))
            return a;
    return NULL;
}

const char *content_type(const char *name)
{
    static const struct { const char *ext, *type; } types[] = {
        { "js", "text/javascript; charset=utf-8" }, { "css", "text/css; charset=utf-8" },
        { "png", "image/png" }, { "jpg", "image/jpeg" }, { "jpeg", "image/jpeg" },
        { "gif", "image/gif" }, { "webp", "image/webp" }, { "svg", "image/svg+xml" },
        { "txt", "text/plain; charset=utf-8" }, { "log", "text/plain; charset=utf-8" },
        { "py", "text/plain; charset=utf-8" }, { "json", "text/plain; charset=utf-8" },
        { "csv", "text/plain; charset=utf-8" }, { "tsv", "text/plain; charset=utf-8" },
        { "yaml", "text/plain; charset=utf-8" }, { "yml", "text/plain; charset=utf-8" },
        { "md", "text/plain; charset=utf-8" }, { "c", "text/plain; charset=utf-8" },
        { "h", "text/plain; charset=utf-8" }, { "sh", "text/plain; charset=utf-8" },
        { "html", "text/plain; charset=utf-8" }, { "htm", "text/plain; charset=utf-8" },
    };
    const char *dot = strrchr(name, '.');
    if (dot && !strchr(dot, '/'))
        for (size_t i = 0; i < sizeof(types) / sizeof(*types); i++)
            if (!strcasecmp(dot + 1, types[i].ext))
                return types[i].type;
    return "application/octet-stream";
}

const char *chartjs_path(void)
{
    const char *env = getenv("SACRED_RUN_CHARTJS");
    return env && *env ? env : CHARTJS_DEBIAN;
}
