/*
 * numamaps --diff A B: what changed from A to B, each a snapshot file
 * (--save) or a live PID read now, by mapping and by node.
 *
 * Start addresses do not identify mappings across time: mbind, mprotect
 * and mlock split a mapping in pieces and the kernel merges neighbours
 * back. So mappings are matched by address overlap: the mappings of A and
 * of B that overlap each other, directly or through a chain, form one
 * group, shown as one row spanning their union, with the change on each
 * node = what B has there minus what A had. STATUS says what became of
 * the group's mappings: same, resized, split, merged, reshaped (several
 * to several), new (only in B) or gone (only in A). Groups where nothing
 * changed are left out; a last row, STATUS "total", has the change of the
 * whole process on each node.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "messages.h"
#include "numamaps.h"
#include "output.h"
#include "snapshot.h"

enum {
	COLUMN_ADDRESS,
	COLUMN_SIZE,
	COLUMN_STATUS,
	COLUMN_TYPE,
	COLUMN_POLICY,
	COLUMN_NODES,
	COLUMN_CHANGE,
	COLUMN_BEFORE,
	COLUMN_AFTER,
	COLUMN_MAPPINGS,
	COLUMN_MAPPING,
};

static const struct output_column columns[] = {
	[COLUMN_ADDRESS] = { "ADDRESS", 0.2, 0, OUTPUT_STRING,
			     "start-end of the mappings compared (their union)", NULL },
	[COLUMN_SIZE] = { "SIZE", 5, SCOLS_FL_RIGHT, OUTPUT_SIZE, "size of that range", NULL },
	[COLUMN_STATUS] = { "STATUS", 8, 0, OUTPUT_STRING,
			    "same, resized, split, merged, reshaped, new, gone, or total", NULL },
	[COLUMN_TYPE] = { "TYPE", 7, 0, OUTPUT_STRING,
			  "anon, heap, stack, file, shmem, hugetlb, or mixed", NULL },
	[COLUMN_POLICY] = { "POLICY", 0.1, 0, OUTPUT_STRING, "memory policy in B (or A if gone)",
			    NULL },
	[COLUMN_NODES] = { "NODES", 6, SCOLS_FL_RIGHT, OUTPUT_DELTA, "change on each node", "N" },
	[COLUMN_CHANGE] = { "CHANGE", 6, SCOLS_FL_RIGHT, OUTPUT_DELTA, "change on all nodes",
			    NULL },
	[COLUMN_BEFORE] = { "BEFORE", 5, SCOLS_FL_RIGHT, OUTPUT_SIZE, "memory in A", NULL },
	[COLUMN_AFTER] = { "AFTER", 5, SCOLS_FL_RIGHT, OUTPUT_SIZE, "memory in B", NULL },
	[COLUMN_MAPPINGS] = { "MAPPINGS", 5, SCOLS_FL_RIGHT, OUTPUT_STRING,
			      "how many mappings in A and in B: 1>3", NULL },
	[COLUMN_MAPPING] = { "MAPPING", 0.3, 0, OUTPUT_STRING,
			     "file, [heap] or [stack]; empty for anonymous memory", NULL },
};

static const struct output_table table = {
	.name = "diff",
	.columns = columns,
	.count = sizeof(columns) / sizeof(columns[0]),
	.defaults = "ADDRESS,STATUS,TYPE,NODES,CHANGE,MAPPING",
};

char *diff_columns_help(void)
{
	return output_columns_help(&table);
}

/* One side of the comparison: a snapshot's only process, or a live one. */
struct side {
	const char *argument;
	struct snapshot *snapshot;
	struct numamaps_process live;
	const struct numamig_memory_map *map;
	pid_t pid;
	const char *command;
	struct numamig_nodes nodes;	/* with memory */
};

/* Bytes per node of a group of mappings, A's and B's. */
struct group {
	uint64_t start, end;
	size_t before_count, after_count;
	const struct numamig_mapping *first;	/* for TYPE, MAPPING: B's if any */
	bool mixed_types;
	uint64_t before[NUMAMIG_MAX_NODES];
	uint64_t after[NUMAMIG_MAX_NODES];
	uint64_t before_total, after_total;
};

/* A PID is all digits; anything else names a file (write ./123 for a file named 123). */
static bool is_pid(const char *argument)
{
	return argument[0] && strspn(argument, "0123456789") == strlen(argument);
}

static int open_snapshot_side(struct side *side)
{
	struct numamig_error error = { 0 };
	int status = snapshot_load(side->argument, &side->snapshot, &error), node;

	if (status < 0) {
		message_warn_library(&error, status, "cannot read snapshot '%s'", side->argument);
		return status;
	}
	if (side->snapshot->process_count != 1) {
		message_warn("snapshot '%s' holds %zu processes: --diff compares one "
			     "(save one PID per snapshot)",
			     side->argument, side->snapshot->process_count);
		return -EINVAL;
	}
	side->map = side->snapshot->processes[0].map;
	side->pid = side->snapshot->processes[0].pid;
	side->command = side->snapshot->processes[0].command;
	for (node = 0; (size_t)node < side->snapshot->node_count; node++)
		if (side->snapshot->nodes[node].memory)
			numamig_nodes_add(&side->nodes, side->snapshot->nodes[node].node);
	return 0;
}

