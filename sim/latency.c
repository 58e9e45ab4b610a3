/*
** Latency models: constructors, validation, sampling on GSL distributions,
** and the analytic distribution functions the tests compare samples with.
** See latency.h for the meaning of every parameter and the truncation rule
** of the normal model.
*/
#include "latency.h"

#include <assert.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* Redraws of a negative normal sample before giving up and returning 0. */
#define LAT_NORMAL_MAX_DRAWS 64

static const char *const lat_model_names[SIM_LAT_MODEL_COUNT] = {
    "constant", "uniform", "normal", "lognormal", "pareto", "exponential",
};

static sim_lat_dist lat_blank(sim_lat_model m) {
    sim_lat_dist d;
    memset(&d, 0, sizeof d);
    d.model = m;
    return d;
}

sim_lat_dist sim_lat_constant(uint64_t value_ns) {
    sim_lat_dist d = lat_blank(SIM_LAT_CONSTANT);
    d.value_ns = value_ns;
    return d;
}

sim_lat_dist sim_lat_uniform(uint64_t min_ns, uint64_t max_ns) {
    sim_lat_dist d = lat_blank(SIM_LAT_UNIFORM);
    d.min_ns = min_ns;
    d.max_ns = max_ns;
    return d;
}

sim_lat_dist sim_lat_normal(uint64_t mean_ns, uint64_t stddev_ns) {
    sim_lat_dist d = lat_blank(SIM_LAT_NORMAL);
    d.mean_ns = mean_ns;
    d.stddev_ns = stddev_ns;
    return d;
}

sim_lat_dist sim_lat_lognormal(uint64_t median_ns, double sigma) {
    sim_lat_dist d = lat_blank(SIM_LAT_LOGNORMAL);
    d.median_ns = median_ns;
    d.sigma = sigma;
    return d;
}

sim_lat_dist sim_lat_pareto(uint64_t scale_ns, double alpha) {
    sim_lat_dist d = lat_blank(SIM_LAT_PARETO);
    d.scale_ns = scale_ns;
    d.alpha = alpha;
    return d;
}

sim_lat_dist sim_lat_exponential(uint64_t mean_ns, uint64_t floor_ns) {
    sim_lat_dist d = lat_blank(SIM_LAT_EXPONENTIAL);
    d.mean_ns = mean_ns;
    d.floor_ns = floor_ns;
    return d;
}

const char *sim_lat_model_name(sim_lat_model m) {
    assert((unsigned)m < SIM_LAT_MODEL_COUNT);
    return lat_model_names[m];
}

bool sim_lat_model_parse(const char *name, sim_lat_model *out) {
    assert(name != NULL && out != NULL);
    for (int i = 0; i < SIM_LAT_MODEL_COUNT; i++) {
        if (strcmp(name, lat_model_names[i]) == 0) {
            *out = (sim_lat_model)i;
            return true;
        }
    }
    return false;
}

#define LAT_FAIL(...)                                                                              \
    do {                                                                                           \
        if (why != NULL && why_len > 0) {                                                          \
            snprintf(why, why_len, __VA_ARGS__);                                                   \
        }                                                                                          \
        return false;                                                                              \
    } while (0)

