/*
** Tests of the scenario reader (sim/ytree.c): the tree and its 1-based
** marks, every kind of load error with its exact `file:line:col` message,
** every converter and unit with exact values and exact errors, key checks
** with suggestions, `--set` overrides and their errors, and canonical JSON.
*/
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "ytree.h"

/* ---- helpers ------------------------------------------------------------ */

static sim_ydoc *load(const char *text, sim_diag *d) {
    return sim_ydoc_load_string("t.yaml", text, strlen(text), d);
}

/* Asserts that d holds exactly the messages `want` (NULL-terminated). */
static void expect_msgs(const sim_diag *d, const char *const *want) {
    size_t n = 0;
    while (want[n]) n++;
    for (size_t i = 0; i < sim_diag_count(d) || i < n; i++) {
        const char *got = i < sim_diag_count(d) ? sim_diag_message(d, i) : "(none)";
        const char *exp = i < n ? want[i] : "(none)";
        if (strcmp(got, exp) != 0) fail_msg("message %zu:\n  got:  %s\n  want: %s", i, got, exp);
    }
}
#define EXPECT(d, ...) expect_msgs((d), (const char *const[]){ __VA_ARGS__, NULL })

/* Loads `text`, which must fail, and checks the messages. */
#define EXPECT_LOAD_FAILS(text, ...)                          \
    do {                                                      \
        sim_diag *d_ = sim_diag_new();                        \
        sim_ydoc *doc_ = load((text), d_);                    \
        assert_null(doc_);                                    \
        EXPECT(d_, __VA_ARGS__);                              \
        sim_diag_free(d_);                                    \
    } while (0)

/* Returns the JSON of the document loaded from text (which must load). */
static char *json_of(const char *text) {
    sim_diag *d = sim_diag_new();
    sim_ydoc *doc = load(text, d);
    assert_non_null(doc);
    char *j = sim_ydoc_to_json(doc);
    assert_non_null(j);
    sim_ydoc_free(doc);
    sim_diag_free(d);
    return j;
}

static void expect_json(const char *text, const char *want) {
    char *j = json_of(text);
    assert_string_equal(j, want);
    free(j);
}

/* The single error message of the last converter call. */
static char last_msg[512];

typedef bool (*uconv)(const sim_ynode *, uint64_t, uint64_t, uint64_t *, sim_diag *);
typedef bool (*fconv)(const sim_ynode *, double, double, double *, sim_diag *);

/* Loads "v: <text>" and converts v; on failure the message is in last_msg
** (exactly one error, *out untouched). */
static bool run_u(uconv f, const char *text, uint64_t min, uint64_t max, uint64_t *out) {
    char buf[256];
    snprintf(buf, sizeof buf, "v: %s\n", text);
    sim_diag *d = sim_diag_new();
    sim_ydoc *doc = load(buf, d);
    assert_non_null(doc);
    uint64_t v = 0xDEADBEEF;
    bool ok = f(sim_ymap_get(sim_ydoc_root(doc), "v"), min, max, &v, d);
    last_msg[0] = '\0';
    if (ok) {
        assert_int_equal(sim_diag_count(d), 0);
        *out = v;
    } else {
        assert_int_equal(sim_diag_errors(d), 1);
        assert_true(v == 0xDEADBEEF);
        snprintf(last_msg, sizeof last_msg, "%s", sim_diag_message(d, 0));
    }
    sim_ydoc_free(doc);
    sim_diag_free(d);
    return ok;
}

static bool run_f(fconv f, const char *text, double min, double max, double *out) {
    char buf[256];
    snprintf(buf, sizeof buf, "v: %s\n", text);
    sim_diag *d = sim_diag_new();
    sim_ydoc *doc = load(buf, d);
    assert_non_null(doc);
    double v = -12345.0;
    bool ok = f(sim_ymap_get(sim_ydoc_root(doc), "v"), min, max, &v, d);
    last_msg[0] = '\0';
    if (ok) {
        assert_int_equal(sim_diag_count(d), 0);
        *out = v;
    } else {
        assert_int_equal(sim_diag_errors(d), 1);
        assert_true(v == -12345.0);
        snprintf(last_msg, sizeof last_msg, "%s", sim_diag_message(d, 0));
    }
    sim_ydoc_free(doc);
    sim_diag_free(d);
    return ok;
}

#define ALL 0, UINT64_MAX
#define U_OK(f, text, want)                                \
    do {                                                   \
        uint64_t o_ = 0;                                   \
        if (!run_u((f), (text), ALL, &o_)) fail_msg("%s: %s", (text), last_msg); \
        assert_true(o_ == (uint64_t)(want));               \
    } while (0)
#define U_ERR(f, text, min, max, want)                     \
    do {                                                   \
        uint64_t o_ = 0;                                   \
        assert_false(run_u((f), (text), (min), (max), &o_)); \
        assert_string_equal(last_msg, (want));             \
    } while (0)
#define FL_OK(f, text, min, max, want)                      \
    do {                                                   \
        double o_ = 0;                                     \
        if (!run_f((f), (text), (min), (max), &o_)) fail_msg("%s: %s", (text), last_msg); \
        assert_true(o_ == (want));                         \
    } while (0)
#define FL_ERR(f, text, min, max, want)                     \
    do {                                                   \
        double o_ = 0;                                     \
        assert_false(run_f((f), (text), (min), (max), &o_)); \
        assert_string_equal(last_msg, (want));             \
    } while (0)

/* ---- loading: tree and marks -------------------------------------------- */

static void test_yaml_load_tree_keeps_marks(void **state) {
    (void)state;
    const char *text =
        "# scenario\n"
        "name: \"base\"\n"
        "seed: 42\n"
        "net:\n"
        "  latency: 250ms\n"
        "  peers: [a, 'b', ~]\n"
        "empty:\n"
        "text: |\n"
        "  line\n";
    sim_diag *d = sim_diag_new();
    sim_ydoc *doc = load(text, d);
    assert_non_null(doc);
    assert_int_equal(sim_diag_count(d), 0);
    assert_string_equal(sim_ydoc_text(doc), text);
    const sim_ynode *root = sim_ydoc_root(doc);
    assert_int_equal(root->kind, SIM_Y_MAP);
    assert_int_equal(root->count, 5);
    assert_string_equal(root->file, "t.yaml");
    assert_int_equal(root->line, 2);
    assert_int_equal(root->col, 1);

    /* keys have their own marks */
    assert_string_equal(root->keys[1]->str, "seed");
    assert_int_equal(root->keys[1]->line, 3);
    assert_int_equal(root->keys[1]->col, 1);

    const sim_ynode *name = sim_ymap_get(root, "name");
    assert_int_equal(name->kind, SIM_Y_SCALAR);
    assert_true(name->quoted);
    assert_string_equal(name->str, "base");
    assert_int_equal(name->line, 2);
    assert_int_equal(name->col, 7);

    const sim_ynode *seed = sim_ymap_get(root, "seed");
    assert_false(seed->quoted);
    assert_int_equal(seed->col, 7);

    const sim_ynode *net = sim_ymap_get(root, "net");
    assert_int_equal(net->kind, SIM_Y_MAP);
    assert_int_equal(net->line, 5);
    assert_int_equal(net->col, 3);
    const sim_ynode *lat = sim_ymap_get(net, "latency");
    assert_int_equal(lat->line, 5);
    assert_int_equal(lat->col, 12);
    const sim_ynode *peers = sim_ymap_get(net, "peers");
    assert_int_equal(peers->kind, SIM_Y_SEQ);
    assert_int_equal(peers->count, 3);
    assert_int_equal(peers->col, 10);
    assert_int_equal(peers->items[1]->col, 14);
    assert_true(peers->items[1]->quoted);
    assert_int_equal(peers->items[2]->kind, SIM_Y_NULL);
    assert_int_equal(peers->items[2]->col, 19);

    const sim_ynode *empty = sim_ymap_get(root, "empty");
    assert_int_equal(empty->kind, SIM_Y_NULL);
    const sim_ynode *blk = sim_ymap_get(root, "text");
    assert_int_equal(blk->kind, SIM_Y_SCALAR);
    assert_true(blk->quoted); /* block scalars are strings */
    assert_string_equal(blk->str, "line\n");

    assert_null(sim_ymap_get(root, "missing"));
    assert_null(sim_ymap_get(seed, "x")); /* not a map */
    assert_null(sim_ymap_get(NULL, "x"));
    sim_ydoc_free(doc);
    sim_diag_free(d);
}

