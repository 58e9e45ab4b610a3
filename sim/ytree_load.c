/*
** The scenario reader's loader.  Parses YAML with libyaml's event API into a
** tree of sim_ynode that remembers file:line:column (1-based) for every key
** and value, resolves anchors and aliases by copying (with limits on nodes
** and depth so alias bombs are errors, not out-of-memory), honours `<<`
** merges and rejects duplicate keys.
**
** Nothing in here trusts its input: every malformed document is an error in
** the sim_diag, never an assertion.
*/
#include "ytree_internal.h"

#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h> /* libyaml */

#include "grow.h"

/* ======================================================================== */
/* String map (open addressing) for keys of big mappings and anchors        */
/* ======================================================================== */

typedef struct strmap {
    const char **keys;
    size_t *vals;
    size_t cap, count;
} strmap;

static uint64_t str_hash(const char *s) {
    uint64_t h = 0xcbf29ce484222325u;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 0x100000001b3u;
    return h;
}

static bool strmap_get(const strmap *m, const char *key, size_t *val) {
    if (m->cap == 0) return false;
    size_t mask = m->cap - 1;
    for (size_t i = (size_t)str_hash(key) & mask;; i = (i + 1) & mask) {
        if (!m->keys[i]) return false;
        if (strcmp(m->keys[i], key) == 0) {
            if (val) *val = m->vals[i];
            return true;
        }
    }
}

static bool strmap_put(strmap *m, const char *key, size_t val) {
    if ((m->count + 1) * 4 > m->cap * 3) {
        size_t cap = m->cap ? m->cap * 2 : 16;
        const char **nk = calloc(cap, sizeof *nk);
        size_t *nv = calloc(cap, sizeof *nv);
        if (!nk || !nv) { free(nk); free(nv); return false; }
        for (size_t i = 0; i < m->cap; i++) {
            if (!m->keys[i]) continue;
            size_t j = (size_t)str_hash(m->keys[i]) & (cap - 1);
            while (nk[j]) j = (j + 1) & (cap - 1);
            nk[j] = m->keys[i];
            nv[j] = m->vals[i];
        }
        free(m->keys);
        free(m->vals);
        m->keys = nk;
        m->vals = nv;
        m->cap = cap;
    }
    size_t mask = m->cap - 1;
    size_t i = (size_t)str_hash(key) & mask;
    while (m->keys[i] && strcmp(m->keys[i], key) != 0) i = (i + 1) & mask;
    if (!m->keys[i]) m->count++;
    m->keys[i] = key;
    m->vals[i] = val;
    return true;
}

static void strmap_free(strmap *m) {
    free(m->keys);
    free(m->vals);
    memset(m, 0, sizeof *m);
}

/* ======================================================================== */
/* Loader: libyaml events -> tree                                           */
/* ======================================================================== */

/* A collection being built. */
typedef struct yframe {
    sim_ynode *node;
    sim_ynode **items, **keys;  /* malloc'd while building */
    size_t count, items_cap, keys_cap;
    strmap index;               /* MAP: key -> position, once count > 8 */
    bool indexed;
    bool have_key;              /* MAP: the next node is a value */
    bool skip_value;            /* MAP: the key was rejected; drop the value */
    bool merge_value;           /* MAP: the key is `<<` */
    sim_ynode *key;             /* MAP: the pending key */
    sim_ynode *merge_key;       /* MAP: the `<<` key, if any */
    sim_ynode *merge;           /* MAP: its value */
    size_t merge_pos;           /* MAP: pairs before the `<<` */
    char *anchor;               /* malloc'd, or NULL */
    size_t start_nodes;         /* doc->node_count before this node */
    uint32_t height;            /* 1 + tallest child so far */
} yframe;

typedef struct yanchor {
    char *name;
    const sim_ynode *node;
    size_t nodes;               /* nodes allocated for it (>= its size) */
    uint32_t height;            /* 0 for scalars */
} yanchor;

