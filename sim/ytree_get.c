/*
** The scenario reader's typed getters: key checking with suggestions, and
** converters whose units and ranges are checked with exact integer
** arithmetic (durations, amounts, sizes, bitrates), plus floats, fractions,
** rates, booleans, enums and strings, each with a field form that applies a
** default when the key is absent.  A bad value is an error in the sim_diag
** that names the expected type, unit and range, never an assertion.
*/
#include "ytree_internal.h"

#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* ======================================================================== */
/* Describing nodes in messages                                             */
/* ======================================================================== */

/* "a mapping", "a sequence", "an empty value", "null", "'text'" or
** "a quoted string \"text\"". */
static void describe(const sim_ynode *n, char *buf, size_t size) {
    char s[SHOW_SIZE];
    switch (n->kind) {
    case SIM_Y_MAP: snprintf(buf, size, "a mapping"); break;
    case SIM_Y_SEQ: snprintf(buf, size, "a sequence"); break;
    case SIM_Y_NULL: snprintf(buf, size, "%s", n->str && n->str[0] ? "null" : "an empty value"); break;
    case SIM_Y_SCALAR:
        if (n->quoted) snprintf(buf, size, "a quoted string \"%s\"", sim_yt_show(s, sizeof s, n->str));
        else snprintf(buf, size, "'%s'", sim_yt_show(s, sizeof s, n->str));
        break;
    }
}

/* "a mapping", "a sequence", "null" or "a scalar". */
void sim_ynode_kind_phrase(const sim_ynode *n, char *buf, size_t size) {
    switch (n->kind) {
    case SIM_Y_MAP: snprintf(buf, size, "a mapping"); break;
    case SIM_Y_SEQ: snprintf(buf, size, "a sequence"); break;
    case SIM_Y_NULL: snprintf(buf, size, "null"); break;
    case SIM_Y_SCALAR: describe(n, buf, size); break;
    }
}


/* Records "expected <what>, got <description>" at n. */
bool sim_ynode_expected(const sim_ynode *n, const char *what, sim_diag *d) {
    char desc[DESC_SIZE];
    describe(n, desc, sizeof desc);
    sim_diag_error(d, n, "expected %s, got %s", what, desc);
    return false;
}

static bool is_plain(const sim_ynode *n) {
    return n->kind == SIM_Y_SCALAR && !n->quoted;
}

/* ======================================================================== */
/* Edit distance for suggestions                                            */
/* ======================================================================== */

#define SUGGEST_MAX_LEN 64

static char lower(char c) { return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c; }

/* Optimal string alignment distance, ASCII case-insensitive; SIZE_MAX when
** either string is too long to bother. */
static size_t osa_distance(const char *a, const char *b) {
    size_t la = strlen(a), lb = strlen(b);
    if (la > SUGGEST_MAX_LEN || lb > SUGGEST_MAX_LEN) return SIZE_MAX;
    size_t rows[3][SUGGEST_MAX_LEN + 1];
    size_t *prev2 = rows[0], *prev = rows[1], *cur = rows[2];
    for (size_t j = 0; j <= lb; j++) prev[j] = j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t cost = lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1;
            size_t v = prev[j] + 1;
            if (cur[j - 1] + 1 < v) v = cur[j - 1] + 1;
            if (prev[j - 1] + cost < v) v = prev[j - 1] + cost;
            if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) && lower(a[i - 2]) == lower(b[j - 1]) &&
                prev2[j - 2] + 1 < v)
                v = prev2[j - 2] + 1;
            cur[j] = v;
        }
        size_t *t = prev2;
        prev2 = prev;
        prev = cur;
        cur = t;
    }
    return prev[lb];
}