bool sim_lat_check(const sim_lat_dist *d, char *why, size_t why_len) {
    assert(d != NULL);
    const unsigned long long cap = SIM_LAT_MAX_NS;
    switch (d->model) {
    case SIM_LAT_CONSTANT:
        if (d->value_ns > cap) {
            LAT_FAIL("constant: value %llu ns exceeds %llu ns", (unsigned long long)d->value_ns, cap);
        }
        return true;
    case SIM_LAT_UNIFORM:
        if (d->max_ns > cap) {
            LAT_FAIL("uniform: max %llu ns exceeds %llu ns", (unsigned long long)d->max_ns, cap);
        }
        if (d->min_ns > d->max_ns) {
            LAT_FAIL("uniform: min %llu ns exceeds max %llu ns", (unsigned long long)d->min_ns,
                     (unsigned long long)d->max_ns);
        }
        return true;
    case SIM_LAT_NORMAL:
        if (d->mean_ns > cap || d->stddev_ns > cap) {
            LAT_FAIL("normal: mean and stddev must be at most %llu ns", cap);
        }
        return true;
    case SIM_LAT_LOGNORMAL:
        if (d->median_ns == 0 || d->median_ns > cap) {
            LAT_FAIL("lognormal: median must be in [1, %llu] ns", cap);
        }
        if (!(d->sigma > 0.0 && d->sigma <= 10.0)) {
            LAT_FAIL("lognormal: sigma %g is outside (0, 10]", d->sigma);
        }
        return true;
    case SIM_LAT_PARETO:
        if (d->scale_ns == 0 || d->scale_ns > cap) {
            LAT_FAIL("pareto: scale must be in [1, %llu] ns", cap);
        }
        if (!(d->alpha > 0.0 && d->alpha <= 100.0)) {
            LAT_FAIL("pareto: alpha %g is outside (0, 100]", d->alpha);
        }
        return true;
    case SIM_LAT_EXPONENTIAL:
        if (d->mean_ns > cap) {
            LAT_FAIL("exponential: mean %llu ns exceeds %llu ns", (unsigned long long)d->mean_ns, cap);
        }
        if (d->floor_ns > d->mean_ns) {
            LAT_FAIL("exponential: floor %llu ns exceeds the mean %llu ns (the mean includes the floor)",
                     (unsigned long long)d->floor_ns, (unsigned long long)d->mean_ns);
        }
        return true;
    case SIM_LAT_MODEL_COUNT:
    default:
        break;
    }
    LAT_FAIL("unknown latency model %d", (int)d->model);
}

/* Rounds a non-negative real to whole nanoseconds within [0, cap]. */
static uint64_t lat_round_ns(double x) {
    if (!(x > 0.0)) { /* also NaN */
        return 0;
    }
    if (x >= (double)SIM_LAT_MAX_NS) {
        return SIM_LAT_MAX_NS;
    }
    return (uint64_t)(x + 0.5);
}

uint64_t sim_lat_sample_ns(const sim_lat_dist *d, gsl_rng *r) {
    assert(d != NULL && r != NULL);
    assert(sim_lat_check(d, NULL, 0));
    switch (d->model) {
    case SIM_LAT_CONSTANT:
        return d->value_ns;
    case SIM_LAT_UNIFORM: {
        /* min + floor(U * n) on n = max - min + 1 integers.  With U on a
        ** 2^-53 grid each value's probability is off by at most n / 2^53
        ** relative: below 1.2e-7 for ranges up to 1 s.  Works on any gsl_rng. */
        uint64_t n = d->max_ns - d->min_ns + 1u;
        uint64_t k = (uint64_t)(gsl_rng_uniform(r) * (double)n);
        if (k >= n) {
            k = n - 1u;
        }
        return d->min_ns + k;
    }
    case SIM_LAT_NORMAL: {
        if (d->stddev_ns == 0) {
            return d->mean_ns;
        }
        for (int i = 0; i < LAT_NORMAL_MAX_DRAWS; i++) {
            double x = (double)d->mean_ns + gsl_ran_gaussian_ziggurat(r, (double)d->stddev_ns);
            if (x >= 0.0) {
                return lat_round_ns(x);
            }
        }
        return 0;
    }
    case SIM_LAT_LOGNORMAL:
        return lat_round_ns(gsl_ran_lognormal(r, log((double)d->median_ns), d->sigma));
    case SIM_LAT_PARETO:
        return lat_round_ns(gsl_ran_pareto(r, d->alpha, (double)d->scale_ns));
    case SIM_LAT_EXPONENTIAL: {
        uint64_t extra_mean_ns = d->mean_ns - d->floor_ns;
        if (extra_mean_ns == 0) {
            return d->floor_ns;
        }
        uint64_t extra = lat_round_ns(gsl_ran_exponential(r, (double)extra_mean_ns));
        uint64_t x = d->floor_ns + extra;
        return x > SIM_LAT_MAX_NS ? SIM_LAT_MAX_NS : x;
    }
    case SIM_LAT_MODEL_COUNT:
    default:
        break;
    }
    assert(!"unreachable: invalid latency model");
    return 0;
}