typedef struct yloader {
    yaml_parser_t parser;
    sim_ydoc *doc;
    sim_diag *d;
    const char *file;           /* arena string */
    const unsigned char *text;
    size_t len;
    uint32_t col_offset;        /* added to columns of line 1 (--set values) */
    uint32_t base_depth;        /* depth where the root will sit (--set) */
    bool set_mode;              /* empty input is null, not an empty map */
    yframe *stack;
    size_t depth, stack_cap;
    yanchor *anchors;
    size_t anchor_count, anchor_cap;
    strmap anchor_index;
    sim_ynode *root;
    uint32_t root_height;
    size_t end_line, end_col;   /* 0-based position just past the text */
    size_t errors;
    bool fatal;
    int documents;
} yloader;

/* Placeholder text marking nodes that stand in for rejected input. */
static const char placeholder_str[] = "";

/* The 0-based line and column of byte `offset` of the input (line breaks
** as libyaml counts them: LF, CR LF, CR; a UTF-8 byte order mark takes no
** column). */
static void ld_pos_at(const yloader *ld, size_t offset, size_t *line, size_t *col) {
    size_t l = 0, c = 0, i = 0;
    if (offset > ld->len) offset = ld->len;
    if (ld->len >= 3 && !memcmp(ld->text, "\xEF\xBB\xBF", 3)) i = 3;
    for (; i < offset; i++) {
        unsigned char ch = ld->text[i];
        if (ch == '\r' && i + 1 < ld->len && ld->text[i + 1] == '\n') continue;
        if (ch == '\n' || ch == '\r') { l++; c = 0; }
        else if ((ch & 0xC0) != 0x80) c++;
    }
    *line = l;
    *col = c;
}

static void ld_mark(const yloader *ld, yaml_mark_t m, uint32_t *line, uint32_t *col) {
    /* libyaml puts the end of a stream that lacks a final newline on a line
    ** of its own; report the real end of the text instead. */
    if (m.line > ld->end_line || (m.line == ld->end_line && m.column > ld->end_col)) {
        m.line = ld->end_line;
        m.column = ld->end_col;
    }
    *line = m.line >= UINT32_MAX - 1 ? UINT32_MAX : (uint32_t)m.line + 1;
    uint64_t c = (uint64_t)m.column + 1 + (m.line == 0 ? ld->col_offset : 0);
    *col = c > UINT32_MAX ? UINT32_MAX : (uint32_t)c;
}

__attribute__((format(printf, 4, 5)))
static void ld_error_at(yloader *ld, uint32_t line, uint32_t col, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    sim_diag_vadd(ld->d, true, ld->file, line, col, fmt, ap);
    va_end(ap);
    ld->errors++;
}

#define LD_ERROR_NODE(ld, n, ...) ld_error_at((ld), (n)->line, (n)->col, __VA_ARGS__)

static void ld_oom(yloader *ld) {
    if (!ld->fatal) ld_error_at(ld, 0, 0, "out of memory while loading");
    ld->fatal = true;
}

/* Reserves room for `n` more nodes; a fatal error when over the limit. */
static bool ld_budget(yloader *ld, size_t n, uint32_t line, uint32_t col) {
    if (ld->doc->node_count > SIM_YAML_MAX_NODES || n > SIM_YAML_MAX_NODES - ld->doc->node_count) {
        ld_error_at(ld, line, col, "document too large: more than %u nodes (after expanding aliases)",
                    SIM_YAML_MAX_NODES);
        ld->fatal = true;
        return false;
    }
    return true;
}

