/*
** Block YAML from a scenario tree (search_yaml.h).
*/
#include "search_yaml.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

/* Lines longer than this switch a node from flow to block style. */
#define LINE_MAX_COLS 100

static bool emit(FILE *f, const sim_ynode *n, int indent, size_t used);

static void spaces(FILE *f, int n) {
    for (int i = 0; i < n; i++) fputc(' ', f);
}

/* A block mapping's pairs, the first one on the current line when
** `first_inline` (a list item "- key: v"), the others at `indent`. */
static bool emit_map(FILE *f, const sim_ynode *n, int indent, bool first_inline) {
    for (size_t i = 0; i < n->count; i++) {
        if (i || !first_inline) spaces(f, indent);
        char *k = sim_ynode_to_flow(n->keys[i]);
        if (!k) return false;
        fprintf(f, "%s:", k);
        bool ok = emit(f, n->items[i], indent + 2, (size_t)indent + strlen(k) + 1);
        free(k);
        if (!ok) return false;
    }
    return true;
}

/* Writes node n after a key (or "-") already on the line (`used` columns):
** " flow\n" when it fits, else a block under it at `indent`. */
static bool emit(FILE *f, const sim_ynode *n, int indent, size_t used) {
    char *flow = sim_ynode_to_flow(n);
    if (!flow) return false;
    bool block = (n->kind == SIM_Y_MAP || n->kind == SIM_Y_SEQ) && n->count > 0 &&
                 used + 1 + strlen(flow) > LINE_MAX_COLS;
    if (!block) {
        fprintf(f, " %s\n", flow);
        free(flow);
        return true;
    }
    free(flow);
    fputc('\n', f);
    if (n->kind == SIM_Y_MAP) return emit_map(f, n, indent, false);
    for (size_t i = 0; i < n->count; i++) {
        const sim_ynode *it = n->items[i];
        spaces(f, indent);
        fputs("-", f);
        char *itf = sim_ynode_to_flow(it);
        if (!itf) return false;
        bool fits = (size_t)indent + 2 + strlen(itf) <= LINE_MAX_COLS;
        free(itf);
        if (it->kind == SIM_Y_MAP && it->count > 0 && !fits) {
            fputc(' ', f);
            if (!emit_map(f, it, indent + 2, true)) return false;
        } else if (!emit(f, it, indent + 2, (size_t)indent + 1)) {
            return false;
        }
    }
    return true;
}

bool cli_search_yaml_write(FILE *f, const sim_ynode *root, const char *const *skip, const char *name) {
    assert(f && root && root->kind == SIM_Y_MAP);
    for (size_t i = 0; i < root->count; i++) {
        const char *key = root->keys[i]->str;
        bool skipped = false;
        for (size_t s = 0; skip && skip[s]; s++) skipped |= strcmp(key, skip[s]) == 0;
        if (skipped) continue;
        if (name && strcmp(key, "name") == 0) {
            fprintf(f, "name: %s\n", name);
            continue;
        }
        if (i && (root->items[i]->kind == SIM_Y_MAP || root->items[i]->kind == SIM_Y_SEQ)) fputc('\n', f);
        char *k = sim_ynode_to_flow(root->keys[i]);
        if (!k) return false;
        fprintf(f, "%s:", k);
        bool ok = emit(f, root->items[i], 2, strlen(k) + 1);
        free(k);
        if (!ok) return false;
    }
    return !ferror(f);
}
