/*
 * numamaps: where the memory of processes lives across NUMA nodes.
 *
 *	numamaps [OPTIONS] PID...
 *
 * A row per mapping (ADDRESS, SIZE, POLICY, TYPE, a column per node,
 * TOTAL, MAPPING), or with -s a row per process and kind of memory, like
 * numastat -p. With several PIDs the rows of all processes form one table
 * (one JSON array) and a PID column says whose each row is: one flat table
 * sorts, greps and filters with jq better than a tree.
 *
 * Node columns: every node with memory, and any other node that holds
 * pages of the processes shown.
 *
 * Other modes, each in its own file: -A (all_processes.c), --save
 * (save.c), --diff (diff.c), --interval (watch.c), --bars (bars.c).
 *
 * Errors: a PID that cannot be read (no such process, a kernel thread,
 * permission denied) is reported on stderr and skipped, the others are
 * shown, and the exit status is 1, as kill(1) and ps(1) do with several
 * PIDs; when none could be read, nothing is printed on stdout. Exit status
 * 0 when every PID was shown.
 */
#include "config.h"

#include <argp.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "messages.h"
#include "numamaps.h"
#include "options.h"
#include "pin.h"

enum {
	OPTION_NODE = 0x200,
	OPTION_SAVE,
	OPTION_DIFF,
	OPTION_INTERVAL,
	OPTION_COUNT,
	OPTION_BARS,
};

static const struct argp_option options[] = {
	{ "summary", 's', NULL, 0, "a row per process and kind of memory, like numastat -p", 0 },
	{ "all-processes", 'A', NULL, 0, "a row per process, the largest first (no PID)", 0 },
	{ "node", OPTION_NODE, "N", 0, "with -A: rank by memory on node N", 0 },
	{ "save", OPTION_SAVE, "FILE", 0, "save a snapshot of the PIDs' mappings in FILE (JSON)",
	  0 },
	{ "diff", OPTION_DIFF, NULL, 0,
	  "compare A and B (two arguments: snapshot files or PIDs) by mapping and node", 0 },
	{ "interval", OPTION_INTERVAL, "SECONDS", 0,
	  "sample every SECONDS, showing the change on each node", 0 },
	{ "count", OPTION_COUNT, "N", 0, "with --interval: stop after N samples", 0 },
	{ "bars", OPTION_BARS, NULL, 0, "draw a bar per node (on a terminal)", 0 },
	{ 0 }
};

static const struct argp_child children[] = {
	{ &common_argp, 0, "Output:", 1 },
	{ 0 }
};

/* One mode at a time. */
static const struct option_conflict conflicts[] = {
	{ { 's', 'A', OPTION_DIFF, OPTION_SAVE, OPTION_INTERVAL, OPTION_BARS },
	  "-s, -A, --diff, --save, --interval and --bars do not combine" },
	{ { OPTION_BARS, 'J' }, "--bars draws on a terminal: it has no JSON form (use -s -J)" },
	{ { 0 }, NULL }
};

/* PIDs as separate arguments or comma lists: "1 2", "1,2". */
static int add_pids(struct numamaps_control *control, const char *argument)
{
	int status = numamig_pids_parse(argument, &control->pids, &control->pid_count);
	const char *word = argument;

	if (status == -ENOMEM) {
		message_warn_code(ENOMEM, "cannot keep the PIDs");
		return status;
	}
	if (status < 0) {
		/* the first word that is no PID */
		for (size_t length; *word; word += length + (word[length] == ',')) {
			uint64_t pid;
			char copy[64];

			length = strcspn(word, ",");
			snprintf(copy, sizeof(copy), "%.*s", (int)length, word);
			if (numamig_number_parse(copy, 1, INT_MAX, &pid) < 0)
				break;
		}
		message_warn("invalid PID '%.*s'", (int)strcspn(word, ","), word);
	}
	return status;
}

/* Past a year the sleep is no watch. */
static int parse_interval(struct numamaps_control *control, const char *argument)
{
	uint64_t nanoseconds;

	if (numamig_duration_parse(argument, &nanoseconds) < 0 ||
	    nanoseconds > UINT64_C(366) * 86400 * 1000000000) {
		message_warn("invalid interval '%s'", argument);
		return -EINVAL;
	}
	control->interval = (double)nanoseconds / 1e9;
	return 0;
}

