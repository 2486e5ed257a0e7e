/* spec.h: what a sweep varies, from the words after "with": grid axes (KEY=V1,V2,...),
 * distributions for --random (uniform, loguniform, randint, choice), fixed updates and
 * configuration files; and the points they make (the grid's product in the order written,
 * or N seeded samples). Pure: reads no file, starts nothing. */
#ifndef SR_SWEEP_SPEC_H
#define SR_SWEEP_SPEC_H

#include <stddef.h>

#include <cjson/cJSON.h>

enum axis_kind { AXIS_GRID, AXIS_UNIFORM, AXIS_LOGUNIFORM, AXIS_RANDINT, AXIS_CHOICE };

struct axis {
    char *key;
    enum axis_kind kind;
    char **values;    /* grid and choice: each value's text, in the "with" value syntax */
    size_t nvalues;
    double a, b;      /* uniform, loguniform, randint: the bounds */
};

struct sweep_spec {
    struct axis *axes;
    size_t naxes;
    char **fixed;     /* the other words: KEY=VALUE updates and configuration files */
    size_t nfixed;
};

/* Parses the words after "with"; random: --random was given (distributions allowed).
 * 0, or -1 with a one-line reason in err. */
int spec_parse(struct sweep_spec *s, char *const *words, int random, char *err, size_t errlen);
void spec_release(struct sweep_spec *s);

/* The axes for the sweep record: [{"key", "values"} or {"key", "distribution", "args"}]. */
cJSON *spec_axes_json(const struct sweep_spec *s);

/* The number of grid points (the product of the axes' sizes), or 0 when it would exceed
 * limit. */
size_t spec_grid_size(const struct sweep_spec *s, size_t limit);

/* The points: the grid (random == 0) or random seeded samples, each
 * {"index", "updates": ["KEY=VALUE", ...], "axes": {KEY: value}, "state": "QUEUED"}. */
cJSON *spec_points(const struct sweep_spec *s, size_t random, unsigned long long seed);

#endif
