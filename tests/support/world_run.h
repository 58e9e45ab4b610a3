/*
** Whole-run test helper: load a scenario (with --set style overrides),
** build its world and run it to the end, failing the current cmocka test
** with the diagnostics on any error.
*/
#ifndef XRTEST_WORLD_RUN_H
#define XRTEST_WORLD_RUN_H

#include <stddef.h>

#include "scenario.h"
#include "world.h"

typedef struct xrtest_run {
    mdl_scenario s;
    mdl_world *w;
    sim_diag *d;
} xrtest_run;

void xrtest_run_open(xrtest_run *r, const char *path, const char *const *sets, size_t n);
void xrtest_run_close(xrtest_run *r);

#endif
