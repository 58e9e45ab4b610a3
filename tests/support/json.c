/*
** A small recursive-descent JSON reader for tests (see json.h).  It accepts
** RFC 8259 JSON (strings with escapes, \u including surrogate pairs encoded
** as UTF-8), nests up to JSON_MAX_DEPTH levels and reports the first error
** with its line and column.  Memory comes from malloc; json_free releases a
** whole document.
*/
#include "json.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define JSON_MAX_DEPTH 128

typedef struct parser {
    const char *s;
    size_t len;
    size_t pos;
    char *err;
    size_t err_cap;
    bool failed;
} parser;

static void fail(parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void fail(parser *p, const char *fmt, ...) {
    if (p->failed) return;
    p->failed = true;
    if (p->err == NULL || p->err_cap == 0) return;
    size_t line = 1, col = 1;
    for (size_t i = 0; i < p->pos && i < p->len; i++) {
        if (p->s[i] == '\n') { line++; col = 1; } else { col++; }
    }
    int n = snprintf(p->err, p->err_cap, "%zu:%zu: ", line, col);
    if (n < 0 || (size_t)n >= p->err_cap) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->err + n, p->err_cap - (size_t)n, fmt, ap);
    va_end(ap);
}

static void skip_ws(parser *p) {
    while (p->pos < p->len) {
        char c = p->s[p->pos];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r') break;
        p->pos++;
    }
}

static bool eat(parser *p, char c) {
    skip_ws(p);
    if (p->pos < p->len && p->s[p->pos] == c) { p->pos++; return true; }
    return false;
}

static void node_clear(json *v) {
    if (v == NULL) return;
    for (size_t i = 0; i < v->count && v->items; i++) node_clear(&v->items[i]);
    if (v->keys) {
        for (size_t i = 0; i < v->count; i++) free(v->keys[i]);
    }
    free(v->items);
    free(v->keys);
    free(v->text);
    memset(v, 0, sizeof *v);
}

void json_free(json *doc) {
    if (doc == NULL) return;
    node_clear(doc);
    free(doc);
}

/* ---- strings ------------------------------------------------------------- */

typedef struct strbuf {
    char *p;
    size_t len, cap;
} strbuf;

static bool sb_put(strbuf *b, char c) {
    if (b->len + 1 >= b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 32;
        char *np = realloc(b->p, cap);
        if (np == NULL) return false;
        b->p = np;
        b->cap = cap;
    }
    b->p[b->len++] = c;
    b->p[b->len] = '\0';
    return true;
}

static bool sb_utf8(strbuf *b, unsigned long cp) {
    if (cp < 0x80) return sb_put(b, (char)cp);
    if (cp < 0x800) {
        return sb_put(b, (char)(0xc0 | (cp >> 6))) && sb_put(b, (char)(0x80 | (cp & 0x3f)));
    }
    if (cp < 0x10000) {
        return sb_put(b, (char)(0xe0 | (cp >> 12))) &&
               sb_put(b, (char)(0x80 | ((cp >> 6) & 0x3f))) &&
               sb_put(b, (char)(0x80 | (cp & 0x3f)));
    }
    return sb_put(b, (char)(0xf0 | (cp >> 18))) && sb_put(b, (char)(0x80 | ((cp >> 12) & 0x3f))) &&
           sb_put(b, (char)(0x80 | ((cp >> 6) & 0x3f))) && sb_put(b, (char)(0x80 | (cp & 0x3f)));
}

static int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static bool read_u4(parser *p, unsigned long *cp) {
    if (p->len - p->pos < 4) { fail(p, "truncated \\u escape"); return false; }
    unsigned long v = 0;
    for (int i = 0; i < 4; i++) {
        int d = hex_digit(p->s[p->pos + (size_t)i]);
        if (d < 0) { fail(p, "bad \\u escape"); return false; }
        v = v << 4 | (unsigned long)d;
    }
    p->pos += 4;
    *cp = v;
    return true;
}

