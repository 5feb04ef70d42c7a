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
#include "output.h"
#include "pin.h"
#include "progress.h"

/* CAP_SYS_NICE, without <linux/capability.h> in a tool. */
#define CAPABILITY_SYS_NICE 23
#define MAX_JOBS 256

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

static struct movepages_control control;

static uint64_t parse_size_option(const char *option, const char *text, struct argp_state *state)
{
	uint64_t bytes;
	char *copy = strdup(text);
	size_t length = copy ? strlen(copy) : 0;
	int rc;

	if (!copy)
		message_fail(NUMAMIG_EXIT_FAILURE, "%s: %s", option, error_string(ENOMEM));
	/* --rate takes "100M/s" as well as "100M". */
	if (strcmp(option, "--rate") == 0 && length > 2 && strcmp(copy + length - 2, "/s") == 0)
		copy[length - 2] = '\0';
	rc = numamig_size_parse(copy, &bytes);
	free(copy);
	if (rc == -ERANGE)
		message_fail(NUMAMIG_EXIT_FAILURE, "%s '%s': too large", option, text);
	if (rc < 0 || bytes == 0)
		message_fail(NUMAMIG_EXIT_FAILURE, "%s '%s': not a size (a number with K, M or G)", option, text);
	return bytes;
}

static long parse_number(const char *option, const char *text, long maximum, struct argp_state *state)
{
	char *end;
	long number;

	errno = 0;
	number = strtol(text, &end, 10);
	if (errno || end == text || *end || number < 1 || number > maximum)
		message_fail(NUMAMIG_EXIT_FAILURE, "%s '%s': not a number from 1 to %ld", option, text, maximum);
	return number;
}

