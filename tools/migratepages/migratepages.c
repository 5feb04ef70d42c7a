/*
 * migratepages: move the memory of processes from one set of NUMA nodes
 * to another, and say what moved, what stayed and why.
 *
 *	migratepages [OPTIONS] PID[,PID...] FROM-NODES TO-NODES
 *	migratepages [OPTIONS] --name REGEX|--user USER|--cgroup DIR FROM-NODES TO-NODES
 *
 * A drop-in for numactl's migratepages: the same arguments, node syntax
 * and mapping of node sets (the kernel's migrate_pages(2) does the work),
 * but it tells the truth: exit status 64 when pages stayed behind, and a
 * report of where they are and why. --jobs, --rate and --chunk move the
 * pages with move_pages(2) instead, in chunks, from several threads, at a
 * bounded rate, to the same targets.
 *
 * The PIDs given are pinned by a pidfd at once, before any is moved. The
 * processes of a selection are pinned each in its turn and checked
 * against it again once pinned, so that a PID reused since the listing is
 * not moved; each pin is let go once its process is moved, so a sweep of
 * any number of processes holds one descriptor. One that cannot be moved
 * is reported and the others are moved, and the exit status is then 1.
 */
#include "config.h"

#include <argp.h>
#include <errno.h>
#include <limits.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "messages.h"
#include "migratepages.h"
#include "pin.h"

enum {
	OPTION_NAME = 0x200,
	OPTION_USER,
	OPTION_CGROUP,
	OPTION_DRY_RUN,
	OPTION_JOBS,
	OPTION_RATE,
	OPTION_CHUNK,
};

#define RATE_CHUNK_BYTES (UINT64_C(4) << 20)

static const struct argp_option options[] = {
	{ NULL, 0, NULL, 0, "Which processes (instead of PID):", 1 },
	{ "name", OPTION_NAME, "REGEX", 0, "processes whose command name matches (like pgrep)", 1 },
	{ "user", OPTION_USER, "USER", 0, "processes of this user (name or UID)", 1 },
	{ "cgroup", OPTION_CGROUP, "DIR", 0, "every process of this cgroup v2 directory", 1 },
	{ NULL, 0, NULL, 0, "How:", 2 },
	{ "dry-run", OPTION_DRY_RUN, NULL, 0, "show what would move where; move nothing", 2 },
	{ "jobs", OPTION_JOBS, "N", 0, "move with move_pages(2) from N threads", 2 },
	{ "rate", OPTION_RATE, "BYTES/s", 0,
	  "move with move_pages(2), at most this fast (K, M, G suffixes: 50M)", 2 },
	{ "chunk", OPTION_CHUNK, "SIZE", 0,
	  "move with move_pages(2), SIZE of address space per call: how long the process's "
	  "memory is locked at a time (default 64M; 4M with --rate, for an even pace)", 2 },
	{ 0 }
};

static const struct argp_child children[] = {
	{ &common_argp, 0, "Output:", 3 },
	{ 0 }
};

/* PID FROM TO, or FROM TO after a selection option. */
static int take_arguments(struct migratepages_control *control, struct argp_state *state)
{
	unsigned int wanted = control->selecting ? 2 : 3;

	if (control->selecting && state->arg_num == 3) {
		message_warn("give a PID or --name, --user, --cgroup, not both");
		return EINVAL;
	}
	if (state->arg_num < wanted) {
		message_warn("missing arguments: %sFROM-NODES TO-NODES",
			     control->selecting ? "" : "PID ");
		return EINVAL;
	}
	if (!control->selecting)
		control->pid_list = control->arguments[0];
	control->from_text = control->arguments[wanted - 2];
	control->to_text = control->arguments[wanted - 1];
	return 0;
}

