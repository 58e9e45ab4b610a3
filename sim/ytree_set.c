/*
** The scenario reader's `--set key.path=value` overrides: the path is split
** into steps, the value is parsed as YAML at the depth where it will sit,
** and the document is changed only when every step and the value are valid.
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
/* --set overrides                                                          */
/* ======================================================================== */

typedef enum ystep_kind { STEP_KEY, STEP_INDEX, STEP_DIGITS } ystep_kind;

typedef struct ystep {
    ystep_kind kind;
    const char *s;   /* key text (KEY, DIGITS) */
    size_t len;
    size_t index;    /* INDEX, DIGITS */
    uint32_t col;    /* 1-based column in the assignment */
    size_t end;      /* offset in the path just after this step */
} ystep;

#define MAX_INDEX ((size_t)1000000000)

/* Splits path[0..len) into steps; false with an error on a malformed path. */
static bool set_parse_path(const char *path, size_t len, const char *file, ystep *steps, size_t *count,
                           sim_diag *d) {
    char ps[SHOW_SIZE];
    size_t n = 0, i = 0;
    for (;;) {
        /* A segment: a non-empty name, then any number of [N]. */
        size_t start = i;
        while (i < len && path[i] != '.' && path[i] != '[' && path[i] != ']') i++;
        if (i == start) {
            sim_diag_error_at(d, file, 1, (uint32_t)start + 1, "empty key in path '%s'", sim_yt_show_n(ps, sizeof ps, path, len));
            return false;
        }
        if (n == SIM_YAML_MAX_DEPTH) {
            sim_diag_error_at(d, file, 1, (uint32_t)start + 1, "key path deeper than %u levels", SIM_YAML_MAX_DEPTH);
            return false;
        }
        ystep *st = &steps[n++];
        st->s = path + start;
        st->len = i - start;
        st->col = (uint32_t)start + 1;
        st->end = i;
        st->kind = STEP_KEY;
        if (st->len <= 9) {
            bool digits = true;
            size_t v = 0;
            for (size_t k = 0; k < st->len; k++) {
                digits = digits && sim_yt_is_digit(st->s[k]);
                v = v * 10 + (size_t)(st->s[k] - '0');
            }
            if (digits) { st->kind = STEP_DIGITS; st->index = v; }
        }
        while (i < len && path[i] == '[') {
            size_t open = i++;
            size_t v = 0, nd = 0;
            while (i < len && sim_yt_is_digit(path[i])) {
                if (v > MAX_INDEX) v = MAX_INDEX + 1;
                else v = v * 10 + (size_t)(path[i] - '0');
                i++;
                nd++;
            }
            if (nd == 0 || i >= len || path[i] != ']') {
                sim_diag_error_at(d, file, 1, (uint32_t)open + 1, "expected [index] in path '%s'",
                                  sim_yt_show_n(ps, sizeof ps, path, len));
                return false;
            }
            if (v > MAX_INDEX) {
                sim_diag_error_at(d, file, 1, (uint32_t)open + 2, "index too large in path '%s'",
                                  sim_yt_show_n(ps, sizeof ps, path, len));
                return false;
            }
            i++;
            if (n == SIM_YAML_MAX_DEPTH) {
                sim_diag_error_at(d, file, 1, (uint32_t)open + 1, "key path deeper than %u levels", SIM_YAML_MAX_DEPTH);
                return false;
            }
            steps[n++] = (ystep){ STEP_INDEX, NULL, 0, v, (uint32_t)open + 1, i };
        }
        if (i == len) break;
        if (path[i] != '.') {
            sim_diag_error_at(d, file, 1, (uint32_t)i + 1, "unexpected '%c' in path '%s'", path[i],
                              sim_yt_show_n(ps, sizeof ps, path, len));
            return false;
        }
        i++;
    }
    *count = n;
    return true;
}

/* Adds key (steps[i]) with a null value to map; NULL when out of memory. */
static sim_ynode **set_add_key(sim_ydoc *doc, sim_ynode *map, const ystep *st, const char *file) {
    sim_ynode *k = sim_ydoc_node_new(doc, SIM_Y_SCALAR, file, 1, st->col);
    sim_ynode *v = sim_ydoc_node_new(doc, SIM_Y_NULL, file, 1, st->col);
    if (!k || !v) return NULL;
    if (!(k->str = sim_ydoc_strndup(doc, st->s, st->len))) return NULL;
    v->str = "";
    sim_ynode **ni = sim_ydoc_alloc(doc, (map->count + 1) * sizeof *ni);
    sim_ynode **nk = sim_ydoc_alloc(doc, (map->count + 1) * sizeof *nk);
    if (!ni || !nk) return NULL;
    if (map->count) {
        memcpy(ni, map->items, map->count * sizeof *ni);
        memcpy(nk, map->keys, map->count * sizeof *nk);
    }
    ni[map->count] = v;
    nk[map->count] = k;
    map->items = ni;
    map->keys = nk;
    map->count++;
    return &map->items[map->count - 1];
}