static void ld_syntax_error(yloader *ld) {
    yaml_parser_t *p = &ld->parser;
    uint32_t line, col;
    const char *problem = p->problem ? p->problem : "syntax error";
    char ctx[SHOW_SIZE];
    switch (p->error) {
    case YAML_MEMORY_ERROR:
        ld_oom(ld);
        return;
    case YAML_READER_ERROR: {
        /* Reader errors carry a byte offset, not a mark. */
        yaml_mark_t m = { .index = p->problem_offset, .line = 0, .column = 0 };
        ld_pos_at(ld, p->problem_offset, &m.line, &m.column);
        ld_mark(ld, m, &line, &col);
        if (p->problem_value != -1)
            ld_error_at(ld, line, col, "%s (0x%X)", sim_yt_show(ctx, sizeof ctx, problem), (unsigned)p->problem_value);
        else
            ld_error_at(ld, line, col, "%s", sim_yt_show(ctx, sizeof ctx, problem));
        break;
    }
    default: {
        char pr[SHOW_SIZE];
        ld_mark(ld, p->problem_mark, &line, &col);
        /* A tab where indentation or a token should be is libyaml's "found
           character that cannot start any token" (or a like complaint) with
           no word of tabs: say so, at the tab. */
        size_t at = p->problem_mark.index, tab = SIZE_MAX;
        if (at < ld->len) {
            size_t b = at;
            while (b > 0 && ld->text[b - 1] != '\n') b--;
            for (size_t i = b; i < ld->len && (ld->text[i] == ' ' || ld->text[i] == '\t'); i++) {
                if (ld->text[i] == '\t') {
                    tab = i;
                    break;
                }
            }
            if (tab == SIZE_MAX && ld->text[at] == '\t') tab = at;
        }
        if (tab != SIZE_MAX) {
            yaml_mark_t m = { .index = tab, .line = 0, .column = 0 };
            ld_pos_at(ld, tab, &m.line, &m.column);
            ld_mark(ld, m, &line, &col);
            ld_error_at(ld, line, col, "a tab character: YAML indents with spaces only, never tabs (libyaml: %s)",
                        sim_yt_show(pr, sizeof pr, problem));
        } else if (p->context) {
            uint32_t cl, cc;
            ld_mark(ld, p->context_mark, &cl, &cc);
            ld_error_at(ld, line, col, "%s (%s at %s:%" PRIu32 ":%" PRIu32 ")", sim_yt_show(pr, sizeof pr, problem),
                        sim_yt_show(ctx, sizeof ctx, p->context), ld->file, cl, cc);
        } else {
            ld_error_at(ld, line, col, "%s", sim_yt_show(pr, sizeof pr, problem));
        }
        break;
    }
    }
    ld->fatal = true;
}

static bool frame_find(const yframe *f, const char *key, size_t *pos) {
    if (f->indexed) return strmap_get(&f->index, key, pos);
    for (size_t i = 0; i < f->count; i++)
        if (strcmp(f->keys[i]->str, key) == 0) { *pos = i; return true; }
    return false;
}

static bool frame_build_index(yframe *f) {
    if (f->indexed) return true;
    for (size_t i = 0; i < f->count; i++)
        if (!strmap_put(&f->index, f->keys[i]->str, i)) return false;
    f->indexed = true;
    return true;
}

static bool frame_push(yloader *ld, yframe *f, sim_ynode *value, sim_ynode *key) {
    if (!SIM_GROW(f->items, f->items_cap, f->count + 1) ||
        (f->node->kind == SIM_Y_MAP && !SIM_GROW(f->keys, f->keys_cap, f->count + 1))) {
        ld_oom(ld);
        return false;
    }
    f->items[f->count] = value;
    if (f->node->kind == SIM_Y_MAP) {
        f->keys[f->count] = key;
        if (f->indexed) {
            if (!strmap_put(&f->index, key->str, f->count)) { ld_oom(ld); return false; }
        } else if (f->count + 1 > 8) {
            f->count++;
            if (!frame_build_index(f)) { ld_oom(ld); return false; }
            return true;
        }
    }
    f->count++;
    return true;
}

static void frame_free(yframe *f) {
    free(f->items);
    free(f->keys);
    free(f->anchor);
    strmap_free(&f->index);
}

void sim_ynode_kind_phrase(const sim_ynode *n, char *buf, size_t size);

