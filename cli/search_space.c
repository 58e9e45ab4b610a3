/*
** `xrsim search`'s candidates and their overrides (search_space.h).
*/
#include "search_space.h"

#include <assert.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A growing string; `oom` once an allocation failed. */
typedef struct sbuf {
    char *p;
    size_t len, cap;
    bool oom;
} sbuf;

__attribute__((format(printf, 2, 3))) static void sb_printf(sbuf *b, const char *fmt, ...) {
    if (b->oom) return;
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(b->p ? b->p + b->len : NULL, b->p ? b->cap - b->len : 0, fmt, ap);
        va_end(ap);
        if (n < 0) {
            b->oom = true;
            return;
        }
        if (b->p && b->len + (size_t)n < b->cap) {
            b->len += (size_t)n;
            return;
        }
        size_t cap = (b->cap ? b->cap * 2 : 128) + (size_t)n;
        char *p = realloc(b->p, cap);
        if (!p) {
            b->oom = true;
            return;
        }
        if (!b->p) p[0] = '\0';
        b->p = p;
        b->cap = cap;
    }
}

static char *sb_take(sbuf *b) {
    if (b->oom) {
        free(b->p);
        return NULL;
    }
    if (!b->p) return calloc(1, 1);
    return b->p;
}

static char *dup_str(const char *s) {
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p) memcpy(p, s, n);
    return p;
}

bool search_parse_ns(const char *text, uint64_t *ns) {
    sim_diag *d = sim_diag_new();
    if (!d) return false;
    sim_ydoc *doc = sim_ydoc_load_string("search", text, strlen(text), d);
    bool ok = doc && sim_ynode_duration_ns(sim_ydoc_root(doc), 0, UINT64_MAX, ns, d);
    sim_ydoc_free(doc);
    sim_diag_free(d);
    return ok;
}

bool search_base_init(search_base *b, const mdl_scenario *scn) {
    memset(b, 0, sizeof *b);
    b->scn = scn;
    b->cfg = &scn->search;
    const sim_ynode *root = sim_ydoc_root(scn->doc);
    const sim_ynode *cs = sim_ymap_get(sim_ymap_get(root, "adversary"), "coalitions");
    if (!cs || cs->kind != SIM_Y_SEQ || b->cfg->coalition >= cs->count) {
        fprintf(stderr, "%s: search: coalition %" PRIu32 " does not exist\n", scn->path, b->cfg->coalition);
        return false;
    }
    b->coalition = cs->items[b->cfg->coalition];
    const sim_ynode *an = sim_ymap_get(b->coalition, "attack");
    if (!an || an->kind != SIM_Y_MAP || an->count != 1) {
        fprintf(stderr, "%s: search: the coalition needs one attack to start from\n", scn->path);
        return false;
    }
    b->kind = an->keys[0]->str;
    b->attack = an->items[0];
    return true;
}

void search_spec_free(search_spec *s) {
    if (!s) return;
    for (int i = 0; i < MDL_SEARCH_DIM_COUNT; i++) free(s->val[i]);
    free(s->duration);
    free(s->rollups);
    memset(s, 0, sizeof *s);
}

bool search_spec_from_idx(search_spec *s, const search_base *b, const int *idx) {
    memset(s, 0, sizeof *s);
    for (int i = 0; i < MDL_SEARCH_DIM_COUNT; i++) {
        const mdl_search_dim *dm = &b->cfg->dims[i];
        s->idx[i] = -1;
        if (!dm->present) continue;
        assert(idx[i] >= 0 && (size_t)idx[i] < dm->count);
        s->idx[i] = idx[i];
        s->val[i] = dup_str(dm->values[idx[i]]);
        if (!s->val[i]) {
            search_spec_free(s);
            return false;
        }
    }
    return true;
}

bool search_spec_copy(search_spec *dst, const search_spec *src) {
    memset(dst, 0, sizeof *dst);
    bool ok = true;
    for (int i = 0; i < MDL_SEARCH_DIM_COUNT; i++) {
        dst->idx[i] = src->idx[i];
        if (src->val[i]) ok = (dst->val[i] = dup_str(src->val[i])) != NULL && ok;
    }
    if (src->duration) ok = (dst->duration = dup_str(src->duration)) != NULL && ok;
    if (src->rollups) ok = (dst->rollups = dup_str(src->rollups)) != NULL && ok;
    if (!ok) search_spec_free(dst);
    return ok;
}

bool search_spec_set(search_spec *s, mdl_search_dim_id dim, const char *value) {
    char *v = dup_str(value);
    if (!v) return false;
    free(s->val[dim]);
    s->val[dim] = v;
    s->idx[dim] = -1;
    return true;
}

const char *search_spec_kind(const search_spec *s, const search_base *b) {
    return s->val[MDL_SEARCH_ATTACK] ? s->val[MDL_SEARCH_ATTACK] : b->kind;
}

