/*
** Region matrices: the CSV reader and lookups declared in regions.h.  The
** reader works on one line at a time, splits cells at commas, trims spaces
** and converts decimal milliseconds to nanoseconds with integer arithmetic.
** Every error carries the 1-based line and column of the offending cell.
*/
#include "regions.h"

#include <assert.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grow.h"

#define REGIONS_MAX_FILE_BYTES (16u * 1024u * 1024u)
#define REGIONS_MAX_MS 3600000u
#define REGIONS_MAX_NAME 64u

struct sim_regions {
    uint32_t count;
    char **names;      /* count names, as written */
    uint64_t *base_ns; /* count * count, row = sender */
};

/* AWS region codes for the names used in the shipped data set. */
static const char *const region_aliases[][2] = {
    {"N_Virginia", "us-east-1"},       {"Canada", "ca-central-1"},
    {"N_California", "us-west-1"},     {"London", "eu-west-2"},
    {"Oregon", "us-west-2"},           {"Ireland", "eu-west-1"},
    {"Frankfurt", "eu-central-1"},     {"S_Paulo", "sa-east-1"},
    {"Tokyo", "ap-northeast-1"},       {"Mumbai", "ap-south-1"},
    {"Sydney", "ap-southeast-2"},      {"Seoul", "ap-northeast-2"},
    {"Singapore", "ap-southeast-1"},
};

static void set_error(sim_regions_error *err, uint32_t line, uint32_t col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void set_error(sim_regions_error *err, uint32_t line, uint32_t col, const char *fmt, ...) {
    if (err == NULL) {
        return;
    }
    err->line = line;
    err->col = col;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
}

static bool ascii_ieq(const char *a, const char *b) {
    for (; *a != '\0' && *b != '\0'; a++, b++) {
        char ca = *a, cb = *b;
        if (ca >= 'A' && ca <= 'Z') {
            ca = (char)(ca - 'A' + 'a');
        }
        if (cb >= 'A' && cb <= 'Z') {
            cb = (char)(cb - 'A' + 'a');
        }
        if (ca != cb) {
            return false;
        }
    }
    return *a == *b;
}

/* A cell of the current line: [begin, end) after trimming, and its column. */
typedef struct cell {
    const char *begin;
    const char *end;
    uint32_t col;
} cell;

/* Splits line[0..len) at commas into at most `max` cells.  Returns the
** number of cells, or max + 1 when there are more. */
static size_t split_cells(const char *line, size_t len, cell *cells, size_t max) {
    size_t n = 0;
    size_t start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && line[i] != ',') {
            continue;
        }
        if (n == max) {
            return max + 1;
        }
        size_t b = start, e = i;
        while (b < e && (line[b] == ' ' || line[b] == '\t')) {
            b++;
        }
        while (e > b && (line[e - 1] == ' ' || line[e - 1] == '\t')) {
            e--;
        }
        cells[n].begin = line + b;
        cells[n].end = line + e;
        cells[n].col = (uint32_t)(b + 1);
        n++;
        start = i + 1;
    }
    return n;
}

/* Parses a non-negative decimal number of milliseconds with at most six
** fractional digits into nanoseconds.  Returns false on any other text. */
static bool parse_ms(const cell *c, uint64_t *out_ns) {
    const char *p = c->begin;
    uint64_t whole = 0;
    size_t digits = 0;
    while (p < c->end && *p >= '0' && *p <= '9') {
        whole = whole * 10u + (uint64_t)(*p - '0');
        if (whole > REGIONS_MAX_MS) {
            return false;
        }
        p++;
        digits++;
    }
    uint64_t frac_ns = 0;
    if (p < c->end && *p == '.') {
        p++;
        uint64_t scale = 100000u; /* first fractional digit of a ms in ns */
        size_t frac_digits = 0;
        while (p < c->end && *p >= '0' && *p <= '9') {
            if (frac_digits == 6) {
                return false;
            }
            frac_ns += (uint64_t)(*p - '0') * scale;
            scale /= 10u;
            p++;
            frac_digits++;
        }
        if (frac_digits == 0) {
            return false;
        }
    }
    if (digits == 0 || p != c->end) {
        return false;
    }
    uint64_t ns = whole * 1000000u + frac_ns;
    if (ns > (uint64_t)REGIONS_MAX_MS * 1000000u) {
        return false;
    }
    *out_ns = ns;
    return true;
}

void sim_regions_free(sim_regions *r) {
    if (r == NULL) {
        return;
    }
    for (uint32_t i = 0; i < r->count; i++) {
        free(r->names[i]);
    }
    free(r->names);
    free(r->base_ns);
    free(r);
}

