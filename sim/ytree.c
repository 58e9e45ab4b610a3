/*
** The scenario reader.  Parses YAML with libyaml's event API into a tree of
** sim_ynode that remembers file:line:column (1-based) for every key and
** value, resolves anchors and aliases by copying (with limits on nodes and
** depth so alias bombs are errors, not out-of-memory), rejects duplicate
** keys, and offers typed converters whose units and ranges are checked with
** exact integer arithmetic.  All nodes and strings of a document live in
** one arena owned by the sim_ydoc, so freeing is one walk over blocks and
** `--set` overrides simply allocate new nodes and repoint a slot.
** Diagnostics are collected in a sim_diag and printed as
** `file:line:col: error: message`.
**
** Nothing in here trusts its input: every malformed document, value or
** override is an error in the sim_diag, never an assertion.  Assertions
** guard only the caller's contract (non-NULL arguments, min <= max).
*/
#include "ytree.h"

#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h> /* libyaml */

/* ======================================================================== */
/* Small helpers                                                            */
/* ======================================================================== */

/* Length of the valid UTF-8 sequence at s (at most `avail` bytes), or 0
** when it is not valid (overlong forms, surrogates and code points above
** U+10FFFF are invalid). */
static size_t utf8_len(const unsigned char *s, size_t avail) {
    if (avail == 0) return 0;
    unsigned char c = s[0];
    if (c < 0x80) return 1;
    size_t n;
    uint32_t cp;
    if (c >= 0xC2 && c <= 0xDF) { n = 2; cp = c & 0x1Fu; }
    else if (c >= 0xE0 && c <= 0xEF) { n = 3; cp = c & 0x0Fu; }
    else if (c >= 0xF0 && c <= 0xF4) { n = 4; cp = c & 0x07u; }
    else return 0;
    if (avail < n) return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (s[i] & 0x3Fu);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000)) return 0;
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    return n;
}

/* Writes a printable excerpt of s (at most ~60 bytes, control characters
** and invalid bytes escaped, "..." when cut) to out[size]. */
#define SHOW_SIZE 80
static const char *show_n(char *out, size_t size, const char *s, size_t len) {
    assert(out && size >= 8);
    const size_t limit = size - 4;
    size_t o = 0, i = 0;
    const unsigned char *u = (const unsigned char *)s;
    while (i < len) {
        char tmp[8];
        size_t tl, used;
        unsigned char c = u[i];
        size_t ul = utf8_len(u + i, len - i);
        if (c == '\n') { memcpy(tmp, "\\n", 2); tl = 2; used = 1; }
        else if (c == '\t') { memcpy(tmp, "\\t", 2); tl = 2; used = 1; }
        else if (c == '\r') { memcpy(tmp, "\\r", 2); tl = 2; used = 1; }
        else if (c < 0x20 || c == 0x7F || ul == 0) {
            static const char hex[] = "0123456789abcdef";
            tmp[0] = '\\'; tmp[1] = 'x'; tmp[2] = hex[c >> 4]; tmp[3] = hex[c & 15];
            tl = 4; used = 1;
        } else { memcpy(tmp, u + i, ul); tl = ul; used = ul; }
        if (o + tl > limit) { memcpy(out + o, "...", 3); o += 3; break; }
        memcpy(out + o, tmp, tl);
        o += tl;
        i += used;
    }
    out[o] = '\0';
    return out;
}

static const char *show(char *out, size_t size, const char *s) {
    return show_n(out, size, s, strlen(s));
}

static bool is_digit(char c) { return c >= '0' && c <= '9'; }

/* A growable string; `oom` sticks once an allocation failed. */
typedef struct sbuf {
    char *p;
    size_t len, cap;
    bool oom;
} sbuf;

static void sb_put(sbuf *b, const char *s, size_t n) {
    if (b->oom) return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap < b->len + n + 1) {
            if (cap > SIZE_MAX / 2) { b->oom = true; return; }
            cap *= 2;
        }
        char *np = realloc(b->p, cap);
        if (!np) { b->oom = true; return; }
        b->p = np;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void sb_puts(sbuf *b, const char *s) { sb_put(b, s, strlen(s)); }

/* ======================================================================== */
/* Diagnostics                                                              */
/* ======================================================================== */

#define DIAG_MAX_ERRORS 1000u

struct sim_diag {
    char **msgs;         /* NULL entries: lost to out-of-memory */
    size_t count, cap;
    size_t errors;
    bool full;           /* "too many errors" was recorded */
};

