/*
** Whole-run test helper (see world_run.h).
*/
#include "world_run.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

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

const char *xrtest_temp_yaml(const char *text) {
    static char path[64];
    snprintf(path, sizeof path, "/tmp/xrsim-test-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    size_t n = strlen(text);
    assert_int_equal(write(fd, text, n), (ssize_t)n);
    close(fd);
    return path;
}

void xrtest_world_open(xrtest_world *r, const char *text, const char *const *sets, size_t n) {
    r->d = sim_diag_new();
    assert_non_null(r->d);
    snprintf(r->path, sizeof r->path, "%s", xrtest_temp_yaml(text));
    bool ok = mdl_scenario_load(&r->s, r->path, sets, n, r->d);
    if (!ok) sim_diag_print(r->d, stderr);
    assert_true(ok);
    r->w = mdl_world_new(&r->s, r->d);
    if (!r->w) sim_diag_print(r->d, stderr);
    assert_non_null(r->w);
}

void xrtest_world_run(xrtest_world *r) {
    assert_int_equal(mdl_world_run(r->w, NULL, NULL, NULL), SIM_RUN_UNTIL);
    assert_null(mdl_world_error(r->w));
}

void xrtest_world_close(xrtest_world *r) {
    mdl_world_free(r->w);
    mdl_scenario_free(&r->s);
    sim_diag_free(r->d);
    unlink(r->path);
}
