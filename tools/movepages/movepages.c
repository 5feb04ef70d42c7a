/*
 * movepages: move chosen pages of a running process to chosen nodes
 * (move_pages(2) through libnumamig's page engine).
 */
#include "config.h"

#include <argp.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "messages.h"
#include "movepages.h"
#include "options.h"
#include "output.h"
#include "pin.h"
#include "progress.h"

/* CAP_SYS_NICE, without <linux/capability.h> in a tool. */
#define CAPABILITY_SYS_NICE 23

enum {
	OPTION_QUERY = 0x200,
	OPTION_ALL,
	OPTION_RATE,
	OPTION_CHUNK,
};

static const struct argp_option options[] = {
	{ "pid", 'p', "PID", 0, "the process whose pages move", 0 },
	{ "to", 't', "NODES", 0, "target node, or nodes to spread the pages across", 0 },
	{ "from", 'f', "NODES", 0, "move only pages now on these nodes", 0 },
	{ "range", 'R', "RANGE", 0,
	  "START-END, START+LENGTH, [heap], [stack], anon, a file path or basename (repeatable; default: every mapping)", 0 },
	{ "query", OPTION_QUERY, NULL, 0, "show where the pages are, move nothing", 0 },
	{ "all", OPTION_ALL, NULL, 0, "move shared pages too (needs CAP_SYS_NICE)", 0 },
	{ "jobs", 'j', "N", 0, "move from N threads, on disjoint chunks", 0 },
	{ "rate", OPTION_RATE, "BYTES/s", 0, "move at most this much per second (K, M, G suffixes)", 0 },
	{ "chunk", OPTION_CHUNK, "SIZE", 0, "address space per move_pages call (default 64M)", 0 },
	{ 0 }
};

static const struct argp_child children[] = {
	{ &common_argp, 0, "Output and common options:", 1 },
	{ 0 }
};

static const struct option_conflict conflicts[] = {
	{ { OPTION_QUERY, OPTION_ALL }, "--all moves shared pages; --query moves nothing" },
	{ { 0 }, NULL }
};

/* --rate and --chunk: a size, and at least one byte. */
static int parse_size_option(const char *option, const char *text, uint64_t *bytes)
{
	int rc = strcmp(option, "--rate") == 0 ? numamig_rate_parse(text, bytes)
					       : numamig_size_parse(text, bytes);

	if (rc == 0 && *bytes == 0)
		rc = -EINVAL;
	if (rc == -ERANGE && *bytes != 0)
		message_warn("%s '%s': too large", option, text);
	else if (rc < 0)
		message_warn("%s '%s': not a size (a number with K, M or G)", option, text);
	return rc;
}

static int parse_count(const char *option, const char *text, uint64_t maximum, uint64_t *value)
{
	int rc = numamig_number_parse(text, 1, maximum, value);

	if (rc < 0)
		message_warn("%s '%s': not a number from 1 to %llu", option, text,
			     (unsigned long long)maximum);
	return rc;
}