sim_diag *sim_diag_new(void) {
    return calloc(1, sizeof(sim_diag));
}

void sim_diag_clear(sim_diag *d) {
    assert(d);
    for (size_t i = 0; i < d->count; i++) free(d->msgs[i]);
    d->count = 0;
    d->errors = 0;
    d->full = false;
}

void sim_diag_free(sim_diag *d) {
    if (!d) return;
    sim_diag_clear(d);
    free(d->msgs);
    free(d);
}

static void diag_store(sim_diag *d, bool is_error, char *msg) {
    if (is_error) d->errors++;
    if (d->count == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 16;
        char **nm = realloc(d->msgs, cap * sizeof *nm);
        if (!nm) { free(msg); return; }  /* counted as an error, text lost */
        d->msgs = nm;
        d->cap = cap;
    }
    d->msgs[d->count++] = msg;
}

__attribute__((format(printf, 6, 0)))
static void diag_vadd(sim_diag *d, bool is_error, const char *file, uint32_t line, uint32_t col,
                      const char *fmt, va_list ap) {
    assert(d && fmt);
    if (is_error) {
        if (d->full) return;
        if (d->errors >= DIAG_MAX_ERRORS) {
            d->full = true;
            const char *t = "error: too many errors; stopping here";
            char *m = malloc(strlen(t) + 1);
            if (m) memcpy(m, t, strlen(t) + 1);
            diag_store(d, true, m);
            return;
        }
    }
    const char *kind = is_error ? "error: " : "warning: ";
    char prefix[64];
    int pn = 0;
    if (file && line > 0)
        pn = snprintf(prefix, sizeof prefix, ":%" PRIu32 ":%" PRIu32 ": ", line, col);
    else if (file)
        pn = snprintf(prefix, sizeof prefix, ": ");
    if (pn < 0) pn = 0;
    size_t flen = file ? strlen(file) : 0;
    va_list ap2;
    va_copy(ap2, ap);
    int mn = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (mn < 0) mn = 0;
    size_t total = flen + (size_t)pn + strlen(kind) + (size_t)mn + 1;
    char *m = malloc(total);
    if (m) {
        size_t o = 0;
        if (flen) memcpy(m, file, flen);
        o += flen;
        memcpy(m + o, prefix, (size_t)pn);
        o += (size_t)pn;
        memcpy(m + o, kind, strlen(kind));
        o += strlen(kind);
        vsnprintf(m + o, total - o, fmt, ap);
    }
    diag_store(d, is_error, m);
}

void sim_diag_error(sim_diag *d, const sim_ynode *at, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    if (at) diag_vadd(d, true, at->file, at->line, at->col, fmt, ap);
    else diag_vadd(d, true, NULL, 0, 0, fmt, ap);
    va_end(ap);
}

void sim_diag_error_at(sim_diag *d, const char *file, uint32_t line, uint32_t col, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    diag_vadd(d, true, file, line, col, fmt, ap);
    va_end(ap);
}

void sim_diag_warning(sim_diag *d, const sim_ynode *at, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    if (at) diag_vadd(d, false, at->file, at->line, at->col, fmt, ap);
    else diag_vadd(d, false, NULL, 0, 0, fmt, ap);
    va_end(ap);
}

size_t sim_diag_errors(const sim_diag *d) {
    assert(d);
    return d->errors;
}

size_t sim_diag_count(const sim_diag *d) {
    assert(d);
    return d->count;
}

const char *sim_diag_message(const sim_diag *d, size_t i) {
    assert(d);
    if (i >= d->count || !d->msgs[i]) return "error: (message lost: out of memory)";
    return d->msgs[i];
}

void sim_diag_print(const sim_diag *d, FILE *f) {
    assert(d && f);
    for (size_t i = 0; i < d->count; i++) fprintf(f, "%s\n", sim_diag_message(d, i));
}

/* ======================================================================== */
/* Arena and documents                                                      */
/* ======================================================================== */

typedef struct ablock {
    struct ablock *next;
    size_t used, cap;
    max_align_t data[];
} ablock;

#define ARENA_BLOCK_BYTES ((size_t)64 * 1024)

struct sim_ydoc {
    ablock *blocks;      /* newest first; the head has the free space */
    char *text;          /* the loaded text, NUL-terminated */
    size_t text_len;
    sim_ynode *root;
    size_t node_count;   /* nodes ever allocated, checked against the limit */
};

