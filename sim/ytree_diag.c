/*
** The scenario reader's diagnostics: errors and warnings collected in a
** sim_diag and printed as `file:line:col: error: message`, plus the small
** text helpers every part of the reader shares (printable excerpts of
** untrusted text, UTF-8 checking, a growable string).
*/
#include "ytree_internal.h"

#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "grow.h"

/* Length of the valid UTF-8 sequence at s (at most `avail` bytes), or 0
** when it is not valid (overlong forms, surrogates and code points above
** U+10FFFF are invalid). */
size_t sim_yt_utf8_len(const unsigned char *s, size_t avail) {
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
const char *sim_yt_show_n(char *out, size_t size, const char *s, size_t len) {
    assert(out && size >= 8);
    const size_t limit = size - 4;
    size_t o = 0, i = 0;
    const unsigned char *u = (const unsigned char *)s;
    while (i < len) {
        char tmp[8];
        size_t tl, used;
        unsigned char c = u[i];
        size_t ul = sim_yt_utf8_len(u + i, len - i);
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

const char *sim_yt_show(char *out, size_t size, const char *s) {
    return sim_yt_show_n(out, size, s, strlen(s));
}



void sim_ybuf_put(sim_ybuf *b, const char *s, size_t n) {
    if (b->oom) return;
    if (!sim_grow_append(&b->p, &b->len, &b->cap, s, n)) b->oom = true;
}

void sim_ybuf_puts(sim_ybuf *b, const char *s) { sim_ybuf_put(b, s, strlen(s)); }


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
    if (!SIM_GROW(d->msgs, d->cap, d->count + 1)) { free(msg); return; }  /* counted as an error, text lost */
    d->msgs[d->count++] = msg;
}

__attribute__((format(printf, 6, 0)))
void sim_diag_vadd(sim_diag *d, bool is_error, const char *file, uint32_t line, uint32_t col,
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
    if (at) sim_diag_vadd(d, true, at->file, at->line, at->col, fmt, ap);
    else sim_diag_vadd(d, true, NULL, 0, 0, fmt, ap);
    va_end(ap);
}

void sim_diag_error_at(sim_diag *d, const char *file, uint32_t line, uint32_t col, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    sim_diag_vadd(d, true, file, line, col, fmt, ap);
    va_end(ap);
}

void sim_diag_warning(sim_diag *d, const sim_ynode *at, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    if (at) sim_diag_vadd(d, false, at->file, at->line, at->col, fmt, ap);
    else sim_diag_vadd(d, false, NULL, 0, 0, fmt, ap);
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