static error_t parse_option(int key, char *argument, struct argp_state *state)
{
	char **grown;

	switch (key) {
	case ARGP_KEY_INIT:
		state->child_inputs[0] = &control.common;
		break;
	case 'p':
		control.pid = (pid_t)parse_number("--pid", argument, INT_MAX, state);
		break;
	case 't':
		control.to = argument;
		break;
	case 'f':
		control.from = argument;
		break;
	case 'R':
		grown = realloc(control.range_texts, (control.range_count + 1) * sizeof(*grown));
		if (!grown)
			message_fail(NUMAMIG_EXIT_FAILURE, "--range: %s", error_string(ENOMEM));
		grown[control.range_count++] = argument;
		control.range_texts = grown;
		break;
	case OPTION_QUERY:
		control.query = true;
		break;
	case OPTION_ALL:
		control.all = true;
		break;
	case 'j':
		control.jobs = (unsigned int)parse_number("--jobs", argument, MAX_JOBS, state);
		break;
	case OPTION_RATE:
		control.rate = parse_size_option("--rate", argument, state);
		break;
	case OPTION_CHUNK:
		control.chunk = parse_size_option("--chunk", argument, state);
		break;
	case ARGP_KEY_ARG:
		message_fail(NUMAMIG_EXIT_FAILURE, "unexpected argument '%s' (the process is given with -p PID)", argument);
		break;
	case ARGP_KEY_END:
		if (control.pid == 0)
			message_fail(NUMAMIG_EXIT_FAILURE, "no process given (-p PID)");
		if (!control.to && !control.query)
			message_fail(NUMAMIG_EXIT_FAILURE, "no target given (--to NODES, or --query to only look)");
		if (control.query && control.all)
			message_fail(NUMAMIG_EXIT_FAILURE, "--all moves shared pages; --query moves nothing");
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

static struct numamig_topology *topology;
static struct numamig_process *process;
static struct numamig_memory_map *map;
static struct numamig_range *ranges;

static void release(void)
{
	free(ranges);
	free(control.range_texts);
	numamig_memory_map_free(map);
	numamig_process_free(process);
	numamig_topology_free(topology);
}

static noreturn void fail_library(const struct numamig_error *error, int code, const char *what)
{
	message_warn_library(error, code, "%s", what);
	release();
	exit(NUMAMIG_EXIT_FAILURE);
}

/* A process that exits makes the kernel answer ESRCH, or EINVAL (a
 * zombie has no memory), and leaves an empty memory map: say that it
 * went away, not what became of its pages. */
static void fail_if_exited(const char *when)
{
	if (numamig_process_check_alive(process) == 0)
		return;
	pin_explain(process, PIN_TO_MOVE, when, -ESRCH, NULL, NULL);
	release();
	exit(NUMAMIG_EXIT_FAILURE);
}

/* --to and --from, checked against the machine and the process's cpuset
 * before anything moves, so the kernel's EACCES/ENODEV never need decoding. */
static void parse_nodes(struct numamig_page_request *request)
{
	const struct numamig_nodes *allowed = numamig_process_allowed_nodes(process);
	struct numamig_error error = { 0 };
	int rc;

	if (control.to) {
		rc = numamig_nodelist_parse(topology, control.to, allowed, &request->to, &error);
		/* Nodes that exist but lie outside the cpuset: said below, naming
		 * the process (a "+" list counts within the cpuset: its error stands). */
		if (rc < 0 && control.to[strspn(control.to, " ")] != '+' &&
		    numamig_nodelist_parse(topology, control.to, NULL, &request->to, NULL) == 0)
			rc = 0;
		if (rc < 0)
			fail_library(&error, rc, "--to");
		rc = numamig_targets_check(topology, process, &request->to, &error);
		if (rc < 0)
			fail_library(&error, rc, "--to");
		control.to_nodes = request->to;
	}
	if (control.from) {
		rc = numamig_nodelist_parse(topology, control.from, NULL, &request->from, &error);
		if (rc < 0)
			fail_library(&error, rc, "--from");
	}
}

static void parse_ranges(struct numamig_page_request *request)
{
	struct numamig_error error = { 0 };
	size_t count = 0;

	for (size_t index = 0; index < control.range_count; index++) {
		int rc = numamig_ranges_add(control.range_texts[index], map,
					    (uint64_t)sysconf(_SC_PAGESIZE), &ranges, &count, &error);

		/* An address range outside every mapping: where to find them. */
		if (rc == -ENOENT && strstr(error.message, "covers no mapping")) {
			message_warn("%s (numamaps PID lists them)", error.message);
			release();
			exit(NUMAMIG_EXIT_FAILURE);
		}
		if (rc < 0)
			fail_library(&error, rc, control.range_texts[index]);
	}
	for (size_t index = 0; index < count; index++)
		message_verbose(1, "range %#llx-%#llx", (unsigned long long)ranges[index].start,
				(unsigned long long)ranges[index].end);
	request->ranges = ranges;
	request->range_count = count;
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

int main(int argc, char **argv)
{
	struct numamig_page_request request = { 0 };
	struct pin_request pin = { 0 };
	struct numamig_page_result *result;
	struct numamig_counters before, after;
	struct numamig_error error = { 0 };
	struct progress *progress;
	int rc, status;

	program_init("movepages", argv);
	argp_parse(&argp, argc, argv, 0, NULL, NULL);
	if (control.common.sysroot && strcmp(control.common.sysroot, "/") != 0)
		message_fail(NUMAMIG_EXIT_FAILURE, "--sysroot %s: pages move on the live machine only",
			     control.common.sysroot);

	rc = numamig_topology_load(NULL, &topology, &error);
	if (rc < 0)
		fail_library(&error, rc, "cannot read the NUMA topology");
	pin.purpose = control.query ? PIN_TO_READ : PIN_TO_MOVE;
	pin.check_access = true;
	if (pin_process(&pin, control.pid, &process) < 0) {
		release();
		return NUMAMIG_EXIT_FAILURE;
	}
	rc = numamig_memory_map_read(process, &map, &error);
	if (rc < 0) {
		pin_explain(process, pin.purpose, "before", rc, &error, "cannot read the mappings");
		release();
		return NUMAMIG_EXIT_FAILURE;
	}

	parse_nodes(&request);
	parse_ranges(&request);
	/* Refused here, before anything moved, rather than by the kernel's
	 * EPERM in the middle of a move. */
	if (control.all && !numamig_has_capability(CAPABILITY_SYS_NICE)) {
		message_warn("--all: moving shared pages needs CAP_SYS_NICE (run as root)");
		release();
		return NUMAMIG_EXIT_FAILURE;
	}

	request.process = process;
	request.map = map;
	request.mode = NUMAMIG_TARGET_SPREAD;
	request.move_shared = control.all;
	request.query_only = control.query;
	request.chunk_bytes = control.chunk;
	request.jobs = control.jobs;
	request.rate_bytes = control.rate;
	progress = progress_new(&control.common);
	request.progress = progress ? show_progress : NULL;
	request.progress_data = progress;

	result = calloc(1, sizeof(*result));
	if (!result) {
		progress_free(progress);
		fail_library(NULL, -ENOMEM, "out of memory");
	}
	control.have_counters = numamig_counters_read(NULL, &before, NULL) == 0;
	rc = numamig_pages_move(&request, result, &error);
	control.have_counters = control.have_counters && numamig_counters_read(NULL, &after, NULL) == 0;
	if (control.have_counters)
		numamig_counters_delta(&before, &after, &control.counters_delta);
	progress_free(progress);
	if (rc < 0) {
		free(result);
		pin_explain(process, PIN_TO_MOVE, "during", rc, &error, "cannot move the pages");
		release();
		return NUMAMIG_EXIT_FAILURE;
	}
	/* The engine's queries name the process by its PID: had it gone,
	 * they may have described another process that took the PID. */
	if (numamig_process_check_alive(process) < 0) {
		free(result);
		fail_if_exited("during");
	}

	status = exit_status(result);
	if (movepages_report(&control, result) < 0)
		status = NUMAMIG_EXIT_FAILURE;
	free(result);
	release();
	return status;
}
