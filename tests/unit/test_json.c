/*
** Tests of the test-support JSON reader (tests/support/json): values of every
** type, string escapes including surrogate pairs, path lookup with members,
** [n] and numeric segments, typed getters refusing wrong types, hex helpers,
** and rejection of malformed documents with a line:column message.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "json.h"

static json *parse(const char *s) {
    char err[128];
    json *doc = json_parse(s, strlen(s), err, sizeof err);
    if (doc == NULL) fail_msg("parse failed: %s", err);
    return doc;
}

static void test_json_values_and_paths(void **state) {
    (void)state;
    json *doc = parse(" {\"a\": {\"b\": [10, {\"c\": \"0x0aff\"}, true, null, -2.5e3]},"
                      " \"big\": 18446744073709551615, \"s\": \"x\\\"y\\n\\u00e9\\ud83d\\ude00\"}");
    uint64_t u = 0;
    assert_true(json_u64(json_get(doc, "a.b[0]"), &u));
    assert_int_equal(u, 10);
    assert_true(json_u64(json_get(doc, "a.b.0"), &u));
    assert_int_equal(u, 10);
    assert_true(json_u64(json_get(doc, "big"), &u));
    assert_true(u == UINT64_MAX);
    uint8_t b[4];
    size_t n = 0;
    assert_true(json_hex(json_get(doc, "a.b[1].c"), b, sizeof b, &n));
    assert_int_equal(n, 2);
    assert_int_equal(b[0], 0x0a);
    assert_int_equal(b[1], 0xff);
    assert_true(json_u64(json_get(doc, "a.b[1].c"), &u));   /* hex string as integer */
    assert_int_equal(u, 0x0aff);
    bool t = false;
    assert_true(json_bool(json_get(doc, "a.b[2]"), &t));
    assert_true(t);
    assert_true(json_is(json_get(doc, "a.b[3]"), JSON_NULL));
    double d = 0;
    assert_true(json_double(json_get(doc, "a.b[4]"), &d));
    assert_true(d == -2500.0);
    int64_t i = 0;
    assert_false(json_i64(json_get(doc, "a.b[4]"), &i));    /* not an integer */
    assert_false(json_u64(json_get(doc, "a.b[4]"), &u));
    assert_string_equal(json_string(json_get(doc, "s")), "x\"y\n\xc3\xa9\xf0\x9f\x98\x80");
    assert_int_equal(json_count(json_get(doc, "a.b")), 5);
    assert_int_equal(json_count(doc), 3);
    assert_string_equal(json_key(doc, 1), "big");
    /* missing things are NULL and getters refuse them */
    assert_null(json_get(doc, "a.b[5]"));
    assert_null(json_get(doc, "a.x.y"));
    assert_null(json_get(doc, "big.c"));
    assert_false(json_u64(NULL, &u));
    assert_null(json_string(json_get(doc, "big")));
    assert_false(json_bool(json_get(doc, "big"), &t));
    json_free(doc);
}

static void test_json_rejects_malformed(void **state) {
    (void)state;
    static const char *bad[] = {
        "", "{", "[1,]", "{\"a\" 1}", "{\"a\":1,}", "01", "1.", "-", "tru", "\"abc",
        "\"\\x\"", "\"\\ud800\"", "[1] 2", "{\"a\":\"\x01\"}", "nul",
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        char err[128];
        json *doc = json_parse(bad[k], strlen(bad[k]), err, sizeof err);
        if (doc != NULL) fail_msg("accepted: %s", bad[k]);
        assert_true(strchr(err, ':') != NULL);
    }
    char err[128];
    assert_null(json_parse("{\n  \"a\": x}", 11, err, sizeof err));
    assert_true(strncmp(err, "2:", 2) == 0);
}

static void test_json_hex_helpers(void **state) {
    (void)state;
    uint8_t buf[8];
    size_t n = 0;
    assert_true(hex_decode("0xDEadbe", buf, sizeof buf, &n));
    assert_int_equal(n, 3);
    assert_int_equal(buf[0], 0xde);
    assert_true(hex_decode("00ff", buf, sizeof buf, &n));
    assert_false(hex_decode("0xabc", buf, sizeof buf, &n));     /* odd */
    assert_false(hex_decode("0xzz", buf, sizeof buf, &n));
    assert_false(hex_decode("0x112233", buf, 2, &n));           /* too small */
    char out[16];
    hex_encode((const uint8_t *)"\x01\xab", 2, out);
    assert_string_equal(out, "0x01ab");
    json *doc = parse("[\"0x\", \"0x0102\", \"0102\"]");
    uint8_t *p = json_hex_dup(json_at(doc, 0), &n);
    assert_non_null(p);
    assert_int_equal(n, 0);
    free(p);
    assert_true(json_hex_exact(json_at(doc, 1), buf, 2));
    assert_false(json_hex_exact(json_at(doc, 1), buf, 3));
    assert_false(json_hex(json_at(doc, 2), buf, sizeof buf, &n));  /* needs the 0x */
    json_free(doc);
}

static void test_json_loads_vectors(void **state) {
    (void)state;
    json *doc = vectors_load();
    assert_non_null(doc);
    assert_true(json_count(json_get(doc, "keccak256")) > 0);
    json_free(doc);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json_values_and_paths),
        cmocka_unit_test(test_json_rejects_malformed),
        cmocka_unit_test(test_json_hex_helpers),
        cmocka_unit_test(test_json_loads_vectors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
