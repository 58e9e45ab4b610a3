/*
** The scenario reader: a YAML tree (libyaml) that keeps file:line:column for
** every node, typed converters with units and ranges, key checking, and
** `--set key.path=value` overrides.  Errors are collected in a sim_diag and
** printed as `file:line:column: error: message` (1-based), several at once.
**
** Units (whitespace between number and unit optional; decimals exact, no
** binary floating point is involved in time or money):
**   durations   ns us ms s m min h d           "250ms" "1.5s" "7d"
**   amounts     wei gwei ETH (also eth)        "32 ETH" "30 gwei"
**   sizes       B KB MB GB (10^3) KiB MiB GiB  "512B" "1 MiB"
**   bitrates    bps Kbps Mbps Gbps (10^3)      "1 Gbps"
**   fractions   plain number or percent        "0.01" "1%"
**   rates       N/s N/min N/h                   "50/s"
** A bare number where a unit is required is an error that names the units.
** Integer quantities (durations, amounts, sizes, bitrates) are parsed with
** exact integer arithmetic: "1.5s" is 1500000000 ns, "0.000000001 ETH" is
** 1 gwei; a value finer than the target unit ("0.5 gwei" as gwei) is an
** error, and so is anything that does not fit in 64 bits.  Quoted scalars
** are strings, never numbers or quantities.
**
** Loading rules:
**   - one document per file; an empty file (nothing, only comments, or a
**     lone `---`) loads as an empty mapping at 1:1;
**   - anchors and aliases are resolved by copying (so an override through
**     one path never changes another); the copy's root carries the alias's
**     mark, its inner nodes the anchor's; `<<: *base` merge keys (a mapping
**     or a sequence of mappings) are honoured, explicit keys win;
**   - limits: SIM_YAML_MAX_NODES nodes after alias expansion and
**     SIM_YAML_MAX_DEPTH levels of nesting (alias bombs are errors);
**   - duplicate keys, unknown or recursive aliases, non-scalar or empty
**     keys, unsupported tags (anything but the core schema's !!str, !!int,
**     !!float, !!bool, !!null, !!seq, !!map and `!`) and NUL characters in
**     scalars are errors;
**   - plain `~`, `null`, `Null`, `NULL` and empty values are SIM_Y_NULL.
*/
#ifndef SIM_YTREE_H
#define SIM_YTREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Limits on a loaded document (alias expansion and --set included). */
#define SIM_YAML_MAX_NODES 1000000u
#define SIM_YAML_MAX_DEPTH 128u

typedef enum sim_ykind { SIM_Y_NULL, SIM_Y_SCALAR, SIM_Y_SEQ, SIM_Y_MAP } sim_ykind;

typedef struct sim_ynode sim_ynode;
struct sim_ynode {
    sim_ykind kind;
    const char *file;  /* name used in diagnostics */
    uint32_t line;     /* 1-based */
    uint32_t col;      /* 1-based */
    const char *str;   /* scalar text, NUL-terminated (SIM_Y_SCALAR; also
                       ** SIM_Y_NULL: "", "~", "null"...; NULL otherwise) */
    bool quoted;       /* scalar was quoted: a string, never a number */
    size_t count;      /* items (SEQ) or pairs (MAP) */
    sim_ynode **items; /* SEQ: items; MAP: values */
    sim_ynode **keys;  /* MAP: keys (scalars, with their own marks) */
};

