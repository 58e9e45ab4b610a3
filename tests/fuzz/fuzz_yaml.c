/*
** libFuzzer harness for the scenario reader (sim/ytree.c).  Each input is
** loaded as a scenario; the tree is walked with every converter, key check
** and field getter; two `--set` overrides derived from the input are
** applied (the first line with any leading '#' and blanks removed, and a
** path through the tree's first keys set to the input's last line); the
** result is converted to JSON, which must be valid JSON; everything is
** freed.  Invariants that must hold for any input abort when broken:
** every node has a file and 1-based line and column, mapping keys are
** unique scalars, the stored text equals the input.
*/
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ytree.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Converters are exercised on at most this many nodes per input, so alias
** expansions near the node limit stay fast. */
#define WALK_BUDGET 20000

static const char *const allowed_keys[] = { "seed", "network", "latency", "stake", "name", "rate", "quorum", NULL };
static const char *const level_names[] = { "fast", "finalized", NULL };

static void check(bool ok) {
    if (!ok) abort();
}

static void convert_all(const sim_ynode *n, sim_diag *d) {
    uint64_t u;
    double f;
    bool b;
    const char *s;
    int e;
    sim_ynode_str(n, &s, d);
    sim_ynode_bool(n, &b, d);
    sim_ynode_u64(n, 0, UINT64_MAX, &u, d);
    sim_ynode_u64(n, 1, 100, &u, d);
    sim_ynode_f64(n, -1e9, 1e9, &f, d);
    sim_ynode_enum(n, level_names, &e, d);
    sim_ynode_duration_ns(n, 0, UINT64_MAX, &u, d);
    sim_ynode_duration_ns(n, 1000000, 3600000000000, &u, d);
    sim_ynode_gwei(n, 0, UINT64_MAX, &u, d);
    sim_ynode_gwei(n, 1, 32000000000, &u, d);
    sim_ynode_wei(n, 0, UINT64_MAX, &u, d);
    sim_ynode_bytes(n, 0, UINT64_MAX, &u, d);
    sim_ynode_bytes(n, 1024, 1048576, &u, d);
    sim_ynode_bps(n, 0, UINT64_MAX, &u, d);
    sim_ynode_fraction(n, 0, 1, &f, d);
    sim_ynode_rate_per_s(n, 0, 1e6, &f, d);
}

static void walk(const sim_ynode *n, sim_diag *d, size_t *budget) {
    check(n != NULL);
    check(n->file != NULL && n->line >= 1 && n->col >= 1);
    if (*budget == 0) return;
    (*budget)--;
    convert_all(n, d);
    switch (n->kind) {
    case SIM_Y_NULL:
    case SIM_Y_SCALAR:
        check(n->str != NULL);
        break;
    case SIM_Y_SEQ:
        for (size_t i = 0; i < n->count; i++) walk(n->items[i], d, budget);
        break;
    case SIM_Y_MAP: {
        sim_ymap_check(n, "fuzz", allowed_keys, d);
        uint64_t u;
        double f;
        bool b;
        const char *s;
        int e;
        sim_yfield_duration_ns(n, "latency", false, 1, 0, UINT64_MAX, &u, d);
        sim_yfield_u64(n, "seed", true, 0, 0, UINT64_MAX, &u, d);
        sim_yfield_f64(n, "x", false, 0, -1, 1, &f, d);
        sim_yfield_fraction(n, "quorum", false, 0.5, 0, 1, &f, d);
        sim_yfield_bool(n, "on", false, true, &b, d);
        sim_yfield_str(n, "name", false, "x", &s, d);
        sim_yfield_enum(n, "level", false, 0, level_names, &e, d);
        sim_yfield_gwei(n, "stake", false, 0, 0, UINT64_MAX, &u, d);
        sim_yfield_wei(n, "price", false, 0, 0, UINT64_MAX, &u, d);
        sim_yfield_bytes(n, "size", false, 0, 0, UINT64_MAX, &u, d);
        sim_yfield_bps(n, "bw", false, 0, 0, UINT64_MAX, &u, d);
        sim_yfield_rate_per_s(n, "rate", false, 1, 0, 1e9, &f, d);
        for (size_t i = 0; i < n->count; i++) {
            check(n->keys[i]->kind == SIM_Y_SCALAR && n->keys[i]->str != NULL);
            check(n->keys[i]->line >= 1 && n->keys[i]->col >= 1);
            /* keys are unique: a lookup finds this very value */
            if (n->count <= 256) check(sim_ymap_get(n, n->keys[i]->str) == n->items[i]);
            walk(n->items[i], d, budget);
        }
        break;
    }
    }
}

/* ---- a strict JSON checker (RFC 8259) ------------------------------------ */

static const char *json_value(const char *p, int depth);

static const char *json_ws(const char *p) {
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') p++;
    return p;
}

