/* numamaps' default table: a row per mapping of each process. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>

#include "messages.h"
#include "numamaps.h"
#include "output.h"

enum {
	COLUMN_PID,
	COLUMN_COMMAND,
	COLUMN_ADDRESS,
	COLUMN_SIZE,
	COLUMN_PERMISSIONS,
	COLUMN_POLICY,
	COLUMN_TYPE,
	COLUMN_NODES,
	COLUMN_TOTAL,
	COLUMN_ANON,
	COLUMN_DIRTY,
	COLUMN_SWAPCACHE,
	COLUMN_MAPMAX,
	COLUMN_PAGESIZE,
	COLUMN_MAPPING,
};

static const struct output_column columns[] = {
	[COLUMN_PID] = { "PID", 5, SCOLS_FL_RIGHT, OUTPUT_NUMBER, "process ID", NULL },
	[COLUMN_COMMAND] = { "COMMAND", 0.1, SCOLS_FL_TRUNC, OUTPUT_STRING, "command name", NULL },
	[COLUMN_ADDRESS] = { "ADDRESS", 0.2, 0, OUTPUT_STRING,
			     "start-end addresses as /proc/PID/maps prints them", NULL },
	[COLUMN_SIZE] = { "SIZE", 5, SCOLS_FL_RIGHT, OUTPUT_SIZE, "size of the address range", NULL },
	[COLUMN_PERMISSIONS] = { "PERMS", 4, 0, OUTPUT_STRING, "permissions (rwxp/rwxs)", NULL },
	[COLUMN_POLICY] = { "POLICY", 0.1, 0, OUTPUT_STRING, "memory policy", NULL },
	[COLUMN_TYPE] = { "TYPE", 7, 0, OUTPUT_STRING,
			  "anon, heap, stack, file, shmem or hugetlb", NULL },
	[COLUMN_NODES] = { "NODES", 5, SCOLS_FL_RIGHT, OUTPUT_SIZE, "memory on each node", "N" },
	[COLUMN_TOTAL] = { "TOTAL", 5, SCOLS_FL_RIGHT, OUTPUT_SIZE, "memory on all nodes", NULL },
	[COLUMN_ANON] = { "ANON", 5, SCOLS_FL_RIGHT, OUTPUT_SIZE, "anonymous pages", NULL },
	[COLUMN_DIRTY] = { "DIRTY", 5, SCOLS_FL_RIGHT, OUTPUT_SIZE, "dirty pages", NULL },
	[COLUMN_SWAPCACHE] = { "SWAPCACHE", 5, SCOLS_FL_RIGHT, OUTPUT_SIZE,
			       "pages in the swap cache", NULL },
	[COLUMN_MAPMAX] = { "MAPMAX", 3, SCOLS_FL_RIGHT, OUTPUT_NUMBER,
			    "most processes mapping one of its pages", NULL },
	[COLUMN_PAGESIZE] = { "PAGESIZE", 4, SCOLS_FL_RIGHT, OUTPUT_SIZE, "page size", NULL },
	[COLUMN_MAPPING] = { "MAPPING", 0.3, 0, OUTPUT_STRING,
			     "file, [heap] or [stack]; empty for anonymous memory", NULL },
};

static const struct output_table table = {
	.name = "mappings",
	.columns = columns,
	.count = sizeof(columns) / sizeof(columns[0]),
	.defaults = "ADDRESS,SIZE,POLICY,TYPE,NODES,TOTAL,MAPPING",
};

/* With several processes each row says whose it is. */
static const char several_processes_defaults[] = "PID,ADDRESS,SIZE,POLICY,TYPE,NODES,TOTAL,MAPPING";

char *mappings_columns_help(void)
{
	return output_columns_help(&table);
}

const char *numamaps_mapping_name(const struct numamig_mapping *mapping)
{
	switch (mapping->type) {
	case NUMAMIG_MAPPING_HEAP:
		return "[heap]";
	case NUMAMIG_MAPPING_STACK:
		return "[stack]";
	default:
		return mapping->path;
	}
}

static void add_row(struct output *output, const struct numamaps_control *control,
		    const struct numamig_process *process, const struct numamig_mapping *mapping)
{
	struct libscols_line *row = output_row_new(output, NULL);
	char address[64];
	int node;

	if (!row)
		return;
	output_set_number(row, COLUMN_PID, (uint64_t)numamig_process_pid(process));
	output_set_string(row, COLUMN_COMMAND, numamig_process_command(process));
	if (mapping->end > mapping->start) {
		snprintf(address, sizeof(address), "%08" PRIx64 "-%08" PRIx64, mapping->start,
			 mapping->end);
		output_set_number(row, COLUMN_SIZE, mapping->end - mapping->start);
	} else
		snprintf(address, sizeof(address), "%08" PRIx64, mapping->start);
	output_set_string(row, COLUMN_ADDRESS, address);
	if (mapping->permissions[0])
		output_set_string(row, COLUMN_PERMISSIONS, mapping->permissions);
	output_set_string(row, COLUMN_POLICY, mapping->policy);
	output_set_string(row, COLUMN_TYPE, numamig_mapping_type_name(mapping->type));
	for (node = numamig_nodes_next(&control->nodes, -1); node >= 0;
	     node = numamig_nodes_next(&control->nodes, node))
		output_set_node(row, COLUMN_NODES, node, numamig_mapping_node_bytes(mapping, node));
	output_set_number(row, COLUMN_TOTAL, numamig_mapping_total_bytes(mapping));
	output_set_number(row, COLUMN_ANON, mapping->anon * mapping->page_size);
	output_set_number(row, COLUMN_DIRTY, mapping->dirty * mapping->page_size);
	output_set_number(row, COLUMN_SWAPCACHE, mapping->swapcache * mapping->page_size);
	output_set_number(row, COLUMN_MAPMAX, mapping->mapmax);
	if (mapping->page_size)
		output_set_number(row, COLUMN_PAGESIZE, mapping->page_size);
	output_set_string(row, COLUMN_MAPPING, numamaps_mapping_name(mapping));
}

int mappings_print(const struct numamaps_control *control)
{
	struct output_table chosen = table;
	struct output *output;
	size_t process, mapping;
	int status;

	chosen.nodes = &control->nodes;
	if (control->pid_count > 1)
		chosen.defaults = several_processes_defaults;
	output = output_new(&chosen, &control->common);
	if (!output)
		return -EINVAL;
	for (process = 0; process < control->process_count; process++) {
		const struct numamaps_process *read = &control->processes[process];

		for (mapping = 0; mapping < read->map->count; mapping++)
			add_row(output, control, read->process, &read->map->mappings[mapping]);
	}
	/* Made even then, so that a bad -o is reported. */
	status = control->process_count ? output_print(output) : 0;
	output_free(output);
	return status;
}