/* The candidate closest to `s`, or NULL when none is close enough. */
static const char *suggest(const char *s, const char *const *candidates) {
    const char *best = NULL;
    size_t best_d = SIZE_MAX;
    size_t ls = strlen(s);
    for (size_t i = 0; candidates[i]; i++) {
        size_t lc = strlen(candidates[i]);
        size_t limit = lc <= 3 ? 1 : lc <= 6 ? 2 : 3;
        size_t dist = osa_distance(s, candidates[i]);
        size_t longest = ls > lc ? ls : lc;
        if (dist <= limit && dist < longest && dist < best_d) {
            best = candidates[i];
            best_d = dist;
        }
    }
    return best;
}

/* ======================================================================== */
/* Maps                                                                     */
/* ======================================================================== */

const sim_ynode *sim_ymap_get(const sim_ynode *map, const char *key) {
    assert(key);
    if (!map || map->kind != SIM_Y_MAP) return NULL;
    for (size_t i = 0; i < map->count; i++)
        if (strcmp(map->keys[i]->str, key) == 0) return map->items[i];
    return NULL;
}

#define ALLOWED_LIST_MAX 200

bool sim_ymap_check(const sim_ynode *map, const char *where, const char *const *allowed, sim_diag *d) {
    assert(where && allowed && d);
    if (!map || map->kind == SIM_Y_NULL) return true;
    if (map->kind != SIM_Y_MAP) {
        char desc[DESC_SIZE];
        describe(map, desc, sizeof desc);
        sim_diag_error(d, map, "expected a mapping for %s, got %s", where, desc);
        return false;
    }
    bool ok = true;
    for (size_t i = 0; i < map->count; i++) {
        const char *k = map->keys[i]->str;
        bool found = false;
        for (size_t j = 0; allowed[j] && !found; j++) found = strcmp(allowed[j], k) == 0;
        if (found) continue;
        ok = false;
        char ks[SHOW_SIZE];
        sim_yt_show(ks, sizeof ks, k);
        const char *best = suggest(k, allowed);
        if (best) {
            sim_diag_error(d, map->keys[i], "unknown key '%s' in %s (did you mean '%s'?)", ks, where, best);
            continue;
        }
        sim_ybuf list = { 0 };
        for (size_t j = 0; allowed[j]; j++) {
            if (j) sim_ybuf_puts(&list, ", ");
            sim_ybuf_puts(&list, allowed[j]);
        }
        if (list.p && !list.oom && list.len <= ALLOWED_LIST_MAX)
            sim_diag_error(d, map->keys[i], "unknown key '%s' in %s; allowed keys: %s", ks, where, list.p);
        else if (!allowed[0])
            sim_diag_error(d, map->keys[i], "unknown key '%s' in %s; it takes no keys", ks, where);
        else
            sim_diag_error(d, map->keys[i], "unknown key '%s' in %s", ks, where);
        free(list.p);
    }
    return ok;
}

/* ======================================================================== */
/* Exact decimal quantities                                                 */
/* ======================================================================== */

/* value = number x 10^exp10 x mul in the target unit. */
typedef struct qunit {
    const char *name;
    int exp10;
    uint64_t mul;
} qunit;

typedef struct qkind {
    const char *expected;     /* "a duration with a unit (...)" */
    const char *what;         /* "duration" */
    const char *unit_list;    /* "ns, us, ..." */
    const char *finest;       /* for "sub-<finest> precision" */
    const char *target;       /* "nanoseconds": for "does not fit in 64 bits of" */
    const qunit *units;
    size_t unit_count;
    void (*format)(char *buf, size_t size, uint64_t v);
} qkind;

typedef enum qresult { Q_OK, Q_SYNTAX, Q_NEGATIVE, Q_NO_UNIT, Q_BAD_UNIT, Q_TOO_LARGE, Q_PRECISION } qresult;