static void test_yaml_columns_count_characters_not_bytes(void **state) {
    (void)state;
    sim_diag *d = sim_diag_new();
    sim_ydoc *doc = load("\xc3\xa9t\xc3\xa9: [\xc3\xbc, x]\n", d); /* "été: [ü, x]" */
    assert_non_null(doc);
    const sim_ynode *seq = sim_ymap_get(sim_ydoc_root(doc), "\xc3\xa9t\xc3\xa9");
    assert_non_null(seq);
    assert_int_equal(seq->col, 6);
    assert_int_equal(seq->items[1]->col, 10);
    sim_ydoc_free(doc);
    sim_diag_free(d);
}

static void test_yaml_empty_file_is_empty_mapping(void **state) {
    (void)state;
    const char *empties[] = { "", "# only a comment\n", "---\n", "\n\n   \n" };
    for (size_t i = 0; i < 4; i++) {
        sim_diag *d = sim_diag_new();
        sim_ydoc *doc = load(empties[i], d);
        assert_non_null(doc);
        const sim_ynode *root = sim_ydoc_root(doc);
        assert_int_equal(root->kind, SIM_Y_MAP);
        assert_int_equal(root->count, 0);
        assert_int_equal(root->line, 1);
        assert_int_equal(root->col, 1);
        sim_ydoc_free(doc);
        sim_diag_free(d);
    }
    /* An explicit null stays null. */
    expect_json("~\n", "null");
}

/* ---- loading: errors ---------------------------------------------------- */

static void test_yaml_syntax_error_carries_libyaml_text_and_mark(void **state) {
    (void)state;
    EXPECT_LOAD_FAILS("a: 1\nb: [1, 2\n",
                      "t.yaml:3:1: error: did not find expected ',' or ']' (while parsing a flow sequence at t.yaml:2:4)");
    EXPECT_LOAD_FAILS("a: b: c\n", "t.yaml:1:5: error: mapping values are not allowed in this context");
    EXPECT_LOAD_FAILS("a:\n  b: 1\n c: 2\n",
                      "t.yaml:3:2: error: did not find expected key (while parsing a block mapping at t.yaml:1:1)");
    /* reader errors carry the offending byte */
    EXPECT_LOAD_FAILS("a: 1\nb: \xff\n", "t.yaml:2:4: error: invalid leading UTF-8 octet (0xFF)");
    EXPECT_LOAD_FAILS("a: \x01\n", "t.yaml:1:4: error: control characters are not allowed (0x1)");
    /* a byte order mark takes no column; CR LF is one line break */
    EXPECT_LOAD_FAILS("\xef\xbb\xbf" "a: [1",
                      "t.yaml:1:6: error: did not find expected ',' or ']' (while parsing a flow sequence at t.yaml:1:4)");
    EXPECT_LOAD_FAILS("a: 1\r\nb: \xfe\r\n", "t.yaml:2:4: error: invalid leading UTF-8 octet (0xFE)");
}

static void test_yaml_tab_is_named_as_a_tab(void **state) {
    (void)state;
    /* libyaml alone says "found character that cannot start any token": say it is a tab, at the tab */
    EXPECT_LOAD_FAILS("verifiers:\n\tcount: 4\n",
                      "t.yaml:2:1: error: a tab character: YAML indents with spaces only, never tabs (libyaml: found "
                      "character that cannot start any token)");
    EXPECT_LOAD_FAILS("verifiers:\n  count: 4\n \tstake: 1\n",
                      "t.yaml:3:2: error: a tab character: YAML indents with spaces only, never tabs (libyaml: found "
                      "a tab character that violates indentation)");
}

static void test_yaml_syntax_error_after_other_errors_reports_all(void **state) {
    (void)state;
    EXPECT_LOAD_FAILS("a: 1\na: 2\nb: [\n",
                      "t.yaml:2:1: error: duplicate key 'a' (first defined at t.yaml:1:1)",
                      "t.yaml:4:1: error: did not find expected node content (while parsing a flow node at t.yaml:4:1)");
}

static void test_yaml_duplicate_key_names_both_places(void **state) {
    (void)state;
    EXPECT_LOAD_FAILS("seed: 1\nnet:\n  a: 1\n  b: 2\n  a: 3\nseed: 2\n",
                      "t.yaml:5:3: error: duplicate key 'a' (first defined at t.yaml:3:3)",
                      "t.yaml:6:1: error: duplicate key 'seed' (first defined at t.yaml:1:1)");
    EXPECT_LOAD_FAILS("{x: 1, \"x\": 2}\n", "t.yaml:1:8: error: duplicate key 'x' (first defined at t.yaml:1:2)");
    /* big mappings use an index: still found */
    char big[4096] = "";
    for (int i = 0; i < 40; i++) {
        char line[32];
        snprintf(line, sizeof line, "k%d: %d\n", i, i);
        strcat(big, line);
    }
    strcat(big, "k7: again\n");
    EXPECT_LOAD_FAILS(big, "t.yaml:41:1: error: duplicate key 'k7' (first defined at t.yaml:8:1)");
}

static void test_yaml_multiple_documents_are_an_error(void **state) {
    (void)state;
    EXPECT_LOAD_FAILS("a: 1\n---\nb: 2\n",
                      "t.yaml:2:1: error: only one document per file is supported; a second one starts here");
    /* an explicit end marker alone is fine */
    expect_json("a: 1\n...\n", "{\"a\":1}");
}

static void test_yaml_load_errors_are_collected(void **state) {
    (void)state;
    EXPECT_LOAD_FAILS("a: *nope\n"
                      "b: &r [1, *r]\n"
                      "c: !foo 1\n"
                      "d: \"x\\0y\"\n"
                      "? [k]\n"
                      ": 1\n"
                      "'': 2\n"
                      "<<: 5\n",
                      "t.yaml:1:4: error: unknown alias '*nope'",
                      "t.yaml:2:11: error: alias '*r' refers to a node that contains it",
                      "t.yaml:3:4: error: unsupported tag '!foo'",
                      "t.yaml:4:4: error: NUL characters in scalars are not supported",
                      "t.yaml:5:3: error: mapping keys must be scalars, got a sequence",
                      "t.yaml:7:1: error: empty mapping key",
                      "t.yaml:8:5: error: merge key '<<' expects a mapping or a sequence of mappings, got '5'");
}

static void test_yaml_core_tags(void **state) {
    (void)state;
    expect_json("a: !!str 5\nb: ! 6\nc: !!int '7'\nd: !!null x\ne: !!map {f: !!seq [1]}\n",
                "{\"a\":\"5\",\"b\":\"6\",\"c\":7,\"d\":null,\"e\":{\"f\":[1]}}");
}

static void test_yaml_aliases_are_copies_with_the_alias_mark(void **state) {
    (void)state;
    sim_diag *d = sim_diag_new();
    sim_ydoc *doc = load("base: &b\n  x: 1\n  y: [1, 2]\nt: &t 250\nother: *b\nlat: *t\n", d);
    assert_non_null(doc);
    const sim_ynode *root = sim_ydoc_root(doc);
    const sim_ynode *other = sim_ymap_get(root, "other");
    assert_int_equal(other->kind, SIM_Y_MAP);
    assert_int_equal(other->line, 5);
    assert_int_equal(other->col, 8);
    assert_int_equal(sim_ymap_get(other, "x")->line, 2); /* inner nodes: the anchor's */
    assert_true(other != sim_ymap_get(root, "base"));
    /* an alias to a bad scalar is reported where it is used */
    uint64_t ns = 0;
    assert_false(sim_ynode_duration_ns(sim_ymap_get(root, "lat"), ALL, &ns, d));
    EXPECT(d, "t.yaml:6:6: error: expected a duration with a unit (ns, us, ms, s, m, min, h, d), got '250'");
    /* overriding through one path leaves the other alone */
    sim_diag_clear(d);
    assert_true(sim_ydoc_set(doc, "other.x=2", d));
    char *j = sim_ydoc_to_json(doc);
    assert_string_equal(j, "{\"base\":{\"x\":1,\"y\":[1,2]},\"t\":250,\"other\":{\"x\":2,\"y\":[1,2]},\"lat\":250}");
    free(j);
    sim_ydoc_free(doc);
    sim_diag_free(d);
}

