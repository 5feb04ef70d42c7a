/* Per-node sums of a process's memory, the numbers every tool prints. */
#include "config.h"

#include <string.h>

#include "mapping.h"
#include "numamig.h"

void placement_add(struct numamig_placement *placement, enum numamig_mapping_type type, int node,
		   uint64_t bytes)
{
	if (node < 0 || node >= NUMAMIG_MAX_NODES)
		return;
	placement->total += bytes;
	placement->node_bytes[node] += bytes;
	placement->type_bytes[type] += bytes;
	placement->type_node_bytes[type][node] += bytes;
}

void numamig_placement_of_map(const struct numamig_memory_map *map,
			      struct numamig_placement *placement)
{
	memset(placement, 0, sizeof(*placement));
	for (size_t index = 0; index < map->count; index++) {
		const struct numamig_mapping *mapping = &map->mappings[index];

		for (size_t entry = 0; entry < mapping->node_count; entry++)
			placement_add(placement, mapping->type, mapping->nodes[entry].node,
				      mapping->nodes[entry].pages * mapping->page_size);
	}
}

void numamig_placement_nodes(const struct numamig_placement *placement,
			     struct numamig_nodes *nodes)
{
	numamig_nodes_clear(nodes);
	for (int node = 0; node < NUMAMIG_MAX_NODES; node++)
		if (placement->node_bytes[node])
			numamig_nodes_add(nodes, node);
}