/* Exact value of the decimal digits D = int_s[0..int_n) frac_s[0..frac_n)
** (point after int_n) times 10^exp10 times mul. */
static qresult q_scale(const char *int_s, size_t int_n, const char *frac_s, size_t frac_n, int exp10,
                       uint64_t mul, uint64_t *out) {
    const size_t n = int_n + frac_n;
#define DIGIT(k) ((k) < 0 || (size_t)(k) >= n ? 0 : \
                  (uint64_t)(((size_t)(k) < int_n ? int_s[(k)] : frac_s[(size_t)(k) - int_n]) - '0'))
    /* Position of the decimal point after scaling by 10^exp10. */
    const long long point = (long long)int_n + exp10;
    uint64_t whole = 0;
    for (long long k = 0; k < point; k++) {
        uint64_t dg = DIGIT(k);
        if (whole > (UINT64_MAX - dg) / 10) return Q_TOO_LARGE;
        whole = whole * 10 + dg;
    }
    /* Fraction digits are positions [point, last non-zero]. */
    long long hi = (long long)n - 1;
    while (hi >= point && hi >= 0 && DIGIT(hi) == 0) hi--;
    uint64_t frac = 0;
    if (hi >= point) {
        /* frac = F * mul / 10^len, exact or an error: divide digit by digit
        ** from the right; the carry stays below mul. */
        uint64_t carry = 0;
        for (long long k = hi; k >= point; k--) {
            uint64_t t = DIGIT(k) * mul + carry;
            if (t % 10 != 0) return Q_PRECISION;
            carry = t / 10;
        }
        frac = carry;
    }
#undef DIGIT
    if (mul != 0 && whole > (UINT64_MAX - frac) / mul) return Q_TOO_LARGE;
    *out = whole * mul + frac;
    return Q_OK;
}

/* Parses "<decimal>[ ]<unit>" into the kind's target unit. */
static qresult q_parse(const char *s, const qkind *k, uint64_t *out, const char **unit) {
    const char *p = s;
    if (*p == '-') {
        return (sim_yt_is_digit(p[1]) || (p[1] == '.' && sim_yt_is_digit(p[2]))) ? Q_NEGATIVE : Q_SYNTAX;
    }
    const char *int_s = p;
    while (sim_yt_is_digit(*p)) p++;
    size_t int_n = (size_t)(p - int_s);
    const char *frac_s = p;
    size_t frac_n = 0;
    if (*p == '.') {
        frac_s = ++p;
        while (sim_yt_is_digit(*p)) p++;
        frac_n = (size_t)(p - frac_s);
    }
    if (int_n + frac_n == 0) return Q_SYNTAX;
    while (*p == ' ' || *p == '\t') p++;
    if (!*p) return Q_NO_UNIT;
    *unit = p;
    for (size_t i = 0; i < k->unit_count; i++)
        if (strcmp(p, k->units[i].name) == 0)
            return q_scale(int_s, int_n, frac_s, frac_n, k->units[i].exp10, k->units[i].mul, out);
    return Q_BAD_UNIT;
}

typedef struct fmtunit {
    const char *name;
    uint64_t size;
} fmtunit;

/* Writes v (> 0) in the largest unit of `units` (largest first, the last
** one of size 1) that divides it. */
static void fmt_units(char *buf, size_t size, uint64_t v, const fmtunit *units, size_t n, const char *sep) {
    assert(n > 0 && units[n - 1].size == 1);
    size_t i = 0;
    while (v % units[i].size != 0) i++;
    snprintf(buf, size, "%" PRIu64 "%s%s", v / units[i].size, sep, units[i].name);
}

static void fmt_duration(char *buf, size_t size, uint64_t ns) {
    static const fmtunit u[] = {
        { "d", 86400000000000u }, { "h", 3600000000000u }, { "min", 60000000000u },
        { "s", 1000000000u }, { "ms", 1000000u }, { "us", 1000u }, { "ns", 1u },
    };
    if (ns == 0) { snprintf(buf, size, "0s"); return; }
    fmt_units(buf, size, ns, u, sizeof u / sizeof u[0], "");
}

static void fmt_gwei(char *buf, size_t size, uint64_t gwei) {
    static const fmtunit u[] = { { "ETH", 1000000000u }, { "gwei", 1u } };
    if (gwei == 0) { snprintf(buf, size, "0 gwei"); return; }
    fmt_units(buf, size, gwei, u, 2, " ");
}