static void test_yaml_merge_keys(void **state) {
    (void)state;
    expect_json("base: &b {x: 1, y: 2}\no: {a: 0, <<: *b, y: 3, z: 4}\n",
                "{\"base\":{\"x\":1,\"y\":2},\"o\":{\"a\":0,\"x\":1,\"y\":3,\"z\":4}}");
    expect_json("p: &p {x: 1}\nq: &q {x: 2, w: 5}\nr:\n  <<: [*p, *q]\n",
                "{\"p\":{\"x\":1},\"q\":{\"x\":2,\"w\":5},\"r\":{\"x\":1,\"w\":5}}");
    EXPECT_LOAD_FAILS("b: &b {x: 1}\no: {<<: *b, <<: *b}\n",
                      "t.yaml:2:13: error: duplicate key '<<' (first defined at t.yaml:2:5)");
    /* a quoted '<<' is an ordinary key */
    expect_json("'<<': 1\n", "{\"<<\":1}");
}

static void test_yaml_alias_bomb_and_depth_are_errors(void **state) {
    (void)state;
    char text[2048] = "a0: &a0 [x,x,x,x,x,x,x,x,x,x]\n";
    for (int i = 1; i < 10; i++) {
        char line[128];
        snprintf(line, sizeof line, "a%d: &a%d [*a%d,*a%d,*a%d,*a%d,*a%d,*a%d,*a%d,*a%d,*a%d,*a%d]\n", i, i, i - 1,
                 i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1);
        strcat(text, line);
    }
    /* a5 would hold 10^6 scalars: the copy that crosses the limit is refused */
    EXPECT_LOAD_FAILS(text, "t.yaml:6:38: error: document too large: more than 1000000 nodes (after expanding aliases)");

    char deep[512];
    memset(deep, 0, sizeof deep);
    strcpy(deep, "a: ");
    memset(deep + 3, '[', 200);
    memset(deep + 203, ']', 200);
    EXPECT_LOAD_FAILS(deep, "t.yaml:1:131: error: nesting deeper than 128 levels");
    /* 127 sequences under the root mapping: exactly the limit */
    memset(deep, 0, sizeof deep);
    strcpy(deep, "a: ");
    memset(deep + 3, '[', 127);
    memset(deep + 130, ']', 127);
    sim_diag *d = sim_diag_new();
    sim_ydoc *doc = load(deep, d);
    assert_non_null(doc);
    sim_ydoc_free(doc);
    /* an alias that would nest too deep */
    char nest[1024] = "x: &x ";
    memset(nest + 6, '[', 100);
    memset(nest + 106, ']', 100);
    strcat(nest, "\ny: [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[*x]]]]]]]]]]]]]]]]]]]]]]]]]]]]]\n");
    doc = load(nest, d);
    assert_null(doc);
    EXPECT(d, "t.yaml:2:34: error: nesting deeper than 128 levels (expanding alias '*x')");
    sim_diag_free(d);
}

static void test_yaml_load_file(void **state) {
    (void)state;
    char path[] = "/tmp/test_yaml_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    const char *text = "a: 1\nb: [x, y]\n";
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    sim_diag *d = sim_diag_new();
    sim_ydoc *doc = sim_ydoc_load_file(path, d);
    assert_non_null(doc);
    assert_string_equal(sim_ydoc_root(doc)->file, path);
    assert_string_equal(sim_ydoc_text(doc), text);
    sim_ydoc_free(doc);
    unlink(path);
    assert_null(sim_ydoc_load_file("/nonexistent/x.yaml", d));
    EXPECT(d, "/nonexistent/x.yaml: error: cannot open: No such file or directory");
    sim_diag_free(d);
}

/* ---- diagnostics -------------------------------------------------------- */

static void test_yaml_diag_formats_and_counts(void **state) {
    (void)state;
    sim_diag *d = sim_diag_new();
    sim_ydoc *doc = load("k: v\n", d);
    const sim_ynode *v = sim_ymap_get(sim_ydoc_root(doc), "k");
    sim_diag_error(d, v, "bad %s #%d", "thing", 3);
    sim_diag_error(d, NULL, "no place");
    sim_diag_error_at(d, "f.yaml", 0, 0, "whole file");
    sim_diag_error_at(d, "f.yaml", 7, 9, "here");
    sim_diag_warning(d, v, "just saying");
    sim_diag_warning(d, NULL, "anywhere");
    assert_int_equal(sim_diag_errors(d), 4);
    assert_int_equal(sim_diag_count(d), 6);
    EXPECT(d, "t.yaml:1:4: error: bad thing #3", "error: no place", "f.yaml: error: whole file",
           "f.yaml:7:9: error: here", "t.yaml:1:4: warning: just saying", "warning: anywhere");
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    sim_diag_print(d, f);
    fclose(f);
    assert_string_equal(buf, "t.yaml:1:4: error: bad thing #3\nerror: no place\nf.yaml: error: whole file\n"
                             "f.yaml:7:9: error: here\nt.yaml:1:4: warning: just saying\nwarning: anywhere\n");
    free(buf);
    sim_diag_clear(d);
    assert_int_equal(sim_diag_errors(d), 0);
    assert_int_equal(sim_diag_count(d), 0);
    /* a flood of errors is capped */
    for (int i = 0; i < 5000; i++) sim_diag_error(d, v, "e%d", i);
    assert_int_equal(sim_diag_errors(d), 1001);
    assert_string_equal(sim_diag_message(d, 999), "t.yaml:1:4: error: e999");
    assert_string_equal(sim_diag_message(d, 1000), "error: too many errors; stopping here");
    sim_ydoc_free(doc);
    sim_diag_free(d);
}

static void test_yaml_large_documents(void **state) {
    (void)state;
    /* 5000 items: item arrays bigger than an arena block's quarter */
    size_t cap = 5000 * 8 + 16;
    char *text = malloc(cap);
    assert_non_null(text);
    size_t o = (size_t)snprintf(text, cap, "s:\n");
    for (int i = 0; i < 5000; i++) o += (size_t)snprintf(text + o, cap - o, "- %d\n", i);
    sim_diag *d = sim_diag_new();
    sim_ydoc *doc = load(text, d);
    assert_non_null(doc);
    const sim_ynode *s = sim_ymap_get(sim_ydoc_root(doc), "s");
    assert_int_equal(s->count, 5000);
    assert_string_equal(s->items[4999]->str, "4999");
    assert_int_equal(s->items[4999]->line, 5001);
    /* and a document allocated after the big block still works */
    assert_true(sim_ydoc_set(doc, "t=[1, 2]", d));
    char *j = sim_ydoc_to_json(doc);
    assert_non_null(j);
    assert_true(strlen(j) > 5000 * 2);
    const char *tail = "4998,4999],\"t\":[1,2]}";
    assert_string_equal(j + strlen(j) - strlen(tail), tail);
    free(j);
    sim_ydoc_free(doc);
    sim_diag_free(d);
    free(text);
}

static void test_yaml_load_file_errors(void **state) {
    (void)state;
    sim_diag *d = sim_diag_new();
    assert_null(sim_ydoc_load_file("/tmp", d));
    EXPECT(d, "/tmp: error: cannot read: Is a directory");
    sim_diag_free(d);
}

/* ---- key checks --------------------------------------------------------- */

