/*
 * numamaps -A: a row per process, the largest first, or with --node N
 * those holding the most on node N first: "which processes hold memory on
 * node 1". Totals are -s's total row for each process (the same sums).
 *
 * Kernel threads have no user memory and are left out. Processes we may
 * not read (another user's, without CAP_SYS_PTRACE) are not left out
 * silently: after the table, stderr says how many. Processes that exit
 * while the list is read are gone, not counted.
 */
#include "config.h"

#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "messages.h"
#include "numamaps.h"
#include "output.h"
#include "pin.h"

enum {
	COLUMN_PID,
	COLUMN_USER,
	COLUMN_COMMAND,
	COLUMN_NODES,
	COLUMN_TOTAL,
	COLUMN_ANON,
	COLUMN_FILE,
	COLUMN_SHMEM,
	COLUMN_HUGETLB,
};

static const struct output_column columns[] = {
	[COLUMN_PID] = { "PID", 5, SCOLS_FL_RIGHT, OUTPUT_NUMBER, "process ID", NULL },
	[COLUMN_USER] = { "USER", 0.1, SCOLS_FL_TRUNC, OUTPUT_STRING, "owner (real user)", NULL },
	[COLUMN_COMMAND] = { "COMMAND", 0.1, SCOLS_FL_TRUNC, OUTPUT_STRING, "command name", NULL },
	[COLUMN_NODES] = { "NODES", 5, SCOLS_FL_RIGHT, OUTPUT_SIZE, "memory on each node", "N" },
	[COLUMN_TOTAL] = { "TOTAL", 5, SCOLS_FL_RIGHT, OUTPUT_SIZE, "memory on all nodes", NULL },
	[COLUMN_ANON] = { "ANON", 5, SCOLS_FL_RIGHT, OUTPUT_SIZE,
			  "anonymous memory (anon, heap, stack)", NULL },
	[COLUMN_FILE] = { "FILE", 5, SCOLS_FL_RIGHT, OUTPUT_SIZE, "file pages", NULL },
	[COLUMN_SHMEM] = { "SHMEM", 5, SCOLS_FL_RIGHT, OUTPUT_SIZE, "shared memory (tmpfs)", NULL },
	[COLUMN_HUGETLB] = { "HUGETLB", 5, SCOLS_FL_RIGHT, OUTPUT_SIZE, "hugetlbfs pages", NULL },
};

static const struct output_table table = {
	.name = "processes",
	.columns = columns,
	.count = sizeof(columns) / sizeof(columns[0]),
	.defaults = "PID,USER,COMMAND,NODES,TOTAL",
};

char *all_processes_columns_help(void)
{
	return output_columns_help(&table);
}

struct row {
	pid_t pid;
	uid_t uid;
	char *command;
	uint64_t rank;		/* bytes on the ranking node, or the total */
	uint64_t total;
	uint64_t type_bytes[NUMAMIG_MAPPING_HUGETLB + 1];
	uint64_t *node_bytes;	/* nodes 0 to node_count - 1 */
	size_t node_count;
};

struct census {
	struct row *rows;
	size_t count;
	size_t denied;		/* permission denied */
	bool failed;		/* some other error, already reported */
	struct numamig_nodes nodes;
	struct numamig_placement *placement;	/* scratch, too big for the stack */
};

/* From census->placement, which holds the process's sums. */
static int fill_row(struct census *census, const struct numamig_process *process,
		    struct row *row)
{
	struct numamig_nodes held;
	size_t kept;

	numamig_placement_nodes(census->placement, &held);
	numamig_nodes_or(&census->nodes, &census->nodes, &held);
	kept = (size_t)(numamig_nodes_last(&held) + 1);
	row->pid = numamig_process_pid(process);
	row->uid = numamig_process_uid(process);
	row->total = census->placement->total;
	memcpy(row->type_bytes, census->placement->type_bytes, sizeof(row->type_bytes));
	row->command = strdup(numamig_process_command(process));
	row->node_bytes = calloc(kept + 1, sizeof(*row->node_bytes));
	if (!row->command || !row->node_bytes) {
		free(row->command);
		free(row->node_bytes);
		message_warn_code(ENOMEM, "cannot read PID %d", (int)row->pid);
		census->failed = true;
		return -ENOMEM;
	}
	memcpy(row->node_bytes, census->placement->node_bytes, kept * sizeof(*row->node_bytes));
	row->node_count = kept;
	return 0;
}

/* Reads one process into a row; 1 when it has no row (gone, a kernel thread). */
static int read_row(const char *sysroot, pid_t pid, struct census *census, struct row *row)
{
	struct pin_request pin = { .sysroot = sysroot, .purpose = PIN_TO_READ, .selected = true };
	struct numamig_error error = { 0 };
	struct numamig_process *process = NULL;
	int status = pin_process(&pin, pid, &process);

	if (status == 0)
		status = numamig_placement_read(process, census->placement, &error);
	if (status == -ESRCH)
		status = 1;
	if (status == -EACCES || status == -EPERM)
		census->denied++;
	else if (status < 0 && process) {
		message_warn_library(&error, status, "cannot read process %d", (int)pid);
		census->failed = true;
	} else if (status < 0)
		census->failed = true;
	if (status == 0)
		status = fill_row(census, process, row);
	numamig_process_free(process);
	return status;
}

static uint64_t row_node_bytes(const struct row *row, int node)
{
	return (size_t)node < row->node_count ? row->node_bytes[node] : 0;
}

/* The most memory first; PIDs break ties, so the order is stable.
 * rank_node: the node to rank by, -1 for the total. */