/* A finished key of the mapping on top of the stack. */
static void ld_take_key(yloader *ld, yframe *f, sim_ynode *n) {
    f->have_key = true;
    f->skip_value = true;  /* until the key is accepted */
    f->merge_value = false;
    f->key = NULL;
    if (n->str == placeholder_str) return;  /* already reported */
    if (n->kind == SIM_Y_SEQ || n->kind == SIM_Y_MAP) {
        LD_ERROR_NODE(ld, n, "mapping keys must be scalars, got %s", n->kind == SIM_Y_SEQ ? "a sequence" : "a mapping");
        return;
    }
    n->kind = SIM_Y_SCALAR;  /* `null: x` has the key "null" */
    if (n->str[0] == '\0') {
        LD_ERROR_NODE(ld, n, "empty mapping key");
        return;
    }
    char ks[SHOW_SIZE];
    if (!n->quoted && strcmp(n->str, "<<") == 0) {
        if (f->merge_key) {
            LD_ERROR_NODE(ld, n, "duplicate key '<<' (first defined at %s:%" PRIu32 ":%" PRIu32 ")",
                          f->merge_key->file, f->merge_key->line, f->merge_key->col);
            return;
        }
        f->merge_key = n;
        f->merge_value = true;
        f->skip_value = false;
        return;
    }
    size_t j;
    if (frame_find(f, n->str, &j)) {
        const sim_ynode *first = f->keys[j];
        LD_ERROR_NODE(ld, n, "duplicate key '%s' (first defined at %s:%" PRIu32 ":%" PRIu32 ")",
                      sim_yt_show(ks, sizeof ks, n->str), first->file, first->line, first->col);
        return;
    }
    f->key = n;
    f->skip_value = false;
}

/* Attaches a finished node (of the given height) to its parent. */
static void ld_attach(yloader *ld, sim_ynode *n, uint32_t height) {
    if (ld->depth == 0) {
        ld->root = n;
        ld->root_height = height;
        return;
    }
    yframe *f = &ld->stack[ld->depth - 1];
    if (f->node->kind == SIM_Y_MAP && !f->have_key) {
        ld_take_key(ld, f, n);
        return;
    }
    if (height + 1 > f->height) f->height = height + 1;
    if (f->node->kind == SIM_Y_SEQ) {
        frame_push(ld, f, n, NULL);
        return;
    }
    f->have_key = false;
    if (f->skip_value) return;
    if (f->merge_value) {
        bool ok = n->kind == SIM_Y_MAP;
        if (n->kind == SIM_Y_SEQ) {
            ok = true;
            for (size_t i = 0; i < n->count; i++) ok = ok && n->items[i]->kind == SIM_Y_MAP;
        }
        if (!ok) {
            char what[SHOW_SIZE];
            sim_ynode_kind_phrase(n, what, sizeof what);
            LD_ERROR_NODE(ld, n, "merge key '<<' expects a mapping or a sequence of mappings, got %s", what);
            return;
        }
        f->merge = n;
        f->merge_pos = f->count;
        return;
    }
    frame_push(ld, f, n, f->key);
}

static void ld_register_anchor(yloader *ld, char *name, const sim_ynode *n, size_t nodes, uint32_t height) {
    if (!SIM_GROW(ld->anchors, ld->anchor_cap, ld->anchor_count + 1)) { free(name); ld_oom(ld); return; }
    ld->anchors[ld->anchor_count] = (yanchor){ name, n, nodes, height };
    if (!strmap_put(&ld->anchor_index, name, ld->anchor_count)) { free(name); ld_oom(ld); return; }
    ld->anchor_count++;
}

static char *dup_cstr(const yaml_char_t *s) {
    if (!s) return NULL;
    size_t n = strlen((const char *)s);
    char *p = malloc(n + 1);
    if (p) memcpy(p, s, n + 1);
    return p;
}

static bool is_null_text(const char *s) {
    return !*s || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") || !strcmp(s, "NULL");
}

/* Checks a tag; true for the core schema's tags.  *as_str: the scalar is a
** string; *as_null: it is null. */
static bool ld_tag_ok(yloader *ld, const yaml_char_t *tag_u, bool scalar, uint32_t line, uint32_t col,
                      bool *as_str, bool *as_null, bool *as_plain) {
    *as_str = *as_null = *as_plain = false;
    if (!tag_u) return true;
    const char *tag = (const char *)tag_u;
    if (scalar) {
        if (!strcmp(tag, YAML_STR_TAG) || !strcmp(tag, "!")) { *as_str = true; return true; }
        if (!strcmp(tag, YAML_NULL_TAG)) { *as_null = true; return true; }
        if (!strcmp(tag, YAML_INT_TAG) || !strcmp(tag, YAML_FLOAT_TAG) || !strcmp(tag, YAML_BOOL_TAG)) {
            *as_plain = true;
            return true;
        }
    } else if (!strcmp(tag, "!") || !strcmp(tag, YAML_SEQ_TAG) || !strcmp(tag, YAML_MAP_TAG)) {
        return true;
    }
    char ts[SHOW_SIZE];
    ld_error_at(ld, line, col, "unsupported tag '%s'", sim_yt_show(ts, sizeof ts, tag));
    return false;
}