static void test_yaml_ymap_check_unknown_keys_with_suggestions(void **state) {
    (void)state;
    static const char *const allowed[] = { "latency", "loss", "bandwidth", "partitions", NULL };
    sim_diag *d = sim_diag_new();
    sim_ydoc *doc = load("net:\n  latncy: 1ms\n  loss: 0\n  Bandwidth: 1\n  zzz: 2\n  parttiions: []\n"
                         "seq: [1]\nnone:\n",
                         d);
    assert_non_null(doc);
    const sim_ynode *root = sim_ydoc_root(doc);
    assert_false(sim_ymap_check(sim_ymap_get(root, "net"), "network", allowed, d));
    EXPECT(d, "t.yaml:2:3: error: unknown key 'latncy' in network (did you mean 'latency'?)",
           "t.yaml:4:3: error: unknown key 'Bandwidth' in network (did you mean 'bandwidth'?)",
           "t.yaml:5:3: error: unknown key 'zzz' in network; allowed keys: latency, loss, bandwidth, partitions",
           "t.yaml:6:3: error: unknown key 'parttiions' in network (did you mean 'partitions'?)");
    sim_diag_clear(d);
    assert_false(sim_ymap_check(sim_ymap_get(root, "seq"), "network", allowed, d));
    EXPECT(d, "t.yaml:7:6: error: expected a mapping for network, got a sequence");
    sim_diag_clear(d);
    /* absent section or `none:` with nothing under it: an empty mapping */
    assert_true(sim_ymap_check(sim_ymap_get(root, "absent"), "x", allowed, d));
    assert_true(sim_ymap_check(sim_ymap_get(root, "none"), "x", allowed, d));
    static const char *const top[] = { "net", "seq", "none", NULL };
    assert_true(sim_ymap_check(root, "scenario", top, d));
    assert_int_equal(sim_diag_count(d), 0);
    /* no allowed keys; a list too long to print */
    static const char *const none[] = { NULL };
    static const char *const many[] = {
        "alpha_parameter", "beta_parameter", "gamma_parameter", "delta_parameter", "epsilon_parameter",
        "zeta_parameter", "eta_parameter", "theta_parameter", "iota_parameter", "kappa_parameter",
        "lambda_parameter", "mu_parameter", "nu_parameter", "xi_parameter", "omicron_parameter", NULL,
    };
    assert_false(sim_ymap_check(root, "leaf", none, d));
    sim_diag_clear(d);
    assert_false(sim_ymap_check(sim_ymap_get(root, "net"), "big", many, d));
    assert_string_equal(sim_diag_message(d, 0), "t.yaml:2:3: error: unknown key 'latncy' in big");
    sim_diag_clear(d);
    assert_false(sim_ymap_check(sim_ymap_get(root, "net"), "leaf", none, d));
    assert_string_equal(sim_diag_message(d, 0), "t.yaml:2:3: error: unknown key 'latncy' in leaf; it takes no keys");
    sim_ydoc_free(doc);
    sim_diag_free(d);
}

/* ---- durations ---------------------------------------------------------- */

static void test_yaml_duration_every_unit_exact(void **state) {
    (void)state;
    uconv f = sim_ynode_duration_ns;
    U_OK(f, "7ns", 7);
    U_OK(f, "3us", 3000);
    U_OK(f, "250ms", 250000000);
    U_OK(f, "250 ms", 250000000);
    U_OK(f, "1s", 1000000000);
    U_OK(f, "1.5s", 1500000000);
    U_OK(f, "2m", 120000000000);
    U_OK(f, "1.5min", 90000000000);
    U_OK(f, "2h", 7200000000000);
    U_OK(f, "7d", 604800000000000);
    U_OK(f, "0.1d", 8640000000000);
    U_OK(f, "0.000000001s", 1);
    U_OK(f, ".5us", 500);
    U_OK(f, "1.250000000000000000000s", 1250000000);
    U_OK(f, "0s", 0);
    U_OK(f, "18446744073709551615ns", UINT64_MAX);
    U_OK(f, "18446744073.709551615s", UINT64_MAX);
}

static void test_yaml_duration_errors(void **state) {
    (void)state;
    uconv f = sim_ynode_duration_ns;
    U_ERR(f, "250", 0, UINT64_MAX, "t.yaml:1:4: error: expected a duration with a unit (ns, us, ms, s, m, min, h, d), got '250'");
    U_ERR(f, "5 sec", 0, UINT64_MAX,
          "t.yaml:1:4: error: unknown duration unit 'sec' in '5 sec' (expected one of ns, us, ms, s, m, min, h, d)");
    U_ERR(f, "5 gwei", 0, UINT64_MAX,
          "t.yaml:1:4: error: unknown duration unit 'gwei' in '5 gwei' (expected one of ns, us, ms, s, m, min, h, d)");
    U_ERR(f, "-5s", 0, UINT64_MAX, "t.yaml:1:4: error: expected a non-negative duration, got '-5s'");
    U_ERR(f, "\"5s\"", 0, UINT64_MAX,
          "t.yaml:1:4: error: expected a duration with a unit (ns, us, ms, s, m, min, h, d), got a quoted string \"5s\"");
    U_ERR(f, "{a: 1}", 0, UINT64_MAX,
          "t.yaml:1:4: error: expected a duration with a unit (ns, us, ms, s, m, min, h, d), got a mapping");
    U_ERR(f, "[1s]", 0, UINT64_MAX,
          "t.yaml:1:4: error: expected a duration with a unit (ns, us, ms, s, m, min, h, d), got a sequence");
    U_ERR(f, "", 0, UINT64_MAX,
          "t.yaml:1:3: error: expected a duration with a unit (ns, us, ms, s, m, min, h, d), got an empty value");
    U_ERR(f, "fast", 0, UINT64_MAX, "t.yaml:1:4: error: expected a duration with a unit (ns, us, ms, s, m, min, h, d), got 'fast'");
    U_ERR(f, "1.5ns", 0, UINT64_MAX, "t.yaml:1:4: error: sub-nanosecond precision in '1.5ns'");
    U_ERR(f, "18446744073709551616ns", 0, UINT64_MAX,
          "t.yaml:1:4: error: value too large: '18446744073709551616ns' does not fit in 64 bits of nanoseconds");
    U_ERR(f, "214000d", 0, UINT64_MAX, "t.yaml:1:4: error: value too large: '214000d' does not fit in 64 bits of nanoseconds");
    U_ERR(f, "10s", 1000000, 5000000000, "t.yaml:1:4: error: value 10s out of range [1ms, 5s]");
    U_ERR(f, "0.5ms", 1000000, 5000000000, "t.yaml:1:4: error: value 500us out of range [1ms, 5s]");
    U_ERR(f, "90s", 0, 60000000000, "t.yaml:1:4: error: value 90s out of range [0s, 1min]");
    U_ERR(f, "0s", 1, UINT64_MAX, "t.yaml:1:4: error: value 0s out of range (at least 1ns)");
    uint64_t v = 0;
    assert_true(run_u(f, "5s", 5000000000, 5000000000, &v));
    assert_true(v == 5000000000);
}

/* ---- amounts ------------------------------------------------------------ */

static void test_yaml_amounts_exact(void **state) {
    (void)state;
    uconv g = sim_ynode_gwei, w = sim_ynode_wei;
    U_OK(g, "32 ETH", 32000000000);
    U_OK(g, "32ETH", 32000000000);
    U_OK(g, "1.5 eth", 1500000000);
    U_OK(g, "30 gwei", 30);
    U_OK(g, "0.000000001 ETH", 1);
    U_OK(g, "1000000000 wei", 1);
    U_OK(g, "2500000000000 wei", 2500);
    U_OK(w, "0.5 gwei", 500000000);
    U_OK(w, "30 gwei", 30000000000);
    U_OK(w, "7 wei", 7);
    U_OK(w, "1 ETH", 1000000000000000000);
    U_OK(w, "18.446744073709551615 ETH", UINT64_MAX);
    U_OK(w, "0.000000000000000001 ETH", 1);
}