static int open_side(const struct numamaps_control *control,
		     const struct numamig_topology *topology, struct side *side)
{
	long pid;
	int status;

	if (!is_pid(side->argument))
		return open_snapshot_side(side);
	errno = 0;
	pid = strtol(side->argument, NULL, 10);
	if (errno || pid < 1 || pid > INT32_MAX) {
		message_warn("invalid PID '%s'", side->argument);
		return -EINVAL;
	}
	status = numamaps_read_process(control, (pid_t)pid, &side->live);
	if (status < 0)
		return status;
	side->map = side->live.map;
	side->pid = (pid_t)pid;
	side->command = numamig_process_command(side->live.process);
	side->nodes = *numamig_topology_with_memory(topology);
	return 0;
}

static void close_side(struct side *side)
{
	snapshot_free(side->snapshot);
	numamig_memory_map_free(side->live.map);
	numamig_process_free(side->live.process);
}

static uint64_t end_of(const struct numamig_mapping *mapping)
{
	/* Without /proc/PID/maps the end is unknown: a mapping is then its start. */
	return mapping->end > mapping->start ? mapping->end : mapping->start + 1;
}

static void add_to_group(struct group *group, const struct numamig_mapping *mapping, bool after)
{
	uint64_t *bytes = after ? group->after : group->before;

	if (group->before_count + group->after_count == 0) {
		group->start = mapping->start;
		group->end = end_of(mapping);
		group->first = mapping;
	}
	if (mapping->start < group->start)
		group->start = mapping->start;
	if (end_of(mapping) > group->end)
		group->end = end_of(mapping);
	if (mapping->type != group->first->type)
		group->mixed_types = true;
	if (after && group->after_count == 0)
		group->first = mapping;
	for (size_t i = 0; i < mapping->node_count; i++) {
		uint64_t node_bytes = mapping->nodes[i].pages * mapping->page_size;

		bytes[mapping->nodes[i].node] += node_bytes;
		*(after ? &group->after_total : &group->before_total) += node_bytes;
	}
	if (after)
		group->after_count++;
	else
		group->before_count++;
}

static const char *group_status(const struct group *group)
{
	if (group->before_count == 0)
		return "new";
	if (group->after_count == 0)
		return "gone";
	if (group->before_count == 1 && group->after_count == 1)
		return group->first->start == group->start && end_of(group->first) == group->end
			       ? "same"
			       : "resized";
	if (group->before_count == 1)
		return "split";
	if (group->after_count == 1)
		return "merged";
	return "reshaped";
}

static bool group_changed(const struct group *group, const struct numamig_nodes *nodes)
{
	int node;

	if (strcmp(group_status(group), "same") != 0)
		return true;
	for (node = numamig_nodes_next(nodes, -1); node >= 0; node = numamig_nodes_next(nodes, node))
		if (group->before[node] != group->after[node])
			return true;
	return false;
}

static void add_group_row(struct output *output, const struct numamig_nodes *nodes,
			  const struct group *group)
{
	struct libscols_line *row = output_row_new(output, NULL);
	char address[64], counts[48];
	int node;

	if (!row)
		return;
	snprintf(address, sizeof(address), "%08" PRIx64 "-%08" PRIx64, group->start, group->end);
	snprintf(counts, sizeof(counts), "%zu>%zu", group->before_count, group->after_count);
	output_set_string(row, COLUMN_ADDRESS, address);
	output_set_number(row, COLUMN_SIZE, group->end - group->start);
	output_set_string(row, COLUMN_STATUS, group_status(group));
	output_set_string(row, COLUMN_TYPE, group->mixed_types ? "mixed"
					    : numamig_mapping_type_name(group->first->type));
	output_set_string(row, COLUMN_POLICY, group->first->policy);
	for (node = numamig_nodes_next(nodes, -1); node >= 0; node = numamig_nodes_next(nodes, node))
		output_set_node_delta(row, COLUMN_NODES, node,
				      (int64_t)(group->after[node] - group->before[node]));
	output_set_delta(row, COLUMN_CHANGE, (int64_t)(group->after_total - group->before_total));
	output_set_number(row, COLUMN_BEFORE, group->before_total);
	output_set_number(row, COLUMN_AFTER, group->after_total);
	output_set_string(row, COLUMN_MAPPINGS, counts);
	output_set_string(row, COLUMN_MAPPING, numamaps_mapping_name(group->first));
}

