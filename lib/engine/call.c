/*
 * The move_pages(2) calls of one chunk, and what their statuses mean.
 *
 * The kernel's traps, and what is done about each (see KERNEL.md):
 *  - after a failing batch it stops and leaves the statuses of that batch
 *    and of every later entry untouched: statuses are pre-filled with a
 *    value it never writes, untouched entries are queried again (some of
 *    the batch may have moved) and those never attempted are sent again;
 *  - a failing batch is reported only as a count, or as -ENOMEM when the
 *    target had no room: the batch's entries take that reason;
 *  - -EBUSY is also what a second address of a folio already queued gets:
 *    such pages are queried again and count as moved if they did;
 */
#include "config.h"

#include <errno.h>
#include <numaif.h>

#include "engine.h"

int engine_query(pid_t pid, void **addresses, int *status, size_t count)
{
	if (count == 0)
		return 0;
	if (engine_move_pages(pid, count, addresses, NULL, status, 0) < 0)
		return -errno;
	return 0;
}

void engine_count(struct engine_tally *tally, enum numamig_outcome outcome,
		  const struct engine_entry *entry, uint64_t bytes)
{
	tally->bytes[outcome] += bytes;
	if (outcome == NUMAMIG_OUTCOME_NO_MEMORY)
		tally->no_memory[entry->target] += bytes;
	if (outcome == NUMAMIG_OUTCOME_MOVED) {
		tally->moved_from[entry->node] += bytes;
		tally->moved_to[entry->target] += bytes;
	}
}

static void count_outcome(const struct engine_mover *mover, struct engine_entry *entry,
			  enum numamig_outcome outcome, struct engine_tally *tally)
{
	/* A block head that moved counts as one page: chunk.c counts
	 * the others. One that did not move counts the whole block: a THP
	 * has one fate, and pages that share a node nearly always share the
	 * reason too (shared, no memory). */
	uint64_t bytes = entry->block_head && outcome == NUMAMIG_OUTCOME_MOVED ? mover->base_page
									   : entry->bytes;

	entry->pending = false;
	entry->outcome = outcome;
	engine_count(tally, outcome, entry, bytes);
}

/* The meaning of a status the kernel wrote, or -1 when only a fresh query
 * can tell (the page may have moved with its folio, or gone). */
static int written_outcome(const struct engine_entry *entry, int status)
{
	if (status == entry->target)
		return NUMAMIG_OUTCOME_MOVED;
	switch (status) {
	case -EACCES:
		return NUMAMIG_OUTCOME_SHARED;
	case -ENOENT:
		return NUMAMIG_OUTCOME_NOT_PRESENT;
	case -ENOMEM:
		return NUMAMIG_OUTCOME_NO_MEMORY;
	case -EBUSY:
	case -EFAULT:
	case ENGINE_STATUS_UNTOUCHED:
		return -1;
	default:
		return NUMAMIG_OUTCOME_FAILED;
	}
}

/* What a page the move did not settle is, once queried again. */
static enum numamig_outcome requeried_outcome(const struct engine_entry *entry, int node,
					      int call_error, bool in_failed_batch)
{
	if (node == entry->target)
		return NUMAMIG_OUTCOME_MOVED;
	if (node < 0)
		return engine_query_outcome(node);
	if (entry->status == -EBUSY)
		return NUMAMIG_OUTCOME_BUSY;
	if (entry->status == -EFAULT)
		return NUMAMIG_OUTCOME_FAILED;	/* present, yet its mapping cannot migrate */
	if (!in_failed_batch)
		return NUMAMIG_OUTCOME_COUNT;	/* never attempted: send it again */
	return call_error == -ENOMEM ? NUMAMIG_OUTCOME_NO_MEMORY : NUMAMIG_OUTCOME_FAILED;
}

static bool whole_call_error(int call_error)
{
	return call_error < 0 && call_error != -ENOMEM;
}

/*
 * One move_pages call over the pending entries, then one query over those
 * it did not settle. Returns 0 or a whole-call error; *progress tells
 * whether any entry was settled.
 */