static void test_yaml_amount_errors(void **state) {
    (void)state;
    uconv g = sim_ynode_gwei, w = sim_ynode_wei;
    U_ERR(g, "0.5 gwei", 0, UINT64_MAX, "t.yaml:1:4: error: sub-gwei precision in '0.5 gwei'");
    U_ERR(g, "1 wei", 0, UINT64_MAX, "t.yaml:1:4: error: sub-gwei precision in '1 wei'");
    U_ERR(g, "0.0000000001 ETH", 0, UINT64_MAX, "t.yaml:1:4: error: sub-gwei precision in '0.0000000001 ETH'");
    U_ERR(w, "0.5 wei", 0, UINT64_MAX, "t.yaml:1:4: error: sub-wei precision in '0.5 wei'");
    U_ERR(g, "32", 0, UINT64_MAX, "t.yaml:1:4: error: expected an amount with a unit (wei, gwei, ETH), got '32'");
    U_ERR(g, "32 Eth", 0, UINT64_MAX, "t.yaml:1:4: error: unknown amount unit 'Eth' in '32 Eth' (expected one of wei, gwei, ETH)");
    U_ERR(w, "18.446744073709551616 ETH", 0, UINT64_MAX,
          "t.yaml:1:4: error: value too large: '18.446744073709551616 ETH' does not fit in 64 bits of wei");
    U_ERR(g, "33 ETH", 1, 32000000000, "t.yaml:1:4: error: value 33 ETH out of range [1 gwei, 32 ETH]");
    U_ERR(w, "1 wei", 1000000000, 100000000000000, "t.yaml:1:4: error: value 1 wei out of range [1 gwei, 100000 gwei]");
    U_ERR(w, "2 ETH", 0, 1000000000000000000, "t.yaml:1:4: error: value 2 ETH out of range [0 wei, 1 ETH]");
    U_ERR(g, "'32 ETH'", 0, UINT64_MAX,
          "t.yaml:1:4: error: expected an amount with a unit (wei, gwei, ETH), got a quoted string \"32 ETH\"");
}

/* ---- sizes and bitrates ------------------------------------------------- */

static void test_yaml_sizes_and_bitrates_exact(void **state) {
    (void)state;
    uconv b = sim_ynode_bytes, r = sim_ynode_bps;
    U_OK(b, "512B", 512);
    U_OK(b, "2 KB", 2000);
    U_OK(b, "3MB", 3000000);
    U_OK(b, "1.5GB", 1500000000);
    U_OK(b, "1KiB", 1024);
    U_OK(b, "1.5 KiB", 1536);
    U_OK(b, "1 MiB", 1048576);
    U_OK(b, "2GiB", 2147483648);
    U_OK(b, "0.5MiB", 524288);
    U_OK(r, "100bps", 100);
    U_OK(r, "64 Kbps", 64000);
    U_OK(r, "10Mbps", 10000000);
    U_OK(r, "2.5 Gbps", 2500000000);
    U_ERR(b, "0.5B", 0, UINT64_MAX, "t.yaml:1:4: error: sub-byte precision in '0.5B'");
    U_ERR(b, "0.001KiB", 0, UINT64_MAX, "t.yaml:1:4: error: sub-byte precision in '0.001KiB'");
    U_ERR(b, "1kb", 0, UINT64_MAX,
          "t.yaml:1:4: error: unknown size unit 'kb' in '1kb' (expected one of B, KB, MB, GB, KiB, MiB, GiB)");
    U_ERR(b, "4096", 0, UINT64_MAX, "t.yaml:1:4: error: expected a size with a unit (B, KB, MB, GB, KiB, MiB, GiB), got '4096'");
    U_ERR(b, "2MiB", 0, 1048576, "t.yaml:1:4: error: value 2MiB out of range [0B, 1MiB]");
    U_ERR(b, "1500B", 2000, 1000000, "t.yaml:1:4: error: value 1500B out of range [2KB, 1MB]");
    U_ERR(r, "1", 0, UINT64_MAX, "t.yaml:1:4: error: expected a bitrate with a unit (bps, Kbps, Mbps, Gbps), got '1'");
    U_ERR(r, "0.5bps", 0, UINT64_MAX, "t.yaml:1:4: error: sub-bit-per-second precision in '0.5bps'");
    U_ERR(r, "2Gbps", 1000, 1000000000, "t.yaml:1:4: error: value 2Gbps out of range [1Kbps, 1Gbps]");
}

/* ---- integers and floating values --------------------------------------- */

static void test_yaml_u64(void **state) {
    (void)state;
    uconv u = sim_ynode_u64;
    U_OK(u, "0", 0);
    U_OK(u, "42", 42);
    U_OK(u, "007", 7);
    U_OK(u, "18446744073709551615", UINT64_MAX);
    U_ERR(u, "2", 0, 1, "t.yaml:1:4: error: value 2 out of range [0, 1]");
    U_ERR(u, "0", 1, UINT64_MAX, "t.yaml:1:4: error: value 0 out of range (at least 1)");
    U_ERR(u, "18446744073709551616", 0, UINT64_MAX,
          "t.yaml:1:4: error: value too large: '18446744073709551616' does not fit in 64 bits");
    U_ERR(u, "-1", 0, UINT64_MAX, "t.yaml:1:4: error: expected a non-negative integer, got '-1'");
    U_ERR(u, "1.5", 0, UINT64_MAX, "t.yaml:1:4: error: expected a non-negative integer, got '1.5'");
    U_ERR(u, "\"5\"", 0, UINT64_MAX, "t.yaml:1:4: error: expected a non-negative integer, got a quoted string \"5\"");
    U_ERR(u, "{x: 1}", 0, UINT64_MAX, "t.yaml:1:4: error: expected a non-negative integer, got a mapping");
    U_ERR(u, "null", 0, UINT64_MAX, "t.yaml:1:4: error: expected a non-negative integer, got null");
}

static void test_yaml_f64(void **state) {
    (void)state;
    fconv f = sim_ynode_f64;
    FL_OK(f, "1.5", -10, 10, 1.5);
    FL_OK(f, "-2", -10, 10, -2.0);
    FL_OK(f, "1e3", 0, 1e9, 1000.0);
    FL_OK(f, ".25", 0, 1, 0.25);
    FL_OK(f, "0.1", 0, 1, 0.1);
    FL_ERR(f, "abc", 0, 1, "t.yaml:1:4: error: expected a number, got 'abc'");
    FL_ERR(f, "1.5x", 0, 10, "t.yaml:1:4: error: expected a number, got '1.5x'");
    FL_ERR(f, ".inf", 0, 1, "t.yaml:1:4: error: expected a number, got '.inf'");
    FL_ERR(f, "'1.5'", 0, 10, "t.yaml:1:4: error: expected a number, got a quoted string \"1.5\"");
    FL_ERR(f, "1e999", 0, 1, "t.yaml:1:4: error: value too large: '1e999'");
    FL_ERR(f, "2", 0, 1, "t.yaml:1:4: error: value 2 out of range [0, 1]");
    FL_ERR(f, "-0.5", 0, 1, "t.yaml:1:4: error: value -0.5 out of range [0, 1]");
    FL_ERR(f, "-1", 0, INFINITY, "t.yaml:1:4: error: value -1 out of range (at least 0)");
    FL_ERR(f, "7.25", -INFINITY, 5, "t.yaml:1:4: error: value 7.25 out of range (at most 5)");
    FL_OK(f, "-1e300", -INFINITY, INFINITY, -1e300);
}

