/*
 * Whole-process migration on paper: what would move where (the plan, for
 * --dry-run and as the yardstick), and what did, worked out from the
 * placements before and after (the kernel's migrate_pages(2) returns only
 * a count of failures and keeps quiet about the pages it skipped).
 */
#include "config.h"

#include <string.h>

#include "mapping.h"
#include "numamig.h"

void numamig_plan_make(const struct numamig_memory_map *map, const struct numamig_nodes *from,
		       const struct numamig_nodes *to, struct numamig_plan *plan)
{
	memset(plan, 0, sizeof(*plan));
	for (int node = 0; node < NUMAMIG_MAX_NODES; node++)
		plan->target[node] = -1;
	for (int node = numamig_nodes_next(from, -1); node >= 0; node = numamig_nodes_next(from, node))
		plan->target[node] = numamig_nodes_map_target(from, to, node);

	for (size_t index = 0; index < map->count; index++) {
		const struct numamig_mapping *mapping = &map->mappings[index];

		for (size_t entry = 0; entry < mapping->node_count; entry++) {
			int node = mapping->nodes[entry].node;
			uint64_t bytes = mapping->nodes[entry].pages * mapping->page_size;

			if (node < 0 || node >= NUMAMIG_MAX_NODES || plan->target[node] < 0)
				continue;
			plan->total += bytes;
			plan->leaving[node] += bytes;
			plan->arriving[plan->target[node]] += bytes;
			if (mapping->mapmax > 1)
				plan->shared[node] += bytes;
		}
	}
}

/* Bytes the plan sends to node from this mapping as it was before. */
static uint64_t arriving_bytes(const struct numamig_plan *plan,
			       const struct numamig_mapping *before, int node)
{
	uint64_t bytes = 0;

	for (size_t entry = 0; entry < before->node_count; entry++) {
		int source = before->nodes[entry].node;

		if (source >= 0 && source < NUMAMIG_MAX_NODES && plan->target[source] == node)
			bytes += before->nodes[entry].pages * before->page_size;
	}
	return bytes;
}

void numamig_migration_compare(const struct numamig_plan *plan,
				const struct numamig_memory_map *before,
				const struct numamig_memory_map *after, bool shared_moved,
				struct numamig_migration_result *result)
{
	memset(result, 0, sizeof(*result));
	for (size_t index = 0; index < after->count; index++) {
		const struct numamig_mapping *now = &after->mappings[index];
		/* A mapping made during the move held none of the pages to move. */
		const struct numamig_mapping *then = mapping_find(before, now->start);
		enum numamig_outcome outcome = NUMAMIG_OUTCOME_FAILED;

		if (!then)
			continue;
		if (!shared_moved && (now->mapmax > 1 || then->mapmax > 1))
			outcome = NUMAMIG_OUTCOME_SHARED;
		for (size_t entry = 0; entry < now->node_count; entry++) {
			int node = now->nodes[entry].node;
			uint64_t present, expected, was, stayed;

			if (node < 0 || node >= NUMAMIG_MAX_NODES || plan->target[node] < 0)
				continue;
			present = now->nodes[entry].pages * now->page_size;
			expected = arriving_bytes(plan, then, node);
			was = numamig_mapping_node_bytes(then, node);
			if (present <= expected)
				continue;
			stayed = present - expected;
			/* what the mapping gained since is not what stayed */
			if (stayed > was)
				stayed = was;
			result->stayed += stayed;
			result->stayed_by_outcome[outcome] += stayed;
			result->stayed_on_node[node][outcome] += stayed;
		}
	}
	result->moved = plan->total > result->stayed ? plan->total - result->stayed : 0;
}