static int move_round(const struct engine_mover *mover, struct engine_vectors *vectors,
		      struct engine_entry *entries, size_t count, struct engine_tally *tally,
		      bool *progress)
{
	size_t sent = 0, unsettled = 0;
	uint64_t bytes = 0;
	long returned;
	int call_error = 0, query_error;
	bool failed_batch_open = false, failed_batch_done = false;
	const struct engine_entry *previous = NULL;

	for (size_t index = 0; index < count && sent < vectors->capacity; index++) {
		if (!entries[index].pending)
			continue;
		vectors->pending[sent] = (int)index;
		entries[index].slot = sent;
		vectors->addresses[sent] = (void *)(uintptr_t)entries[index].address;
		vectors->nodes[sent] = entries[index].target;
		vectors->status[sent] = ENGINE_STATUS_UNTOUCHED;
		bytes += entries[index].bytes;
		sent++;
	}
	*progress = false;
	if (sent == 0)
		return 0;
	if (mover->before_call)
		mover->before_call(mover->before_call_data, bytes);
	/* move_pages(2) takes a PID, not a pidfd: the pinned process must
	 * still hold it right before the call. Not before the pacing above,
	 * which may sleep: a process reaped meanwhile gives its PID away. */
	if (mover->process && numamig_process_check_alive(mover->process) < 0)
		return -ESRCH;
	returned = engine_move_pages(mover->pid, sent, vectors->addresses, vectors->nodes, vectors->status,
			      mover->flags);
	if (returned < 0)
		call_error = -errno;
	tally->calls++;

	for (size_t slot = 0; slot < sent; slot++) {
		struct engine_entry *entry = &entries[vectors->pending[slot]];
		int outcome;

		entry->status = vectors->status[slot];
		outcome = written_outcome(entry, entry->status);
		if (outcome >= 0) {
			count_outcome(mover, entry, (enum numamig_outcome)outcome, tally);
			*progress = true;
			continue;
		}
		/* Keep the unsettled ones, in order, for one query. */
		vectors->pending[unsettled] = vectors->pending[slot];
		vectors->addresses[unsettled] = (void *)(uintptr_t)entry->address;
		unsettled++;
	}
	if (unsettled == 0)
		return whole_call_error(call_error) ? call_error : 0;

	query_error = engine_query(mover->pid, vectors->addresses, vectors->status, unsettled);
	if (query_error < 0)
		return query_error;
	for (size_t slot = 0; slot < unsettled; slot++) {
		struct engine_entry *entry = &entries[vectors->pending[slot]];
		bool untouched = entry->status == ENGINE_STATUS_UNTOUCHED;
		enum numamig_outcome outcome;

		/* The batch that failed is the first run of untouched entries
		 * with one target; the ones after it were never attempted. A
		 * settled entry in between ends the run. */
		if (untouched && !failed_batch_done) {
			if (!failed_batch_open)
				failed_batch_open = true;
			else if (entry->target != previous->target || entry->slot != previous->slot + 1)
				failed_batch_done = true;
		} else if (failed_batch_open) {
			failed_batch_done = true;
		}
		previous = entry;
		outcome = requeried_outcome(entry, vectors->status[slot], call_error,
					    untouched && failed_batch_open && !failed_batch_done);
		if (outcome == NUMAMIG_OUTCOME_COUNT)
			continue;
		if (whole_call_error(call_error) && untouched && vectors->status[slot] != entry->target)
			continue;	/* the call was refused: not a fact about the page */
		count_outcome(mover, entry, outcome, tally);
		*progress = true;
		if (vectors->status[slot] == -EFAULT && outcome == NUMAMIG_OUTCOME_NOT_PRESENT) {
			int rc = engine_fault_record(mover, vectors, tally, entry->address, entry->bytes);

			if (rc < 0)
				return rc;
		}
	}
	return whole_call_error(call_error) ? call_error : 0;
}

int engine_move_entries(const struct engine_mover *mover, struct engine_vectors *vectors,
			struct engine_entry *entries, size_t count, struct engine_tally *tally)
{
	for (;;) {
		bool progress;
		int rc = move_round(mover, vectors, entries, count, tally, &progress);
		bool pending = false;

		if (rc < 0)
			return rc;
		for (size_t index = 0; index < count && !pending; index++)
			pending = entries[index].pending;
		if (!pending)
			return 0;
		if (!progress) {
			/* Never expected; ends the loop should a kernel settle nothing. */
			for (size_t index = 0; index < count; index++)
				if (entries[index].pending)
					count_outcome(mover, &entries[index], NUMAMIG_OUTCOME_FAILED, tally);
			return 0;
		}
	}
}