static void fmt_wei(char *buf, size_t size, uint64_t wei) {
    static const fmtunit u[] = { { "ETH", 1000000000000000000u }, { "gwei", 1000000000u }, { "wei", 1u } };
    if (wei == 0) { snprintf(buf, size, "0 wei"); return; }
    fmt_units(buf, size, wei, u, 3, " ");
}

static void fmt_bytes(char *buf, size_t size, uint64_t b) {
    static const fmtunit u[] = {
        { "GiB", 1073741824u }, { "GB", 1000000000u }, { "MiB", 1048576u }, { "MB", 1000000u },
        { "KiB", 1024u }, { "KB", 1000u }, { "B", 1u },
    };
    if (b == 0) { snprintf(buf, size, "0B"); return; }
    fmt_units(buf, size, b, u, sizeof u / sizeof u[0], "");
}

static void fmt_bps(char *buf, size_t size, uint64_t bps) {
    static const fmtunit u[] = { { "Gbps", 1000000000u }, { "Mbps", 1000000u }, { "Kbps", 1000u }, { "bps", 1u } };
    if (bps == 0) { snprintf(buf, size, "0bps"); return; }
    fmt_units(buf, size, bps, u, 4, "");
}

static const qunit duration_units[] = {
    { "ns", 0, 1 }, { "us", 3, 1 }, { "ms", 6, 1 }, { "s", 9, 1 },
    { "m", 10, 6 }, { "min", 10, 6 }, { "h", 11, 36 }, { "d", 11, 864 },
};
static const qunit gwei_units[] = { { "wei", -9, 1 }, { "gwei", 0, 1 }, { "ETH", 9, 1 }, { "eth", 9, 1 } };
static const qunit wei_units[] = { { "wei", 0, 1 }, { "gwei", 9, 1 }, { "ETH", 18, 1 }, { "eth", 18, 1 } };
static const qunit byte_units[] = {
    { "B", 0, 1 }, { "KB", 3, 1 }, { "MB", 6, 1 }, { "GB", 9, 1 },
    { "KiB", 0, 1024 }, { "MiB", 0, 1048576 }, { "GiB", 0, 1073741824 },
};
static const qunit bps_units[] = { { "bps", 0, 1 }, { "Kbps", 3, 1 }, { "Mbps", 6, 1 }, { "Gbps", 9, 1 } };

#define NUNITS(a) (sizeof(a) / sizeof((a)[0]))

static const qkind q_duration = {
    "a duration with a unit (ns, us, ms, s, m, min, h, d)", "duration", "ns, us, ms, s, m, min, h, d",
    "nanosecond", "nanoseconds", duration_units, NUNITS(duration_units), fmt_duration,
};
static const qkind q_gwei = {
    "an amount with a unit (wei, gwei, ETH)", "amount", "wei, gwei, ETH",
    "gwei", "gwei", gwei_units, NUNITS(gwei_units), fmt_gwei,
};
static const qkind q_wei = {
    "an amount with a unit (wei, gwei, ETH)", "amount", "wei, gwei, ETH",
    "wei", "wei", wei_units, NUNITS(wei_units), fmt_wei,
};
static const qkind q_bytes = {
    "a size with a unit (B, KB, MB, GB, KiB, MiB, GiB)", "size", "B, KB, MB, GB, KiB, MiB, GiB",
    "byte", "bytes", byte_units, NUNITS(byte_units), fmt_bytes,
};
static const qkind q_bps = {
    "a bitrate with a unit (bps, Kbps, Mbps, Gbps)", "bitrate", "bps, Kbps, Mbps, Gbps",
    "bit-per-second", "bits per second", bps_units, NUNITS(bps_units), fmt_bps,
};