static int parse_count(struct numamaps_control *control, const char *argument)
{
	uint64_t count;

	if (numamig_number_parse(argument, 1, ULONG_MAX, &count) < 0) {
		message_warn("invalid count '%s'", argument);
		return -EINVAL;
	}
	control->count = (unsigned long)count;
	return 0;
}

/* Each mode with the options and arguments it takes. */
static int check_modes(const struct numamaps_control *control)
{
	const char *problem = NULL;

	if (options_check_conflicts(&control->common, conflicts) < 0)
		return -EINVAL;
	if (control->rank_node && !control->all_processes)
		problem = "--node goes with -A";
	else if (control->count && control->interval <= 0)
		problem = "--count goes with --interval";
	else if (control->all_processes && control->pid_count)
		problem = "-A takes no PID";
	else if (control->diff && control->diff_side_count != 2)
		problem = "--diff takes two snapshots or PIDs";
	else if (!control->all_processes && !control->diff && control->pid_count == 0)
		problem = "no PID given";
	if (problem) {
		message_warn("%s", problem);
		return -EINVAL;
	}
	return 0;
}

static error_t parse_option(int key, char *argument, struct argp_state *state)
{
	struct numamaps_control *control = state->input;

	options_given(&control->common, key);
	switch (key) {
	case ARGP_KEY_INIT:
		state->child_inputs[0] = &control->common;
		break;
	case 's':
		control->summary = true;
		break;
	case 'A':
		control->all_processes = true;
		break;
	case OPTION_NODE:
		control->rank_node = argument;
		break;
	case OPTION_SAVE:
		control->save_path = argument;
		break;
	case OPTION_DIFF:
		control->diff = true;
		break;
	case OPTION_INTERVAL:
		return parse_interval(control, argument) < 0 ? EINVAL : 0;
	case OPTION_COUNT:
		return parse_count(control, argument) < 0 ? EINVAL : 0;
	case OPTION_BARS:
		control->bars = true;
		break;
	case ARGP_KEY_ARG:
		/* Options come first (argp permutes), so --diff is known here. */
		if (!control->diff)
			return add_pids(control, argument) < 0 ? EINVAL : 0;
		if (control->diff_side_count == 2) {
			message_warn("--diff takes two snapshots or PIDs");
			return EINVAL;
		}
		control->diff_sides[control->diff_side_count++] = argument;
		break;
	case ARGP_KEY_END:
		return check_modes(control) < 0 ? EINVAL : 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static char *help_filter(int key, const char *text, void *input)
{
	char *mappings, *summary, *all, *diff, *watch, *joined = NULL;

	if (key != ARGP_KEY_HELP_EXTRA)
		return (char *)text;
	mappings = mappings_columns_help();
	summary = summary_columns_help();
	all = all_processes_columns_help();
	diff = diff_columns_help();
	watch = watch_columns_help();
	if (mappings && summary && all && diff && watch &&
	    asprintf(&joined,
		     "%s\nWith -s, --summary:\n%s\nWith -A, --all-processes:\n%s"
		     "\nWith --diff:\n%s\nWith --interval:\n%s",
		     mappings, summary, all, diff, watch) < 0)
		joined = NULL;
	free(mappings);
	free(summary);
	free(all);
	free(diff);
	free(watch);
	return joined;
}

static const struct argp argp = {
	options, parse_option, "PID...\n-A [--node N]\n--diff A B",
	"Show where the memory of processes lives across NUMA nodes: a row per "
	"mapping, or with -s a row per process and kind of memory."
	"\v"
	"Sizes are in powers of 1024 (K, M, G) unless -b is given; JSON output "
	"gives them in bytes. --diff compares snapshot files (--save) and live "
	"PIDs (all digits: write ./123 for a file named 123); mappings are "
	"matched by address overlap, so one split or merged in between is "
	"compared as a whole. --interval prints a JSON document per sample "
	"with -J; Ctrl-C ends it. Exit status: 0 when every PID was shown, 1 "
	"when any could not be.",
	children, help_filter, NULL
};

int numamaps_read_process(const struct numamaps_control *control, pid_t pid,
			  struct numamaps_process *read)
{
	struct pin_request pin = { .sysroot = control->common.sysroot, .purpose = PIN_TO_READ };
	struct numamig_error error = { 0 };
	int status = pin_process(&pin, pid, &read->process);

	if (status < 0)
		return status;
	/* -s needs only the sums: numa_maps summed as it is read, no maps, no mappings kept */
	if (control->summary) {
		read->placement = malloc(sizeof(*read->placement));
		status = read->placement ? numamig_placement_read(read->process, read->placement,
								  &error)
					 : numamig_error_set(&error, -ENOMEM, "out of memory");
	} else
		status = numamig_memory_map_read(read->process, &read->map, &error);
	if (status < 0) {
		pin_explain(read->process, PIN_TO_READ, "during", status, &error,
			    "cannot read the memory map");
		numamig_memory_map_free(read->map);
		free(read->placement);
		numamig_process_free(read->process);
		read->map = NULL;
		read->placement = NULL;
		read->process = NULL;
	}
	return status;
}

/* The nodes with memory, and any other node holding pages of the processes. */
static void choose_nodes(struct numamaps_control *control,
			 const struct numamig_topology *topology)
{
	size_t process, mapping, entry;

	control->nodes = *numamig_topology_with_memory(topology);
	for (process = 0; process < control->process_count; process++) {
		const struct numamig_memory_map *map = control->processes[process].map;
		struct numamig_nodes held;

		if (!map) {
			numamig_placement_nodes(control->processes[process].placement, &held);
			numamig_nodes_or(&control->nodes, &control->nodes, &held);
			continue;
		}
		for (mapping = 0; mapping < map->count; mapping++)
			for (entry = 0; entry < map->mappings[mapping].node_count; entry++)
				numamig_nodes_add(&control->nodes,
						  map->mappings[mapping].nodes[entry].node);
	}
}

static void free_control(struct numamaps_control *control)
{
	size_t process;

	for (process = 0; process < control->process_count; process++) {
		numamig_memory_map_free(control->processes[process].map);
		free(control->processes[process].placement);
		numamig_process_free(control->processes[process].process);
	}
	free(control->processes);
	free(control->pids);
}

int main(int argc, char **argv)
{
	struct numamaps_control control = { 0 };
	struct numamig_topology *topology = NULL;
	struct numamig_error error = { 0 };
	int status, exit_status = NUMAMIG_EXIT_SUCCESS;
	size_t index;

	program_init("numamaps", argv);
	if (argp_parse(&argp, argc, argv, 0, NULL, &control) != 0) {
		free_control(&control);
		return NUMAMIG_EXIT_FAILURE;
	}
	if (control.all_processes || control.diff) {
		exit_status = control.all_processes ? all_processes_run(&control) : diff_run(&control);
		free_control(&control);
		return exit_status;
	}

	status = numamig_topology_load(control.common.sysroot, &topology, &error);
	if (status < 0) {
		message_warn_library(&error, status, "cannot read the NUMA topology");
		free_control(&control);
		return NUMAMIG_EXIT_FAILURE;
	}
	control.processes = calloc(control.pid_count, sizeof(*control.processes));
	if (!control.processes) {
		message_warn_code(ENOMEM, "cannot read %zu processes", control.pid_count);
		numamig_topology_free(topology);
		free_control(&control);
		return NUMAMIG_EXIT_FAILURE;
	}
	for (index = 0; index < control.pid_count; index++) {
		if (numamaps_read_process(&control, control.pids[index],
				 &control.processes[control.process_count]) < 0)
			exit_status = NUMAMIG_EXIT_FAILURE;
		else
			control.process_count++;
	}
	choose_nodes(&control, topology);

	/* Nothing is printed when no PID could be read. */
	if (control.summary)
		status = summary_print(&control);
	else if (control.save_path || control.interval > 0 || control.bars) {
		if (control.process_count == 0)
			status = 0;
		else if (control.save_path)
			status = snapshot_save(&control, topology);
		else if (control.bars)
			status = bars_print(&control);
		else
			status = watch_run(&control) == NUMAMIG_EXIT_SUCCESS ? 0 : -1;
	} else
		status = mappings_print(&control);
	numamig_topology_free(topology);
	if (status < 0)
		exit_status = NUMAMIG_EXIT_FAILURE;
	free_control(&control);
	return exit_status;
}
