/*
 * One process: placement before, the plan, the move (by the kernel's
 * migrate_pages(2), or by the move_pages(2) engine with --jobs, --rate or
 * --chunk), placement after, and what stayed where and why.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "messages.h"
#include "migratepages.h"
#include "progress.h"

static double now_seconds(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)now.tv_sec + (double)now.tv_nsec / 1e9;
}

/* The memory map, known to belong to the pinned process. */
static int read_map(const struct migratepages_control *control,
		    const struct numamig_process *process, const char *when,
		    struct numamig_memory_map **map)
{
	struct numamig_error error = { 0 };
	pid_t pid = numamig_process_pid(process);
	int status = numamig_memory_map_read(control->common.sysroot, pid, map, &error);

	if (status == -ESRCH || status == -ENOENT ||
	    (status == 0 && numamig_process_check_alive(process) < 0)) {
		numamig_memory_map_free(*map);
		*map = NULL;
		message_warn("process %d (%s) exited %s", (int)pid,
			     numamig_process_command(process), when);
		return -ESRCH;
	}
	if (status < 0)
		message_warn_library(&error, status, "cannot read the memory map of process %d",
				     (int)pid);
	return status;
}

/* The placement the plan leads to: what --dry-run shows as AFTER. */
static void planned_placement(const struct numamig_placement *before,
			      const struct numamig_plan *plan, struct numamig_placement *after)
{
	*after = *before;
	for (int node = 0; node < NUMAMIG_MAX_NODES; node++)
		after->node_bytes[node] = before->node_bytes[node] - plan->leaving[node] +
					  plan->arriving[node];
}

/* A process that exits mid-move makes the kernel answer ESRCH, or EINVAL
 * (a zombie has no memory): the pidfd tells which it was. */
static int explain_failure(const struct numamig_process *process,
			   const struct process_move *move, int status,
			   const struct numamig_error *error)
{
	if (status == 0)
		return 0;
	if (status == -ESRCH || numamig_process_check_alive(process) < 0) {
		message_warn("process %d (%s) exited during the move", (int)move->pid,
			     move->command);
		return -ESRCH;
	}
	message_warn_library(error, status, "cannot move process %d", (int)move->pid);
	return status;
}

static int move_by_page_engine(const struct migratepages_control *control,
			       const struct numamig_process *process,
			       const struct numamig_memory_map *map, struct process_move *move)
{
	struct numamig_page_request request = {
		.pid = numamig_process_pid(process),
		.process = process,
		.map = map,
		.from = control->from,
		.to = control->to,
		.mode = NUMAMIG_TARGET_MAP,
		.move_shared = control->move_shared,
		.chunk_bytes = control->chunk_bytes,
		.jobs = control->jobs,
		.rate_bytes = control->rate_bytes,
		.progress = progress_pages,
	};
	struct numamig_error error = { 0 };
	struct progress *progress = progress_new(&control->common);
	int status;

	request.progress_data = progress;
	move->by_page_engine = true;
	status = numamig_pages_move(&request, &move->pages, &error);
	progress_free(progress);
	return explain_failure(process, move, status, &error);
}

static int move_by_kernel(const struct numamig_process *process, struct process_move *move,
			  const struct migratepages_control *control)
{
	struct numamig_error error = { 0 };
	int status = numamig_migrate_process(process, &control->from, &control->to,
					     &move->kernel_failures, &error);

	/* The kernel stops at the first page the target has no room for
	 * and answers ENOMEM: what moved until then stays moved, so this is
	 * a partial move, and the comparison finds what stayed. */
	if (status == -ENOMEM && numamig_process_check_alive(process) == 0) {
		move->target_full = true;
		return 0;
	}
	return explain_failure(process, move, status, &error);
}

/* After an ENOMEM, what the comparison could only call failed stayed
 * for want of room on the target. */
static void blame_full_target(struct numamig_migration_result *result)
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

/*
 * The engine saw each page's fate: its shortfall outcomes replace the
 * reasons worked out from numa_maps, in total and, where numa_maps shows
 * pages left on a node, for that node too when there is one reason only.
 */
static void take_page_outcomes(struct process_move *move)
{
	struct numamig_migration_result *result = &move->result;
	int reasons = 0, only = NUMAMIG_OUTCOME_FAILED, stayed_node = -1;

	memset(result->stayed_by_outcome, 0, sizeof(result->stayed_by_outcome));
	result->stayed = 0;
	for (int outcome = 0; outcome < NUMAMIG_OUTCOME_COUNT; outcome++) {
		if (!numamig_outcome_is_shortfall(outcome) || move->pages.bytes[outcome] == 0)
			continue;
		result->stayed_by_outcome[outcome] = move->pages.bytes[outcome];
		result->stayed += move->pages.bytes[outcome];
		reasons++;
		only = outcome;
	}
	result->moved = move->pages.bytes[NUMAMIG_OUTCOME_MOVED];
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

int move_process(const struct migratepages_control *control, struct numamig_process *process,
		 struct process_move *move)
{
	struct numamig_memory_map *before = NULL, *after = NULL;
	struct numamig_counters counters_before, counters_after;
	struct numamig_error error = { 0 };
	double started;
	int status;

	move->pid = numamig_process_pid(process);
	snprintf(move->command, sizeof(move->command), "%s", numamig_process_command(process));

	status = numamig_migrate_check(control->topology, process, &control->to, &error);
	if (status < 0) {
		message_warn_library(&error, status, "cannot move process %d", (int)move->pid);
		return status;
	}
	status = read_map(control, process, "before the move", &before);
	if (status < 0)
		return status;
	numamig_placement_of_map(before, &move->before);
	numamig_plan_make(before, &control->from, &control->to, &move->plan);
	if (control->dry_run) {
		planned_placement(&move->before, &move->plan, &move->after);
		numamig_memory_map_free(before);
		return 0;
	}

	/* Without /proc/vmstat the move goes on; the deltas are left out. */
	move->system_delta_known =
		numamig_counters_read(control->common.sysroot, &counters_before, NULL) == 0;
	started = now_seconds();
	if (control->page_engine)
		status = move_by_page_engine(control, process, before, move);
	else
		status = move_by_kernel(process, move, control);
	move->elapsed_seconds = now_seconds() - started;
	if (move->system_delta_known &&
	    numamig_counters_read(control->common.sysroot, &counters_after, NULL) == 0)
		numamig_counters_delta(&counters_before, &counters_after, &move->system_delta);
	else
		move->system_delta_known = false;
	if (status == 0)
		status = read_map(control, process, "during the move", &after);
	if (status == 0) {
		numamig_placement_of_map(after, &move->after);
		numamig_migration_compare(&move->plan, before, after, control->move_shared,
					  &move->result);
		if (move->by_page_engine)
			take_page_outcomes(move);
		else if (move->target_full)
			blame_full_target(&move->result);
		/* the engine's own clock stops before it queries the pages
		 * again for its "after": that is checking, not moving */
		if (move->by_page_engine)
			move->elapsed_seconds = move->pages.elapsed_seconds;
	}
	numamig_memory_map_free(before);
	numamig_memory_map_free(after);
	return status;
}

uint64_t process_move_stayed(const struct process_move *move)
{
	return move->result.stayed;
}