void search_spec_canonical(search_spec *s, const search_base *b) {
    const char *kind = search_spec_kind(s, b);
    bool forge = strcmp(kind, "forge") == 0, stale = strcmp(kind, "stale_forge") == 0,
         censor = strcmp(kind, "censor") == 0;
    struct {
        mdl_search_dim_id dim;
        bool applies;
    } rules[] = {{MDL_SEARCH_LEVEL, forge},
                 {MDL_SEARCH_VALUE, !censor},
                 {MDL_SEARCH_STALE_SET, stale},
                 {MDL_SEARCH_CENSOR_FOR, censor}};
    for (size_t r = 0; r < sizeof rules / sizeof rules[0]; r++) {
        const mdl_search_dim *dm = &b->cfg->dims[rules[r].dim];
        if (!dm->present || rules[r].applies || s->idx[rules[r].dim] == 0) continue;
        search_spec_set(s, rules[r].dim, dm->values[0]);
        s->idx[rules[r].dim] = 0;
    }
}

/* "key: <flow of the base attack's key>" when the base attack has it. */
static void base_field(sbuf *o, const search_base *b, const char *key, const char **sep) {
    const sim_ynode *n = sim_ymap_get(b->attack, key);
    if (!n) return;
    char *f = sim_ynode_to_flow(n);
    if (!f) {
        o->oom = true;
        return;
    }
    sb_printf(o, "%s%s: %s", *sep, key, f);
    *sep = ", ";
    free(f);
}

/* The attack mapping "{kind: {...}}" of the spec. */
static void attack_flow(sbuf *o, const search_spec *s, const search_base *b) {
    const char *kind = search_spec_kind(s, b);
    bool same = strcmp(kind, b->kind) == 0;
    const char *sep = "";
    sb_printf(o, "{%s: {", kind);
    if (strcmp(kind, "stale_forge") == 0) {
        if (s->val[MDL_SEARCH_STALE_SET]) sb_printf(o, "set: %s", s->val[MDL_SEARCH_STALE_SET]), sep = ", ";
        else if (same) base_field(o, b, "set", &sep);
        else sb_printf(o, "set: 1"), sep = ", ";
    }
    const char *route = s->val[MDL_SEARCH_ROUTE];
    if (route) {
        size_t n = strlen(route);
        assert(n >= 2 && route[0] == '{' && route[n - 1] == '}');
        sb_printf(o, "%s%.*s", sep, (int)(n - 2), route + 1);
        sep = ", ";
    } else {
        base_field(o, b, "from", &sep);
        base_field(o, b, "to", &sep);
        if (strcmp(kind, "censor") == 0) base_field(o, b, "chain", &sep);
    }
    if (strcmp(kind, "forge") == 0) {
        if (s->val[MDL_SEARCH_LEVEL]) sb_printf(o, "%slevel: %s", sep, s->val[MDL_SEARCH_LEVEL]), sep = ", ";
        else if (same) base_field(o, b, "level", &sep);
    }
    const char *at = s->val[MDL_SEARCH_AT];
    if (at) sb_printf(o, "%sat: %s", sep, at), sep = ", ";
    else base_field(o, b, "at", &sep);
    if (strcmp(kind, "censor") != 0) {
        if (s->val[MDL_SEARCH_VALUE]) sb_printf(o, "%svalue: %s", sep, s->val[MDL_SEARCH_VALUE]), sep = ", ";
        else if (strcmp(b->kind, "censor") != 0) base_field(o, b, "value", &sep);
    }
    if (strcmp(kind, "forge") == 0 && same) base_field(o, b, "xblocks", &sep);
    if (strcmp(kind, "censor") == 0) {
        if (same && !s->val[MDL_SEARCH_CENSOR_FOR] && !at) {
            base_field(o, b, "until", &sep);
        } else {
            /* until = at + censor_for (default a minute) */
            uint64_t at_ns = 0, for_ns = 60 * UINT64_C(1000000000);
            const sim_ynode *base_at = sim_ymap_get(b->attack, "at");
            if (at) search_parse_ns(at, &at_ns);
            else if (base_at && base_at->kind == SIM_Y_SCALAR) search_parse_ns(base_at->str, &at_ns);
            if (s->val[MDL_SEARCH_CENSOR_FOR]) search_parse_ns(s->val[MDL_SEARCH_CENSOR_FOR], &for_ns);
            char until[48];
            mdl_search_format_ns(at_ns + for_ns, until, sizeof until);
            sb_printf(o, "%suntil: %s", sep, until);
        }
    }
    sb_printf(o, "}}");
}

