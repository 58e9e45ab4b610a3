/*
** The scenario reader's canonical JSON of a (possibly overridden) document,
** used to record a run's effective parameters.
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

static void json_string(sim_ybuf *b, const char *s) {
    static const char hex[] = "0123456789abcdef";
    sim_ybuf_put(b, "\"", 1);
    const unsigned char *u = (const unsigned char *)s;
    size_t len = strlen(s);
    size_t i = 0;
    while (i < len) {
        size_t run = i;
        /* Copy runs of characters that need no escaping in one go. */
        while (run < len && u[run] >= 0x20 && u[run] < 0x80 && u[run] != '"' && u[run] != '\\') run++;
        if (run > i) {
            sim_ybuf_put(b, s + i, run - i);
            i = run;
            continue;
        }
        unsigned char c = u[i];
        if (c == '"') { sim_ybuf_put(b, "\\\"", 2); i++; }
        else if (c == '\\') { sim_ybuf_put(b, "\\\\", 2); i++; }
        else if (c == '\n') { sim_ybuf_put(b, "\\n", 2); i++; }
        else if (c == '\t') { sim_ybuf_put(b, "\\t", 2); i++; }
        else if (c == '\r') { sim_ybuf_put(b, "\\r", 2); i++; }
        else if (c == '\b') { sim_ybuf_put(b, "\\b", 2); i++; }
        else if (c == '\f') { sim_ybuf_put(b, "\\f", 2); i++; }
        else if (c < 0x20) {
            char e[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };
            sim_ybuf_put(b, e, 6);
            i++;
        } else {
            size_t l = sim_yt_utf8_len(u + i, len - i);
            if (l == 0) { sim_ybuf_put(b, "\\ufffd", 6); i++; }
            else { sim_ybuf_put(b, s + i, l); i += l; }
        }
    }
    sim_ybuf_put(b, "\"", 1);
}

/* The JSON number grammar: -?(0|[1-9]D*)(.D+)?([eE][+-]?D+)? */
static bool is_json_number(const char *s) {
    const char *p = s;
    if (*p == '-') p++;
    if (*p == '0') p++;
    else if (*p >= '1' && *p <= '9') while (sim_yt_is_digit(*p)) p++;
    else return false;
    if (*p == '.') {
        p++;
        if (!sim_yt_is_digit(*p)) return false;
        while (sim_yt_is_digit(*p)) p++;
    }
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-') p++;
        if (!sim_yt_is_digit(*p)) return false;
        while (sim_yt_is_digit(*p)) p++;
    }
    return *p == '\0';
}

static void json_node(sim_ybuf *b, const sim_ynode *n) {
    switch (n->kind) {
    case SIM_Y_NULL:
        sim_ybuf_put(b, "null", 4);
        break;
    case SIM_Y_SCALAR:
        if (!n->quoted && (!strcmp(n->str, "true") || !strcmp(n->str, "True") || !strcmp(n->str, "TRUE")))
            sim_ybuf_put(b, "true", 4);
        else if (!n->quoted && (!strcmp(n->str, "false") || !strcmp(n->str, "False") || !strcmp(n->str, "FALSE")))
            sim_ybuf_put(b, "false", 5);
        else if (!n->quoted && is_json_number(n->str))
            sim_ybuf_puts(b, n->str);
        else
            json_string(b, n->str);
        break;
    case SIM_Y_SEQ:
        sim_ybuf_put(b, "[", 1);
        for (size_t i = 0; i < n->count && !b->oom; i++) {
            if (i) sim_ybuf_put(b, ",", 1);
            json_node(b, n->items[i]);
        }
        sim_ybuf_put(b, "]", 1);
        break;
    case SIM_Y_MAP:
        sim_ybuf_put(b, "{", 1);
        for (size_t i = 0; i < n->count && !b->oom; i++) {
            if (i) sim_ybuf_put(b, ",", 1);
            json_string(b, n->keys[i]->str);
            sim_ybuf_put(b, ":", 1);
            json_node(b, n->items[i]);
        }
        sim_ybuf_put(b, "}", 1);
        break;
    }
}

char *sim_ydoc_to_json(const sim_ydoc *doc) {
    assert(doc && doc->root);
    sim_ybuf b = { 0 };
    json_node(&b, doc->root);
    if (b.oom) {
        free(b.p);
        return NULL;
    }
    return b.p;
}

/* A plain scalar that reads back as the same plain scalar inside flow
   YAML: no flow indicators, no ": " or " #", no leading indicator. */
static bool flow_plain_ok(const char *s) {
    if (!s[0] || strchr("-?:,[]{}#&*!|>'\"%@`", s[0])) return s[0] == '-' && s[1] && s[1] != ' ';
    for (const char *p = s; *p; p++) {
        if (strchr(",[]{}", *p) || (*p == ':' && (p[1] == ' ' || !p[1])) || (*p == '#' && p > s && p[-1] == ' ') ||
            (unsigned char)*p < 0x20) {
            return false;
        }
    }
    return true;
}

static void flow_node(sim_ybuf *b, const sim_ynode *n) {
    switch (n->kind) {
    case SIM_Y_NULL:
        sim_ybuf_put(b, "null", 4);
        break;
    case SIM_Y_SCALAR:
        if (!n->quoted && flow_plain_ok(n->str)) sim_ybuf_puts(b, n->str);
        else json_string(b, n->str); /* a JSON string is a YAML double-quoted scalar */
        break;
    case SIM_Y_SEQ:
        sim_ybuf_put(b, "[", 1);
        for (size_t i = 0; i < n->count && !b->oom; i++) {
            if (i) sim_ybuf_put(b, ", ", 2);
            flow_node(b, n->items[i]);
        }
        sim_ybuf_put(b, "]", 1);
        break;
    case SIM_Y_MAP:
        sim_ybuf_put(b, "{", 1);
        for (size_t i = 0; i < n->count && !b->oom; i++) {
            if (i) sim_ybuf_put(b, ", ", 2);
            flow_node(b, n->keys[i]);
            sim_ybuf_put(b, ": ", 2);
            flow_node(b, n->items[i]);
        }
        sim_ybuf_put(b, "}", 1);
        break;
    }
}

char *sim_ynode_to_flow(const sim_ynode *n) {
    assert(n);
    sim_ybuf b = {0};
    flow_node(&b, n);
    if (b.oom) {
        free(b.p);
        return NULL;
    }
    return b.p;
}
