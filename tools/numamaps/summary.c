/*
 * numamaps -s: numastat -p's view. For each process a row per kind of
 * memory (anon, heap, stack, file, shmem, hugetlb) and a total row, a
 * column per node. numastat -p puts file pages in "Private" with
 * anonymous ones; here they are apart.
 */
#include "config.h"

#include <errno.h>

#include "numamaps.h"
#include "output.h"

enum {
	COLUMN_PID,
	COLUMN_COMMAND,
	COLUMN_TYPE,
	COLUMN_NODES,
	COLUMN_TOTAL,
};

static const struct output_column columns[] = {
	[COLUMN_PID] = { "PID", 5, SCOLS_FL_RIGHT, OUTPUT_NUMBER, "process ID", NULL },
	[COLUMN_COMMAND] = { "COMMAND", 0.1, SCOLS_FL_TRUNC, OUTPUT_STRING, "command name", NULL },
	[COLUMN_TYPE] = { "TYPE", 7, 0, OUTPUT_STRING,
			  "anon, heap, stack, file, shmem, hugetlb, or total", NULL },
	[COLUMN_NODES] = { "NODES", 5, SCOLS_FL_RIGHT, OUTPUT_SIZE, "memory on each node", "N" },
	[COLUMN_TOTAL] = { "TOTAL", 5, SCOLS_FL_RIGHT, OUTPUT_SIZE, "memory on all nodes", NULL },
};

static const struct output_table table = {
	.name = "summary",
	.columns = columns,
	.count = sizeof(columns) / sizeof(columns[0]),
	.defaults = "PID,COMMAND,TYPE,NODES,TOTAL",
};

char *summary_columns_help(void)
{
	return output_columns_help(&table);
}

/* type is a mapping type, or -1 for the total */
static void add_row(struct output *output, const struct numamaps_control *control,
		    const struct numamig_process *process,
		    const struct numamig_placement *placement, int type)
{
	struct libscols_line *row = output_row_new(output, NULL);
	int node;

	if (!row)
		return;
	output_set_number(row, COLUMN_PID, (uint64_t)numamig_process_pid(process));
	output_set_string(row, COLUMN_COMMAND, numamig_process_command(process));
	output_set_string(row, COLUMN_TYPE, type < 0 ? "total" : numamig_mapping_type_name(type));
	for (node = numamig_nodes_next(&control->nodes, -1); node >= 0;
	     node = numamig_nodes_next(&control->nodes, node))
		output_set_node(row, COLUMN_NODES, node,
				type < 0 ? placement->node_bytes[node]
					 : placement->type_node_bytes[type][node]);
	output_set_number(row, COLUMN_TOTAL,
			  type < 0 ? placement->total : placement->type_bytes[type]);
}

int summary_print(const struct numamaps_control *control)
{
	struct output_table chosen = table;
	struct output *output;
	size_t process;
	int type, status;

	chosen.nodes = &control->nodes;
	output = output_new(&chosen, &control->common);
	if (!output)
		return -EINVAL;
	for (process = 0; process < control->process_count; process++) {
		const struct numamaps_process *read = &control->processes[process];

		for (type = NUMAMIG_MAPPING_ANON; type <= NUMAMIG_MAPPING_HUGETLB; type++)
			add_row(output, control, read->process, read->placement, type);
		add_row(output, control, read->process, read->placement, -1);
	}
	/* Made even then, so that a bad -o is reported. */
	status = control->process_count ? output_print(output) : 0;
	output_free(output);
	return status;
}