/* Zeroed memory from the document's arena, NULL when out of memory. */
static void *arena_alloc(sim_ydoc *doc, size_t size) {
    const size_t align = _Alignof(max_align_t);
    if (size == 0) size = 1;
    if (size > SIZE_MAX / 4) return NULL;
    size = (size + align - 1) / align * align;
    ablock *b = doc->blocks;
    if (b && b->cap - b->used >= size) {
        void *p = (unsigned char *)b->data + b->used;
        b->used += size;
        memset(p, 0, size);
        return p;
    }
    size_t cap = size > ARENA_BLOCK_BYTES / 4 ? size : ARENA_BLOCK_BYTES;
    ablock *nb = malloc(sizeof *nb + cap);
    if (!nb) return NULL;
    nb->used = size;
    nb->cap = cap;
    if (b && cap == size) {  /* a dedicated block: keep the head's free space */
        nb->next = b->next;
        b->next = nb;
    } else {
        nb->next = b;
        doc->blocks = nb;
    }
    memset(nb->data, 0, size);
    return nb->data;
}

static char *arena_strndup(sim_ydoc *doc, const char *s, size_t n) {
    char *p = arena_alloc(doc, n + 1);
    if (!p) return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

static sim_ynode *node_new(sim_ydoc *doc, sim_ykind kind, const char *file, uint32_t line, uint32_t col) {
    sim_ynode *n = arena_alloc(doc, sizeof *n);
    if (!n) return NULL;
    n->kind = kind;
    n->file = file;
    n->line = line;
    n->col = col;
    doc->node_count++;
    return n;
}

/* A deep copy of n (strings shared: they are never modified). */
static sim_ynode *node_copy(sim_ydoc *doc, const sim_ynode *n) {
    sim_ynode *c = node_new(doc, n->kind, n->file, n->line, n->col);
    if (!c) return NULL;
    c->str = n->str;
    c->quoted = n->quoted;
    c->count = n->count;
    if (n->kind == SIM_Y_SEQ || n->kind == SIM_Y_MAP) {
        c->items = arena_alloc(doc, (n->count ? n->count : 1) * sizeof *c->items);
        if (!c->items) return NULL;
        if (n->kind == SIM_Y_MAP) {
            c->keys = arena_alloc(doc, (n->count ? n->count : 1) * sizeof *c->keys);
            if (!c->keys) return NULL;
        }
        for (size_t i = 0; i < n->count; i++) {
            if (n->kind == SIM_Y_MAP && !(c->keys[i] = node_copy(doc, n->keys[i]))) return NULL;
            if (!(c->items[i] = node_copy(doc, n->items[i]))) return NULL;
        }
    }
    return c;
}

void sim_ydoc_free(sim_ydoc *doc) {
    if (!doc) return;
    ablock *b = doc->blocks;
    while (b) {
        ablock *next = b->next;
        free(b);
        b = next;
    }
    free(doc->text);
    free(doc);
}

const sim_ynode *sim_ydoc_root(const sim_ydoc *doc) {
    assert(doc);
    return doc->root;
}

const char *sim_ydoc_text(const sim_ydoc *doc) {
    assert(doc);
    return doc->text;
}

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
    size_t count, cap;
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
    diag_vadd(ld->d, true, ld->file, line, col, fmt, ap);
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
            ld_error_at(ld, line, col, "%s (0x%X)", show(ctx, sizeof ctx, problem), (unsigned)p->problem_value);
        else
            ld_error_at(ld, line, col, "%s", show(ctx, sizeof ctx, problem));
        break;
    }
    default: {
        char pr[SHOW_SIZE];
        ld_mark(ld, p->problem_mark, &line, &col);
        if (p->context) {
            uint32_t cl, cc;
            ld_mark(ld, p->context_mark, &cl, &cc);
            ld_error_at(ld, line, col, "%s (%s at %s:%" PRIu32 ":%" PRIu32 ")", show(pr, sizeof pr, problem),
                        show(ctx, sizeof ctx, p->context), ld->file, cl, cc);
        } else {
            ld_error_at(ld, line, col, "%s", show(pr, sizeof pr, problem));
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
    if (f->count == f->cap) {
        size_t cap = f->cap ? f->cap * 2 : 8;
        sim_ynode **ni = realloc(f->items, cap * sizeof *ni);
        if (!ni) { ld_oom(ld); return false; }
        f->items = ni;
        if (f->node->kind == SIM_Y_MAP) {
            sim_ynode **nk = realloc(f->keys, cap * sizeof *nk);
            if (!nk) { ld_oom(ld); return false; }
            f->keys = nk;
        }
        f->cap = cap;
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

static void kind_phrase(const sim_ynode *n, char *buf, size_t size);

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
                      show(ks, sizeof ks, n->str), first->file, first->line, first->col);
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
            kind_phrase(n, what, sizeof what);
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
    if (ld->anchor_count == ld->anchor_cap) {
        size_t cap = ld->anchor_cap ? ld->anchor_cap * 2 : 8;
        yanchor *na = realloc(ld->anchors, cap * sizeof *na);
        if (!na) { free(name); ld_oom(ld); return; }
        ld->anchors = na;
        ld->anchor_cap = cap;
    }
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
    ld_error_at(ld, line, col, "unsupported tag '%s'", show(ts, sizeof ts, tag));
    return false;
}

static sim_ynode *ld_placeholder(yloader *ld, uint32_t line, uint32_t col) {
    if (!ld_budget(ld, 1, line, col)) return NULL;
    sim_ynode *n = node_new(ld->doc, SIM_Y_NULL, ld->file, line, col);
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
        n = node_new(ld->doc, SIM_Y_SCALAR, ld->file, line, col);
        if (!n) { ld_oom(ld); return; }
        n->str = arena_strndup(ld->doc, value, len);
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
            ld_error_at(ld, line, col, "alias '*%s' refers to a node that contains it", show(ns, sizeof ns, name));
        else
            ld_error_at(ld, line, col, "unknown alias '*%s'", show(ns, sizeof ns, name));
        sim_ynode *p = ld_placeholder(ld, line, col);
        if (p) ld_attach(ld, p, 0);
        return;
    }
    const yanchor *a = &ld->anchors[idx];
    if ((uint64_t)ld->base_depth + ld->depth + a->height > SIM_YAML_MAX_DEPTH) {
        ld_error_at(ld, line, col, "nesting deeper than %u levels (expanding alias '*%s')", SIM_YAML_MAX_DEPTH,
                    show(ns, sizeof ns, name));
        ld->fatal = true;
        return;
    }
    if (!ld_budget(ld, a->nodes, line, col)) return;
    sim_ynode *c = node_copy(ld->doc, a->node);
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
    if (ld->depth == ld->stack_cap) {
        size_t cap = ld->stack_cap ? ld->stack_cap * 2 : 16;
        yframe *ns = realloc(ld->stack, cap * sizeof *ns);
        if (!ns) { ld_oom(ld); return; }
        ld->stack = ns;
        ld->stack_cap = cap;
    }
    sim_ynode *n = node_new(ld->doc, kind, ld->file, line, col);
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
    f->cap = total;
    return true;
}