static void test_yaml_fraction(void **state) {
    (void)state;
    fconv f = sim_ynode_fraction;
    FL_OK(f, "0.25", 0, 1, 0.25);
    FL_OK(f, "25%", 0, 1, 0.25);
    FL_OK(f, "1%", 0, 1, 0.01);
    FL_OK(f, "12.5 %", 0, 1, 0.125);
    FL_OK(f, "0.07%", 0, 1, 0.0007);
    FL_OK(f, "100%", 0, 1, 1.0);
    FL_ERR(f, "1.5", 0, 1, "t.yaml:1:4: error: value 1.5 out of range [0, 1]");
    FL_ERR(f, "150%", 0, 1, "t.yaml:1:4: error: value 150% out of range [0%, 100%]");
    FL_ERR(f, "half", 0, 1,
          "t.yaml:1:4: error: expected a fraction (a number like 0.25 or a percentage like 25%), got 'half'");
    FL_ERR(f, "5%%", 0, 1,
          "t.yaml:1:4: error: expected a fraction (a number like 0.25 or a percentage like 25%), got '5%%'");
    FL_ERR(f, "1e2%", 0, 1,
          "t.yaml:1:4: error: expected a fraction (a number like 0.25 or a percentage like 25%), got '1e2%'");
}

static void test_yaml_rate(void **state) {
    (void)state;
    fconv f = sim_ynode_rate_per_s;
    FL_OK(f, "50/s", 0, 1e6, 50.0);
    FL_OK(f, "0.5 / s", 0, 1e6, 0.5);
    FL_OK(f, "3/min", 0, 1e6, 0.05);
    FL_OK(f, "36/h", 0, 1e6, 0.01);
    FL_ERR(f, "50", 0, 1e6, "t.yaml:1:4: error: expected a rate with a unit (N/s, N/min, N/h), got '50'");
    FL_ERR(f, "50/day", 0, 1e6, "t.yaml:1:4: error: unknown rate unit '/day' in '50/day' (expected one of /s, /min, /h)");
    FL_ERR(f, "100/s", 1, 50, "t.yaml:1:4: error: value 100/s out of range [1/s, 50/s]");
    FL_ERR(f, "\"1/s\"", 1, 50, "t.yaml:1:4: error: expected a rate with a unit (N/s, N/min, N/h), got a quoted string \"1/s\"");
}

/* ---- booleans, strings, enums ------------------------------------------- */

static void test_yaml_bool_str_enum(void **state) {
    (void)state;
    sim_diag *d = sim_diag_new();
    sim_ydoc *doc = load("t1: true\nt2: True\nt3: TRUE\nf1: false\nf2: FALSE\nyes: yes\nqt: \"true\"\n"
                         "s1: plain\ns2: 'quoted'\ns3: 5\nm: {}\n"
                         "e1: finalized\ne2: \"fast\"\ne3: fsat\ne4: slowest\n",
                         d);
    assert_non_null(doc);
    const sim_ynode *r = sim_ydoc_root(doc);
    bool b = false;
    assert_true(sim_ynode_bool(sim_ymap_get(r, "t1"), &b, d) && b);
    b = false;
    assert_true(sim_ynode_bool(sim_ymap_get(r, "t2"), &b, d) && b);
    b = false;
    assert_true(sim_ynode_bool(sim_ymap_get(r, "t3"), &b, d) && b);
    assert_true(sim_ynode_bool(sim_ymap_get(r, "f1"), &b, d) && !b);
    b = true;
    assert_true(sim_ynode_bool(sim_ymap_get(r, "f2"), &b, d) && !b);
    assert_false(sim_ynode_bool(sim_ymap_get(r, "yes"), &b, d));
    assert_false(sim_ynode_bool(sim_ymap_get(r, "qt"), &b, d));

    const char *s = NULL;
    assert_true(sim_ynode_str(sim_ymap_get(r, "s1"), &s, d));
    assert_string_equal(s, "plain");
    assert_true(sim_ynode_str(sim_ymap_get(r, "s2"), &s, d));
    assert_string_equal(s, "quoted");
    assert_true(sim_ynode_str(sim_ymap_get(r, "s3"), &s, d));
    assert_string_equal(s, "5");
    assert_false(sim_ynode_str(sim_ymap_get(r, "m"), &s, d));

    static const char *const levels[] = { "fast", "finalized", NULL };
    int e = -1;
    assert_true(sim_ynode_enum(sim_ymap_get(r, "e1"), levels, &e, d));
    assert_int_equal(e, 1);
    assert_true(sim_ynode_enum(sim_ymap_get(r, "e2"), levels, &e, d));
    assert_int_equal(e, 0);
    e = -1;
    assert_false(sim_ynode_enum(sim_ymap_get(r, "e3"), levels, &e, d));
    assert_false(sim_ynode_enum(sim_ymap_get(r, "e4"), levels, &e, d));
    assert_false(sim_ynode_enum(sim_ymap_get(r, "m"), levels, &e, d));
    assert_int_equal(e, -1);
    EXPECT(d, "t.yaml:6:6: error: expected true or false, got 'yes'",
           "t.yaml:7:5: error: expected true or false, got a quoted string \"true\"",
           "t.yaml:11:4: error: expected a string, got a mapping",
           "t.yaml:14:5: error: expected one of 'fast', 'finalized', got 'fsat' (did you mean 'fast'?)",
           "t.yaml:15:5: error: expected one of 'fast', 'finalized', got 'slowest'",
           "t.yaml:11:4: error: expected one of 'fast', 'finalized', got a mapping");
    sim_ydoc_free(doc);
    sim_diag_free(d);
}

/* ---- fields ------------------------------------------------------------- */

static void test_yaml_fields_defaults_and_required(void **state) {
    (void)state;
    sim_diag *d = sim_diag_new();
    sim_ydoc *doc = load("run:\n  seed: 7\n  interval: 2s\n  bad: 3\n", d);
    assert_non_null(doc);
    const sim_ynode *run = sim_ymap_get(sim_ydoc_root(doc), "run");
    uint64_t u = 0;
    assert_true(sim_yfield_u64(run, "seed", true, 1, ALL, &u, d));
    assert_true(u == 7);
    assert_true(sim_yfield_u64(run, "count", false, 11, ALL, &u, d));
    assert_true(u == 11);
    assert_true(sim_yfield_duration_ns(run, "interval", true, 0, ALL, &u, d));
    assert_true(u == 2000000000);
    assert_true(sim_yfield_duration_ns(run, "timeout", false, 5, ALL, &u, d));
    assert_true(u == 5);
    double f = 0;
    assert_true(sim_yfield_fraction(run, "quorum", false, 2.0 / 3.0, 0, 1, &f, d));
    assert_true(f == 2.0 / 3.0);
    assert_true(sim_yfield_rate_per_s(run, "rate", false, 4.0, 0, 1e9, &f, d));
    assert_true(f == 4.0);
    assert_true(sim_yfield_f64(run, "x", false, -1.5, -2, 2, &f, d));
    assert_true(f == -1.5);
    bool b = false;
    assert_true(sim_yfield_bool(run, "on", false, true, &b, d) && b);
    const char *s = NULL;
    assert_true(sim_yfield_str(run, "name", false, "dflt", &s, d));
    assert_string_equal(s, "dflt");
    static const char *const names[] = { "a", "b", NULL };
    int e = 0;
    assert_true(sim_yfield_enum(run, "mode", false, 1, names, &e, d));
    assert_int_equal(e, 1);
    assert_true(sim_yfield_gwei(run, "stake", false, 32, ALL, &u, d));
    assert_true(u == 32);
    assert_true(sim_yfield_wei(run, "price", false, 33, ALL, &u, d));
    assert_true(u == 33);
    assert_true(sim_yfield_bytes(run, "size", false, 34, ALL, &u, d));
    assert_true(u == 34);
    assert_true(sim_yfield_bps(run, "bw", false, 35, ALL, &u, d));
    assert_true(u == 35);
    /* an absent section: defaults */
    assert_true(sim_yfield_u64(NULL, "seed", false, 9, ALL, &u, d));
    assert_true(u == 9);
    assert_int_equal(sim_diag_count(d), 0);

    u = 99;
    assert_false(sim_yfield_u64(run, "seeds", true, 1, ALL, &u, d));
    assert_false(sim_yfield_duration_ns(run, "bad", false, 1, ALL, &u, d));
    assert_false(sim_yfield_u64(NULL, "seed", true, 1, ALL, &u, d));
    assert_true(u == 99);
    EXPECT(d, "t.yaml:2:3: error: missing required key 'seeds'",
           "t.yaml:4:8: error: expected a duration with a unit (ns, us, ms, s, m, min, h, d), got '3'",
           "error: missing required key 'seed'");
    sim_ydoc_free(doc);
    sim_diag_free(d);
}