/* Diagnostics: errors and warnings, in the order found.  A place prints as
** `file:line:col: `, or `file: ` when line is 0, or nothing without a file.
** After 1000 errors one last "too many errors" error is kept and later
** errors are dropped (so a hostile input cannot fill memory with them). */
typedef struct sim_diag sim_diag;
/* NULL when out of memory. */
sim_diag *sim_diag_new(void);
void sim_diag_free(sim_diag *d);
/* Forgets every message. */
void sim_diag_clear(sim_diag *d);
/* Records `file:line:col: error: <fmt...>` at node `at` (NULL: no place). */
void sim_diag_error(sim_diag *d, const sim_ynode *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Records an error at an explicit place (for errors before a node exists). */
void sim_diag_error_at(sim_diag *d, const char *file, uint32_t line, uint32_t col, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* Records `file:line:col: warning: <fmt...>`; warnings are not errors. */
void sim_diag_warning(sim_diag *d, const sim_ynode *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Number of errors recorded (warnings excluded). */
size_t sim_diag_errors(const sim_diag *d);
/* Number of messages recorded (errors and warnings). */
size_t sim_diag_count(const sim_diag *d);
/* The i-th message (i < sim_diag_count), fully formatted, without trailing
** newline. */
const char *sim_diag_message(const sim_diag *d, size_t i);
/* Prints every message, one a line. */
void sim_diag_print(const sim_diag *d, FILE *f);

typedef struct sim_ydoc sim_ydoc;
/* Parse a file / a buffer.  On a syntax error returns NULL with the error
** (and its mark) in d.  Only one document per file; anchors and aliases
** are resolved; duplicate keys are errors.  Any error while loading
** (syntax or one of the loading rules above) returns NULL; the loader
** keeps going after non-fatal errors so several are reported at once.
** `name` is the file name used in marks; `text` need not be
** NUL-terminated and is copied. */
sim_ydoc *sim_ydoc_load_file(const char *path, sim_diag *d);
sim_ydoc *sim_ydoc_load_string(const char *name, const char *text, size_t len, sim_diag *d);
void sim_ydoc_free(sim_ydoc *doc);
const sim_ynode *sim_ydoc_root(const sim_ydoc *doc);
/* The text the document was loaded from (before overrides). */
const char *sim_ydoc_text(const sim_ydoc *doc);

/* Applies `a.b[2].c=value` (also `a.b.2.c=value`).  The value is parsed as
** YAML (so `[1, 2]` or `{x: 1}` work; an empty value is null), creating
** missing map keys; a null on the path becomes a mapping.  Marks of the new
** nodes (the value and created keys) have the file `--set a.b[2].c`,
** line 1 and the column in the assignment as typed (so the value of
** `a.b=5ms` is at column 5).  A digit segment indexes a sequence and names
** a key in a mapping; `[N]` requires a sequence.  Errors (no `=`, empty or
** malformed path, index past the end, stepping into a scalar, indexing a
** missing key, a bad value) return false with an error in d and leave the
** document unchanged. */
bool sim_ydoc_set(sim_ydoc *doc, const char *assignment, sim_diag *d);

/* Canonical JSON of the (overridden) tree, keys in document order; the
** caller frees it with free().  Used to record effective parameters.
** No whitespace; null is null; plain true/false (any case YAML 1.2 allows)
** are booleans; plain scalars matching the JSON number grammar are numbers;
** everything else (quoted scalars, "250ms", "007") is a string.  NULL when
** out of memory. */
char *sim_ydoc_to_json(const sim_ydoc *doc);

/* The node as one line of flow YAML ("[{behaviour: silent, stake_fraction:
** 10%}]") that loads back as the same tree: plain scalars stay plain (so
** quantities keep their units), quoted ones are double-quoted.  What a
** sweep grid value that is a list or mapping becomes in its `--set`.
** The caller frees it; NULL when out of memory. */
char *sim_ynode_to_flow(const sim_ynode *n);

/* True for a plain `none`: what a list-valued key (verifiers.byzantine,
** adversary.coalitions) takes for an empty list, so a sweep grid can hold
** "no entry" beside lists. */
bool sim_ynode_is_none(const sim_ynode *n);

/* ---- maps ---------------------------------------------------------------- */
/* The value for `key`, or NULL when absent (or `map` is not a map). */
const sim_ynode *sim_ymap_get(const sim_ynode *map, const char *key);
/* Reports every key of `map` not in `allowed` (NULL-terminated) as
** "unknown key 'k' in <where>", suggesting the nearest allowed key.
** Also reports when `map` is not a map ("expected a mapping"). Returns
** true when all keys were allowed.  A NULL `map` (absent section) or a null
** node (`section:` with nothing under it) counts as an empty mapping. */
bool sim_ymap_check(const sim_ynode *map, const char *where, const char *const *allowed, sim_diag *d);

/* ---- converters ----------------------------------------------------------
** Each parses a scalar, checks it lies in [min, max] and stores it; on any
** failure it records one error at the node and returns false, leaving
** *out untouched.  The error names the expected type, unit and range.
** `n` must not be NULL; min <= max.  Strings and enums accept quoted
** scalars; booleans, numbers and quantities accept only plain ones.
** Booleans are true/false (also True/TRUE/False/FALSE).  A range whose max
** is UINT64_MAX (or +inf) is reported as "(at least <min>)". */
bool sim_ynode_str(const sim_ynode *n, const char **out, sim_diag *d);
bool sim_ynode_bool(const sim_ynode *n, bool *out, sim_diag *d);
bool sim_ynode_u64(const sim_ynode *n, uint64_t min, uint64_t max, uint64_t *out, sim_diag *d);
bool sim_ynode_f64(const sim_ynode *n, double min, double max, double *out, sim_diag *d);
/* One of `names` (NULL-terminated); *out is its index. */
bool sim_ynode_enum(const sim_ynode *n, const char *const *names, int *out, sim_diag *d);
bool sim_ynode_duration_ns(const sim_ynode *n, uint64_t min_ns, uint64_t max_ns, uint64_t *out, sim_diag *d);
/* Amounts of ETH: to gwei (sub-gwei precision is an error). */
bool sim_ynode_gwei(const sim_ynode *n, uint64_t min, uint64_t max, uint64_t *out, sim_diag *d);
/* Prices (e.g. gas price): to wei. */
bool sim_ynode_wei(const sim_ynode *n, uint64_t min, uint64_t max, uint64_t *out, sim_diag *d);
bool sim_ynode_bytes(const sim_ynode *n, uint64_t min, uint64_t max, uint64_t *out, sim_diag *d);
bool sim_ynode_bps(const sim_ynode *n, uint64_t min, uint64_t max, uint64_t *out, sim_diag *d);
/* A fraction in [min, max] written as 0.25 or 25%. */
bool sim_ynode_fraction(const sim_ynode *n, double min, double max, double *out, sim_diag *d);
/* Events per second from "50/s", "3/min", "10/h". */
bool sim_ynode_rate_per_s(const sim_ynode *n, double min, double max, double *out, sim_diag *d);

/* ---- fields: get + convert, with a default when the key is absent ------ */
/* Each returns false only on a present-but-invalid value (error recorded);
** an absent key stores `def` (or reports "missing required key 'k'" at the
** map and returns false when `required`).  A NULL or non-mapping `map`
** counts as having no keys (sim_ymap_check reports its type). */
bool sim_yfield_duration_ns(const sim_ynode *map, const char *key, bool required, uint64_t def,
                            uint64_t min_ns, uint64_t max_ns, uint64_t *out, sim_diag *d);
bool sim_yfield_u64(const sim_ynode *map, const char *key, bool required, uint64_t def,
                    uint64_t min, uint64_t max, uint64_t *out, sim_diag *d);
bool sim_yfield_f64(const sim_ynode *map, const char *key, bool required, double def,
                    double min, double max, double *out, sim_diag *d);
bool sim_yfield_fraction(const sim_ynode *map, const char *key, bool required, double def,
                         double min, double max, double *out, sim_diag *d);
bool sim_yfield_bool(const sim_ynode *map, const char *key, bool required, bool def, bool *out, sim_diag *d);
bool sim_yfield_str(const sim_ynode *map, const char *key, bool required, const char *def,
                    const char **out, sim_diag *d);
bool sim_yfield_enum(const sim_ynode *map, const char *key, bool required, int def,
                     const char *const *names, int *out, sim_diag *d);
bool sim_yfield_gwei(const sim_ynode *map, const char *key, bool required, uint64_t def,
                     uint64_t min, uint64_t max, uint64_t *out, sim_diag *d);
bool sim_yfield_wei(const sim_ynode *map, const char *key, bool required, uint64_t def,
                    uint64_t min, uint64_t max, uint64_t *out, sim_diag *d);
bool sim_yfield_bytes(const sim_ynode *map, const char *key, bool required, uint64_t def,
                      uint64_t min, uint64_t max, uint64_t *out, sim_diag *d);
bool sim_yfield_bps(const sim_ynode *map, const char *key, bool required, uint64_t def,
                    uint64_t min, uint64_t max, uint64_t *out, sim_diag *d);
bool sim_yfield_rate_per_s(const sim_ynode *map, const char *key, bool required, double def,
                           double min, double max, double *out, sim_diag *d);

#endif
