/*
** Whole-run test helper (see world_run.h).
*/
#include "world_run.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

void xrtest_run_open(xrtest_run *r, const char *path, const char *const *sets, size_t n) {
    r->d = sim_diag_new();
    assert_non_null(r->d);
    bool ok = mdl_scenario_load(&r->s, path, sets, n, r->d);
    if (!ok) sim_diag_print(r->d, stderr);
    assert_true(ok);
    r->w = mdl_world_new(&r->s, r->d);
    if (!r->w) sim_diag_print(r->d, stderr);
    assert_non_null(r->w);
    assert_int_equal(mdl_world_run(r->w, NULL, NULL, NULL), SIM_RUN_UNTIL);
    assert_null(mdl_world_error(r->w));
}

void xrtest_run_close(xrtest_run *r) {
    mdl_world_free(r->w);
    mdl_scenario_free(&r->s);
    sim_diag_free(r->d);
}