/* ---- several errors at once --------------------------------------------- */

static void test_yaml_several_errors_reported_at_once(void **state) {
    (void)state;
    static const char *const top[] = { "seed", "network", "stake", "quorum", NULL };
    static const char *const net[] = { "latency", "loss", NULL };
    sim_diag *d = sim_diag_new();
    sim_ydoc *doc = load("seed: \"42\"\n"
                         "netwrk: {}\n"
                         "network:\n"
                         "  latency: 250\n"
                         "  loss: 2\n"
                         "stake: 32 ETHER\n"
                         "quorum: 0.5\n",
                         d);
    assert_non_null(doc);
    const sim_ynode *r = sim_ydoc_root(doc);
    uint64_t u;
    double f;
    bool ok = sim_ymap_check(r, "scenario", top, d);
    ok &= sim_yfield_u64(r, "seed", true, 0, ALL, &u, d);
    const sim_ynode *n = sim_ymap_get(r, "network");
    ok &= sim_ymap_check(n, "network", net, d);
    ok &= sim_yfield_duration_ns(n, "latency", true, 0, ALL, &u, d);
    ok &= sim_yfield_fraction(n, "loss", false, 0, 0, 1, &f, d);
    ok &= sim_yfield_gwei(r, "stake", true, 0, ALL, &u, d);
    ok &= sim_yfield_fraction(r, "quorum", true, 0, 0.5, 1, &f, d);
    assert_false(ok);
    assert_int_equal(sim_diag_errors(d), 5);
    EXPECT(d, "t.yaml:2:1: error: unknown key 'netwrk' in scenario (did you mean 'network'?)",
           "t.yaml:1:7: error: expected a non-negative integer, got a quoted string \"42\"",
           "t.yaml:4:12: error: expected a duration with a unit (ns, us, ms, s, m, min, h, d), got '250'",
           "t.yaml:5:9: error: value 2 out of range [0, 1]",
           "t.yaml:6:8: error: unknown amount unit 'ETHER' in '32 ETHER' (expected one of wei, gwei, ETH)");
    sim_ydoc_free(doc);
    sim_diag_free(d);
}

/* ---- --set -------------------------------------------------------------- */

static sim_ydoc *set_doc(sim_diag *d) {
    sim_ydoc *doc = load("a:\n  b:\n    - {c: 1}\n    - {c: 2}\n    - {c: 3}\n  s: x\n  n:\nlist: [1, 2]\n", d);
    assert_non_null(doc);
    return doc;
}

static void expect_doc_json(const sim_ydoc *doc, const char *want) {
    char *j = sim_ydoc_to_json(doc);
    assert_non_null(j);
    assert_string_equal(j, want);
    free(j);
}

static void test_yaml_set_paths(void **state) {
    (void)state;
    sim_diag *d = sim_diag_new();
    sim_ydoc *doc = set_doc(d);
    assert_true(sim_ydoc_set(doc, "a.b[2].c=30", d));
    assert_true(sim_ydoc_set(doc, "a.b.1.c=20", d));
    assert_true(sim_ydoc_set(doc, "a.b[0]={c: 10, d: [x]}", d));
    assert_true(sim_ydoc_set(doc, "a.new.deep=5ms", d));  /* creates a.new */
    assert_true(sim_ydoc_set(doc, "a.n.k=v", d));         /* null becomes a mapping */
    assert_true(sim_ydoc_set(doc, "a.s=[1, 2]", d));      /* replaces a scalar */
    assert_true(sim_ydoc_set(doc, "list.1='q'", d));
    assert_true(sim_ydoc_set(doc, "top=", d));            /* empty value: null */
    assert_true(sim_ydoc_set(doc, "m.0=zero", d));        /* digits name keys in mappings */
    assert_int_equal(sim_diag_count(d), 0);
    expect_doc_json(doc, "{\"a\":{\"b\":[{\"c\":10,\"d\":[\"x\"]},{\"c\":20},{\"c\":30}],\"s\":[1,2],"
                         "\"n\":{\"k\":\"v\"},\"new\":{\"deep\":\"5ms\"}},\"list\":[1,\"q\"],\"top\":null,"
                         "\"m\":{\"0\":\"zero\"}}");
    /* the text is the original one */
    assert_string_equal(sim_ydoc_text(doc), "a:\n  b:\n    - {c: 1}\n    - {c: 2}\n    - {c: 3}\n  s: x\n  n:\nlist: [1, 2]\n");

    /* marks of overridden nodes point at the override */
    const sim_ynode *a = sim_ymap_get(sim_ydoc_root(doc), "a");
    const sim_ynode *deep = sim_ymap_get(sim_ymap_get(a, "new"), "deep");
    assert_string_equal(deep->file, "--set a.new.deep");
    assert_int_equal(deep->line, 1);
    assert_int_equal(deep->col, 12);
    const sim_ynode *newkey = a->keys[3];
    assert_string_equal(newkey->str, "new");
    assert_string_equal(newkey->file, "--set a.new.deep");
    assert_int_equal(newkey->col, 3);
    const sim_ynode *d0 = sim_ymap_get(a->items[0]->items[0], "d");
    assert_int_equal(d0->col, 19);
    sim_ydoc_free(doc);
    sim_diag_free(d);
}

static void test_yaml_set_value_errors_point_at_the_override(void **state) {
    (void)state;
    sim_diag *d = sim_diag_new();
    sim_ydoc *doc = load("network:\n  latency: 10ms\n", d);
    assert_true(sim_ydoc_set(doc, "network.latency=250", d));
    uint64_t ns = 0;
    assert_false(sim_yfield_duration_ns(sim_ymap_get(sim_ydoc_root(doc), "network"), "latency", true, 0, ALL, &ns, d));
    static const char *const allowed[] = { "network", NULL };
    assert_true(sim_ydoc_set(doc, "netwrok.latency=1ms", d));
    assert_false(sim_ymap_check(sim_ydoc_root(doc), "scenario", allowed, d));
    EXPECT(d, "--set network.latency:1:17: error: expected a duration with a unit (ns, us, ms, s, m, min, h, d), got '250'",
           "--set netwrok.latency:1:1: error: unknown key 'netwrok' in scenario (did you mean 'network'?)");
    sim_ydoc_free(doc);
    sim_diag_free(d);
}