/*
 * Walks both maps in address order (numa_maps lists mappings ascending,
 * and snapshots are checked to). A group starts with the lowest mapping
 * left and takes in every mapping of either side that starts before the
 * group's end; the union stays one interval, so this finds exactly the
 * connected groups of overlapping mappings. total gathers every group.
 */
static void compare(const struct numamig_memory_map *before,
		    const struct numamig_memory_map *after, const struct numamig_nodes *nodes,
		    struct output *output, struct group *group, struct group *total)
{
	size_t in_before = 0, in_after = 0;

	while (in_before < before->count || in_after < after->count) {
		memset(group, 0, sizeof(*group));
		if (in_after == after->count ||
		    (in_before < before->count &&
		     before->mappings[in_before].start <= after->mappings[in_after].start))
			add_to_group(group, &before->mappings[in_before++], false);
		else
			add_to_group(group, &after->mappings[in_after++], true);
		for (;;) {
			if (in_before < before->count && before->mappings[in_before].start < group->end)
				add_to_group(group, &before->mappings[in_before++], false);
			else if (in_after < after->count &&
				 after->mappings[in_after].start < group->end)
				add_to_group(group, &after->mappings[in_after++], true);
			else
				break;
		}
		for (int node = 0; node < NUMAMIG_MAX_NODES; node++) {
			total->before[node] += group->before[node];
			total->after[node] += group->after[node];
		}
		total->before_total += group->before_total;
		total->after_total += group->after_total;
		if (group_changed(group, nodes))
			add_group_row(output, nodes, group);
	}
}

static void add_total_row(struct output *output, const struct numamig_nodes *nodes,
			  const struct group *total)
{
	struct libscols_line *row = output_row_new(output, NULL);
	int node;

	if (!row)
		return;
	output_set_string(row, COLUMN_STATUS, "total");
	for (node = numamig_nodes_next(nodes, -1); node >= 0; node = numamig_nodes_next(nodes, node))
		output_set_node_delta(row, COLUMN_NODES, node,
				      (int64_t)(total->after[node] - total->before[node]));
	output_set_delta(row, COLUMN_CHANGE, (int64_t)(total->after_total - total->before_total));
	output_set_number(row, COLUMN_BEFORE, total->before_total);
	output_set_number(row, COLUMN_AFTER, total->after_total);
}

/* Nodes with memory on either side, and any node holding pages on either. */
static void choose_nodes(const struct side *sides, struct numamig_nodes *nodes)
{
	numamig_nodes_or(nodes, &sides[0].nodes, &sides[1].nodes);
	for (int side = 0; side < 2; side++)
		for (size_t index = 0; index < sides[side].map->count; index++) {
			const struct numamig_mapping *mapping = &sides[side].map->mappings[index];

			for (size_t entry = 0; entry < mapping->node_count; entry++)
				numamig_nodes_add(nodes, mapping->nodes[entry].node);
		}
}

static int print_diff(const struct numamaps_control *control, const struct side *sides)
{
	struct output_table chosen = table;
	struct numamig_nodes nodes;
	struct output *output;
	/* Two of them hold 16 KiB of counters per node each: not on the stack. */
	struct group *groups = calloc(2, sizeof(*groups));
	int status;

	if (!groups) {
		message_warn_code(ENOMEM, "cannot compare");
		return -ENOMEM;
	}
	choose_nodes(sides, &nodes);
	chosen.nodes = &nodes;
	output = output_new(&chosen, &control->common);
	if (!output) {
		free(groups);
		return -EINVAL;
	}
	compare(sides[0].map, sides[1].map, &nodes, output, &groups[0], &groups[1]);
	add_total_row(output, &nodes, &groups[1]);
	status = output_print(output);
	output_free(output);
	free(groups);
	return status;
}

int diff_run(const struct numamaps_control *control)
{
	struct side sides[2] = { { .argument = control->diff_sides[0] },
				 { .argument = control->diff_sides[1] } };
	struct numamig_topology *topology = NULL;
	struct numamig_error error = { 0 };
	int status = 0;

	if (is_pid(sides[0].argument) || is_pid(sides[1].argument)) {
		status = numamig_topology_load(control->common.sysroot, &topology, &error);
		if (status < 0)
			message_warn_library(&error, status, "cannot read the NUMA topology");
	}
	if (status == 0)
		status = open_side(control, topology, &sides[0]);
	if (status == 0)
		status = open_side(control, topology, &sides[1]);
	numamig_topology_free(topology);
	if (status == 0) {
		if (sides[0].pid != sides[1].pid)
			message_verbose(1, "comparing PID %d (%s) with PID %d (%s)", (int)sides[0].pid,
					sides[0].command, (int)sides[1].pid, sides[1].command);
		status = print_diff(control, sides);
	}
	close_side(&sides[0]);
	close_side(&sides[1]);
	return status < 0 ? NUMAMIG_EXIT_FAILURE : NUMAMIG_EXIT_SUCCESS;
}