/* Parse a string starting at the opening quote; returns a malloc'ed text. */
static char *parse_string(parser *p, size_t *out_len) {
    strbuf b = {NULL, 0, 0};
    if (!sb_put(&b, 'x')) { fail(p, "out of memory"); return NULL; }
    b.len = 0;
    b.p[0] = '\0';
    p->pos++;   /* opening quote */
    for (;;) {
        if (p->pos >= p->len) { fail(p, "unterminated string"); break; }
        char c = p->s[p->pos++];
        if (c == '"') { *out_len = b.len; return b.p; }
        if ((unsigned char)c < 0x20) { fail(p, "control character in string"); break; }
        if (c != '\\') {
            if (!sb_put(&b, c)) { fail(p, "out of memory"); break; }
            continue;
        }
        if (p->pos >= p->len) { fail(p, "unterminated escape"); break; }
        char e = p->s[p->pos++];
        char out = 0;
        switch (e) {
        case '"': out = '"'; break;
        case '\\': out = '\\'; break;
        case '/': out = '/'; break;
        case 'b': out = '\b'; break;
        case 'f': out = '\f'; break;
        case 'n': out = '\n'; break;
        case 'r': out = '\r'; break;
        case 't': out = '\t'; break;
        case 'u': {
            unsigned long cp = 0, lo = 0;
            if (!read_u4(p, &cp)) goto bad;
            if (cp >= 0xd800 && cp <= 0xdbff) {
                if (p->len - p->pos < 6 || p->s[p->pos] != '\\' || p->s[p->pos + 1] != 'u') {
                    fail(p, "unpaired surrogate");
                    goto bad;
                }
                p->pos += 2;
                if (!read_u4(p, &lo)) goto bad;
                if (lo < 0xdc00 || lo > 0xdfff) { fail(p, "bad low surrogate"); goto bad; }
                cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
            } else if (cp >= 0xdc00 && cp <= 0xdfff) {
                fail(p, "unpaired surrogate");
                goto bad;
            }
            if (!sb_utf8(&b, cp)) { fail(p, "out of memory"); goto bad; }
            continue;
        }
        default: fail(p, "bad escape \\%c", e); goto bad;
        }
        if (!sb_put(&b, out)) { fail(p, "out of memory"); break; }
    }
bad:
    free(b.p);
    return NULL;
}

/* ---- values ---------------------------------------------------------------- */

static bool parse_value(parser *p, json *v, int depth);

static bool push_item(parser *p, json *v, json *item, char *key) {
    json *items = realloc(v->items, (v->count + 1) * sizeof *items);
    if (items == NULL) { fail(p, "out of memory"); return false; }
    v->items = items;
    if (v->type == JSON_OBJECT) {
        char **keys = realloc(v->keys, (v->count + 1) * sizeof *keys);
        if (keys == NULL) { fail(p, "out of memory"); return false; }
        v->keys = keys;
        v->keys[v->count] = key;
    }
    v->items[v->count++] = *item;
    return true;
}

static bool parse_number(parser *p, json *v) {
    size_t start = p->pos;
    if (p->pos < p->len && p->s[p->pos] == '-') p->pos++;
    size_t digits = p->pos;
    while (p->pos < p->len && p->s[p->pos] >= '0' && p->s[p->pos] <= '9') p->pos++;
    if (p->pos == digits) { fail(p, "bad number"); return false; }
    if (p->s[digits] == '0' && p->pos - digits > 1) { fail(p, "leading zero"); return false; }
    if (p->pos < p->len && p->s[p->pos] == '.') {
        p->pos++;
        size_t f = p->pos;
        while (p->pos < p->len && p->s[p->pos] >= '0' && p->s[p->pos] <= '9') p->pos++;
        if (p->pos == f) { fail(p, "bad fraction"); return false; }
    }
    if (p->pos < p->len && (p->s[p->pos] == 'e' || p->s[p->pos] == 'E')) {
        p->pos++;
        if (p->pos < p->len && (p->s[p->pos] == '+' || p->s[p->pos] == '-')) p->pos++;
        size_t e = p->pos;
        while (p->pos < p->len && p->s[p->pos] >= '0' && p->s[p->pos] <= '9') p->pos++;
        if (p->pos == e) { fail(p, "bad exponent"); return false; }
    }
    v->type = JSON_NUMBER;
    v->text_len = p->pos - start;
    v->text = malloc(v->text_len + 1);
    if (v->text == NULL) { fail(p, "out of memory"); return false; }
    memcpy(v->text, p->s + start, v->text_len);
    v->text[v->text_len] = '\0';
    return true;
}

static bool parse_literal(parser *p, const char *word) {
    size_t n = strlen(word);
    if (p->len - p->pos < n || memcmp(p->s + p->pos, word, n) != 0) {
        fail(p, "unexpected token");
        return false;
    }
    p->pos += n;
    return true;
}

