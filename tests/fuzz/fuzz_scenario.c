/*
** libFuzzer harness for whole scenarios: every section's loader (network,
** verifiers and their Byzantine entries, consensus, L1, rollups, workload,
** relayers, restaking, adversary, expect, sweep) and, for small worlds,
** building the world from the loaded configuration.  Each input is written
** to a file and loaded as `xrsim validate` would; a load that fails must
** have reported at least one error; a loaded scenario with at most
** MAX_VERIFIERS verifiers and MAX_ROLLUPS rollups is built and freed (not
** run: a run's length is the input's to choose).  Any crash, sanitizer
** report or broken invariant is a bug: hostile scenarios get errors.
*/
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "world/scenario.h"
#include "world/world.h"
#include "ytree.h"

#define MAX_VERIFIERS 16u
#define MAX_ROLLUPS 8u

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char path[64];

static bool write_input(const uint8_t *data, size_t size) {
    if (!path[0]) snprintf(path, sizeof path, "/tmp/xrsim-fuzz-scenario-%ld.yaml", (long)getpid());
    FILE *f = fopen(path, "wb");
    if (!f) return false;
    bool ok = fwrite(data, 1, size, f) == size;
    return fclose(f) == 0 && ok;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size > 65536 || !write_input(data, size)) return 0;
    sim_diag *d = sim_diag_new();
    if (!d) return 0;
    mdl_scenario s;
    memset(&s, 0, sizeof s);
    bool ok = mdl_scenario_load(&s, path, NULL, 0, d);
    if (!ok && sim_diag_errors(d) == 0) abort(); /* refused without saying why */
    if (ok && s.verifiers.count <= MAX_VERIFIERS && s.xchain.rollups.count <= MAX_ROLLUPS) {
        mdl_world *w = mdl_world_new(&s, d);
        if (!w && sim_diag_errors(d) == 0) abort();
        mdl_world_free(w);
    }
    mdl_scenario_free(&s);
    sim_diag_free(d);
    unlink(path);
    return 0;
}