static bool q_convert(const sim_ynode *n, const qkind *k, uint64_t min, uint64_t max, uint64_t *out,
                      sim_diag *d) {
    assert(n && out && d && min <= max);
    if (!is_plain(n)) return sim_ynode_expected(n, k->expected, d);
    char s[SHOW_SIZE], u[SHOW_SIZE];
    const char *unit = NULL;
    uint64_t v = 0;
    switch (q_parse(n->str, k, &v, &unit)) {
    case Q_OK:
        break;
    case Q_SYNTAX:
    case Q_NO_UNIT:
        return sim_ynode_expected(n, k->expected, d);
    case Q_NEGATIVE:
        sim_diag_error(d, n, "expected a non-negative %s, got '%s'", k->what, sim_yt_show(s, sizeof s, n->str));
        return false;
    case Q_BAD_UNIT:
        sim_diag_error(d, n, "unknown %s unit '%s' in '%s' (expected one of %s)", k->what,
                       sim_yt_show(u, sizeof u, unit), sim_yt_show(s, sizeof s, n->str), k->unit_list);
        return false;
    case Q_TOO_LARGE:
        sim_diag_error(d, n, "value too large: '%s' does not fit in 64 bits of %s", sim_yt_show(s, sizeof s, n->str),
                       k->target);
        return false;
    case Q_PRECISION:
        sim_diag_error(d, n, "sub-%s precision in '%s'", k->finest, sim_yt_show(s, sizeof s, n->str));
        return false;
    }
    if (v < min || v > max) {
        char vs[48], lo[48], hi[48];
        k->format(vs, sizeof vs, v);
        k->format(lo, sizeof lo, min);
        k->format(hi, sizeof hi, max);
        if (max == UINT64_MAX) sim_diag_error(d, n, "value %s out of range (at least %s)", vs, lo);
        else sim_diag_error(d, n, "value %s out of range [%s, %s]", vs, lo, hi);
        return false;
    }
    *out = v;
    return true;
}

bool sim_ynode_duration_ns(const sim_ynode *n, uint64_t min_ns, uint64_t max_ns, uint64_t *out, sim_diag *d) {
    return q_convert(n, &q_duration, min_ns, max_ns, out, d);
}

bool sim_ynode_gwei(const sim_ynode *n, uint64_t min, uint64_t max, uint64_t *out, sim_diag *d) {
    return q_convert(n, &q_gwei, min, max, out, d);
}

bool sim_ynode_wei(const sim_ynode *n, uint64_t min, uint64_t max, uint64_t *out, sim_diag *d) {
    return q_convert(n, &q_wei, min, max, out, d);
}

bool sim_ynode_bytes(const sim_ynode *n, uint64_t min, uint64_t max, uint64_t *out, sim_diag *d) {
    return q_convert(n, &q_bytes, min, max, out, d);
}

bool sim_ynode_bps(const sim_ynode *n, uint64_t min, uint64_t max, uint64_t *out, sim_diag *d) {
    return q_convert(n, &q_bps, min, max, out, d);
}

/* ======================================================================== */
/* Plain converters                                                         */
/* ======================================================================== */

bool sim_ynode_str(const sim_ynode *n, const char **out, sim_diag *d) {
    assert(n && out && d);
    if (n->kind != SIM_Y_SCALAR) return sim_ynode_expected(n, "a string", d);
    *out = n->str;
    return true;
}

bool sim_ynode_bool(const sim_ynode *n, bool *out, sim_diag *d) {
    assert(n && out && d);
    if (is_plain(n)) {
        const char *s = n->str;
        if (!strcmp(s, "true") || !strcmp(s, "True") || !strcmp(s, "TRUE")) { *out = true; return true; }
        if (!strcmp(s, "false") || !strcmp(s, "False") || !strcmp(s, "FALSE")) { *out = false; return true; }
    }
    return sim_ynode_expected(n, "true or false", d);
}

