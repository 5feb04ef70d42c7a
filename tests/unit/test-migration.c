/*
 * The arithmetic of a whole-process move (lib/migration.c) and the one
 * target check of both moving tools (numamig_targets_check, lib/migrate.c).
 */
#include "config.h"

#include <errno.h>

#include "numamig.h"
#include "tap.h"

static struct numamig_placement before, after;
static struct numamig_plan plan;
static struct numamig_migration_result result;
static struct numamig_page_result pages;

static void test_plan_placement(void)
{
	memset(&before, 0, sizeof(before));
	memset(&plan, 0, sizeof(plan));
	before.total = 150;
	before.node_bytes[0] = 100;
	before.node_bytes[1] = 50;
	before.type_bytes[NUMAMIG_MAPPING_ANON] = 150;
	plan.leaving[0] = 60;
	plan.arriving[1] = 40;
	plan.arriving[2] = 20;
	numamig_plan_placement(&before, &plan, &after);
	is_u64(after.node_bytes[0], 40, "planned: node 0 keeps what does not leave");
	is_u64(after.node_bytes[1], 90, "planned: node 1 gets what arrives");
	is_u64(after.node_bytes[2], 20, "planned: node 2 too");
	is_u64(after.total, 150, "planned: the total is the same");
	is_u64(after.type_bytes[NUMAMIG_MAPPING_ANON], 150, "planned: the kinds are the same");
	numamig_plan_placement(&before, &plan, &before);
	is_u64(before.node_bytes[0], 40, "planned in place: after may be before");
}

static void test_target_full(void)
{
	memset(&result, 0, sizeof(result));
	result.stayed = 30 + 8;
	result.stayed_by_outcome[NUMAMIG_OUTCOME_FAILED] = 30;
	result.stayed_by_outcome[NUMAMIG_OUTCOME_SHARED] = 8;
	result.stayed_on_node[0][NUMAMIG_OUTCOME_FAILED] = 30;
	result.stayed_on_node[0][NUMAMIG_OUTCOME_SHARED] = 8;
	numamig_migration_target_full(&result);
	is_u64(result.stayed_by_outcome[NUMAMIG_OUTCOME_NO_MEMORY], 30,
	       "full target: what failed stayed for want of room");
	is_u64(result.stayed_by_outcome[NUMAMIG_OUTCOME_FAILED], 0, "full target: none failed");
	is_u64(result.stayed_by_outcome[NUMAMIG_OUTCOME_SHARED], 8, "full target: shared stays shared");
	is_u64(result.stayed_on_node[0][NUMAMIG_OUTCOME_NO_MEMORY], 30, "full target: by node too");
	is_u64(result.stayed, 38, "full target: as much stayed");
}

/* What numa_maps showed left on nodes, before the engine's outcomes are taken. */
static void stayed_on(int node, uint64_t bytes)
{
	result.stayed_on_node[node][NUMAMIG_OUTCOME_FAILED] = bytes;
}