static void ld_on_end(yloader *ld) {
    assert(ld->depth > 0);  /* libyaml pairs START and END events */
    yframe *f = &ld->stack[ld->depth - 1];
    sim_ynode *n = f->node;
    if (n->kind == SIM_Y_MAP && f->merge && !ld_merge(ld, f)) return;
    n->count = f->count;
    n->items = arena_alloc(ld->doc, (f->count ? f->count : 1) * sizeof *n->items);
    if (!n->items) { ld_oom(ld); return; }
    if (f->count) memcpy(n->items, f->items, f->count * sizeof *n->items);
    if (n->kind == SIM_Y_MAP) {
        n->keys = arena_alloc(ld->doc, (f->count ? f->count : 1) * sizeof *n->keys);
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
static sim_ynode *ld_load(sim_ydoc *doc, sim_diag *d, const char *file, const char *text, size_t len,
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
        root = node_new(doc, SIM_Y_MAP, file, 1, 1);
        if (!root || !(root->items = arena_alloc(doc, sizeof *root->items)) ||
            !(root->keys = arena_alloc(doc, sizeof *root->keys))) {
            sim_diag_error_at(d, file, 0, 0, "out of memory while loading");
            return NULL;
        }
        *height = 1;
    } else if (!root) {
        /* An empty --set value is null. */
        root = node_new(doc, SIM_Y_NULL, file, 1, col_offset + 1);
        if (!root) {
            sim_diag_error_at(d, file, 0, 0, "out of memory while loading");
            return NULL;
        }
        root->str = "";
        *height = 0;
    }
    return root;
}

sim_ydoc *sim_ydoc_load_string(const char *name, const char *text, size_t len, sim_diag *d) {
    assert(name && d && (text || len == 0));
    sim_ydoc *doc = calloc(1, sizeof *doc);
    if (!doc || !(doc->text = malloc(len + 1))) {
        free(doc);
        sim_diag_error_at(d, name, 0, 0, "out of memory while loading");
        return NULL;
    }
    if (len) memcpy(doc->text, text, len);
    doc->text[len] = '\0';
    doc->text_len = len;
    const char *file = arena_strndup(doc, name, strlen(name));
    if (!file) {
        sim_diag_error_at(d, name, 0, 0, "out of memory while loading");
        sim_ydoc_free(doc);
        return NULL;
    }
    uint32_t height;
    doc->root = ld_load(doc, d, file, doc->text, len, false, 0, 0, &height);
    if (!doc->root) {
        sim_ydoc_free(doc);
        return NULL;
    }
    return doc;
}

#define MAX_FILE_BYTES ((size_t)64 * 1024 * 1024)

sim_ydoc *sim_ydoc_load_file(const char *path, sim_diag *d) {
    assert(path && d);
    FILE *f = fopen(path, "rb");
    if (!f) {
        sim_diag_error_at(d, path, 0, 0, "cannot open: %s", strerror(errno));
        return NULL;
    }
    sbuf b = { 0 };
    char chunk[16384];
    for (;;) {
        size_t n = fread(chunk, 1, sizeof chunk, f);
        if (n > 0) sb_put(&b, chunk, n);
        if (b.len > MAX_FILE_BYTES) {
            sim_diag_error_at(d, path, 0, 0, "file too large (more than 64 MiB)");
            fclose(f);
            free(b.p);
            return NULL;
        }
        if (n < sizeof chunk) break;
    }
    int err = ferror(f) ? errno : 0;
    fclose(f);
    if (err || b.oom) {
        sim_diag_error_at(d, path, 0, 0, "cannot read: %s", b.oom ? "out of memory" : strerror(err));
        free(b.p);
        return NULL;
    }
    sim_ydoc *doc = sim_ydoc_load_string(path, b.p ? b.p : "", b.len, d);
    free(b.p);
    return doc;
}

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
        if (n->quoted) snprintf(buf, size, "a quoted string \"%s\"", show(s, sizeof s, n->str));
        else snprintf(buf, size, "'%s'", show(s, sizeof s, n->str));
        break;
    }
}