bool sim_ynode_u64(const sim_ynode *n, uint64_t min, uint64_t max, uint64_t *out, sim_diag *d) {
    assert(n && out && d && min <= max);
    if (!is_plain(n)) return sim_ynode_expected(n, "a non-negative integer", d);
    const char *p = n->str;
    if (!*p) return sim_ynode_expected(n, "a non-negative integer", d);
    uint64_t v = 0;
    bool too_large = false;
    for (; *p; p++) {
        if (!sim_yt_is_digit(*p)) return sim_ynode_expected(n, "a non-negative integer", d);
        uint64_t dg = (uint64_t)(*p - '0');
        if (v > (UINT64_MAX - dg) / 10) too_large = true;
        else v = v * 10 + dg;
    }
    if (too_large) {
        char s[SHOW_SIZE];
        sim_diag_error(d, n, "value too large: '%s' does not fit in 64 bits", sim_yt_show(s, sizeof s, n->str));
        return false;
    }
    if (v < min || v > max) {
        if (max == UINT64_MAX) sim_diag_error(d, n, "value %" PRIu64 " out of range (at least %" PRIu64 ")", v, min);
        else sim_diag_error(d, n, "value %" PRIu64 " out of range [%" PRIu64 ", %" PRIu64 "]", v, min, max);
        return false;
    }
    *out = v;
    return true;
}

/* Length of the decimal number at s: [+-]?(D+(.D*)?|.D+)([eE][+-]?D+)?
** (exponent only when allow_exp); 0 when there is none. */
static size_t number_len(const char *s, bool allow_exp) {
    const char *p = s;
    if (*p == '+' || *p == '-') p++;
    size_t digits = 0;
    while (sim_yt_is_digit(*p)) { p++; digits++; }
    if (*p == '.') {
        p++;
        while (sim_yt_is_digit(*p)) { p++; digits++; }
    }
    if (digits == 0) return 0;
    if (allow_exp && (*p == 'e' || *p == 'E')) {
        const char *q = p + 1;
        if (*q == '+' || *q == '-') q++;
        if (sim_yt_is_digit(*q)) {
            while (sim_yt_is_digit(*q)) q++;
            p = q;
        }
    }
    return (size_t)(p - s);
}

/* strtod of s[0..len) with a suffix appended (so "12.5" "e-2" is 0.125). */
static double decimal_value(const char *s, size_t len, const char *suffix) {
    char small[128];
    size_t sl = strlen(suffix);
    char *buf = len + sl + 1 <= sizeof small ? small : malloc(len + sl + 1);
    if (!buf) return NAN;
    memcpy(buf, s, len);
    memcpy(buf + len, suffix, sl + 1);
    double v = strtod(buf, NULL);
    if (buf != small) free(buf);
    return v;
}

/* Shared tail of the floating converters: finiteness and range.  `unit`
** is appended to numbers in the message ("%", "/s" or ""); `scale`
** multiplies values for display (100 for percentages). */
static bool f_check(const sim_ynode *n, double v, double min, double max, double *out, sim_diag *d,
                    double scale, const char *unit) {
    char s[SHOW_SIZE];
    if (isnan(v)) {
        sim_diag_error(d, n, "out of memory parsing '%s'", sim_yt_show(s, sizeof s, n->str));
        return false;
    }
    if (isinf(v)) {
        sim_diag_error(d, n, "value too large: '%s'", sim_yt_show(s, sizeof s, n->str));
        return false;
    }
    if (v < min || v > max) {
        if (isinf(max) && isinf(min)) { /* cannot happen: v is finite */ }
        else if (isinf(max))
            sim_diag_error(d, n, "value %.15g%s out of range (at least %.15g%s)", v * scale, unit, min * scale, unit);
        else if (isinf(min))
            sim_diag_error(d, n, "value %.15g%s out of range (at most %.15g%s)", v * scale, unit, max * scale, unit);
        else
            sim_diag_error(d, n, "value %.15g%s out of range [%.15g%s, %.15g%s]", v * scale, unit, min * scale, unit,
                           max * scale, unit);
        return false;
    }
    *out = v;
    return true;
}

bool sim_ynode_f64(const sim_ynode *n, double min, double max, double *out, sim_diag *d) {
    assert(n && out && d && min <= max);
    if (!is_plain(n)) return sim_ynode_expected(n, "a number", d);
    size_t len = number_len(n->str, true);
    if (len == 0 || n->str[len] != '\0') return sim_ynode_expected(n, "a number", d);
    return f_check(n, decimal_value(n->str, len, ""), min, max, out, d, 1.0, "");
}