static error_t parse_option(int key, char *argument, struct argp_state *state)
{
	struct movepages_control *control = state->input;
	uint64_t number;
	char **grown;

	options_given(&control->common, key);
	switch (key) {
	case ARGP_KEY_INIT:
		state->child_inputs[0] = &control->common;
		break;
	case 'p':
		if (parse_count("--pid", argument, INT_MAX, &number) < 0)
			return EINVAL;
		control->pid = (pid_t)number;
		break;
	case 't':
		control->to = argument;
		break;
	case 'f':
		control->from = argument;
		break;
	case 'R':
		grown = realloc(control->range_texts, (control->range_count + 1) * sizeof(*grown));
		if (!grown) {
			message_warn_code(ENOMEM, "--range");
			return ENOMEM;
		}
		grown[control->range_count++] = argument;
		control->range_texts = grown;
		break;
	case OPTION_QUERY:
		control->query = true;
		break;
	case OPTION_ALL:
		control->all = true;
		break;
	case 'j':
		if (parse_count("--jobs", argument, NUMAMIG_MAX_JOBS, &number) < 0)
			return EINVAL;
		control->jobs = (unsigned int)number;
		break;
	case OPTION_RATE:
		if (parse_size_option("--rate", argument, &control->rate) < 0)
			return EINVAL;
		break;
	case OPTION_CHUNK:
		if (parse_size_option("--chunk", argument, &control->chunk) < 0)
			return EINVAL;
		break;
	case ARGP_KEY_ARG:
		message_warn("unexpected argument '%s' (the process is given with -p PID)", argument);
		return EINVAL;
	case ARGP_KEY_END:
		if (control->pid == 0) {
			message_warn("no process given (-p PID)");
			return EINVAL;
		}
		if (!control->to && !control->query) {
			message_warn("no target given (--to NODES, or --query to only look)");
			return EINVAL;
		}
		if (options_check_conflicts(&control->common, conflicts) < 0)
			return EINVAL;
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static char *help_filter(int key, const char *text, void *input)
{
	if (key != ARGP_KEY_HELP_EXTRA)
		return (char *)text;
	return movepages_columns_help();
}

static const struct argp argp = {
	options, parse_option, "-p PID --to NODES [--range RANGE]...",
	"Move pages of a running process to other NUMA nodes, all of them or some ranges, "
	"and tell what became of each page.\v"
	"Exit status: 0 all done, 1 error or nothing done, 64 some pages not moved "
	"(the output says which and why).",
	children, help_filter, NULL
};

/* What main works with once the options are read. */
struct movepages {
	struct movepages_control control;
	struct numamig_topology *topology;
	struct numamig_process *process;
	struct numamig_memory_map *map;
	struct numamig_range *ranges;
	struct numamig_page_result *result;
};

static void release(struct movepages *run)
{
	free(run->result);
	free(run->ranges);
	free(run->control.range_texts);
	numamig_memory_map_free(run->map);
	numamig_process_free(run->process);
	numamig_topology_free(run->topology);
}

/* --to and --from, checked against the machine and the process's cpuset
 * before anything moves, so the kernel's EACCES/ENODEV never need decoding. */
static int parse_nodes(struct movepages *run, struct numamig_page_request *request)
{
	const struct numamig_nodes *allowed = numamig_process_allowed_nodes(run->process);
	struct movepages_control *control = &run->control;
	struct numamig_error error = { 0 };
	int rc = 0;

	if (control->to) {
		rc = numamig_nodelist_parse(run->topology, control->to, allowed, &request->to, &error);
		/* Nodes that exist but lie outside the cpuset: said below, naming
		 * the process (a "+" list counts within the cpuset: its error stands). */
		if (rc < 0 && control->to[strspn(control->to, " ")] != '+' &&
		    numamig_nodelist_parse(run->topology, control->to, NULL, &request->to, NULL) == 0)
			rc = 0;
		if (rc == 0)
			rc = numamig_targets_check(run->topology, run->process, &request->to, &error);
		if (rc < 0) {
			message_warn_library(&error, rc, "--to");
			return rc;
		}
		control->to_nodes = request->to;
	}
	if (control->from) {
		rc = numamig_nodelist_parse(run->topology, control->from, NULL, &request->from, &error);
		if (rc < 0)
			message_warn_library(&error, rc, "--from");
	}
	return rc;
}

static int parse_ranges(struct movepages *run, struct numamig_page_request *request)
{
	struct numamig_error error = { 0 };
	size_t count = 0;

	for (size_t index = 0; index < run->control.range_count; index++) {
		const char *text = run->control.range_texts[index];
		int rc = numamig_ranges_add(text, run->map, (uint64_t)sysconf(_SC_PAGESIZE),
					    &run->ranges, &count, &error);

		/* An address range outside every mapping: where to find them. */
		if (rc == -ENOENT && strstr(error.message, "covers no mapping"))
			message_warn("%s (numamaps PID lists them)", error.message);
		else if (rc < 0)
			message_warn_library(&error, rc, "%s", text);
		if (rc < 0)
			return rc;
	}
	for (size_t index = 0; index < count; index++)
		message_verbose(1, "range %#llx-%#llx", (unsigned long long)run->ranges[index].start,
				(unsigned long long)run->ranges[index].end);
	request->ranges = run->ranges;
	request->range_count = count;
	return 0;
}

static void show_progress(const struct numamig_page_progress *state, void *data)
{
	char moved[16], walked[16], total[16];

	progress_update(data, "moved %s, walked %s of %s",
			output_human_size(state->moved_bytes, moved, sizeof(moved)),
			output_human_size(state->walked_bytes, walked, sizeof(walked)),
			output_human_size(state->total_bytes, total, sizeof(total)));
}

static int exit_status(const struct numamig_page_result *result)
{
	for (int outcome = 0; outcome < NUMAMIG_OUTCOME_COUNT; outcome++)
		if (result->pages[outcome] && numamig_outcome_is_shortfall(outcome))
			return NUMAMIG_EXIT_PARTIAL;
	return NUMAMIG_EXIT_SUCCESS;
}

/* The process pinned and read, its targets and ranges checked: 0, or a
 * negative errno once the message is printed. */
static int prepare(struct movepages *run, struct numamig_page_request *request)
{
	struct movepages_control *control = &run->control;
	struct pin_request pin = {
		.purpose = control->query ? PIN_TO_READ : PIN_TO_MOVE,
		.check_access = true,
	};
	struct numamig_error error = { 0 };
	int rc;

	if (control->common.sysroot && strcmp(control->common.sysroot, "/") != 0) {
		message_warn("--sysroot %s: pages move on the live machine only",
			     control->common.sysroot);
		return -EINVAL;
	}
	rc = numamig_topology_load(NULL, &run->topology, &error);
	if (rc < 0) {
		message_warn_library(&error, rc, "cannot read the NUMA topology");
		return rc;
	}
	rc = pin_process(&pin, control->pid, &run->process);
	if (rc < 0)
		return rc;
	rc = numamig_memory_map_read(run->process, &run->map, &error);
	if (rc < 0)
		return pin_explain(run->process, pin.purpose, "before", rc, &error,
				   "cannot read the mappings");
	rc = parse_nodes(run, request);
	if (rc == 0)
		rc = parse_ranges(run, request);
	if (rc < 0)
		return rc;
	/* Refused here, before anything moved, rather than by the kernel's
	 * EPERM in the middle of a move. */
	if (control->all && !numamig_has_capability(CAPABILITY_SYS_NICE)) {
		message_warn("--all: moving shared pages needs CAP_SYS_NICE (run as root)");
		return -EPERM;
	}
	return 0;
}

/* The move, and the report: the exit status. */
static int move(struct movepages *run, struct numamig_page_request *request)
{
	struct movepages_control *control = &run->control;
	struct numamig_counters before, after;
	struct numamig_error error = { 0 };
	struct progress *progress;
	int rc, status;

	request->process = run->process;
	request->map = run->map;
	request->mode = NUMAMIG_TARGET_SPREAD;
	request->move_shared = control->all;
	request->query_only = control->query;
	request->chunk_bytes = control->chunk;
	request->jobs = control->jobs;
	request->rate_bytes = control->rate;
	progress = progress_new(&control->common);
	request->progress = progress ? show_progress : NULL;
	request->progress_data = progress;

	run->result = calloc(1, sizeof(*run->result));
	if (!run->result) {
		progress_free(progress);
		message_warn_code(ENOMEM, "cannot move the pages");
		return NUMAMIG_EXIT_FAILURE;
	}
	control->have_counters = numamig_counters_read(NULL, &before, NULL) == 0;
	rc = numamig_pages_move(request, run->result, &error);
	control->have_counters = control->have_counters &&
				 numamig_counters_read(NULL, &after, NULL) == 0;
	if (control->have_counters)
		numamig_counters_delta(&before, &after, &control->counters_delta);
	progress_free(progress);
	/* The engine's queries name the process by its PID: had it gone,
	 * they may have described another process that took the PID. */
	if (rc == 0 && numamig_process_check_alive(run->process) < 0)
		rc = -ESRCH;
	if (rc < 0) {
		pin_explain(run->process, PIN_TO_MOVE, "during", rc, &error, "cannot move the pages");
		return NUMAMIG_EXIT_FAILURE;
	}
	status = exit_status(run->result);
	if (movepages_report(control, run->result) < 0)
		status = NUMAMIG_EXIT_FAILURE;
	return status;
}

int main(int argc, char **argv)
{
	struct movepages run = { 0 };
	struct numamig_page_request request = { 0 };
	int status = NUMAMIG_EXIT_FAILURE;

	program_init("movepages", argv);
	if (argp_parse(&argp, argc, argv, 0, NULL, &run.control) == 0 &&
	    prepare(&run, &request) == 0)
		status = move(&run, &request);
	release(&run);
	return status;
}