static void test_yaml_set_errors(void **state) {
    (void)state;
    const char *orig = "{\"a\":{\"b\":[{\"c\":1},{\"c\":2},{\"c\":3}],\"s\":\"x\",\"n\":null},\"list\":[1,2]}";
    static const struct {
        const char *assignment;
        const char *msg;
    } cases[] = {
        { "a.b", "--set: error: malformed override 'a.b': expected key.path=value" },
        { "=5", "--set: error: malformed override '=5': empty key path" },
        { "a..b=1", "--set a..b:1:3: error: empty key in path 'a..b'" },
        { ".a=1", "--set .a:1:1: error: empty key in path '.a'" },
        { "a.=1", "--set a.:1:3: error: empty key in path 'a.'" },
        { "a.b[x]=1", "--set a.b[x]:1:4: error: expected [index] in path 'a.b[x]'" },
        { "a.b[1=1", "--set a.b[1:1:4: error: expected [index] in path 'a.b[1'" },
        { "a.b[1]x=1", "--set a.b[1]x:1:7: error: unexpected 'x' in path 'a.b[1]x'" },
        { "a.b[99999999999]=1", "--set a.b[99999999999]:1:5: error: index too large in path 'a.b[99999999999]'" },
        { "a.b[3].c=1", "--set a.b[3].c:1:4: error: index 3 out of range: 'a.b' has 3 items" },
        { "a.b.3.c=1", "--set a.b.3.c:1:5: error: index 3 out of range: 'a.b' has 3 items" },
        { "list[2]=1", "--set list[2]:1:5: error: index 2 out of range: 'list' has 2 items" },
        { "a.s.t=1", "--set a.s.t:1:5: error: cannot set key 't' in 'a.s': it is 'x', not a mapping" },
        { "a.s[0]=1", "--set a.s[0]:1:4: error: cannot index 'a.s': it is 'x', not a sequence" },
        { "a[0]=1", "--set a[0]:1:2: error: cannot index 'a': it is a mapping, not a sequence" },
        { "a.n[0]=1", "--set a.n[0]:1:4: error: cannot index 'a.n': it is null, not a sequence" },
        { "a.zz[0]=1", "--set a.zz[0]:1:5: error: cannot index 'a.zz': no such key" },
        { "list.x=1", "--set list.x:1:6: error: cannot set key 'x' in 'list': it is a sequence, not a mapping" },
        { "a.s=[1,", "--set a.s:1:8: error: did not find expected node content (while parsing a flow node at --set a.s:1:8)" },
        { "a.s=x: y: z", "--set a.s:1:9: error: mapping values are not allowed in this context" },
        { "a.s=*r", "--set a.s:1:5: error: unknown alias '*r'" },
        { "a.s={k: 1, k: 2}", "--set a.s:1:12: error: duplicate key 'k' (first defined at --set a.s:1:6)" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sim_diag *d = sim_diag_new();
        sim_ydoc *doc = set_doc(d);
        if (sim_ydoc_set(doc, cases[i].assignment, d)) fail_msg("'%s' was accepted", cases[i].assignment);
        EXPECT(d, cases[i].msg);
        expect_doc_json(doc, orig); /* unchanged */
        sim_ydoc_free(doc);
        sim_diag_free(d);
    }
}

static void test_yaml_set_reports_path_and_value_errors_together(void **state) {
    (void)state;
    sim_diag *d = sim_diag_new();
    sim_ydoc *doc = set_doc(d);
    assert_false(sim_ydoc_set(doc, "list[5]=[1", d));
    EXPECT(d, "--set list[5]:1:11: error: did not find expected ',' or ']' (while parsing a flow sequence at --set list[5]:1:9)",
           "--set list[5]:1:5: error: index 5 out of range: 'list' has 2 items");
    sim_ydoc_free(doc);
    sim_diag_free(d);
}

static void test_yaml_set_depth_limit(void **state) {
    (void)state;
    sim_diag *d = sim_diag_new();
    sim_ydoc *doc = load("a: 1\n", d);
    char path[1024] = "";
    for (int i = 0; i < 127; i++) strcat(path, i ? ".k" : "k");
    char assign[1100];
    snprintf(assign, sizeof assign, "%s=1", path);
    assert_true(sim_ydoc_set(doc, assign, d)); /* 127 levels + a scalar */
    snprintf(assign, sizeof assign, "%s=[[1]]", path);
    assert_false(sim_ydoc_set(doc, assign, d));
    snprintf(assign, sizeof assign, "%s.k.k=1", path);
    assert_false(sim_ydoc_set(doc, assign, d));
    assert_int_equal(sim_diag_errors(d), 2);
    char want[1200];
    snprintf(want, sizeof want, "--set %s:1:256: error: nesting deeper than 128 levels", path);
    assert_string_equal(sim_diag_message(d, 0), want);
    snprintf(want, sizeof want, "--set %s.k.k:1:257: error: key path deeper than 128 levels", path);
    assert_string_equal(sim_diag_message(d, 1), want);
    sim_diag_clear(d);
    snprintf(assign, sizeof assign, "%s[0][0]=1", path);
    assert_false(sim_ydoc_set(doc, assign, d));
    snprintf(want, sizeof want, "--set %s[0][0]:1:257: error: key path deeper than 128 levels", path);
    EXPECT(d, want);
    sim_ydoc_free(doc);
    sim_diag_free(d);
}

/* ---- JSON --------------------------------------------------------------- */

static void test_yaml_json_canonical(void **state) {
    (void)state;
    expect_json("z: 1\na: 2\nm: {y: [], x: {}}\n", "{\"z\":1,\"a\":2,\"m\":{\"y\":[],\"x\":{}}}");
    expect_json("[0, -1, 1.5, -0.5, 1e5, 2E-3, 007, .5, +1, 1., 0x10, '1', \"2\", 1_000]",
                "[0,-1,1.5,-0.5,1e5,2E-3,\"007\",\".5\",\"+1\",\"1.\",\"0x10\",\"1\",\"2\",\"1_000\"]");
    expect_json("[true, True, TRUE, false, FALSE, yes, 'true', ~, null, NULL, '', \"null\"]",
                "[true,true,true,false,false,\"yes\",\"true\",null,null,null,\"\",\"null\"]");
    expect_json("{k: [], e: }", "{\"k\":[],\"e\":null}");
    expect_json("s: \"q\\\"b\\\\s/\\n\\t\\r\\b\\f\\x01\\x1f\\u00e9\\u2028\\U0001F600\"\n",
                "{\"s\":\"q\\\"b\\\\s/\\n\\t\\r\\b\\f\\u0001\\u001f\xc3\xa9\xe2\x80\xa8\xf0\x9f\x98\x80\"}");
    expect_json("\"we\\\"ird\\nkey\": 250ms\n", "{\"we\\\"ird\\nkey\":\"250ms\"}");
    expect_json("t: |\n  two\n  lines\n", "{\"t\":\"two\\nlines\\n\"}");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_yaml_load_tree_keeps_marks),
        cmocka_unit_test(test_yaml_columns_count_characters_not_bytes),
        cmocka_unit_test(test_yaml_empty_file_is_empty_mapping),
        cmocka_unit_test(test_yaml_syntax_error_carries_libyaml_text_and_mark),
        cmocka_unit_test(test_yaml_syntax_error_after_other_errors_reports_all),
        cmocka_unit_test(test_yaml_duplicate_key_names_both_places),
        cmocka_unit_test(test_yaml_multiple_documents_are_an_error),
        cmocka_unit_test(test_yaml_load_errors_are_collected),
        cmocka_unit_test(test_yaml_core_tags),
        cmocka_unit_test(test_yaml_aliases_are_copies_with_the_alias_mark),
        cmocka_unit_test(test_yaml_merge_keys),
        cmocka_unit_test(test_yaml_alias_bomb_and_depth_are_errors),
        cmocka_unit_test(test_yaml_load_file),
        cmocka_unit_test(test_yaml_load_file_errors),
        cmocka_unit_test(test_yaml_large_documents),
        cmocka_unit_test(test_yaml_diag_formats_and_counts),
        cmocka_unit_test(test_yaml_ymap_check_unknown_keys_with_suggestions),
        cmocka_unit_test(test_yaml_duration_every_unit_exact),
        cmocka_unit_test(test_yaml_duration_errors),
        cmocka_unit_test(test_yaml_amounts_exact),
        cmocka_unit_test(test_yaml_amount_errors),
        cmocka_unit_test(test_yaml_sizes_and_bitrates_exact),
        cmocka_unit_test(test_yaml_u64),
        cmocka_unit_test(test_yaml_f64),
        cmocka_unit_test(test_yaml_fraction),
        cmocka_unit_test(test_yaml_rate),
        cmocka_unit_test(test_yaml_bool_str_enum),
        cmocka_unit_test(test_yaml_fields_defaults_and_required),
        cmocka_unit_test(test_yaml_several_errors_reported_at_once),
        cmocka_unit_test(test_yaml_set_paths),
        cmocka_unit_test(test_yaml_set_value_errors_point_at_the_override),
        cmocka_unit_test(test_yaml_set_errors),
        cmocka_unit_test(test_yaml_set_reports_path_and_value_errors_together),
        cmocka_unit_test(test_yaml_set_depth_limit),
        cmocka_unit_test(test_yaml_json_canonical),
        cmocka_unit_test(test_yaml_tab_is_named_as_a_tab),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