static sim_ynode *ld_placeholder(yloader *ld, uint32_t line, uint32_t col) {
    if (!ld_budget(ld, 1, line, col)) return NULL;
    sim_ynode *n = sim_ydoc_node_new(ld->doc, SIM_Y_NULL, ld->file, line, col);
    if (!n) { ld_oom(ld); return NULL; }
    n->str = placeholder_str;
    return n;
}

static void ld_on_scalar(yloader *ld, const yaml_event_t *ev) {
    uint32_t line, col;
    ld_mark(ld, ev->start_mark, &line, &col);
    const char *value = (const char *)ev->data.scalar.value;
    size_t len = ev->data.scalar.length;
    bool as_str, as_null, as_plain;
    bool ok = ld_tag_ok(ld, ev->data.scalar.tag, true, line, col, &as_str, &as_null, &as_plain);
    if (ok && memchr(value, 0, len)) {
        ld_error_at(ld, line, col, "NUL characters in scalars are not supported");
        ok = false;
    }
    sim_ynode *n;
    if (!ok) {
        n = ld_placeholder(ld, line, col);
        if (!n) return;
    } else {
        if (!ld_budget(ld, 1, line, col)) return;
        bool quoted = (ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE || as_str) && !as_plain;
        n = sim_ydoc_node_new(ld->doc, SIM_Y_SCALAR, ld->file, line, col);
        if (!n) { ld_oom(ld); return; }
        n->str = sim_ydoc_strndup(ld->doc, value, len);
        if (!n->str) { ld_oom(ld); return; }
        n->quoted = quoted;
        if (as_null || (!quoted && is_null_text(n->str))) n->kind = SIM_Y_NULL;
    }
    if (ev->data.scalar.anchor) {
        char *name = dup_cstr(ev->data.scalar.anchor);
        if (!name) { ld_oom(ld); return; }
        ld_register_anchor(ld, name, n, 1, 0);
        if (ld->fatal) return;
    }
    ld_attach(ld, n, 0);
}

static void ld_on_alias(yloader *ld, const yaml_event_t *ev) {
    uint32_t line, col;
    ld_mark(ld, ev->start_mark, &line, &col);
    const char *name = (const char *)ev->data.alias.anchor;
    char ns[SHOW_SIZE];
    size_t idx;
    if (!strmap_get(&ld->anchor_index, name, &idx)) {
        bool recursive = false;
        for (size_t i = 0; i < ld->depth; i++)
            if (ld->stack[i].anchor && !strcmp(ld->stack[i].anchor, name)) recursive = true;
        if (recursive)
            ld_error_at(ld, line, col, "alias '*%s' refers to a node that contains it", sim_yt_show(ns, sizeof ns, name));
        else
            ld_error_at(ld, line, col, "unknown alias '*%s'", sim_yt_show(ns, sizeof ns, name));
        sim_ynode *p = ld_placeholder(ld, line, col);
        if (p) ld_attach(ld, p, 0);
        return;
    }
    const yanchor *a = &ld->anchors[idx];
    if ((uint64_t)ld->base_depth + ld->depth + a->height > SIM_YAML_MAX_DEPTH) {
        ld_error_at(ld, line, col, "nesting deeper than %u levels (expanding alias '*%s')", SIM_YAML_MAX_DEPTH,
                    sim_yt_show(ns, sizeof ns, name));
        ld->fatal = true;
        return;
    }
    if (!ld_budget(ld, a->nodes, line, col)) return;
    sim_ynode *c = sim_ydoc_node_copy(ld->doc, a->node);
    if (!c) { ld_oom(ld); return; }
    c->line = line;
    c->col = col;
    ld_attach(ld, c, a->height);
}