static bool parse_value(parser *p, json *v, int depth) {
    memset(v, 0, sizeof *v);
    if (depth > JSON_MAX_DEPTH) { fail(p, "nesting too deep"); return false; }
    skip_ws(p);
    if (p->pos >= p->len) { fail(p, "unexpected end of input"); return false; }
    char c = p->s[p->pos];
    switch (c) {
    case '{':
        p->pos++;
        v->type = JSON_OBJECT;
        if (eat(p, '}')) return true;
        for (;;) {
            skip_ws(p);
            if (p->pos >= p->len || p->s[p->pos] != '"') { fail(p, "expected member name"); return false; }
            size_t klen = 0;
            char *key = parse_string(p, &klen);
            if (key == NULL) return false;
            if (!eat(p, ':')) { free(key); fail(p, "expected ':'"); return false; }
            json item;
            if (!parse_value(p, &item, depth + 1)) { free(key); node_clear(&item); return false; }
            if (!push_item(p, v, &item, key)) { free(key); node_clear(&item); return false; }
            if (eat(p, ',')) continue;
            if (eat(p, '}')) return true;
            fail(p, "expected ',' or '}'");
            return false;
        }
    case '[':
        p->pos++;
        v->type = JSON_ARRAY;
        if (eat(p, ']')) return true;
        for (;;) {
            json item;
            if (!parse_value(p, &item, depth + 1)) { node_clear(&item); return false; }
            if (!push_item(p, v, &item, NULL)) { node_clear(&item); return false; }
            if (eat(p, ',')) continue;
            if (eat(p, ']')) return true;
            fail(p, "expected ',' or ']'");
            return false;
        }
    case '"':
        v->type = JSON_STRING;
        v->text = parse_string(p, &v->text_len);
        return v->text != NULL;
    case 't':
        v->type = JSON_BOOL;
        v->boolean = true;
        return parse_literal(p, "true");
    case 'f':
        v->type = JSON_BOOL;
        return parse_literal(p, "false");
    case 'n':
        v->type = JSON_NULL;
        return parse_literal(p, "null");
    default:
        if (c == '-' || (c >= '0' && c <= '9')) return parse_number(p, v);
        fail(p, "unexpected character '%c'", c);
        return false;
    }
}

json *json_parse(const char *text, size_t len, char *err, size_t err_cap) {
    parser p = {text, len, 0, err, err_cap, false};
    if (err && err_cap) err[0] = '\0';
    json *doc = calloc(1, sizeof *doc);
    if (doc == NULL) return NULL;
    if (text == NULL) { fail(&p, "no input"); free(doc); return NULL; }
    if (!parse_value(&p, doc, 0)) { json_free(doc); return NULL; }
    skip_ws(&p);
    if (p.pos != p.len) {
        fail(&p, "trailing characters");
        json_free(doc);
        return NULL;
    }
    return doc;
}

json *json_load(const char *path) {
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "%s: %s\n", path, strerror(errno));
        return NULL;
    }
    char *buf = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (len == cap) {
            cap = cap ? cap * 2 : 65536;
            char *nb = realloc(buf, cap);
            if (nb == NULL) { free(buf); fclose(f); return NULL; }
            buf = nb;
        }
        size_t n = fread(buf + len, 1, cap - len, f);
        if (n == 0) break;
        len += n;
    }
    fclose(f);
    char err[256];
    json *doc = json_parse(buf, len, err, sizeof err);
    if (doc == NULL) fprintf(stderr, "%s:%s\n", path, err);
    free(buf);
    return doc;
}

/* ---- lookup ---------------------------------------------------------------- */

static const json *member(const json *v, const char *name, size_t n) {
    if (v == NULL) return NULL;
    if (v->type == JSON_OBJECT) {
        for (size_t i = 0; i < v->count; i++) {
            if (strlen(v->keys[i]) == n && memcmp(v->keys[i], name, n) == 0) return &v->items[i];
        }
        return NULL;
    }
    if (v->type == JSON_ARRAY && n > 0) {
        size_t idx = 0;
        for (size_t i = 0; i < n; i++) {
            if (name[i] < '0' || name[i] > '9') return NULL;
            idx = idx * 10 + (size_t)(name[i] - '0');
        }
        return json_at(v, idx);
    }
    return NULL;
}

const json *json_get(const json *v, const char *path) {
    if (v == NULL || path == NULL) return NULL;
    const char *s = path;
    while (*s != '\0' && v != NULL) {
        if (*s == '.') { s++; continue; }
        if (*s == '[') {
            char *end = NULL;
            unsigned long long idx = strtoull(s + 1, &end, 10);
            if (end == s + 1 || *end != ']' || v->type != JSON_ARRAY) return NULL;
            v = json_at(v, (size_t)idx);
            s = end + 1;
            continue;
        }
        size_t n = strcspn(s, ".[");
        v = member(v, s, n);
        s += n;
    }
    return v;
}

