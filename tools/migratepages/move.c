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
#include "pin.h"
#include "progress.h"

static double now_seconds(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)now.tv_sec + (double)now.tv_nsec / 1e9;
}

/* The memory map, known to belong to the pinned process. */
static int read_map(const struct numamig_process *process, const char *when,
		    struct numamig_memory_map **map)
{
	struct numamig_error error = { 0 };
	int status = numamig_memory_map_read(process, map, &error);

	return pin_explain(process, PIN_TO_MOVE, when, status, &error,
			   "cannot read the memory map");
}

static int move_by_page_engine(const struct migratepages_control *control,
			       const struct numamig_process *process,
			       const struct numamig_memory_map *map, struct process_move *move)
{
	struct numamig_page_request request = {
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
	return pin_explain(process, PIN_TO_MOVE, "during", status, &error, "cannot move the process");
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
	return pin_explain(process, PIN_TO_MOVE, "during", status, &error, "cannot move the process");
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
	status = read_map(process, "before", &before);
	if (status < 0)
		return status;
	numamig_placement_of_map(before, &move->before);
	numamig_plan_make(before, &control->from, &control->to, &move->plan);
	if (control->dry_run) {
		numamig_plan_placement(&move->before, &move->plan, &move->after);
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
		status = read_map(process, "during", &after);
	if (status == 0) {
		numamig_placement_of_map(after, &move->after);
		numamig_migration_compare(&move->plan, before, after, control->move_shared,
					  &move->result);
		if (move->by_page_engine)
			numamig_migration_take_pages(&move->result, &move->pages);
		else if (move->target_full)
			numamig_migration_target_full(&move->result);
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
