/* Internal: pieces shared by the numa_maps and maps parsers. */
#ifndef NUMAMIG_MAPPING_H
#define NUMAMIG_MAPPING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "numamig.h"

/*
 * The kind of a mapping: hugetlbfs when huge, the heap or the stack when
 * numa_maps says so (location), shmem or file by its path, shmem when
 * maps says it is shared and it has no path, else anon.
 */
enum numamig_mapping_type mapping_type(bool huge, enum numamig_mapping_type location,
				       const char *path, bool shared);

/* Sets mapping->type from what numa_maps and (once joined) maps say. */
void mapping_classify(struct numamig_mapping *mapping);

/* A path as the kernel escapes it (octal "\040" for a space), unescaped
 * into a new string. */
char *mapping_unescape(const char *text, size_t length);
/* The same into out (length bytes at most, no NUL added; out may be text
 * itself: the result is never longer); returns the length written. */
size_t mapping_unescape_into(char *out, const char *text, size_t length);

/* One numa_maps line, parsed in place: spans of the text, nothing
 * allocated. Counters in the order anon, dirty, mapped, mapmax,
 * swapcache, active, writeback. */
#define NUMA_MAPS_COUNTERS 7
struct numa_maps_line {
	uint64_t start;
	const char *policy;
	size_t policy_length;
	const char *path;		/* as the kernel escapes it; NULL when none */
	size_t path_length;
	enum numamig_mapping_type location;	/* NUMAMIG_MAPPING_ANON, _HEAP or _STACK */
	bool huge;
	uint64_t page_size;		/* bytes; 0 when no counts */
	uint64_t counters[NUMA_MAPS_COUNTERS];
	size_t node_count;
	struct numamig_node_pages nodes[NUMAMIG_MAX_NODES];	/* ascending; last */
};

/* Reads numa_maps a line at a time, checking each as a whole-file parse
 * does (numbered lines, addresses ascending). Start it zeroed, with error
 * set; 16 KiB, so not on the stack. */
struct numa_maps_reader {
	struct numamig_error *error;
	unsigned number;		/* of the line last read */
	uint64_t previous_start;
	struct numa_maps_line line;	/* the line last read */
};

/* Parses the next line (length bytes without its newline; complete when
 * it had one, and then text[length] must be that '\n') into reader->line:
 * 0, or -EINVAL and error names the line. */
int numa_maps_reader_next(struct numa_maps_reader *reader, const char *text, size_t length,
			  bool complete);

/* Adds bytes of a mapping of type on node to the sums (nodes out of range are left out). */
void placement_add(struct numamig_placement *placement, enum numamig_mapping_type type, int node,
		   uint64_t bytes);

/* The mapping of map that starts at start, or NULL; mappings are in
 * address order. Like strchr, it takes a const map and returns a mapping
 * the caller may change if its map is its own. */
struct numamig_mapping *mapping_find(const struct numamig_memory_map *map, uint64_t start);

#endif