#define FRACTION_EXPECTED "a fraction (a number like 0.25 or a percentage like 25%)"

bool sim_ynode_fraction(const sim_ynode *n, double min, double max, double *out, sim_diag *d) {
    assert(n && out && d && min <= max);
    if (!is_plain(n)) return sim_ynode_expected(n, FRACTION_EXPECTED, d);
    const char *s = n->str;
    size_t len = number_len(s, true);
    if (len == 0) return sim_ynode_expected(n, FRACTION_EXPECTED, d);
    const char *p = s + len;
    if (*p == '\0') return f_check(n, decimal_value(s, len, ""), min, max, out, d, 1.0, "");
    /* A percentage: no exponent, so "e-2" can be appended exactly. */
    size_t plain_len = number_len(s, false);
    if (plain_len != len) return sim_ynode_expected(n, FRACTION_EXPECTED, d);
    while (*p == ' ' || *p == '\t') p++;
    if (strcmp(p, "%") != 0) return sim_ynode_expected(n, FRACTION_EXPECTED, d);
    return f_check(n, decimal_value(s, len, "e-2"), min, max, out, d, 100.0, "%");
}

#define RATE_EXPECTED "a rate with a unit (N/s, N/min, N/h)"

bool sim_ynode_rate_per_s(const sim_ynode *n, double min, double max, double *out, sim_diag *d) {
    assert(n && out && d && min <= max);
    if (!is_plain(n)) return sim_ynode_expected(n, RATE_EXPECTED, d);
    const char *s = n->str;
    size_t len = number_len(s, true);
    if (len == 0) return sim_ynode_expected(n, RATE_EXPECTED, d);
    const char *p = s + len;
    while (*p == ' ' || *p == '\t') p++;
    if (*p != '/') return sim_ynode_expected(n, RATE_EXPECTED, d);
    p++;
    while (*p == ' ' || *p == '\t') p++;
    double per;
    if (!strcmp(p, "s")) per = 1.0;
    else if (!strcmp(p, "min")) per = 60.0;
    else if (!strcmp(p, "h")) per = 3600.0;
    else {
        char us[SHOW_SIZE], ss[SHOW_SIZE];
        sim_diag_error(d, n, "unknown rate unit '/%s' in '%s' (expected one of /s, /min, /h)", sim_yt_show(us, sizeof us, p),
                       sim_yt_show(ss, sizeof ss, s));
        return false;
    }
    double v = decimal_value(s, len, "");
    if (!isnan(v)) v /= per;
    return f_check(n, v, min, max, out, d, 1.0, "/s");
}

bool sim_ynode_enum(const sim_ynode *n, const char *const *names, int *out, sim_diag *d) {
    assert(n && names && out && d);
    if (n->kind == SIM_Y_SCALAR) {
        for (int i = 0; names[i]; i++) {
            if (strcmp(names[i], n->str) == 0) {
                *out = i;
                return true;
            }
        }
    }
    sim_ybuf list = { 0 };
    sim_ybuf_puts(&list, "one of ");
    for (size_t i = 0; names[i]; i++) {
        if (i) sim_ybuf_puts(&list, ", ");
        sim_ybuf_puts(&list, "'");
        sim_ybuf_puts(&list, names[i]);
        sim_ybuf_puts(&list, "'");
    }
    char desc[DESC_SIZE];
    describe(n, desc, sizeof desc);
    const char *best = n->kind == SIM_Y_SCALAR ? suggest(n->str, names) : NULL;
    const char *what = list.oom || !list.p ? "one of the allowed values" : list.p;
    if (best) sim_diag_error(d, n, "expected %s, got %s (did you mean '%s'?)", what, desc, best);
    else sim_diag_error(d, n, "expected %s, got %s", what, desc);
    free(list.p);
    return false;
}

/* ======================================================================== */
/* Fields                                                                   */
/* ======================================================================== */