static const char *json_string(const char *p) {
    if (*p != '"') return NULL;
    p++;
    for (;;) {
        unsigned char c = (unsigned char)*p;
        if (c == '"') return p + 1;
        if (c < 0x20) return NULL;
        if (c == '\\') {
            p++;
            if (*p == 'u') {
                for (int i = 1; i <= 4; i++) {
                    char h = p[i];
                    if (!((h >= '0' && h <= '9') || (h >= 'a' && h <= 'f') || (h >= 'A' && h <= 'F'))) return NULL;
                }
                p += 5;
            } else if (*p && strchr("\"\\/bfnrt", *p)) {
                p++;
            } else {
                return NULL;
            }
            continue;
        }
        if (c < 0x80) { p++; continue; }
        /* UTF-8: lead byte, continuation bytes, no overlongs or surrogates */
        int n = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 && c <= 0xDF ? 2 : 0;
        if (n == 0) return NULL;
        uint32_t cp = c & (n == 2 ? 0x1F : n == 3 ? 0x0F : 0x07);
        for (int i = 1; i < n; i++) {
            if (((unsigned char)p[i] & 0xC0) != 0x80) return NULL;
            cp = (cp << 6) | ((unsigned char)p[i] & 0x3F);
        }
        if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return NULL;
        p += n;
    }
}

static const char *json_number(const char *p) {
    if (*p == '-') p++;
    if (*p == '0') p++;
    else if (*p >= '1' && *p <= '9') while (*p >= '0' && *p <= '9') p++;
    else return NULL;
    if (*p == '.') {
        p++;
        if (!(*p >= '0' && *p <= '9')) return NULL;
        while (*p >= '0' && *p <= '9') p++;
    }
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-') p++;
        if (!(*p >= '0' && *p <= '9')) return NULL;
        while (*p >= '0' && *p <= '9') p++;
    }
    return p;
}

static const char *json_value(const char *p, int depth) {
    if (depth > 1000) return NULL;
    p = json_ws(p);
    if (*p == '{' || *p == '[') {
        char close = *p == '{' ? '}' : ']';
        bool obj = *p == '{';
        p = json_ws(p + 1);
        if (*p == close) return p + 1;
        for (;;) {
            if (obj) {
                p = json_string(json_ws(p));
                if (!p) return NULL;
                p = json_ws(p);
                if (*p != ':') return NULL;
                p++;
            }
            p = json_value(p, depth + 1);
            if (!p) return NULL;
            p = json_ws(p);
            if (*p == close) return p + 1;
            if (*p != ',') return NULL;
            p++;
        }
    }
    if (*p == '"') return json_string(p);
    if (!strncmp(p, "true", 4)) return p + 4;
    if (!strncmp(p, "false", 5)) return p + 5;
    if (!strncmp(p, "null", 4)) return p + 4;
    return json_number(p);
}

static void check_json(const char *j) {
    check(j != NULL);
    const char *end = json_value(j, 0);
    check(end != NULL && *end == '\0');
}

/* ---- the harness --------------------------------------------------------- */

/* Copies data[from, to) as a C string (NULs become spaces). */
static char *cstr(const uint8_t *data, size_t from, size_t to) {
    char *s = malloc(to - from + 1);
    if (!s) abort();
    for (size_t i = from; i < to; i++) s[i - from] = data[i] ? (char)data[i] : ' ';
    s[to - from] = '\0';
    return s;
}

/* "k1.k2[0]..." following the first key or item of each level. */
static void first_path(const sim_ynode *n, char *buf, size_t size) {
    size_t o = 0;
    buf[0] = '\0';
    for (int level = 0; level < 4 && n && n->count > 0; level++) {
        int w;
        if (n->kind == SIM_Y_MAP) {
            w = snprintf(buf + o, size - o, "%s%s", o ? "." : "", n->keys[0]->str);
        } else if (n->kind == SIM_Y_SEQ) {
            w = snprintf(buf + o, size - o, "[0]");
        } else {
            break;
        }
        if (w < 0 || (size_t)w >= size - o) break;
        o += (size_t)w;
        n = n->items[0];
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    sim_diag *d = sim_diag_new();
    if (!d) return 0;
    sim_ydoc *doc = sim_ydoc_load_string("fuzz.yaml", (const char *)data, size, d);
    if (doc) {
        check(memcmp(sim_ydoc_text(doc), data, size) == 0 && sim_ydoc_text(doc)[size] == '\0');
        size_t budget = WALK_BUDGET;
        walk(sim_ydoc_root(doc), d, &budget);

        /* Override 1: the first line, minus a leading comment marker. */
        size_t nl = 0;
        while (nl < size && data[nl] != '\n' && nl < 512) nl++;
        size_t start = 0;
        while (start < nl && (data[start] == '#' || data[start] == ' ')) start++;
        char *first = cstr(data, start, nl);
        sim_ydoc_set(doc, first, d);
        free(first);

        /* Override 2: the path of first keys, set to the last line. */
        char path[256];
        first_path(sim_ydoc_root(doc), path, sizeof path);
        size_t last = size;
        while (last > 0 && data[last - 1] != '\n' && size - last < 256) last--;
        char *value = cstr(data, last, size);
        size_t al = strlen(path) + strlen(value) + 2;
        char *assign = malloc(al);
        if (!assign) abort();
        snprintf(assign, al, "%s=%s", path, value);
        sim_ydoc_set(doc, assign, d);
        free(assign);
        free(value);

        budget = WALK_BUDGET;
        walk(sim_ydoc_root(doc), d, &budget);
        char *json = sim_ydoc_to_json(doc);
        check_json(json);
        free(json);
        sim_ydoc_free(doc);
    }
    check(doc != NULL || sim_diag_errors(d) > 0);
    for (size_t i = 0; i < sim_diag_count(d); i++) check(strlen(sim_diag_message(d, i)) > 0);
    sim_diag_free(d);
    return 0;
}
