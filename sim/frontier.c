/*
** Bisection of one numeric key to where a property first breaks (see
** frontier.h).  No simulation here: the caller's predicate runs them.
*/
#include "frontier.h"

#include <assert.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Parses one end "[-]digits[.digits][e..][%]" of [s, e); false on junk. */
static bool parse_end(const char *s, const char *e, double *out, bool *percent, bool *integer) {
    char buf[64];
    size_t n = (size_t)(e - s);
    if (n == 0 || n >= sizeof buf) return false;
    memcpy(buf, s, n);
    buf[n] = '\0';
    *percent = buf[n - 1] == '%';
    if (*percent) buf[--n] = '\0';
    if (n == 0 || buf[0] == ' ' || buf[0] == '+') return false;
    char *end;
    errno = 0;
    double v = strtod(buf, &end);
    if (errno || *end || end == buf || !isfinite(v)) return false;
    *integer = !*percent && strpbrk(buf, ".eExXnNiI") == NULL;
    *out = v;
    return true;
}

bool sim_frontier_parse_range(const char *text, sim_frontier_range *r) {
    assert(r);
    if (!text) return false;
    const char *dots = strstr(text, "..");
    if (!dots) return false;
    bool p1, p2, i1, i2;
    if (!parse_end(text, dots, &r->lo, &p1, &i1)) return false;
    if (!parse_end(dots + 2, dots + 2 + strlen(dots + 2), &r->hi, &p2, &i2)) return false;
    if (p1 != p2 || !(r->lo < r->hi)) return false;
    r->percent = p1;
    r->integer = i1 && i2 && fabs(r->lo) < 9e15 && fabs(r->hi) < 9e15;
    return true;
}

void sim_frontier_format(const sim_frontier_range *r, double v, char *buf, size_t len) {
    assert(r && buf);
    if (len == 0) return;
    if (r->integer) snprintf(buf, len, "%.0f", v);
    else snprintf(buf, len, "%.10g%s", v, r->percent ? "%" : "");
}

const char *sim_frontier_status_name(sim_frontier_status s) {
    switch (s) {
    case SIM_FRONTIER_FOUND: return "found";
    case SIM_FRONTIER_HOLDS_EVERYWHERE: return "holds everywhere";
    case SIM_FRONTIER_BROKEN_EVERYWHERE: return "broken everywhere";
    case SIM_FRONTIER_ERROR: return "error";
    }
    return "?";
}

sim_frontier_result sim_frontier_bisect(const sim_frontier_range *r, double tolerance, sim_frontier_probe_fn probe,
                                        void *ctx) {
    assert(r && probe && r->lo < r->hi);
    sim_frontier_result res = {.status = SIM_FRONTIER_ERROR, .holds = r->lo, .breaks = r->hi, .probes = 0};
    if (!(tolerance > 0)) tolerance = (r->hi - r->lo) / 64.0;
    int at_lo = probe(ctx, r->lo);
    res.probes++;
    if (at_lo < 0) return res;
    if (at_lo > 0) {
        res.status = SIM_FRONTIER_BROKEN_EVERYWHERE;
        return res;
    }
    int at_hi = probe(ctx, r->hi);
    res.probes++;
    if (at_hi < 0) return res;
    if (at_hi == 0) {
        res.status = SIM_FRONTIER_HOLDS_EVERYWHERE;
        return res;
    }
    double h = r->lo, b = r->hi;
    /* 64 halvings exhaust a double's precision: a bound on the loop. */
    for (int i = 0; i < 64 && b - h > tolerance; i++) {
        double mid = r->integer ? floor(h + (b - h) / 2.0) : h + (b - h) / 2.0;
        if (mid <= h || mid >= b) break; /* adjacent integers or doubles */
        int at = probe(ctx, mid);
        res.probes++;
        if (at < 0) return res;
        if (at > 0) b = mid;
        else h = mid;
    }
    res.status = SIM_FRONTIER_FOUND;
    res.holds = h;
    res.breaks = b;
    return res;
}