/* "a mapping", "a sequence", "null" or "a scalar". */
static void kind_phrase(const sim_ynode *n, char *buf, size_t size) {
    switch (n->kind) {
    case SIM_Y_MAP: snprintf(buf, size, "a mapping"); break;
    case SIM_Y_SEQ: snprintf(buf, size, "a sequence"); break;
    case SIM_Y_NULL: snprintf(buf, size, "null"); break;
    case SIM_Y_SCALAR: describe(n, buf, size); break;
    }
}

#define DESC_SIZE (SHOW_SIZE + 32)

/* Records "expected <what>, got <description>" at n. */
static bool expected(const sim_ynode *n, const char *what, sim_diag *d) {
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
        show(ks, sizeof ks, k);
        const char *best = suggest(k, allowed);
        if (best) {
            sim_diag_error(d, map->keys[i], "unknown key '%s' in %s (did you mean '%s'?)", ks, where, best);
            continue;
        }
        sbuf list = { 0 };
        for (size_t j = 0; allowed[j]; j++) {
            if (j) sb_puts(&list, ", ");
            sb_puts(&list, allowed[j]);
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
        return (is_digit(p[1]) || (p[1] == '.' && is_digit(p[2]))) ? Q_NEGATIVE : Q_SYNTAX;
    }
    const char *int_s = p;
    while (is_digit(*p)) p++;
    size_t int_n = (size_t)(p - int_s);
    const char *frac_s = p;
    size_t frac_n = 0;
    if (*p == '.') {
        frac_s = ++p;
        while (is_digit(*p)) p++;
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
    if (!is_plain(n)) return expected(n, k->expected, d);
    char s[SHOW_SIZE], u[SHOW_SIZE];
    const char *unit = NULL;
    uint64_t v = 0;
    switch (q_parse(n->str, k, &v, &unit)) {
    case Q_OK:
        break;
    case Q_SYNTAX:
    case Q_NO_UNIT:
        return expected(n, k->expected, d);
    case Q_NEGATIVE:
        sim_diag_error(d, n, "expected a non-negative %s, got '%s'", k->what, show(s, sizeof s, n->str));
        return false;
    case Q_BAD_UNIT:
        sim_diag_error(d, n, "unknown %s unit '%s' in '%s' (expected one of %s)", k->what,
                       show(u, sizeof u, unit), show(s, sizeof s, n->str), k->unit_list);
        return false;
    case Q_TOO_LARGE:
        sim_diag_error(d, n, "value too large: '%s' does not fit in 64 bits of %s", show(s, sizeof s, n->str),
                       k->target);
        return false;
    case Q_PRECISION:
        sim_diag_error(d, n, "sub-%s precision in '%s'", k->finest, show(s, sizeof s, n->str));
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
    if (n->kind != SIM_Y_SCALAR) return expected(n, "a string", d);
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
    return expected(n, "true or false", d);
}

bool sim_ynode_u64(const sim_ynode *n, uint64_t min, uint64_t max, uint64_t *out, sim_diag *d) {
    assert(n && out && d && min <= max);
    if (!is_plain(n)) return expected(n, "a non-negative integer", d);
    const char *p = n->str;
    if (!*p) return expected(n, "a non-negative integer", d);
    uint64_t v = 0;
    bool too_large = false;
    for (; *p; p++) {
        if (!is_digit(*p)) return expected(n, "a non-negative integer", d);
        uint64_t dg = (uint64_t)(*p - '0');
        if (v > (UINT64_MAX - dg) / 10) too_large = true;
        else v = v * 10 + dg;
    }
    if (too_large) {
        char s[SHOW_SIZE];
        sim_diag_error(d, n, "value too large: '%s' does not fit in 64 bits", show(s, sizeof s, n->str));
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
    while (is_digit(*p)) { p++; digits++; }
    if (*p == '.') {
        p++;
        while (is_digit(*p)) { p++; digits++; }
    }
    if (digits == 0) return 0;
    if (allow_exp && (*p == 'e' || *p == 'E')) {
        const char *q = p + 1;
        if (*q == '+' || *q == '-') q++;
        if (is_digit(*q)) {
            while (is_digit(*q)) q++;
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
        sim_diag_error(d, n, "out of memory parsing '%s'", show(s, sizeof s, n->str));
        return false;
    }
    if (isinf(v)) {
        sim_diag_error(d, n, "value too large: '%s'", show(s, sizeof s, n->str));
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
    if (!is_plain(n)) return expected(n, "a number", d);
    size_t len = number_len(n->str, true);
    if (len == 0 || n->str[len] != '\0') return expected(n, "a number", d);
    return f_check(n, decimal_value(n->str, len, ""), min, max, out, d, 1.0, "");
}

#define FRACTION_EXPECTED "a fraction (a number like 0.25 or a percentage like 25%)"

bool sim_ynode_fraction(const sim_ynode *n, double min, double max, double *out, sim_diag *d) {
    assert(n && out && d && min <= max);
    if (!is_plain(n)) return expected(n, FRACTION_EXPECTED, d);
    const char *s = n->str;
    size_t len = number_len(s, true);
    if (len == 0) return expected(n, FRACTION_EXPECTED, d);
    const char *p = s + len;
    if (*p == '\0') return f_check(n, decimal_value(s, len, ""), min, max, out, d, 1.0, "");
    /* A percentage: no exponent, so "e-2" can be appended exactly. */
    size_t plain_len = number_len(s, false);
    if (plain_len != len) return expected(n, FRACTION_EXPECTED, d);
    while (*p == ' ' || *p == '\t') p++;
    if (strcmp(p, "%") != 0) return expected(n, FRACTION_EXPECTED, d);
    return f_check(n, decimal_value(s, len, "e-2"), min, max, out, d, 100.0, "%");
}

#define RATE_EXPECTED "a rate with a unit (N/s, N/min, N/h)"

bool sim_ynode_rate_per_s(const sim_ynode *n, double min, double max, double *out, sim_diag *d) {
    assert(n && out && d && min <= max);
    if (!is_plain(n)) return expected(n, RATE_EXPECTED, d);
    const char *s = n->str;
    size_t len = number_len(s, true);
    if (len == 0) return expected(n, RATE_EXPECTED, d);
    const char *p = s + len;
    while (*p == ' ' || *p == '\t') p++;
    if (*p != '/') return expected(n, RATE_EXPECTED, d);
    p++;
    while (*p == ' ' || *p == '\t') p++;
    double per;
    if (!strcmp(p, "s")) per = 1.0;
    else if (!strcmp(p, "min")) per = 60.0;
    else if (!strcmp(p, "h")) per = 3600.0;
    else {
        char us[SHOW_SIZE], ss[SHOW_SIZE];
        sim_diag_error(d, n, "unknown rate unit '/%s' in '%s' (expected one of /s, /min, /h)", show(us, sizeof us, p),
                       show(ss, sizeof ss, s));
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
    sbuf list = { 0 };
    sb_puts(&list, "one of ");
    for (size_t i = 0; names[i]; i++) {
        if (i) sb_puts(&list, ", ");
        sb_puts(&list, "'");
        sb_puts(&list, names[i]);
        sb_puts(&list, "'");
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
        sim_diag_error(d, map, "missing required key '%s'", show(ks, sizeof ks, key));
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
            sim_diag_error_at(d, file, 1, (uint32_t)start + 1, "empty key in path '%s'", show_n(ps, sizeof ps, path, len));
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
                digits = digits && is_digit(st->s[k]);
                v = v * 10 + (size_t)(st->s[k] - '0');
            }
            if (digits) { st->kind = STEP_DIGITS; st->index = v; }
        }
        while (i < len && path[i] == '[') {
            size_t open = i++;
            size_t v = 0, nd = 0;
            while (i < len && is_digit(path[i])) {
                if (v > MAX_INDEX) v = MAX_INDEX + 1;
                else v = v * 10 + (size_t)(path[i] - '0');
                i++;
                nd++;
            }
            if (nd == 0 || i >= len || path[i] != ']') {
                sim_diag_error_at(d, file, 1, (uint32_t)open + 1, "expected [index] in path '%s'",
                                  show_n(ps, sizeof ps, path, len));
                return false;
            }
            if (v > MAX_INDEX) {
                sim_diag_error_at(d, file, 1, (uint32_t)open + 2, "index too large in path '%s'",
                                  show_n(ps, sizeof ps, path, len));
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
                              show_n(ps, sizeof ps, path, len));
            return false;
        }
        i++;
    }
    *count = n;
    return true;
}

/* Adds key (steps[i]) with a null value to map; NULL when out of memory. */
static sim_ynode **set_add_key(sim_ydoc *doc, sim_ynode *map, const ystep *st, const char *file) {
    sim_ynode *k = node_new(doc, SIM_Y_SCALAR, file, 1, st->col);
    sim_ynode *v = node_new(doc, SIM_Y_NULL, file, 1, st->col);
    if (!k || !v) return NULL;
    if (!(k->str = arena_strndup(doc, st->s, st->len))) return NULL;
    v->str = "";
    sim_ynode **ni = arena_alloc(doc, (map->count + 1) * sizeof *ni);
    sim_ynode **nk = arena_alloc(doc, (map->count + 1) * sizeof *nk);
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
        const char *prefix = i == 0 ? "" : show_n(ps, sizeof ps, path, steps[i - 1].end);
        bool index = st->kind == STEP_INDEX || (st->kind == STEP_DIGITS && cur && cur->kind == SIM_Y_SEQ);
        if (index) {
            if (!cur) {
                sim_diag_error_at(d, file, 1, st->col, "cannot index '%s': no such key", prefix);
                return false;
            }
            if (cur->kind != SIM_Y_SEQ) {
                kind_phrase(cur, kind, sizeof kind);
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
            sim_ynode *m = node_new(doc, SIM_Y_MAP, file, 1, st->col);
            if (!m || !(m->items = arena_alloc(doc, sizeof *m->items)) || !(m->keys = arena_alloc(doc, sizeof *m->keys)))
                goto oom;
            *slot = cur = m;
        }
        if (!cur) continue;  /* creating */
        if (cur->kind != SIM_Y_MAP) {
            kind_phrase(cur, kind, sizeof kind);
            if (i == 0)
                sim_diag_error_at(d, file, 1, st->col, "cannot set key '%s': the document is %s, not a mapping",
                                  show_n(ks, sizeof ks, st->s, st->len), kind);
            else
                sim_diag_error_at(d, file, 1, st->col, "cannot set key '%s' in '%s': it is %s, not a mapping",
                                  show_n(ks, sizeof ks, st->s, st->len), prefix, kind);
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
                          show(as, sizeof as, assignment));
        return false;
    }
    size_t plen = (size_t)(eq - assignment);
    if (plen == 0) {
        sim_diag_error_at(d, "--set", 0, 0, "malformed override '%s': empty key path", show(as, sizeof as, assignment));
        return false;
    }
    for (size_t i = 0; i < plen;) {
        size_t l = utf8_len((const unsigned char *)assignment + i, plen - i);
        if (l == 0 || (unsigned char)assignment[i] < 0x20 || assignment[i] == 0x7F) {
            sim_diag_error_at(d, "--set", 0, 0, "malformed override '%s': the key path has control characters "
                              "or invalid UTF-8", show(as, sizeof as, assignment));
            return false;
        }
        i += l;
    }
    /* The file name of every mark in this override. */
    char *file = arena_alloc(doc, plen + 7);
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
    sim_ynode *value = ld_load(doc, d, file, value_text, strlen(value_text), true, col_offset, (uint32_t)count,
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
/* ======================================================================== */

static void json_string(sbuf *b, const char *s) {
    static const char hex[] = "0123456789abcdef";
    sb_put(b, "\"", 1);
    const unsigned char *u = (const unsigned char *)s;
    size_t len = strlen(s);
    size_t i = 0;
    while (i < len) {
        size_t run = i;
        /* Copy runs of characters that need no escaping in one go. */
        while (run < len && u[run] >= 0x20 && u[run] < 0x80 && u[run] != '"' && u[run] != '\\') run++;
        if (run > i) {
            sb_put(b, s + i, run - i);
            i = run;
            continue;
        }
        unsigned char c = u[i];
        if (c == '"') { sb_put(b, "\\\"", 2); i++; }
        else if (c == '\\') { sb_put(b, "\\\\", 2); i++; }
        else if (c == '\n') { sb_put(b, "\\n", 2); i++; }
        else if (c == '\t') { sb_put(b, "\\t", 2); i++; }
        else if (c == '\r') { sb_put(b, "\\r", 2); i++; }
        else if (c == '\b') { sb_put(b, "\\b", 2); i++; }
        else if (c == '\f') { sb_put(b, "\\f", 2); i++; }
        else if (c < 0x20) {
            char e[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };
            sb_put(b, e, 6);
            i++;
        } else {
            size_t l = utf8_len(u + i, len - i);
            if (l == 0) { sb_put(b, "\\ufffd", 6); i++; }
            else { sb_put(b, s + i, l); i += l; }
        }
    }
    sb_put(b, "\"", 1);
}

/* The JSON number grammar: -?(0|[1-9]D*)(.D+)?([eE][+-]?D+)? */
static bool is_json_number(const char *s) {
    const char *p = s;
    if (*p == '-') p++;
    if (*p == '0') p++;
    else if (*p >= '1' && *p <= '9') while (is_digit(*p)) p++;
    else return false;
    if (*p == '.') {
        p++;
        if (!is_digit(*p)) return false;
        while (is_digit(*p)) p++;
    }
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-') p++;
        if (!is_digit(*p)) return false;
        while (is_digit(*p)) p++;
    }
    return *p == '\0';
}

static void json_node(sbuf *b, const sim_ynode *n) {
    switch (n->kind) {
    case SIM_Y_NULL:
        sb_put(b, "null", 4);
        break;
    case SIM_Y_SCALAR:
        if (!n->quoted && (!strcmp(n->str, "true") || !strcmp(n->str, "True") || !strcmp(n->str, "TRUE")))
            sb_put(b, "true", 4);
        else if (!n->quoted && (!strcmp(n->str, "false") || !strcmp(n->str, "False") || !strcmp(n->str, "FALSE")))
            sb_put(b, "false", 5);
        else if (!n->quoted && is_json_number(n->str))
            sb_puts(b, n->str);
        else
            json_string(b, n->str);
        break;
    case SIM_Y_SEQ:
        sb_put(b, "[", 1);
        for (size_t i = 0; i < n->count && !b->oom; i++) {
            if (i) sb_put(b, ",", 1);
            json_node(b, n->items[i]);
        }
        sb_put(b, "]", 1);
        break;
    case SIM_Y_MAP:
        sb_put(b, "{", 1);
        for (size_t i = 0; i < n->count && !b->oom; i++) {
            if (i) sb_put(b, ",", 1);
            json_string(b, n->keys[i]->str);
            sb_put(b, ":", 1);
            json_node(b, n->items[i]);
        }
        sb_put(b, "}", 1);
        break;
    }
}

char *sim_ydoc_to_json(const sim_ydoc *doc) {
    assert(doc && doc->root);
    sbuf b = { 0 };
    json_node(&b, doc->root);
    if (b.oom) {
        free(b.p);
        return NULL;
    }
    return b.p;
}
