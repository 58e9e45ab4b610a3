/*
** PHOLD on the engine (see phold.h).  One handler kind; each event's node is
** the process it is addressed to and its arg the process that sent it.
** Draws use the inline fast paths of rng.h: the delay is 0.1 s plus
** -ln(1 - U) seconds with U uniform on [0, 1) (53 bits), as in the anchors.
*/
#include "phold.h"

#include <assert.h>
#include <math.h>
#include <stdbool.h>
#include <time.h>

#include "engine.h"
#include "rng.h"

typedef struct phold_state {
    gsl_rng *dest;
    gsl_rng *delay;
    uint64_t handled;
    uint64_t limit;
    uint32_t lps;
    uint32_t kind;
    bool out_of_memory;
} phold_state;

/* Exp(1) seconds, in ns. */
static inline uint64_t phold_exp_ns(gsl_rng *r) {
    return (uint64_t)(-log(1.0 - sim_rng_u01(r)) * 1e9);
}

static void phold_on_event(void *ctx, sim_engine *e, const sim_event *ev) {
    phold_state *p = ctx;
    if (++p->handled >= p->limit) {
        sim_engine_stop(e);
        return;
    }
    uint32_t dst = (uint32_t)sim_rng_below(p->dest, p->lps);
    uint64_t delay_ns = 100000000u + phold_exp_ns(p->delay);
    if (sim_schedule_in(e, delay_ns, p->kind, dst, ev->node) == 0) {
        p->out_of_memory = true;
        sim_engine_stop(e);
    }
}

int sim_phold_check(const sim_phold_config *cfg, const char **why) {
    const char *w = NULL;
    if (cfg->lps == 0) {
        w = "lps must be at least 1";
    } else if (cfg->pop == 0) {
        w = "pop must be at least 1";
    } else if ((uint64_t)cfg->lps * cfg->pop > SIM_PHOLD_POPULATION_MAX) {
        w = "lps * pop must be at most 67108864";
    } else if (cfg->events == 0) {
        w = "events must be at least 1";
    }
    if (why != NULL) {
        *why = w;
    }
    return w == NULL ? 0 : SIM_PHOLD_EINVAL;
}

static double wall_now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int sim_phold_run(const sim_phold_config *cfg, sim_phold_result *out) {
    assert(cfg != NULL && out != NULL);
    if (sim_phold_check(cfg, NULL) != 0) {
        return SIM_PHOLD_EINVAL;
    }
    size_t population = (size_t)cfg->lps * cfg->pop;
    int rc = SIM_PHOLD_ENOMEM;
    phold_state p = {0};
    gsl_rng *init = sim_rng_new(cfg->seed, SIM_PHOLD_ENTITY, 0, SIM_PHOLD_PURPOSE_INIT);
    p.dest = sim_rng_new(cfg->seed, SIM_PHOLD_ENTITY, 0, SIM_PHOLD_PURPOSE_DEST);
    p.delay = sim_rng_new(cfg->seed, SIM_PHOLD_ENTITY, 0, SIM_PHOLD_PURPOSE_DELAY);
    sim_engine *e = sim_engine_new(population + 1);
    if (init == NULL || p.dest == NULL || p.delay == NULL || e == NULL) {
        goto done;
    }
    p.limit = cfg->events;
    p.lps = cfg->lps;
    p.kind = sim_engine_register(e, "phold", phold_on_event, &p);
    for (uint32_t lp = 0; lp < cfg->lps; lp++) {
        for (uint32_t j = 0; j < cfg->pop; j++) {
            if (sim_schedule_at(e, phold_exp_ns(init), p.kind, lp, lp) == 0) {
                goto done;
            }
        }
    }
    double t0 = wall_now_s();
    sim_engine_run(e, UINT64_MAX, NULL);
    double wall_s = wall_now_s() - t0;
    if (p.out_of_memory) {
        goto done;
    }
    assert(sim_engine_events(e) == p.handled);
    out->events = p.handled;
    out->end_time_ns = sim_now_ns(e);
    out->peak_pending = sim_engine_peak_pending(e);
    out->wall_s = wall_s;
    out->events_per_s = wall_s > 0 ? (double)p.handled / wall_s : 0.0;
    sim_engine_digest_hex(e, out->digest);
    rc = 0;
done:
    sim_engine_free(e);
    gsl_rng *rngs[] = {init, p.dest, p.delay};
    for (size_t i = 0; i < sizeof rngs / sizeof rngs[0]; i++) {
        if (rngs[i] != NULL) {
            gsl_rng_free(rngs[i]);
        }
    }
    return rc;
}
