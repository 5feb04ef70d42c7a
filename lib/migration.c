/*
 * What a whole-process move did, worked out after it: the placement a
 * plan leads to, and the reasons for what stayed, from a full target or
 * from the page engine's own count of each page.
 */
#include "config.h"

#include <string.h>

#include "numamig.h"

void numamig_plan_placement(const struct numamig_placement *before,
			    const struct numamig_plan *plan, struct numamig_placement *after)
{
	if (after != before)
		memcpy(after, before, sizeof(*after));
	for (int node = 0; node < NUMAMIG_MAX_NODES; node++)
		after->node_bytes[node] = before->node_bytes[node] - plan->leaving[node] +
					  plan->arriving[node];
}

void numamig_migration_target_full(struct numamig_migration_result *result)
{
	result->stayed_by_outcome[NUMAMIG_OUTCOME_NO_MEMORY] +=
		result->stayed_by_outcome[NUMAMIG_OUTCOME_FAILED];
	result->stayed_by_outcome[NUMAMIG_OUTCOME_FAILED] = 0;
	for (int node = 0; node < NUMAMIG_MAX_NODES; node++) {
		result->stayed_on_node[node][NUMAMIG_OUTCOME_NO_MEMORY] +=
			result->stayed_on_node[node][NUMAMIG_OUTCOME_FAILED];
		result->stayed_on_node[node][NUMAMIG_OUTCOME_FAILED] = 0;
	}
}

void numamig_migration_take_pages(struct numamig_migration_result *result,
				  const struct numamig_page_result *pages)
{
	int reasons = 0, only = NUMAMIG_OUTCOME_FAILED, stayed_node = -1;

	memset(result->stayed_by_outcome, 0, sizeof(result->stayed_by_outcome));
	result->stayed = 0;
	for (int outcome = 0; outcome < NUMAMIG_OUTCOME_COUNT; outcome++) {
		if (!numamig_outcome_is_shortfall(outcome) || pages->bytes[outcome] == 0)
			continue;
		result->stayed_by_outcome[outcome] = pages->bytes[outcome];
		result->stayed += pages->bytes[outcome];
		reasons++;
		only = outcome;
	}
	result->moved = pages->bytes[NUMAMIG_OUTCOME_MOVED];
	for (int node = 0; node < NUMAMIG_MAX_NODES; node++) {
		uint64_t on_node = 0;

		for (int outcome = 0; outcome < NUMAMIG_OUTCOME_COUNT; outcome++)
			on_node += result->stayed_on_node[node][outcome];
		memset(result->stayed_on_node[node], 0, sizeof(result->stayed_on_node[node]));
		if (on_node && stayed_node == -1)
			stayed_node = node;
		else if (on_node)
			stayed_node = -2;
		result->stayed_on_node[node][reasons == 1 ? only : NUMAMIG_OUTCOME_FAILED] =
			on_node;
	}
	/* Several reasons, and one node where pages stayed: they are all
	 * that node's, rather than "failed" (shared pages and a full target). */
	if (reasons > 1 && stayed_node >= 0)
		memcpy(result->stayed_on_node[stayed_node], result->stayed_by_outcome,
		       sizeof(result->stayed_by_outcome));
}