static int compare_rows(const void *a, const void *b, void *ranking)
{
	const struct row *left = a, *right = b;
	int rank_node = *(const int *)ranking;
	uint64_t left_rank = rank_node < 0 ? left->total : row_node_bytes(left, rank_node);
	uint64_t right_rank = rank_node < 0 ? right->total : row_node_bytes(right, rank_node);

	if (left_rank != right_rank)
		return left_rank < right_rank ? 1 : -1;
	if (left->total != right->total)
		return left->total < right->total ? 1 : -1;
	return (left->pid > right->pid) - (left->pid < right->pid);
}

static int read_all(const struct numamaps_control *control, struct census *census)
{
	struct numamig_selection everything = { 0 };
	struct numamig_error error = { 0 };
	pid_t *pids;
	size_t count, index;
	int status = numamig_processes_select(control->common.sysroot, &everything, &pids, &count,
					      &error);

	if (status < 0) {
		message_warn_library(&error, status, "cannot list processes");
		return status;
	}
	census->rows = calloc(count + 1, sizeof(*census->rows));
	census->placement = malloc(sizeof(*census->placement));
	if (!census->rows || !census->placement) {
		free(pids);
		message_warn_code(ENOMEM, "cannot read %zu processes", count);
		return -ENOMEM;
	}
	for (index = 0; index < count; index++)
		if (read_row(control->common.sysroot, pids[index], census,
			     &census->rows[census->count]) == 0)
			census->count++;
	free(pids);
	return 0;
}

/* --node N: one node of the machine, by numactl's syntax. */
static int choose_rank_node(const struct numamaps_control *control,
			    const struct numamig_topology *topology, int *rank_node)
{
	struct numamig_error error = { 0 };
	struct numamig_nodes chosen;
	int status;

	*rank_node = -1;
	if (!control->rank_node)
		return 0;
	status = numamig_nodelist_parse(topology, control->rank_node, NULL, &chosen, &error);
	if (status < 0) {
		message_warn_library(&error, status, "invalid node '%s'", control->rank_node);
		return status;
	}
	if (numamig_nodes_count(&chosen) != 1) {
		message_warn("--node takes one node, not '%s'", control->rank_node);
		return -EINVAL;
	}
	*rank_node = numamig_nodes_next(&chosen, -1);
	return 0;
}

static void add_row(struct output *output, const struct census *census, const struct row *row)
{
	struct libscols_line *line = output_row_new(output, NULL);
	struct passwd *owner;
	char uid[16];
	int node;

	if (!line)
		return;
	owner = getpwuid(row->uid);
	snprintf(uid, sizeof(uid), "%u", (unsigned int)row->uid);
	output_set_number(line, COLUMN_PID, (uint64_t)row->pid);
	output_set_string(line, COLUMN_USER, owner ? owner->pw_name : uid);
	output_set_string(line, COLUMN_COMMAND, row->command);
	for (node = numamig_nodes_next(&census->nodes, -1); node >= 0;
	     node = numamig_nodes_next(&census->nodes, node))
		output_set_node(line, COLUMN_NODES, node, row_node_bytes(row, node));
	output_set_number(line, COLUMN_TOTAL, row->total);
	output_set_number(line, COLUMN_ANON, row->type_bytes[NUMAMIG_MAPPING_ANON] +
						     row->type_bytes[NUMAMIG_MAPPING_HEAP] +
						     row->type_bytes[NUMAMIG_MAPPING_STACK]);
	output_set_number(line, COLUMN_FILE, row->type_bytes[NUMAMIG_MAPPING_FILE]);
	output_set_number(line, COLUMN_SHMEM, row->type_bytes[NUMAMIG_MAPPING_SHMEM]);
	output_set_number(line, COLUMN_HUGETLB, row->type_bytes[NUMAMIG_MAPPING_HUGETLB]);
}

static int print_census(const struct numamaps_control *control, const struct census *census)
{
	struct output_table chosen = table;
	struct output *output;
	size_t index;
	int status;

	chosen.nodes = &census->nodes;
	output = output_new(&chosen, &control->common);
	if (!output)
		return -EINVAL;
	for (index = 0; index < census->count; index++)
		add_row(output, census, &census->rows[index]);
	status = output_print(output);
	output_free(output);
	return status;
}

static void free_census(struct census *census)
{
	for (size_t index = 0; index < census->count; index++) {
		free(census->rows[index].command);
		free(census->rows[index].node_bytes);
	}
	free(census->rows);
	free(census->placement);
}

int all_processes_run(const struct numamaps_control *control)
{
	struct census census = { 0 };
	struct numamig_topology *topology = NULL;
	int rank_node;
	struct numamig_error error = { 0 };
	int status = numamig_topology_load(control->common.sysroot, &topology, &error);

	if (status < 0) {
		message_warn_library(&error, status, "cannot read the NUMA topology");
		return NUMAMIG_EXIT_FAILURE;
	}
	census.nodes = *numamig_topology_with_memory(topology);
	status = choose_rank_node(control, topology, &rank_node);
	numamig_topology_free(topology);
	if (status == 0)
		status = read_all(control, &census);
	if (status == 0) {
		qsort_r(census.rows, census.count, sizeof(*census.rows), compare_rows, &rank_node);
		status = print_census(control, &census);
	}
	/* After the table, so that it is the last thing a person sees. */
	if (status == 0 && census.denied && message_verbosity() >= 0)
		message_warn("%zu %s could not be read (permission denied)", census.denied,
			     census.denied == 1 ? "process" : "processes");
	free_census(&census);
	return status < 0 || census.failed ? NUMAMIG_EXIT_FAILURE : NUMAMIG_EXIT_SUCCESS;
}