static void test_take_pages(void)
{
	memset(&result, 0, sizeof(result));
	memset(&pages, 0, sizeof(pages));
	stayed_on(0, 12);
	stayed_on(1, 4);
	pages.bytes[NUMAMIG_OUTCOME_MOVED] = 100;
	pages.bytes[NUMAMIG_OUTCOME_BUSY] = 16;
	pages.bytes[NUMAMIG_OUTCOME_NOT_PRESENT] = 7;	/* no shortfall */
	numamig_migration_take_pages(&result, &pages);
	is_u64(result.moved, 100, "one reason: moved is the engine's count");
	is_u64(result.stayed, 16, "one reason: stayed is the shortfall");
	is_u64(result.stayed_by_outcome[NUMAMIG_OUTCOME_BUSY], 16, "one reason: busy");
	is_u64(result.stayed_by_outcome[NUMAMIG_OUTCOME_NOT_PRESENT], 0,
	       "one reason: not present is no shortfall");
	is_u64(result.stayed_on_node[0][NUMAMIG_OUTCOME_BUSY], 12, "one reason: node 0's are busy");
	is_u64(result.stayed_on_node[1][NUMAMIG_OUTCOME_BUSY], 4, "one reason: node 1's too");
	is_u64(result.stayed_on_node[0][NUMAMIG_OUTCOME_FAILED], 0, "one reason: none failed");

	memset(&result, 0, sizeof(result));
	memset(&pages, 0, sizeof(pages));
	stayed_on(2, 24);
	pages.bytes[NUMAMIG_OUTCOME_SHARED] = 8;
	pages.bytes[NUMAMIG_OUTCOME_NO_MEMORY] = 16;
	numamig_migration_take_pages(&result, &pages);
	is_u64(result.stayed, 24, "two reasons: both count");
	is_u64(result.stayed_on_node[2][NUMAMIG_OUTCOME_SHARED], 8,
	       "two reasons, one node: its shared pages");
	is_u64(result.stayed_on_node[2][NUMAMIG_OUTCOME_NO_MEMORY], 16,
	       "two reasons, one node: its pages without room");
	is_u64(result.stayed_on_node[2][NUMAMIG_OUTCOME_FAILED], 0, "two reasons, one node: none failed");

	memset(&result, 0, sizeof(result));
	stayed_on(0, 10);
	stayed_on(2, 14);
	numamig_migration_take_pages(&result, &pages);
	is_u64(result.stayed_on_node[0][NUMAMIG_OUTCOME_FAILED], 10,
	       "two reasons, two nodes: which is whose is not known");
	is_u64(result.stayed_on_node[2][NUMAMIG_OUTCOME_FAILED], 14, "two reasons, two nodes: node 2");
}

static void test_targets_check(void)
{
	struct numamig_topology *topology = NULL;
	struct numamig_process *process = NULL;
	struct numamig_error error = { 0 };
	struct numamig_nodes to;
	const char *sysroot = fixture("sysroot/four-nodes");

	if (numamig_topology_load(sysroot, &topology, &error) < 0 ||
	    numamig_process_open(sysroot, 5001, &process, &error) < 0) {
		ok(false, "four-nodes: %s", error.message);
		numamig_topology_free(topology);
		return;
	}
	numamig_nodes_clear(&to);
	is_int(numamig_targets_check(topology, process, &to, &error), -EINVAL, "no target: -EINVAL");
	is_string(error.message, "no node to move to", "no target: message");
	numamig_nodes_add(&to, 1);
	is_int(numamig_targets_check(topology, process, &to, &error), 0, "node 1 of the cpuset: fine");
	numamig_nodes_add(&to, 2);
	is_int(numamig_targets_check(topology, process, &to, &error), -EPERM,
	       "node 2 outside the cpuset: -EPERM");
	is_string(error.message, "node 2 is outside the cpuset of process 5001 (pinned) (mems: 0-1)",
		  "outside the cpuset: message");
	numamig_nodes_add(&to, 3);
	numamig_targets_check(topology, process, &to, &error);
	is_string(error.message, "nodes 2-3 are outside the cpuset of process 5001 (pinned) (mems: 0-1)",
		  "several outside: message");
	numamig_process_free(process);
	numamig_topology_free(topology);

	sysroot = fixture("sysroot/memoryless-node");
	if (numamig_topology_load(sysroot, &topology, &error) < 0 ||
	    numamig_process_open(sysroot, 5002, &process, &error) < 0) {
		ok(false, "memoryless-node: %s", error.message);
		numamig_topology_free(topology);
		return;
	}
	numamig_nodes_clear(&to);
	numamig_nodes_add(&to, 1);
	is_int(numamig_targets_check(topology, process, &to, &error), -EINVAL,
	       "a node without memory: -EINVAL");
	is_string(error.message, "node 1 has no memory", "without memory: message");
	numamig_process_free(process);
	numamig_topology_free(topology);
}

int main(void)
{
	test_plan_placement();
	test_target_full();
	test_take_pages();
	test_targets_check();
	return tap_done();
}
