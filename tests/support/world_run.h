/*
** Whole-run test helper: load a scenario (with --set style overrides),
** build its world and run it to the end, failing the current cmocka test
** with the diagnostics on any error.
*/
#ifndef XRTEST_WORLD_RUN_H
#define XRTEST_WORLD_RUN_H

#include <stddef.h>

#include "world/scenario.h"
#include "world/world.h"

typedef struct xrtest_run {
    mdl_scenario s;
    mdl_world *w;
    sim_diag *d;
} xrtest_run;

void xrtest_run_open(xrtest_run *r, const char *path, const char *const *sets, size_t n);
void xrtest_run_close(xrtest_run *r);

/* Writes `text` to a fresh temporary file and returns its path (a static
** buffer: valid until the next call; the caller unlinks the file). */
const char *xrtest_temp_yaml(const char *text);

/* A world built from scenario text, not yet run: open (fails the test on
** any load or build error), run to the end (fails it on an error), close
** (also removes the temporary file). */
typedef struct xrtest_world {
    mdl_scenario s;
    mdl_world *w;
    sim_diag *d;
    char path[64];
} xrtest_world;

void xrtest_world_open(xrtest_world *r, const char *text, const char *const *sets, size_t n);
void xrtest_world_run(xrtest_world *r);
void xrtest_world_close(xrtest_world *r);

#endif