size_t json_count(const json *v) {
    if (v == NULL || (v->type != JSON_ARRAY && v->type != JSON_OBJECT)) return 0;
    return v->count;
}

const json *json_at(const json *v, size_t i) {
    if (i >= json_count(v)) return NULL;
    return &v->items[i];
}

const char *json_key(const json *v, size_t i) {
    if (v == NULL || v->type != JSON_OBJECT || i >= v->count) return NULL;
    return v->keys[i];
}

bool json_is(const json *v, json_type type) { return v != NULL && v->type == type; }

const char *json_string(const json *v) { return json_is(v, JSON_STRING) ? v->text : NULL; }

bool json_bool(const json *v, bool *out) {
    if (!json_is(v, JSON_BOOL)) return false;
    *out = v->boolean;
    return true;
}

bool json_u64(const json *v, uint64_t *out) {
    if (v == NULL || (v->type != JSON_NUMBER && v->type != JSON_STRING)) return false;
    const char *s = v->text;
    int base = 10;
    if (v->type == JSON_STRING && (s[0] == '0') && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
    }
    if (*s == '\0' || *s == '-' || *s == '+') return false;
    uint64_t acc = 0;
    for (; *s; s++) {
        int d = hex_digit(*s);
        if (d < 0 || d >= base) return false;
        if (acc > (UINT64_MAX - (uint64_t)d) / (uint64_t)base) return false;
        acc = acc * (uint64_t)base + (uint64_t)d;
    }
    *out = acc;
    return true;
}

bool json_i64(const json *v, int64_t *out) {
    if (!json_is(v, JSON_NUMBER)) return false;
    char *end = NULL;
    errno = 0;
    long long x = strtoll(v->text, &end, 10);
    if (errno != 0 || *end != '\0') return false;
    *out = (int64_t)x;
    return true;
}

bool json_double(const json *v, double *out) {
    if (!json_is(v, JSON_NUMBER)) return false;
    char *end = NULL;
    double x = strtod(v->text, &end);
    if (*end != '\0') return false;
    *out = x;
    return true;
}

/* ---- hex --------------------------------------------------------------------- */

bool hex_decode(const char *s, uint8_t *out, size_t cap, size_t *len) {
    if (s == NULL) return false;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) s += 2;
    size_t n = strlen(s);
    if (n % 2 != 0 || n / 2 > cap) return false;
    for (size_t i = 0; i < n / 2; i++) {
        int hi = hex_digit(s[2 * i]), lo = hex_digit(s[2 * i + 1]);
        if (hi < 0 || lo < 0) return false;
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    if (len) *len = n / 2;
    return true;
}

void hex_encode(const uint8_t *p, size_t n, char *out) {
    static const char digits[] = "0123456789abcdef";
    out[0] = '0';
    out[1] = 'x';
    for (size_t i = 0; i < n; i++) {
        out[2 + 2 * i] = digits[p[i] >> 4];
        out[3 + 2 * i] = digits[p[i] & 15];
    }
    out[2 + 2 * n] = '\0';
}

bool json_hex(const json *v, uint8_t *out, size_t cap, size_t *len) {
    const char *s = json_string(v);
    if (s == NULL || s[0] != '0' || (s[1] != 'x' && s[1] != 'X')) return false;
    return hex_decode(s, out, cap, len);
}

bool json_hex_exact(const json *v, uint8_t *out, size_t want) {
    size_t n = 0;
    return json_hex(v, out, want, &n) && n == want;
}

uint8_t *json_hex_dup(const json *v, size_t *len) {
    const char *s = json_string(v);
    if (s == NULL) return NULL;
    size_t cap = strlen(s) / 2 + 1;
    uint8_t *buf = malloc(cap);
    if (buf == NULL) return NULL;
    size_t n = 0;
    if (!json_hex(v, buf, cap, &n)) { free(buf); return NULL; }
    if (len) *len = n;
    return buf;
}

/* ---- vectors ------------------------------------------------------------------ */

const char *vectors_path(void) {
    const char *env = getenv("XRSIM_VECTORS");
    if (env != NULL && env[0] != '\0') return env;
#ifdef XRSIM_SOURCE_DIR
    return XRSIM_SOURCE_DIR "/tests/vectors/xchain.json";
#else
    return "tests/vectors/xchain.json";
#endif
}

json *vectors_load(void) { return json_load(vectors_path()); }
