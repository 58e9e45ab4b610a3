/*
** A small JSON reader for tests (not part of the core): parses a document
** into a tree of nodes (objects keep key order; numbers are kept as their
** text), with path lookup, typed getters and hex helpers for the 0x-prefixed
** byte strings of the test vectors.
**
**   json *doc = vectors_load();                      // $XRSIM_VECTORS or the copy in tests/
**   const json *x = json_at(json_get(doc, "msgs"), 0);
**   json_get(x, "msg.destChainId"), json_get(doc, "xblocks[5].proof_for_dest.proof[0]")
**   uint8_t buf[64]; size_t n; json_hex(json_get(x, "leaf"), buf, sizeof buf, &n);
**   json_free(doc);
**
** Getters accept NULL and wrong types and then report failure, so tests can
** chain lookups and assert once.
*/
#ifndef XRSIM_TEST_JSON_H
#define XRSIM_TEST_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum json_type {
    JSON_NULL,
    JSON_BOOL,
    JSON_NUMBER,
    JSON_STRING,
    JSON_ARRAY,
    JSON_OBJECT
} json_type;

typedef struct json json;
struct json {
    json_type type;
    bool boolean;       /* JSON_BOOL */
    char *text;         /* JSON_STRING (decoded, NUL-terminated) or JSON_NUMBER text */
    size_t text_len;    /* bytes of text without the NUL */
    size_t count;       /* elements of an array or members of an object */
    json *items;        /* array elements / object member values */
    char **keys;        /* object member names (NULL for arrays) */
};

/* Parse text[0..len).  On failure returns NULL and writes "line:col: why" to
** err (when err_cap > 0). */
json *json_parse(const char *text, size_t len, char *err, size_t err_cap);
/* Read and parse a file; on failure prints the reason to stderr, returns NULL. */
json *json_load(const char *path);
void json_free(json *doc);

/* Path lookup: members separated by '.', array elements as [n] or a numeric
** segment ("xblocks[2].msgs.0.data").  NULL when anything along it is missing. */
const json *json_get(const json *v, const char *path);
/* Elements of an array or members of an object; 0 for anything else or NULL. */
size_t json_count(const json *v);
/* Element i of an array (or value of member i of an object), NULL if absent. */
const json *json_at(const json *v, size_t i);
/* Name of member i of an object, NULL if absent. */
const char *json_key(const json *v, size_t i);

bool json_is(const json *v, json_type type);
/* The string, or NULL if v is not a string. */
const char *json_string(const json *v);
/* *out = the boolean; false if v is not a boolean. */
bool json_bool(const json *v, bool *out);
/* A non-negative integer that fits in 64 bits, from a number or a decimal /
** 0x-hex string. */
bool json_u64(const json *v, uint64_t *out);
/* A signed integer from a number. */
bool json_i64(const json *v, int64_t *out);
/* A number as double (for tests of floating-point outputs). */
bool json_double(const json *v, double *out);

/* Decode a 0x-prefixed hex string node into out[0..cap); *len = bytes
** written.  False on a non-string, bad hex or too small a buffer. */
bool json_hex(const json *v, uint8_t *out, size_t cap, size_t *len);
/* Same into an exact-size buffer of `want` bytes (false if the size differs). */
bool json_hex_exact(const json *v, uint8_t *out, size_t want);
/* Same, malloc'ed (free() it; non-NULL even for "0x"); NULL on failure. */
uint8_t *json_hex_dup(const json *v, size_t *len);

/* Hex without JSON: s with or without "0x", even length.  False on bad input
** or when cap is too small. */
bool hex_decode(const char *s, uint8_t *out, size_t cap, size_t *len);
/* "0x" + 2n lower-case digits + NUL into out (room for 2n + 3 bytes). */
void hex_encode(const uint8_t *p, size_t n, char *out);

/* Path of the protocol test vectors: $XRSIM_VECTORS if set, else
** XRSIM_SOURCE_DIR "/tests/vectors/xchain.json". */
const char *vectors_path(void);
/* json_load(vectors_path()). */
json *vectors_load(void);

#endif