static void ld_on_start(yloader *ld, const yaml_event_t *ev, sim_ykind kind) {
    uint32_t line, col;
    ld_mark(ld, ev->start_mark, &line, &col);
    if ((uint64_t)ld->base_depth + ld->depth + 1 > SIM_YAML_MAX_DEPTH) {
        ld_error_at(ld, line, col, "nesting deeper than %u levels", SIM_YAML_MAX_DEPTH);
        ld->fatal = true;
        return;
    }
    const yaml_char_t *tag = kind == SIM_Y_MAP ? ev->data.mapping_start.tag : ev->data.sequence_start.tag;
    const yaml_char_t *anchor = kind == SIM_Y_MAP ? ev->data.mapping_start.anchor : ev->data.sequence_start.anchor;
    bool s, nl, pl;
    ld_tag_ok(ld, tag, false, line, col, &s, &nl, &pl);  /* an error, but keep the structure */
    if (!ld_budget(ld, 1, line, col)) return;
    if (!SIM_GROW(ld->stack, ld->stack_cap, ld->depth + 1)) { ld_oom(ld); return; }
    sim_ynode *n = sim_ydoc_node_new(ld->doc, kind, ld->file, line, col);
    if (!n) { ld_oom(ld); return; }
    yframe *f = &ld->stack[ld->depth];
    memset(f, 0, sizeof *f);
    f->node = n;
    f->start_nodes = ld->doc->node_count - 1;
    f->height = 1;
    if (anchor && !(f->anchor = dup_cstr(anchor))) { ld_oom(ld); return; }
    ld->depth++;
}

/* Folds the `<<` merge of frame f into its pairs: merged keys go where the
** `<<` was, explicit keys win, earlier sources win over later ones. */
static bool ld_merge(yloader *ld, yframe *f) {
    const sim_ynode *const *srcs = (const sim_ynode *const *)&f->merge;
    size_t nsrc = 1;
    if (f->merge->kind == SIM_Y_SEQ) {
        srcs = (const sim_ynode *const *)f->merge->items;
        nsrc = f->merge->count;
    }
    if (!frame_build_index(f)) { ld_oom(ld); return false; }
    size_t extra = 0;
    for (size_t s = 0; s < nsrc; s++) extra += srcs[s]->count;
    size_t total = f->count + extra;
    sim_ynode **ni = malloc((total ? total : 1) * sizeof *ni);
    sim_ynode **nk = malloc((total ? total : 1) * sizeof *nk);
    if (!ni || !nk) { free(ni); free(nk); ld_oom(ld); return false; }
    size_t o = 0;
    for (size_t i = 0; i < f->merge_pos; i++, o++) { ni[o] = f->items[i]; nk[o] = f->keys[i]; }
    for (size_t s = 0; s < nsrc; s++) {
        for (size_t i = 0; i < srcs[s]->count; i++) {
            sim_ynode *k = srcs[s]->keys[i];
            if (strmap_get(&f->index, k->str, NULL)) continue;
            if (!strmap_put(&f->index, k->str, SIZE_MAX)) { free(ni); free(nk); ld_oom(ld); return false; }
            ni[o] = srcs[s]->items[i];
            nk[o] = k;
            o++;
        }
    }
    for (size_t i = f->merge_pos; i < f->count; i++, o++) { ni[o] = f->items[i]; nk[o] = f->keys[i]; }
    free(f->items);
    free(f->keys);
    f->items = ni;
    f->keys = nk;
    f->count = o;
    f->items_cap = f->keys_cap = total;
    return true;
}

static void ld_on_end(yloader *ld) {
    assert(ld->depth > 0);  /* libyaml pairs START and END events */
    yframe *f = &ld->stack[ld->depth - 1];
    sim_ynode *n = f->node;
    if (n->kind == SIM_Y_MAP && f->merge && !ld_merge(ld, f)) return;
    n->count = f->count;
    n->items = sim_ydoc_alloc(ld->doc, (f->count ? f->count : 1) * sizeof *n->items);
    if (!n->items) { ld_oom(ld); return; }
    if (f->count) memcpy(n->items, f->items, f->count * sizeof *n->items);
    if (n->kind == SIM_Y_MAP) {
        n->keys = sim_ydoc_alloc(ld->doc, (f->count ? f->count : 1) * sizeof *n->keys);
        if (!n->keys) { ld_oom(ld); return; }
        if (f->count) memcpy(n->keys, f->keys, f->count * sizeof *n->keys);
    }
    uint32_t height = f->height;
    size_t nodes = ld->doc->node_count - f->start_nodes;
    char *anchor = f->anchor;
    f->anchor = NULL;
    frame_free(f);
    ld->depth--;
    if (anchor) {
        ld_register_anchor(ld, anchor, n, nodes, height);
        if (ld->fatal) return;
    }
    ld_attach(ld, n, height);
}

