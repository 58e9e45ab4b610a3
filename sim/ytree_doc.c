/*
** The scenario reader's documents: the arena that owns every node and
** string of a sim_ydoc (freeing is one walk over blocks, `--set` simply
** allocates new nodes and repoints a slot), and loading a document from a
** file or a buffer through the loader in ytree_load.c.
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
/* Arena and documents                                                      */
/* ======================================================================== */

#define ARENA_BLOCK_BYTES ((size_t)64 * 1024)

/* Zeroed memory from the document's arena, NULL when out of memory. */
void *sim_ydoc_alloc(sim_ydoc *doc, size_t size) {
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

char *sim_ydoc_strndup(sim_ydoc *doc, const char *s, size_t n) {
    char *p = sim_ydoc_alloc(doc, n + 1);
    if (!p) return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

sim_ynode *sim_ydoc_node_new(sim_ydoc *doc, sim_ykind kind, const char *file, uint32_t line, uint32_t col) {
    sim_ynode *n = sim_ydoc_alloc(doc, sizeof *n);
    if (!n) return NULL;
    n->kind = kind;
    n->file = file;
    n->line = line;
    n->col = col;
    doc->node_count++;
    return n;
}

/* A deep copy of n (strings shared: they are never modified). */
sim_ynode *sim_ydoc_node_copy(sim_ydoc *doc, const sim_ynode *n) {
    sim_ynode *c = sim_ydoc_node_new(doc, n->kind, n->file, n->line, n->col);
    if (!c) return NULL;
    c->str = n->str;
    c->quoted = n->quoted;
    c->count = n->count;
    if (n->kind == SIM_Y_SEQ || n->kind == SIM_Y_MAP) {
        c->items = sim_ydoc_alloc(doc, (n->count ? n->count : 1) * sizeof *c->items);
        if (!c->items) return NULL;
        if (n->kind == SIM_Y_MAP) {
            c->keys = sim_ydoc_alloc(doc, (n->count ? n->count : 1) * sizeof *c->keys);
            if (!c->keys) return NULL;
        }
        for (size_t i = 0; i < n->count; i++) {
            if (n->kind == SIM_Y_MAP && !(c->keys[i] = sim_ydoc_node_copy(doc, n->keys[i]))) return NULL;
            if (!(c->items[i] = sim_ydoc_node_copy(doc, n->items[i]))) return NULL;
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
    const char *file = sim_ydoc_strndup(doc, name, strlen(name));
    if (!file) {
        sim_diag_error_at(d, name, 0, 0, "out of memory while loading");
        sim_ydoc_free(doc);
        return NULL;
    }
    uint32_t height;
    doc->root = sim_ydoc_parse(doc, d, file, doc->text, len, false, 0, 0, &height);
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
    sim_ybuf b = { 0 };
    char chunk[16384];
    for (;;) {
        size_t n = fread(chunk, 1, sizeof chunk, f);
        if (n > 0) sim_ybuf_put(&b, chunk, n);
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
