/*
** `xrsim frontier ... --out frontier.html`: the frontier as one
** self-contained HTML file (inline CSS and SVG, no scripts, no external
** references), drawn with the report's SVG primitives (an_report_svg.c)
** and written like the report's HTML (an_outfile.h: an exclusive,
** no-follow temporary renamed into place; results files, links, devices
** and directories at the target are refused).
**
** The plot: one row per --over value (one row without --over), the
** requested value of the bisected key across [LO, HI], each probe a marker
** (held or broke, in the order probed), the final bracket [holds, breaks]
** shaded, and -- when the key is a coalition's stake_fraction -- the
** actual power share at the breaking value marked with its exact fraction
** (a stake_fraction takes the smallest prefix of verifiers holding at
** least that much, so the share that broke it may be above the request).
** Below it, the table the command prints.
*/
#ifndef AN_FRONTIER_H
#define AN_FRONTIER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* One value probed: did the property break in any of its seeds. */
typedef struct an_frontier_probe {
    double value;   /* in the range's written unit (60 for "60%") */
    bool breaks;
    uint32_t runs;  /* seeds run (they stop at the first that breaks) */
} an_frontier_probe;

typedef enum an_frontier_status {
    AN_FRONTIER_FOUND = 0,           /* holds at `holds`, breaks at `breaks` */
    AN_FRONTIER_HOLDS_EVERYWHERE = 1,
    AN_FRONTIER_BROKEN_EVERYWHERE = 2,
} an_frontier_status;

/* One row: a value of the --over key. */
typedef struct an_frontier_row {
    const char *label;              /* the --over value; NULL without --over */
    const an_frontier_probe *probes; /* in the order probed */
    size_t probe_count;
    an_frontier_status status;
    double holds, breaks;           /* FOUND */
    /* the actual power share (a fraction of all genesis power) at the
       value that held and the one that broke; den == 0: not known */
    uint64_t share_holds_num, share_holds_den;
    uint64_t share_breaks_num, share_breaks_den;
    uint64_t runs;
} an_frontier_row;

typedef struct an_frontier_doc {
    const char *scenario;   /* the scenario file */
    const char *vary_key;   /* "consensus.quorum" */
    const char *over_key;   /* NULL without --over */
    const char *until;      /* "safety" | "liveness" */
    const char *condition;  /* what breaking means, for people */
    double lo, hi;          /* the range, in its written unit */
    bool percent;           /* written with '%' */
    double tolerance;       /* in the range's unit */
    uint32_t seeds;
    const char *results;    /* the results file the runs went to */
    const an_frontier_row *rows;
    size_t row_count;
} an_frontier_doc;

/* Writes the HTML to out.  Returns 0 or -1 when writing failed. */
int an_frontier_write_html(const an_frontier_doc *d, FILE *out);

/* an_frontier_write_html into `path` (an_outfile).  Returns 0, or
** AN_ERR_REFUSED / AN_ERR_IO (an_error.h) with a message in err (the
** target is then as it was). */
int an_frontier_write_html_file(const an_frontier_doc *d, const char *path, char *err, size_t err_len);

#endif