/* The coalition override's value, or NULL (no coalition dimension). */
static char *coalition_flow(const search_spec *s, const search_base *b, bool *oom) {
    static const mdl_search_dim_id coalition_dims[] = {MDL_SEARCH_MEMBERS, MDL_SEARCH_ATTACK, MDL_SEARCH_ROUTE,
                                                       MDL_SEARCH_LEVEL,   MDL_SEARCH_AT,     MDL_SEARCH_WITHDRAW,
                                                       MDL_SEARCH_VALUE,   MDL_SEARCH_STALE_SET,
                                                       MDL_SEARCH_CENSOR_FOR};
    bool any = false;
    for (size_t i = 0; i < sizeof coalition_dims / sizeof coalition_dims[0]; i++) any |= s->val[coalition_dims[i]] != NULL;
    if (!any) return NULL;
    sbuf o = {0};
    const sim_ynode *c = b->coalition;
    const char *sep = "";
    bool withdraw_done = false;
    sb_printf(&o, "{");
    for (size_t i = 0; i < c->count; i++) {
        const char *key = c->keys[i]->str;
        if ((strcmp(key, "verifiers") == 0 || strcmp(key, "stake_fraction") == 0) && s->val[MDL_SEARCH_MEMBERS]) {
            if (b->cfg->members_by_fraction) {
                sb_printf(&o, "%sstake_fraction: %s", sep, s->val[MDL_SEARCH_MEMBERS]);
            } else {
                long n = strtol(s->val[MDL_SEARCH_MEMBERS], NULL, 10);
                sb_printf(&o, "%sverifiers: [", sep);
                for (long v = 0; v < n; v++) sb_printf(&o, "%s%ld", v ? ", " : "", v);
                sb_printf(&o, "]");
            }
        } else if (strcmp(key, "attack") == 0) {
            sb_printf(&o, "%sattack: ", sep);
            attack_flow(&o, s, b);
        } else if (strcmp(key, "withdraw") == 0 && s->val[MDL_SEARCH_WITHDRAW]) {
            withdraw_done = true;
            if (strcmp(s->val[MDL_SEARCH_WITHDRAW], "none") == 0) continue;
            sb_printf(&o, "%swithdraw: %s", sep, s->val[MDL_SEARCH_WITHDRAW]);
        } else {
            char *f = sim_ynode_to_flow(c->items[i]);
            if (!f) o.oom = true;
            else sb_printf(&o, "%s%s: %s", sep, key, f);
            free(f);
        }
        sep = ", ";
    }
    if (!withdraw_done && s->val[MDL_SEARCH_WITHDRAW] && strcmp(s->val[MDL_SEARCH_WITHDRAW], "none") != 0) {
        sb_printf(&o, "%swithdraw: %s", sep, s->val[MDL_SEARCH_WITHDRAW]);
    }
    sb_printf(&o, "}");
    char *r = sb_take(&o);
    if (!r) *oom = true;
    return r;
}

static bool push_set(char ***sets, size_t *n, const char *key, const char *value) {
    size_t len = strlen(key) + strlen(value) + 2;
    char *s = malloc(len);
    if (!s) return false;
    snprintf(s, len, "%s=%s", key, value);
    (*sets)[(*n)++] = s;
    return true;
}

bool search_spec_sets(const search_spec *s, const search_base *b, char ***sets, size_t *n) {
    *n = 0;
    *sets = calloc(4, sizeof **sets);
    if (!*sets) return false;
    bool oom = false;
    char *co = coalition_flow(s, b, &oom);
    bool ok = !oom;
    if (co) {
        char key[64];
        snprintf(key, sizeof key, "adversary.coalitions[%" PRIu32 "]", b->cfg->coalition);
        ok = push_set(sets, n, key, co) && ok;
        free(co);
    }
    if (ok && s->val[MDL_SEARCH_BYZANTINE]) ok = push_set(sets, n, "verifiers.byzantine", s->val[MDL_SEARCH_BYZANTINE]);
    if (ok && s->duration) ok = push_set(sets, n, "run.duration", s->duration);
    if (ok && s->rollups) ok = push_set(sets, n, "rollups", s->rollups);
    if (!ok) {
        search_sets_free(*sets, *n);
        *sets = NULL;
        *n = 0;
    }
    return ok;
}

void search_sets_free(char **sets, size_t n) {
    for (size_t i = 0; sets && i < n; i++) free(sets[i]);
    free(sets);
}

char *search_spec_describe(const search_spec *s, const search_base *b) {
    sbuf o = {0};
    const mdl_search_config *c = b->cfg;
    const char *kind = search_spec_kind(s, b);
    if (s->val[MDL_SEARCH_MEMBERS]) {
        sb_printf(&o, "%s %s, ", c->members_by_fraction ? "stake_fraction" : "members", s->val[MDL_SEARCH_MEMBERS]);
    } else {
        const sim_ynode *v = sim_ymap_get(b->coalition, "verifiers"), *f = sim_ymap_get(b->coalition, "stake_fraction");
        char *t = sim_ynode_to_flow(v ? v : f ? f : b->coalition);
        if (t) sb_printf(&o, "%s %s, ", v ? "verifiers" : "stake_fraction", t);
        free(t);
    }
    sbuf a = {0};
    attack_flow(&a, s, b);
    char *at = sb_take(&a);
    sb_printf(&o, "attack %s", at ? at : "?");
    free(at);
    (void)kind;
    if (s->val[MDL_SEARCH_WITHDRAW]) sb_printf(&o, ", withdraw %s", s->val[MDL_SEARCH_WITHDRAW]);
    if (s->val[MDL_SEARCH_BYZANTINE]) sb_printf(&o, ", verifiers.byzantine %s", s->val[MDL_SEARCH_BYZANTINE]);
    if (s->duration) sb_printf(&o, ", run.duration %s", s->duration);
    if (s->rollups) sb_printf(&o, ", rollups reduced");
    return sb_take(&o);
}
