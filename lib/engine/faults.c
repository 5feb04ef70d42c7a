/*
 * Pages the kernel answered -EFAULT for. Inside a mapping that means not
 * present (never touched, on 6.1; the shared zero page); but the pages of
 * a mapping the process unmaps while it is being moved get -EFAULT too,
 * and they are not mapped. Only /proc/PID/maps tells the two apart, and
 * reading it for every chunk would cost more than the chunk on a process
 * with many mappings. So the pages are noted as runs of addresses, and
 * looked up in maps once: when the thread is done, or when the runs fill
 * their array (a few kilobytes, whatever the size of the process).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "sysroot.h"
#include "text.h"

static int compare_runs(const void *left, const void *right)
{
	const struct engine_fault_run *a = left, *b = right;

	return a->start < b->start ? -1 : a->start > b->start;
}

/* Sorted, with touching runs joined. */
static void compact(struct engine_vectors *vectors)
{
	struct engine_fault_run *runs = vectors->faults;
	size_t kept = 0;

	if (vectors->fault_count > 1)
		qsort(runs, vectors->fault_count, sizeof(*runs), compare_runs);
	for (size_t index = 0; index < vectors->fault_count; index++) {
		if (kept > 0 && runs[index].start <= runs[kept - 1].end) {
			if (runs[index].end > runs[kept - 1].end)
				runs[kept - 1].end = runs[index].end;
			continue;
		}
		runs[kept++] = runs[index];
	}
	vectors->fault_count = kept;
}

int engine_fault_record(const struct engine_mover *mover, struct engine_vectors *vectors,
			struct engine_tally *tally, uint64_t address, uint64_t bytes)
{
	struct engine_fault_run *last =
		vectors->fault_count ? &vectors->faults[vectors->fault_count - 1] : NULL;

	/* Pages come mostly in address order: most extend the last run. */
	if (last && last->end == address) {
		last->end += bytes;
		return 0;
	}
	if (vectors->fault_count == ENGINE_FAULT_RUNS) {
		compact(vectors);
		if (vectors->fault_count > ENGINE_FAULT_RUNS / 2) {
			int rc = engine_faults_settle(mover, vectors, tally);

			if (rc < 0)
				return rc;
		}
	}
	vectors->faults[vectors->fault_count++] = (struct engine_fault_run){ address, address + bytes };
	return 0;
}

/* A sweep of the sorted runs along the maps lines, which come in address
 * order: what of the runs some mapping covers. */
struct sweep {
	const struct engine_fault_run *runs;
	size_t count;
	size_t next;			/* the first run not wholly behind the line */
	uint64_t covered;
};

static int sweep_line(void *context, char *line, size_t length, bool complete)
{
	struct sweep *sweep = context;
	const char *dash = memchr(line, '-', length);
	const char *space = memchr(line, ' ', length);
	uint64_t start, end;

	(void)complete;
	if (!dash || !space || dash > space || !text_parse_hex(line, (size_t)(dash - line), &start) ||
	    !text_parse_hex(dash + 1, (size_t)(space - dash - 1), &end))
		return 0;	/* not a mapping: nothing it could cover */
	while (sweep->next < sweep->count && sweep->runs[sweep->next].end <= start)
		sweep->next++;
	for (size_t index = sweep->next; index < sweep->count && sweep->runs[index].start < end;
	     index++) {
		uint64_t from = sweep->runs[index].start > start ? sweep->runs[index].start : start;
		uint64_t to = sweep->runs[index].end < end ? sweep->runs[index].end : end;

		if (from < to)
			sweep->covered += to - from;
	}
	return 0;
}

int engine_faults_settle(const struct engine_mover *mover, struct engine_vectors *vectors,
			 struct engine_tally *tally)
{
	struct sweep sweep = { 0 };
	char relative[64];
	uint64_t noted = 0, unmapped;
	int rc;

	if (vectors->fault_count == 0)
		return 0;
	compact(vectors);
	sweep.runs = vectors->faults;
	sweep.count = vectors->fault_count;
	for (size_t index = 0; index < sweep.count; index++)
		noted += sweep.runs[index].end - sweep.runs[index].start;
	snprintf(relative, sizeof(relative), "proc/%d/maps", (int)mover->pid);
	rc = sysroot_read_lines(mover->sysroot, relative, NULL, sweep_line, &sweep);
	vectors->fault_count = 0;
	if (rc == -ENOENT || rc == -ESRCH)
		return -ESRCH;
	if (rc < 0)
		return 0;	/* unreadable: the pages stay "not present" */
	/* Maps read by PID may be a newcomer's: only the pinned process's count. */
	if (mover->process && numamig_process_check_alive(mover->process) < 0)
		return -ESRCH;
	unmapped = noted - sweep.covered;
	if (unmapped > tally->bytes[NUMAMIG_OUTCOME_NOT_PRESENT])
		unmapped = tally->bytes[NUMAMIG_OUTCOME_NOT_PRESENT];
	tally->bytes[NUMAMIG_OUTCOME_NOT_PRESENT] -= unmapped;
	tally->bytes[NUMAMIG_OUTCOME_NOT_MAPPED] += unmapped;
	return 0;
}
