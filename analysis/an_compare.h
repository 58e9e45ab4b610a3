/*
** `xrsim compare`: the statistical comparison of two results databases
** used as a CI gate (BASE = results of the reference build, HEAD = results
** of the change).  Runs are matched by (scenario sha256, parameters, seed);
** per metric, the per-seed values of each matched (scenario, parameters)
** group are compared with a bootstrap of the difference of means (see
** an_compare.c for the method and why), and a change counts when it is
** significant at 95% AND larger than the tolerance relative to BASE.
*/
#ifndef AN_COMPARE_H
#define AN_COMPARE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Return codes: 0 or a negative AN_ERR_* (an_error.h); files it cannot
   open give an_export_open's codes. */
#include "an_error.h"

#define AN_COMPARE_RESAMPLES_DEFAULT 4000u
#define AN_COMPARE_RESAMPLES_MIN 2000u

typedef struct an_compare_opts {
    const char *const *metrics; /* names; NULL/0: the default set */
    size_t metric_count;
    double tolerance;           /* relative, e.g. 0.05 for 5%; >= 0 */
    const char *const *ignore;  /* parameter paths left out of matching, e.g. "relayers.delay" */
    size_t ignore_count;
    uint32_t resamples;         /* 0: AN_COMPARE_RESAMPLES_DEFAULT; else >= AN_COMPARE_RESAMPLES_MIN */
} an_compare_opts;

typedef struct an_compare_result {
    size_t groups;            /* matched (scenario, parameters) groups */
    size_t pairs;             /* matched (scenario, parameters, seed) runs */
    size_t base_unmatched;    /* ok runs of BASE without a HEAD counterpart */
    size_t head_unmatched;
    size_t comparisons;       /* (group, metric) pairs tested (>= 2 values each side) */
    size_t untested;          /* (group, metric) pairs with 1 value (fewer than 2 seeds with a value) */
    size_t no_data;           /* (group, metric) pairs where no run has a value (e.g. nothing finalized) */
    size_t regressions;       /* significant and beyond tolerance, in the worse direction */
    size_t improvements;
    size_t digest_mismatches; /* matched runs whose event digests differ */
} an_compare_result;

/* True when `name` is a metric an_compare_run knows. */
bool an_compare_metric_known(const char *name);

/* The known metric names, ", "-separated (a static string). */
const char *an_compare_metric_names(void);

/* The default metric names, ", "-separated (a static string). */
const char *an_compare_default_metric_names(void);

/*
** Bootstrap percentile interval of mean(y) - mean(x): `resamples` times,
** draws nx values of x and ny of y with replacement (GSL mt19937 seeded
** with `seed`, so the same inputs give the same interval), and returns in
** *lo, *hi the 2.5% and 97.5% quantiles of the resampled differences.
** Needs nx, ny >= 1.  Returns 0, AN_ERR_NOMEM or AN_ERR_GSL.
*/
int an_compare_bootstrap(const double *x, size_t nx, const double *y, size_t ny, uint32_t resamples,
                         unsigned long seed, double *lo, double *hi);

/*
** Compares the results files base_path and head_path (each opened
** read-only with an_export_open; nothing is written) and prints to out,
** aligned, every significant change beyond the tolerance with its
** direction, one line per matched run whose event digests differ, and a
** summary.  Fills *res.  Returns 0 (the caller decides the exit status
** from res->regressions) or a negative AN_ERR_* / AN_ERR_*
** with a message in err; nothing is printed to out on an input error
** detected before the comparison starts.
*/
int an_compare_run(const char *base_path, const char *head_path, const an_compare_opts *opts, FILE *out,
                   an_compare_result *res, char *err, size_t err_len);

#endif