/* Walks the steps from the root.  Without `apply` only checks (nothing
** changes); with it creates keys and stores `value` at the end. */
static bool set_walk(sim_ydoc *doc, const char *path, const ystep *steps, size_t count, const char *file,
                     sim_ynode *value, bool apply, sim_diag *d) {
    sim_ynode **slot = &doc->root;
    bool creating = false;  /* (check mode) the rest of the path will be created */
    char ps[SHOW_SIZE], ks[SHOW_SIZE], kind[DESC_SIZE];
    for (size_t i = 0; i < count; i++) {
        const ystep *st = &steps[i];
        sim_ynode *cur = creating ? NULL : *slot;
        const char *prefix = i == 0 ? "" : sim_yt_show_n(ps, sizeof ps, path, steps[i - 1].end);
        bool index = st->kind == STEP_INDEX || (st->kind == STEP_DIGITS && cur && cur->kind == SIM_Y_SEQ);
        if (index) {
            if (!cur) {
                sim_diag_error_at(d, file, 1, st->col, "cannot index '%s': no such key", prefix);
                return false;
            }
            if (cur->kind != SIM_Y_SEQ) {
                sim_ynode_kind_phrase(cur, kind, sizeof kind);
                sim_diag_error_at(d, file, 1, st->col, "cannot index '%s': it is %s, not a sequence", prefix, kind);
                return false;
            }
            if (st->index >= cur->count) {
                sim_diag_error_at(d, file, 1, st->col, "index %zu out of range: '%s' has %zu item%s", st->index,
                                  prefix, cur->count, cur->count == 1 ? "" : "s");
                return false;
            }
            slot = &cur->items[st->index];
            continue;
        }
        if (cur && cur->kind == SIM_Y_NULL) {
            if (!apply) {
                creating = true;
                continue;
            }
            sim_ynode *m = sim_ydoc_node_new(doc, SIM_Y_MAP, file, 1, st->col);
            if (!m || !(m->items = sim_ydoc_alloc(doc, sizeof *m->items)) || !(m->keys = sim_ydoc_alloc(doc, sizeof *m->keys)))
                goto oom;
            *slot = cur = m;
        }
        if (!cur) continue;  /* creating */
        if (cur->kind != SIM_Y_MAP) {
            sim_ynode_kind_phrase(cur, kind, sizeof kind);
            if (i == 0)
                sim_diag_error_at(d, file, 1, st->col, "cannot set key '%s': the document is %s, not a mapping",
                                  sim_yt_show_n(ks, sizeof ks, st->s, st->len), kind);
            else
                sim_diag_error_at(d, file, 1, st->col, "cannot set key '%s' in '%s': it is %s, not a mapping",
                                  sim_yt_show_n(ks, sizeof ks, st->s, st->len), prefix, kind);
            return false;
        }
        size_t j;
        bool found = false;
        for (j = 0; j < cur->count; j++) {
            const char *k = cur->keys[j]->str;
            if (strlen(k) == st->len && memcmp(k, st->s, st->len) == 0) { found = true; break; }
        }
        if (found) {
            slot = &cur->items[j];
        } else if (apply) {
            if (!(slot = set_add_key(doc, cur, st, file))) goto oom;
        } else {
            creating = true;
        }
    }
    if (apply) *slot = value;
    return true;
oom:
    sim_diag_error_at(d, file, 0, 0, "out of memory applying override");
    return false;
}

bool sim_ydoc_set(sim_ydoc *doc, const char *assignment, sim_diag *d) {
    assert(doc && assignment && d);
    char as[SHOW_SIZE];
    const char *eq = strchr(assignment, '=');
    if (!eq) {
        sim_diag_error_at(d, "--set", 0, 0, "malformed override '%s': expected key.path=value",
                          sim_yt_show(as, sizeof as, assignment));
        return false;
    }
    size_t plen = (size_t)(eq - assignment);
    if (plen == 0) {
        sim_diag_error_at(d, "--set", 0, 0, "malformed override '%s': empty key path", sim_yt_show(as, sizeof as, assignment));
        return false;
    }
    for (size_t i = 0; i < plen;) {
        size_t l = sim_yt_utf8_len((const unsigned char *)assignment + i, plen - i);
        if (l == 0 || (unsigned char)assignment[i] < 0x20 || assignment[i] == 0x7F) {
            sim_diag_error_at(d, "--set", 0, 0, "malformed override '%s': the key path has control characters "
                              "or invalid UTF-8", sim_yt_show(as, sizeof as, assignment));
            return false;
        }
        i += l;
    }
    /* The file name of every mark in this override. */
    char *file = sim_ydoc_alloc(doc, plen + 7);
    if (!file) {
        sim_diag_error_at(d, "--set", 0, 0, "out of memory applying override");
        return false;
    }
    memcpy(file, "--set ", 6);
    memcpy(file + 6, assignment, plen);
    file[plen + 6] = '\0';
    ystep steps[SIM_YAML_MAX_DEPTH];
    size_t count = 0;
    if (!set_parse_path(assignment, plen, file, steps, &count, d)) return false;
    /* The value, parsed as YAML at the depth where it will sit. */
    const char *value_text = eq + 1;
    uint32_t height = 0;
    uint32_t col_offset = plen + 1 > UINT32_MAX ? UINT32_MAX : (uint32_t)(plen + 1);
    sim_ynode *value = sim_ydoc_parse(doc, d, file, value_text, strlen(value_text), true, col_offset, (uint32_t)count,
                               &height);
    bool path_ok = set_walk(doc, assignment, steps, count, file, NULL, false, d);
    if (!value || !path_ok) return false;
    /* Keys and mappings the path may create count against the limit too. */
    if (doc->node_count + 3 * count > SIM_YAML_MAX_NODES) {
        sim_diag_error_at(d, file, 1, 1, "document too large: more than %u nodes", SIM_YAML_MAX_NODES);
        return false;
    }
    return set_walk(doc, assignment, steps, count, file, value, true, d);
}

/* ======================================================================== */
/* JSON                                                                     */