static error_t parse_option(int key, char *argument, struct argp_state *state)
{
	struct migratepages_control *control = state->input;
	uint64_t number;

	options_given(&control->common, key);
	switch (key) {
	case ARGP_KEY_INIT:
		state->child_inputs[0] = &control->common;
		break;
	case OPTION_NAME:
		control->selection.name_pattern = argument;
		control->selecting = true;
		break;
	case OPTION_USER:
		control->selection.user = argument;
		control->selecting = true;
		break;
	case OPTION_CGROUP:
		control->selection.cgroup = argument;
		control->selecting = true;
		break;
	case OPTION_DRY_RUN:
		control->dry_run = true;
		break;
	case OPTION_JOBS:
		if (numamig_number_parse(argument, 1, NUMAMIG_MAX_JOBS, &number) < 0) {
			message_warn("invalid number of jobs '%s' (1 to %d)", argument,
				     NUMAMIG_MAX_JOBS);
			return EINVAL;
		}
		control->jobs = (unsigned int)number;
		control->page_engine = true;
		break;
	case OPTION_RATE:
		if (numamig_rate_parse(argument, &control->rate_bytes) < 0) {
			message_warn("invalid rate '%s' (bytes per second, such as 50M)", argument);
			return EINVAL;
		}
		control->page_engine = true;
		break;
	case OPTION_CHUNK:
		if (numamig_size_parse(argument, &control->chunk_bytes) < 0 ||
		    control->chunk_bytes < 4096) {
			message_warn("invalid chunk size '%s' (4K or more, such as 4M)", argument);
			return EINVAL;
		}
		control->page_engine = true;
		break;
	case ARGP_KEY_ARG:
		if (state->arg_num >= 3) {
			message_warn("too many arguments");
			return EINVAL;
		}
		control->arguments[state->arg_num] = argument;
		break;
	case ARGP_KEY_END:
		if (take_arguments(control, state) != 0)
			return EINVAL;
		/* The rate is kept call by call: small calls keep it even. */
		if (control->rate_bytes && !control->chunk_bytes)
			control->chunk_bytes = RATE_CHUNK_BYTES;
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
	return report_columns_help();
}

static const struct argp argp = {
	options, parse_option,
	"PID[,PID...] FROM-NODES TO-NODES\n--name REGEX|--user USER|--cgroup DIR FROM-NODES TO-NODES",
	"Move the memory of processes from one set of NUMA nodes to another, like numactl's "
	"migratepages, and report what moved, what stayed and why."
	"\v"
	"Nodes: N, A-B, comma lists, all, !NODES (every other node), +N (relative to the "
	"process's cpuset). The n-th node of FROM-NODES goes to the (n mod count)-th of "
	"TO-NODES; when the sets differ in size, nodes in both keep their pages (as the "
	"kernel does). Without CAP_SYS_NICE, pages other processes map too stay.\n\n"
	"Sizes are in powers of 1024 (K, M, G) unless -b is given; JSON gives bytes and, "
	"without -o, every column. Exit status: 0 when everything on the source nodes moved, "
	"64 when some stayed (the report says where and why), 1 on error.",
	children, help_filter, NULL
};

static int add_pid(pid_t **pids, size_t *count, pid_t pid)
{
	pid_t *grown = realloc(*pids, (*count + 1) * sizeof(*grown));

	if (!grown)
		return -ENOMEM;
	*pids = grown;
	(*pids)[(*count)++] = pid;
	return 0;
}

/* The first word of a comma list that is not a PID, for the message. */
static const char *invalid_pid(const char *list, char *word, size_t size)
{
	const char *start = list;
	pid_t *pid = NULL;
	size_t count = 0;

	do {
		size_t length = strcspn(start, ",");

		snprintf(word, size, "%.*s", (int)length, start);
		count = 0;
		if (numamig_pids_parse(word, &pid, &count) < 0)
			break;
		start += length;
	} while (*start++ == ',');
	free(pid);
	return word;
}

/* The PIDs of the argument ("42" or "42,43") or of the selection. */
static int choose_pids(struct migratepages_control *control, pid_t **pids, size_t *count)
{
	struct numamig_error error = { 0 };
	char word[64];
	int status;

	if (control->selecting) {
		pid_t *found = NULL;
		size_t found_count = 0;

		status = numamig_selector_new(control->common.sysroot, &control->selection,
					      &control->selector, &error);
		if (status == 0)
			status = numamig_selector_list(control->selector, &found, &found_count,
						       &error);
		if (status < 0) {
			message_warn_library(&error, status, "cannot select processes");
			return status;
		}
		/* never this process itself, which --user would match */
		for (size_t index = 0; index < found_count && status == 0; index++)
			if (found[index] != getpid())
				status = add_pid(pids, count, found[index]);
		free(found);
		if (status == 0 && *count == 0) {
			message_warn("no process matches the selection");
			return -ESRCH;
		}
		return status;
	}
	status = numamig_pids_parse(control->pid_list, pids, count);
	if (status == -ENOMEM)
		message_warn_code(ENOMEM, "cannot keep the PIDs");
	else if (status < 0)
		message_warn("invalid PID '%s'", invalid_pid(control->pid_list, word, sizeof(word)));
	return status;
}

static int parse_nodes(struct migratepages_control *control, const char *text,
		       struct numamig_nodes *nodes)
{
	struct numamig_error error = { 0 };
	int status = numamig_nodelist_parse(control->topology, text, NULL, nodes, &error);

	if (status < 0)
		message_warn_library(&error, status, "invalid node list '%s'", text);
	return status;
}

static int prepare(struct migratepages_control *control)
{
	struct numamig_error error = { 0 };
	int status;

	if (control->common.sysroot && strcmp(control->common.sysroot, "/") != 0 &&
	    !control->dry_run) {
		message_warn("--sysroot needs --dry-run: moving works on the live machine only");
		return -EINVAL;
	}
	status = numamig_topology_load(control->common.sysroot, &control->topology, &error);
	if (status < 0) {
		message_warn_library(&error, status, "cannot read the NUMA topology");
		return status;
	}
	status = parse_nodes(control, control->from_text, &control->from);
	if (status == 0)
		status = parse_nodes(control, control->to_text, &control->to);
	control->move_shared = numamig_has_capability(CAP_SYS_NICE);
	return status;
}

/* Moves one pinned process and lets it go: 0 reported, or a negative
 * errno once the message is out. */
static int move_one(const struct migratepages_control *control, struct report *report,
		    struct numamig_process *process, bool *partial)
{
	struct process_move *move = calloc(1, sizeof(*move));
	int status;

	if (!move) {
		message_warn_code(ENOMEM, "cannot move process %d",
				  (int)numamig_process_pid(process));
		status = -ENOMEM;
	} else
		status = move_process(control, process, move);
	if (status == 0) {
		report_add(report, move);
		if (process_move_stayed(move))
			*partial = true;
	}
	free(move);
	numamig_process_free(process);
	return status;
}

int main(int argc, char **argv)
{
	struct migratepages_control control = { 0 };
	struct pin_request pin = { .purpose = PIN_TO_MOVE, .check_access = true };
	struct numamig_process **pinned = NULL;
	struct report *report = NULL;
	pid_t *pids = NULL;
	size_t count = 0, reported = 0;
	int exit_status = NUMAMIG_EXIT_FAILURE;
	bool failed = false, partial = false;

	program_init("migratepages", argv);
	if (argp_parse(&argp, argc, argv, 0, NULL, &control) != 0)
		goto out;
	if (prepare(&control) < 0 || choose_pids(&control, &pids, &count) < 0)
		goto out;
	pin.sysroot = control.common.sysroot;
	pin.selected = control.selecting;
	pin.selector = control.selector;
	/* The PIDs named on the command line are pinned at once: those are
	 * the processes moved, whatever takes their PIDs meanwhile. */
	pinned = calloc(count, sizeof(*pinned));
	if (!pinned) {
		message_warn_code(ENOMEM, "cannot keep %zu processes", count);
		goto out;
	}
	for (size_t index = 0; !control.selecting && index < count; index++)
		if (pin_process(&pin, pids[index], &pinned[index]) < 0)
			failed = true;
	report = report_new(&control);
	if (!report)
		goto out;
	/* A selection's processes are pinned in their turn, and checked
	 * against it once pinned: one descriptor, whatever their number. */
	for (size_t index = 0; index < count; index++) {
		struct numamig_process *process = pinned[index];
		int status = 0;

		pinned[index] = NULL;
		if (control.selecting)
			status = pin_process(&pin, pids[index], &process);
		if (status == 0 && process) {
			status = move_one(&control, report, process, &partial);
			if (status == 0)
				reported++;
		}
		if (status < 0)
			failed = true;
	}
	if (reported == 0 && !failed) {
		message_warn("no process matches the selection (kernel threads and processes "
			     "that exited are left out)");
		goto out;
	}
	if (reported && report_print(report) < 0)
		failed = true;
	if (failed)
		exit_status = NUMAMIG_EXIT_FAILURE;
	else if (partial)
		exit_status = NUMAMIG_EXIT_PARTIAL;
	else
		exit_status = NUMAMIG_EXIT_SUCCESS;
out:
	report_free(report);
	for (size_t index = 0; pinned && index < count; index++)
		numamig_process_free(pinned[index]);
	free(pinned);
	free(pids);
	numamig_selector_free(control.selector);
	numamig_topology_free(control.topology);
	return exit_status;
}
