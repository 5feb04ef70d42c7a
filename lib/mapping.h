/* Internal: pieces shared by the numa_maps and maps parsers. */
#ifndef NUMAMIG_MAPPING_H
#define NUMAMIG_MAPPING_H

#include <stddef.h>
#include <stdint.h>

#include "numamig.h"

/* Sets mapping->type from what numa_maps and (once joined) maps say. */
void mapping_classify(struct numamig_mapping *mapping);

/* A path as the kernel escapes it (octal "\040" for a space), unescaped
 * into a new string. */
char *mapping_unescape(const char *text, size_t length);

/* The mapping of map that starts at start, or NULL; mappings are in
 * address order. Like strchr, it takes a const map and returns a mapping
 * the caller may change if its map is its own. */
struct numamig_mapping *mapping_find(const struct numamig_memory_map *map, uint64_t start);

#endif
