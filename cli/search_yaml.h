/*
** Writing a scenario tree back as block YAML (`xrsim search`'s shrunk
** scenario): mappings and lists in block style, any node whose flow form
** fits the line in flow style, scalars as sim_ynode_to_flow writes them
** (plain ones keep their units), so the file loads back as the same tree.
*/
#ifndef XRSIM_CLI_SEARCH_YAML_H
#define XRSIM_CLI_SEARCH_YAML_H

#include <stdbool.h>
#include <stdio.h>

#include "ytree.h"

/* Writes the top-level mapping `root` to f, leaving out the keys in `skip`
** (NULL-terminated) and writing `name` for the key name (NULL: as it is).
** False when out of memory or a write failed. */
bool cli_search_yaml_write(FILE *f, const sim_ynode *root, const char *const *skip, const char *name);

#endif