static bool blank_or_comment(const char *line, size_t len) {
    size_t i = 0;
    while (i < len && (line[i] == ' ' || line[i] == '\t')) {
        i++;
    }
    return i == len || line[i] == '#';
}

/* The header: a corner cell and the region names. */
static sim_regions *parse_header(const char *line, size_t len, uint32_t lineno, sim_regions_error *err) {
    cell *cells = malloc((SIM_REGIONS_MAX + 2) * sizeof *cells);
    sim_regions *r = calloc(1, sizeof *r);
    if (cells == NULL || r == NULL) {
        free(cells);
        free(r);
        set_error(err, 0, 0, "out of memory");
        return NULL;
    }
    size_t n = split_cells(line, len, cells, SIM_REGIONS_MAX + 1);
    if (n > SIM_REGIONS_MAX + 1) {
        set_error(err, lineno, 1, "header names more than %u regions", SIM_REGIONS_MAX);
        goto fail;
    }
    if (n < 2) {
        set_error(err, lineno, 1, "header needs a corner cell and at least one region name, "
                  "e.g. \"From/to,N_Virginia,London\"");
        goto fail;
    }
    r->count = (uint32_t)(n - 1);
    r->names = calloc(r->count, sizeof *r->names);
    r->base_ns = calloc((size_t)r->count * r->count, sizeof *r->base_ns);
    if (r->names == NULL || r->base_ns == NULL) {
        set_error(err, 0, 0, "out of memory");
        goto fail;
    }
    for (uint32_t i = 0; i < r->count; i++) {
        const cell *c = &cells[i + 1];
        size_t nlen = (size_t)(c->end - c->begin);
        if (nlen == 0) {
            set_error(err, lineno, c->col, "empty region name in header (column %u)", i + 2);
            goto fail;
        }
        if (nlen > REGIONS_MAX_NAME) {
            set_error(err, lineno, c->col, "region name longer than %u characters", REGIONS_MAX_NAME);
            goto fail;
        }
        if (memchr(c->begin, '"', nlen) != NULL) {
            set_error(err, lineno, c->col, "quoted cells are not supported");
            goto fail;
        }
        r->names[i] = malloc(nlen + 1);
        if (r->names[i] == NULL) {
            set_error(err, 0, 0, "out of memory");
            goto fail;
        }
        memcpy(r->names[i], c->begin, nlen);
        r->names[i][nlen] = '\0';
        for (uint32_t j = 0; j < i; j++) {
            if (ascii_ieq(r->names[j], r->names[i])) {
                set_error(err, lineno, c->col, "duplicate region name '%s' in header", r->names[i]);
                goto fail;
            }
        }
    }
    free(cells);
    return r;
fail:
    free(cells);
    sim_regions_free(r);
    return NULL;
}