/* Runs the parser over the whole input.  The root ends up in ld->root. */
static void ld_run(yloader *ld) {
    yaml_event_t ev;
    bool done = false;
    while (!done && !ld->fatal) {
        if (!yaml_parser_parse(&ld->parser, &ev)) {
            ld_syntax_error(ld);
            break;
        }
        switch (ev.type) {
        case YAML_STREAM_END_EVENT:
            done = true;
            break;
        case YAML_DOCUMENT_START_EVENT:
            if (++ld->documents > 1) {
                uint32_t line, col;
                ld_mark(ld, ev.start_mark, &line, &col);
                ld_error_at(ld, line, col, "only one document per file is supported; a second one starts here");
                ld->fatal = true;
            }
            break;
        case YAML_SCALAR_EVENT:
            ld_on_scalar(ld, &ev);
            break;
        case YAML_ALIAS_EVENT:
            ld_on_alias(ld, &ev);
            break;
        case YAML_SEQUENCE_START_EVENT:
            ld_on_start(ld, &ev, SIM_Y_SEQ);
            break;
        case YAML_MAPPING_START_EVENT:
            ld_on_start(ld, &ev, SIM_Y_MAP);
            break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
            ld_on_end(ld);
            break;
        default:
            break;
        }
        yaml_event_delete(&ev);
    }
}

/* Loads `text` into doc (which owns the arena); returns the root, or NULL
** after recording errors.  *height: the root's height. */
sim_ynode *sim_ydoc_parse(sim_ydoc *doc, sim_diag *d, const char *file, const char *text, size_t len,
                          bool set_mode, uint32_t col_offset, uint32_t base_depth, uint32_t *height) {
    yloader ld;
    memset(&ld, 0, sizeof ld);
    ld.doc = doc;
    ld.d = d;
    ld.file = file;
    ld.text = (const unsigned char *)text;
    ld.len = len;
    ld.col_offset = col_offset;
    ld.base_depth = base_depth;
    ld.set_mode = set_mode;
    ld_pos_at(&ld, len, &ld.end_line, &ld.end_col);
    if (!yaml_parser_initialize(&ld.parser)) {
        ld_oom(&ld);
        return NULL;
    }
    yaml_parser_set_input_string(&ld.parser, ld.text, len);
    ld_run(&ld);
    yaml_parser_delete(&ld.parser);
    while (ld.depth > 0) frame_free(&ld.stack[--ld.depth]);
    free(ld.stack);
    for (size_t i = 0; i < ld.anchor_count; i++) free(ld.anchors[i].name);
    free(ld.anchors);
    strmap_free(&ld.anchor_index);
    if (ld.fatal || ld.errors > 0) return NULL;
    sim_ynode *root = ld.root;
    *height = ld.root_height;
    bool empty = !root || (root->kind == SIM_Y_NULL && !root->quoted && root->str[0] == '\0');
    if (empty && !set_mode) {
        /* An empty file is an empty mapping. */
        root = sim_ydoc_node_new(doc, SIM_Y_MAP, file, 1, 1);
        if (!root || !(root->items = sim_ydoc_alloc(doc, sizeof *root->items)) ||
            !(root->keys = sim_ydoc_alloc(doc, sizeof *root->keys))) {
            sim_diag_error_at(d, file, 0, 0, "out of memory while loading");
            return NULL;
        }
        *height = 1;
    } else if (!root) {
        /* An empty --set value is null. */
        root = sim_ydoc_node_new(doc, SIM_Y_NULL, file, 1, col_offset + 1);
        if (!root) {
            sim_diag_error_at(d, file, 0, 0, "out of memory while loading");
            return NULL;
        }
        root->str = "";
        *height = 0;
    }
    return root;
}