double sim_lat_cdf(const sim_lat_dist *d, double x) {
    assert(d != NULL);
    assert(sim_lat_check(d, NULL, 0));
    switch (d->model) {
    case SIM_LAT_CONSTANT:
        return x >= (double)d->value_ns ? 1.0 : 0.0;
    case SIM_LAT_UNIFORM: {
        if (x < (double)d->min_ns) {
            return 0.0;
        }
        if (x >= (double)d->max_ns) {
            return 1.0;
        }
        double n = (double)(d->max_ns - d->min_ns) + 1.0;
        return (floor(x) - (double)d->min_ns + 1.0) / n;
    }
    case SIM_LAT_NORMAL: {
        double mu = (double)d->mean_ns, s = (double)d->stddev_ns;
        if (d->stddev_ns == 0) {
            return x >= mu ? 1.0 : 0.0;
        }
        if (x < 0.0) {
            return 0.0;
        }
        double below_zero = gsl_cdf_ugaussian_P(-mu / s);
        double kept = gsl_cdf_ugaussian_Q(-mu / s);
        return (gsl_cdf_ugaussian_P((x - mu) / s) - below_zero) / kept;
    }
    case SIM_LAT_LOGNORMAL:
        if (x <= 0.0) {
            return 0.0;
        }
        return gsl_cdf_lognormal_P(x, log((double)d->median_ns), d->sigma);
    case SIM_LAT_PARETO:
        return gsl_cdf_pareto_P(x, d->alpha, (double)d->scale_ns);
    case SIM_LAT_EXPONENTIAL: {
        double fl = (double)d->floor_ns;
        if (x < fl) {
            return 0.0;
        }
        if (d->mean_ns == d->floor_ns) {
            return 1.0;
        }
        return gsl_cdf_exponential_P(x - fl, (double)(d->mean_ns - d->floor_ns));
    }
    case SIM_LAT_MODEL_COUNT:
    default:
        break;
    }
    assert(!"unreachable: invalid latency model");
    return 0.0;
}

double sim_lat_mean_ns(const sim_lat_dist *d) {
    assert(d != NULL);
    assert(sim_lat_check(d, NULL, 0));
    switch (d->model) {
    case SIM_LAT_CONSTANT:
        return (double)d->value_ns;
    case SIM_LAT_UNIFORM:
        return ((double)d->min_ns + (double)d->max_ns) / 2.0;
    case SIM_LAT_NORMAL: {
        double mu = (double)d->mean_ns, s = (double)d->stddev_ns;
        if (d->stddev_ns == 0) {
            return mu;
        }
        /* Mean of N(mu, s^2) conditioned on x >= 0: mu + s * phi(a) / Q(a), a = -mu/s. */
        double a = -mu / s;
        return mu + s * gsl_ran_ugaussian_pdf(a) / gsl_cdf_ugaussian_Q(a);
    }
    case SIM_LAT_LOGNORMAL:
        return (double)d->median_ns * exp(d->sigma * d->sigma / 2.0);
    case SIM_LAT_PARETO:
        if (d->alpha <= 1.0) {
            return INFINITY;
        }
        return d->alpha * (double)d->scale_ns / (d->alpha - 1.0);
    case SIM_LAT_EXPONENTIAL:
        return (double)d->mean_ns;
    case SIM_LAT_MODEL_COUNT:
    default:
        break;
    }
    assert(!"unreachable: invalid latency model");
    return 0.0;
}

uint64_t sim_latency_sample_ns(const sim_latency *m, const sim_regions *regions,
                               uint32_t from_region, uint32_t to_region, gsl_rng *r) {
    assert(m != NULL && r != NULL);
    uint64_t jitter = sim_lat_sample_ns(&m->dist, r);
    if (!m->matrix) {
        return jitter;
    }
    assert(regions != NULL);
    uint64_t base = sim_regions_base_ns(regions, from_region, to_region);
    uint64_t x = base + jitter; /* both <= SIM_LAT_MAX_NS: no overflow */
    return x > SIM_LAT_MAX_NS ? SIM_LAT_MAX_NS : x;
}
