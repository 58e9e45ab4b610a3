/*
** Region matrices: named regions and a fixed one-way base delay for every
** ordered pair, loaded from a CSV file such as
** data/latency/aws-13-regions-oneway-ms.csv (row = sender, column =
** receiver, milliseconds).  The latency models (latency.h) add jitter on top.
**
** Format accepted:
**   - the first non-blank line is a header: a corner cell (any text, e.g.
**     "From/to") followed by N >= 1 distinct region names;
**   - then exactly N rows, each "name,v1,...,vN" where name is one of the
**     header names (each exactly once, any order) and vj is the delay from
**     that region to the j-th header region in milliseconds: a non-negative
**     decimal with at most 6 fractional digits (exact to the nanosecond, no
**     binary floating point), at most 3600000 (one hour);
**   - blank lines and lines starting with '#' are ignored; CR-LF line ends
**     and spaces around cells are accepted; quoted cells are not.
** Any violation is an error with its 1-based line and column.
**
** Names are matched case-insensitively.  For the AWS data set, the AWS
** region codes are accepted as aliases of the CSV names (us-east-1 for
** N_Virginia, ca-central-1 for Canada, us-west-1 for N_California,
** eu-west-2 for London, us-west-2 for Oregon, eu-west-1 for Ireland,
** eu-central-1 for Frankfurt, sa-east-1 for S_Paulo, ap-northeast-1 for
** Tokyo, ap-south-1 for Mumbai, ap-southeast-2 for Sydney, ap-northeast-2 for
** Seoul, ap-southeast-1 for Singapore).
*/
#ifndef SIM_REGIONS_H
#define SIM_REGIONS_H

#include <stddef.h>
#include <stdint.h>

#define SIM_REGION_NONE UINT32_MAX
#define SIM_REGIONS_MAX 1024u

typedef struct sim_regions sim_regions;

/* Where and why a load failed.  line/col are 1-based; line 0 means the file
** as a whole (cannot be opened or read, out of memory). */
typedef struct sim_regions_error {
    uint32_t line;
    uint32_t col;
    char message[256];
} sim_regions_error;

/* Loads a matrix from a file.  Returns NULL and fills *err on failure. */
sim_regions *sim_regions_load(const char *path, sim_regions_error *err);
/* Same, from text[0..len). */
sim_regions *sim_regions_parse(const char *text, size_t len, sim_regions_error *err);
void sim_regions_free(sim_regions *r);

uint32_t sim_regions_count(const sim_regions *r);
/* The name as written in the header; asserts i < count. */
const char *sim_regions_name(const sim_regions *r, uint32_t i);
/* The index of `name` (or of an AWS code alias), or SIM_REGION_NONE. */
uint32_t sim_regions_find(const sim_regions *r, const char *name);
/* The base one-way delay from region `from` to region `to`, in ns. */
uint64_t sim_regions_base_ns(const sim_regions *r, uint32_t from, uint32_t to);

#endif
