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
*/
#ifndef SIM_YAML_H
#define SIM_YAML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef enum sim_ykind { SIM_Y_NULL, SIM_Y_SCALAR, SIM_Y_SEQ, SIM_Y_MAP } sim_ykind;

typedef struct sim_ynode sim_ynode;
struct sim_ynode {
    sim_ykind kind;
    const char *file;  /* name used in diagnostics */
    uint32_t line;     /* 1-based */
    uint32_t col;      /* 1-based */
    const char *str;   /* scalar text, NUL-terminated (SIM_Y_SCALAR) */
    bool quoted;       /* scalar was quoted: a string, never a number */
    size_t count;      /* items (SEQ) or pairs (MAP) */
    sim_ynode **items; /* SEQ: items; MAP: values */
    sim_ynode **keys;  /* MAP: keys (scalars, with their own marks) */
};

/* Diagnostics: errors and warnings, in the order found. */
typedef struct sim_diag sim_diag;
sim_diag *sim_diag_new(void);
void sim_diag_free(sim_diag *d);
/* Records `file:line:col: error: <fmt...>` at node `at` (NULL: no place). */
void sim_diag_error(sim_diag *d, const sim_ynode *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Records an error at an explicit place (for errors before a node exists). */
void sim_diag_error_at(sim_diag *d, const char *file, uint32_t line, uint32_t col, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
size_t sim_diag_errors(const sim_diag *d);
/* The i-th message, fully formatted, without trailing newline. */
const char *sim_diag_message(const sim_diag *d, size_t i);
void sim_diag_print(const sim_diag *d, FILE *f);

typedef struct sim_ydoc sim_ydoc;
/* Parse a file / a buffer.  On a syntax error returns NULL with the error
** (and its mark) in d.  Only one document per file; anchors and aliases
** are resolved; duplicate keys are errors. */
sim_ydoc *sim_ydoc_load_file(const char *path, sim_diag *d);
sim_ydoc *sim_ydoc_load_string(const char *name, const char *text, size_t len, sim_diag *d);
void sim_ydoc_free(sim_ydoc *doc);
const sim_ynode *sim_ydoc_root(const sim_ydoc *doc);
/* The text the document was loaded from (before overrides). */
const char *sim_ydoc_text(const sim_ydoc *doc);

/* Applies `a.b[2].c=value` (also `a.b.2.c=value`).  The value is parsed as
** YAML (so `[1, 2]` or `{x: 1}` work), creating missing map keys; its
** mark is `--set a.b[2].c:1:col`.  Returns false with an error in d. */
bool sim_ydoc_set(sim_ydoc *doc, const char *assignment, sim_diag *d);

/* Canonical JSON of the (overridden) tree, keys in document order; the
** caller frees it with free().  Used to record effective parameters. */
char *sim_ydoc_to_json(const sim_ydoc *doc);

/* ---- maps ---------------------------------------------------------------- */
/* The value for `key`, or NULL when absent (or `map` is not a map). */
const sim_ynode *sim_ymap_get(const sim_ynode *map, const char *key);
/* Reports every key of `map` not in `allowed` (NULL-terminated) as
** "unknown key 'k' in <where>", suggesting the nearest allowed key.
** Also reports when `map` is not a map ("expected a mapping"). Returns
** true when all keys were allowed. */
bool sim_ymap_check(const sim_ynode *map, const char *where, const char *const *allowed, sim_diag *d);

/* ---- converters ----------------------------------------------------------
** Each parses a scalar, checks it lies in [min, max] and stores it; on any
** failure it records one error at the node and returns false, leaving
** *out untouched.  The error names the expected type, unit and range. */
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
** an absent key stores `def` (or reports "missing required key" when
** `required`). */
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