sim_regions *sim_regions_parse(const char *text, size_t len, sim_regions_error *err) {
    assert(text != NULL || len == 0);
    if (err != NULL) {
        memset(err, 0, sizeof *err);
    }
    sim_regions *r = NULL;
    cell *cells = NULL;
    bool *seen = NULL;
    uint32_t rows = 0;
    uint32_t lineno = 0;
    size_t pos = 0;
    while (pos < len) {
        const char *line = text + pos;
        const char *nl = memchr(line, '\n', len - pos);
        size_t llen = nl != NULL ? (size_t)(nl - line) : len - pos;
        pos += llen + (nl != NULL ? 1u : 0u);
        lineno++;
        if (llen > 0 && line[llen - 1] == '\r') {
            llen--;
        }
        if (memchr(line, '\0', llen) != NULL) {
            set_error(err, lineno, 1, "NUL byte in CSV text");
            goto fail;
        }
        if (blank_or_comment(line, llen)) {
            continue;
        }
        if (r == NULL) {
            r = parse_header(line, llen, lineno, err);
            if (r == NULL) {
                goto fail;
            }
            cells = malloc(((size_t)r->count + 2) * sizeof *cells);
            seen = calloc(r->count, sizeof *seen);
            if (cells == NULL || seen == NULL) {
                set_error(err, 0, 0, "out of memory");
                goto fail;
            }
            continue;
        }
        size_t n = split_cells(line, llen, cells, (size_t)r->count + 1);
        if (n != (size_t)r->count + 1) {
            set_error(err, lineno, 1, "row has %s cells than the header (expected a region name and %u values)",
                      n > (size_t)r->count + 1 ? "more" : "fewer", r->count);
            goto fail;
        }
        size_t nlen = (size_t)(cells[0].end - cells[0].begin);
        uint32_t from = SIM_REGION_NONE;
        for (uint32_t i = 0; i < r->count && nlen > 0; i++) {
            if (strlen(r->names[i]) == nlen && strncmp(r->names[i], cells[0].begin, nlen) == 0) {
                from = i;
                break;
            }
        }
        if (from == SIM_REGION_NONE) {
            set_error(err, lineno, cells[0].col, "row name '%.*s' is not a region of the header",
                      (int)(nlen > REGIONS_MAX_NAME ? REGIONS_MAX_NAME : nlen), cells[0].begin);
            goto fail;
        }
        if (seen[from]) {
            set_error(err, lineno, cells[0].col, "second row for region '%s'", r->names[from]);
            goto fail;
        }
        seen[from] = true;
        for (uint32_t j = 0; j < r->count; j++) {
            const cell *c = &cells[j + 1];
            uint64_t ns = 0;
            if (!parse_ms(c, &ns)) {
                set_error(err, lineno, c->col,
                          "'%.*s' (from %s to %s) is not a delay in milliseconds: expected a "
                          "non-negative decimal with at most 6 fractional digits, at most %u",
                          (int)((size_t)(c->end - c->begin) > 32u ? 32u : (size_t)(c->end - c->begin)),
                          c->begin, r->names[from], r->names[j], REGIONS_MAX_MS);
                goto fail;
            }
            r->base_ns[(size_t)from * r->count + j] = ns;
        }
        rows++;
    }
    if (r == NULL) {
        set_error(err, lineno > 0 ? lineno : 1, 1, "no header line: the matrix is empty");
        goto fail;
    }
    if (rows != r->count) {
        for (uint32_t i = 0; i < r->count; i++) {
            if (!seen[i]) {
                set_error(err, lineno, 1, "missing row for region '%s' (%u of %u rows present)",
                          r->names[i], rows, r->count);
                break;
            }
        }
        goto fail;
    }
    free(cells);
    free(seen);
    return r;
fail:
    free(cells);
    free(seen);
    sim_regions_free(r);
    return NULL;
}

sim_regions *sim_regions_load(const char *path, sim_regions_error *err) {
    assert(path != NULL);
    if (err != NULL) {
        memset(err, 0, sizeof *err);
    }
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        set_error(err, 0, 0, "cannot open region matrix '%s': %s", path, strerror(errno));
        return NULL;
    }
    /* Read in growing chunks up to the size limit (no fseek: works on pipes). */
    size_t cap = 0, len = 0;
    char *buf = NULL;
    bool read_error = false, too_big = false;
    for (;;) {
        if (len == cap) {
            if (cap > REGIONS_MAX_FILE_BYTES) {
                too_big = true;
                break;
            }
            if (!SIM_GROW(buf, cap, len + 4096u)) {
                free(buf);
                buf = NULL;
                break;
            }
        }
        size_t got = fread(buf + len, 1, cap - len, f);
        len += got;
        if (got == 0) {
            read_error = ferror(f) != 0;
            break;
        }
    }
    fclose(f);
    too_big = too_big || len > REGIONS_MAX_FILE_BYTES;
    if (buf == NULL) {
        set_error(err, 0, 0, "out of memory");
        return NULL;
    }
    if (read_error || too_big) {
        free(buf);
        if (too_big) {
            set_error(err, 0, 0, "region matrix '%s' is larger than %u bytes", path, REGIONS_MAX_FILE_BYTES);
        } else {
            set_error(err, 0, 0, "cannot read region matrix '%s'", path);
        }
        return NULL;
    }
    sim_regions *r = sim_regions_parse(buf, len, err);
    free(buf);
    return r;
}

uint32_t sim_regions_count(const sim_regions *r) {
    assert(r != NULL);
    return r->count;
}

const char *sim_regions_name(const sim_regions *r, uint32_t i) {
    assert(r != NULL && i < r->count);
    return r->names[i];
}

uint32_t sim_regions_find(const sim_regions *r, const char *name) {
    assert(r != NULL && name != NULL);
    for (uint32_t i = 0; i < r->count; i++) {
        if (ascii_ieq(r->names[i], name)) {
            return i;
        }
    }
    for (size_t a = 0; a < sizeof region_aliases / sizeof region_aliases[0]; a++) {
        if (ascii_ieq(region_aliases[a][1], name)) {
            for (uint32_t i = 0; i < r->count; i++) {
                if (ascii_ieq(r->names[i], region_aliases[a][0])) {
                    return i;
                }
            }
        }
    }
    return SIM_REGION_NONE;
}

uint64_t sim_regions_base_ns(const sim_regions *r, uint32_t from, uint32_t to) {
    assert(r != NULL && from < r->count && to < r->count);
    return r->base_ns[(size_t)from * r->count + to];
}