/* The node for `key`, or NULL when absent (records "missing required key"
** when required: *fail is then set). */
static const sim_ynode *field(const sim_ynode *map, const char *key, bool required, bool *fail, sim_diag *d) {
    assert(key && d);
    *fail = false;
    const sim_ynode *n = sim_ymap_get(map, key);
    if (!n && required) {
        char ks[SHOW_SIZE];
        sim_diag_error(d, map, "missing required key '%s'", sim_yt_show(ks, sizeof ks, key));
        *fail = true;
    }
    return n;
}

#define FIELD_BODY(conv_call)                                  \
    bool fail;                                                 \
    const sim_ynode *n = field(map, key, required, &fail, d); \
    if (fail) return false;                                    \
    if (!n) {                                                  \
        *out = def;                                            \
        return true;                                           \
    }                                                          \
    return conv_call

bool sim_yfield_duration_ns(const sim_ynode *map, const char *key, bool required, uint64_t def,
                            uint64_t min_ns, uint64_t max_ns, uint64_t *out, sim_diag *d) {
    FIELD_BODY(sim_ynode_duration_ns(n, min_ns, max_ns, out, d));
}

bool sim_yfield_u64(const sim_ynode *map, const char *key, bool required, uint64_t def,
                    uint64_t min, uint64_t max, uint64_t *out, sim_diag *d) {
    FIELD_BODY(sim_ynode_u64(n, min, max, out, d));
}

bool sim_yfield_f64(const sim_ynode *map, const char *key, bool required, double def,
                    double min, double max, double *out, sim_diag *d) {
    FIELD_BODY(sim_ynode_f64(n, min, max, out, d));
}

bool sim_yfield_fraction(const sim_ynode *map, const char *key, bool required, double def,
                         double min, double max, double *out, sim_diag *d) {
    FIELD_BODY(sim_ynode_fraction(n, min, max, out, d));
}

bool sim_yfield_bool(const sim_ynode *map, const char *key, bool required, bool def, bool *out, sim_diag *d) {
    FIELD_BODY(sim_ynode_bool(n, out, d));
}

bool sim_yfield_str(const sim_ynode *map, const char *key, bool required, const char *def,
                    const char **out, sim_diag *d) {
    FIELD_BODY(sim_ynode_str(n, out, d));
}

bool sim_yfield_enum(const sim_ynode *map, const char *key, bool required, int def,
                     const char *const *names, int *out, sim_diag *d) {
    FIELD_BODY(sim_ynode_enum(n, names, out, d));
}

bool sim_yfield_gwei(const sim_ynode *map, const char *key, bool required, uint64_t def,
                     uint64_t min, uint64_t max, uint64_t *out, sim_diag *d) {
    FIELD_BODY(sim_ynode_gwei(n, min, max, out, d));
}

bool sim_yfield_wei(const sim_ynode *map, const char *key, bool required, uint64_t def,
                    uint64_t min, uint64_t max, uint64_t *out, sim_diag *d) {
    FIELD_BODY(sim_ynode_wei(n, min, max, out, d));
}

bool sim_yfield_bytes(const sim_ynode *map, const char *key, bool required, uint64_t def,
                      uint64_t min, uint64_t max, uint64_t *out, sim_diag *d) {
    FIELD_BODY(sim_ynode_bytes(n, min, max, out, d));
}

bool sim_yfield_bps(const sim_ynode *map, const char *key, bool required, uint64_t def,
                    uint64_t min, uint64_t max, uint64_t *out, sim_diag *d) {
    FIELD_BODY(sim_ynode_bps(n, min, max, out, d));
}

bool sim_yfield_rate_per_s(const sim_ynode *map, const char *key, bool required, double def,
                           double min, double max, double *out, sim_diag *d) {
    FIELD_BODY(sim_ynode_rate_per_s(n, min, max, out, d));
}

bool sim_ynode_is_none(const sim_ynode *n) {
    return n && n->kind == SIM_Y_SCALAR && !n->quoted && strcmp(n->str, "none") == 0;
}
