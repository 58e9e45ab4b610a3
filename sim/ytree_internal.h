/*
** What the parts of the scenario reader share and nobody else sees: the
** document's arena, printable excerpts of untrusted text, a growable string,
** describing nodes in messages, and the loader entry point `--set` reuses.
** The public interface is ytree.h; the parts are
**   ytree_diag.c  diagnostics and the text helpers below
**   ytree_doc.c   the arena, documents, loading files and buffers
**   ytree_load.c  the loader (libyaml events -> tree)
**   ytree_get.c   key checking and typed converters
**   ytree_set.c   `--set key.path=value` overrides
**   ytree_json.c  canonical JSON of a document
*/
#ifndef SIM_YTREE_INTERNAL_H
#define SIM_YTREE_INTERNAL_H

#include "ytree.h"

#include <stdarg.h>
#include <stddef.h>

/* ---- text helpers (ytree_diag.c) ----------------------------------------- */

/* Length of the valid UTF-8 sequence at s (at most `avail` bytes), or 0
** when it is not valid (overlong forms, surrogates and code points above
** U+10FFFF are invalid). */
size_t sim_yt_utf8_len(const unsigned char *s, size_t avail);
/* Writes a printable excerpt of s (at most ~60 bytes, control characters
** and invalid bytes escaped, "..." when cut) to out[size]. */
#define SHOW_SIZE 80
const char *sim_yt_show_n(char *out, size_t size, const char *s, size_t len);
const char *sim_yt_show(char *out, size_t size, const char *s);

static inline bool sim_yt_is_digit(char c) { return c >= '0' && c <= '9'; }

/* A growable string; `oom` sticks once an allocation failed. */
typedef struct sim_ybuf {
    char *p;
    size_t len, cap;
    bool oom;
} sim_ybuf;
void sim_ybuf_put(sim_ybuf *b, const char *s, size_t n);
void sim_ybuf_puts(sim_ybuf *b, const char *s);

/* Records a diagnostic at an explicit place (errors count toward the cap). */
__attribute__((format(printf, 6, 0)))
void sim_diag_vadd(sim_diag *d, bool is_error, const char *file, uint32_t line, uint32_t col,
                   const char *fmt, va_list ap);

/* ---- documents (ytree_doc.c) --------------------------------------------- */

typedef struct ablock {
    struct ablock *next;
    size_t used, cap;
    max_align_t data[];
} ablock;

struct sim_ydoc {
    ablock *blocks;      /* newest first; the head has the free space */
    char *text;          /* the loaded text, NUL-terminated */
    size_t text_len;
    sim_ynode *root;
    size_t node_count;   /* nodes ever allocated, checked against the limit */
};

/* Zeroed memory from the document's arena, NULL when out of memory. */
void *sim_ydoc_alloc(sim_ydoc *doc, size_t size);
char *sim_ydoc_strndup(sim_ydoc *doc, const char *s, size_t n);
sim_ynode *sim_ydoc_node_new(sim_ydoc *doc, sim_ykind kind, const char *file, uint32_t line, uint32_t col);
/* A deep copy of n (strings shared: they are never modified). */
sim_ynode *sim_ydoc_node_copy(sim_ydoc *doc, const sim_ynode *n);

/* ---- the loader (ytree_load.c) ------------------------------------------- */

/* Loads `text` into doc (which owns the arena); returns the root, or NULL
** after recording errors.  *height: the root's height.  set_mode: an empty
** text is null (a `--set` value), not an empty mapping; its columns on line
** 1 are shifted by col_offset and it will sit at depth base_depth. */
sim_ynode *sim_ydoc_parse(sim_ydoc *doc, sim_diag *d, const char *file, const char *text, size_t len,
                          bool set_mode, uint32_t col_offset, uint32_t base_depth, uint32_t *height);

/* ---- describing nodes (ytree_get.c) -------------------------------------- */

#define DESC_SIZE (SHOW_SIZE + 32)
/* "a mapping", "a sequence", "null" or a description of the scalar. */
void sim_ynode_kind_phrase(const sim_ynode *n, char *buf, size_t size);
/* Records "expected <what>, got <description>" at n; returns false. */
bool sim_ynode_expected(const sim_ynode *n, const char *what, sim_diag *d);

#endif
