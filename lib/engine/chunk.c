/*
 * One chunk, from its addresses to the outcome of each page.
 *
 * A THP moves whole from any of its addresses, and passing its other
 * addresses too gives a spurious -EBUSY and breaks the batch; without
 * privilege nothing shows where THPs are (pagemap has no THP bit). So an
 * aligned 2 MiB block is probed by its first and last page only, and when
 * both sit on one node that should move, the block is sent as its first
 * address. If the last page then moved with the first, one folio spans
 * the block (folios are naturally aligned): a THP, moved whole, known
 * without querying its other 510 pages, which for THPs would cost as much
 * as the move itself. Every other page, and the rest of a block that was
 * not one folio after all, is queried page by page, planned and moved.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>

#include "engine.h"

/* Probes the blocks of [start, end) and sends those that may be THPs as
 * their first address; every other page goes to vectors->later. */
static int send_block_heads(const struct engine_mover *mover, struct engine_vectors *vectors,
			    uint64_t start, uint64_t end, struct engine_targets *targets,
			    size_t *later, struct engine_tally *tally)
{
	uint64_t block = mover->block, base = mover->base_page;
	size_t probes = 0;
	int rc;

	for (uint64_t address = start; address < end;) {
		if (address % block == 0 && end - address >= block) {
			vectors->addresses[probes++] = (void *)(uintptr_t)address;
			vectors->addresses[probes++] = (void *)(uintptr_t)(address + block - base);
			address += block;
		} else {
			vectors->later[(*later)++] = address;
			address += base;
		}
	}
	rc = engine_query(mover->pid, vectors->addresses, vectors->status, probes);
	if (rc < 0)
		return rc;

	vectors->entry_count = 0;
	for (size_t probe = 0; probe < probes; probe += 2) {
		uint64_t address = (uint64_t)(uintptr_t)vectors->addresses[probe];
		int node = vectors->status[probe];
		enum numamig_outcome outcome;

		if (node >= 0 && node == vectors->status[probe + 1] && engine_target_moves(targets, node)) {
			int target = engine_target_choose(targets, node, block, &outcome);

			vectors->entries[vectors->entry_count++] = (struct engine_entry){
				.address = address,
				.bytes = block,
				.node = node,
				.target = target,
				.block_head = true,
				.pending = true,
			};
			tally->planned[target] += block;
			continue;
		}
		for (uint64_t page = address; page < address + block; page += base)
			vectors->later[(*later)++] = page;
	}
	qsort(vectors->entries, vectors->entry_count, sizeof(*vectors->entries), engine_compare_entries);
	return engine_move_entries(mover, vectors, vectors->entries, vectors->entry_count, tally);
}

/* Which moved heads were THPs: those whose block's last page moved too.
 * The others' remaining pages go to vectors->later. */
static int prove_blocks(const struct engine_mover *mover, struct engine_vectors *vectors,
			struct engine_targets *targets, size_t *later, struct engine_tally *tally)
{
	uint64_t block = mover->block, base = mover->base_page;
	size_t heads = 0;
	int rc;

	for (size_t index = 0; index < vectors->entry_count; index++) {
		const struct engine_entry *head = &vectors->entries[index];

		if (head->outcome != NUMAMIG_OUTCOME_MOVED) {
			/* counted whole by its outcome: so is its placement */
			tally->before[head->node] += block;
			continue;
		}
		vectors->pending[heads] = (int)index;
		vectors->addresses[heads++] = (void *)(uintptr_t)(head->address + block - base);
	}
	rc = engine_query(mover->pid, vectors->addresses, vectors->status, heads);
	if (rc < 0)
		return rc;
	for (size_t slot = 0; slot < heads; slot++) {
		const struct engine_entry *head = &vectors->entries[vectors->pending[slot]];

		if (vectors->status[slot] == head->target) {
			tally->before[head->node] += block;
			engine_count(tally, NUMAMIG_OUTCOME_MOVED, head, block - base);
			continue;
		}
		/* Not one folio: the first page moved alone, the rest is planned
		 * page by page and must not weigh twice in the spreading. */
		tally->before[head->node] += base;
		tally->planned[head->target] -= block - base;
		if (mover->after_overbooking)
			mover->after_overbooking(mover->before_call_data, block - base);
		engine_target_unload(targets, head->target, block - base);
		for (uint64_t page = head->address + base; page < head->address + block; page += base)
			vectors->later[(*later)++] = page;
	}
	return 0;
}

int engine_chunk_walk(const struct engine_mover *mover, struct engine_vectors *vectors,
		      const struct engine_segment *segment, uint64_t start, uint64_t end,
		      struct engine_targets *targets, bool query_only, struct engine_tally *tally)
{
	size_t later = 0, count;
	int rc;

	/* A query must be exact page by page, and hugetlb pages are one
	 * address each already. */
	if (segment->folio_blocks && !query_only && segment->step == mover->base_page) {
		rc = send_block_heads(mover, vectors, start, end, targets, &later, tally);
		if (rc == 0)
			rc = prove_blocks(mover, vectors, targets, &later, tally);
		if (rc < 0)
			return rc;
		for (count = 0; count < later; count++)
			vectors->addresses[count] = (void *)(uintptr_t)vectors->later[count];
	} else {
		count = engine_chunk_addresses(vectors, segment, start, end);
	}
	rc = engine_query(mover->pid, vectors->addresses, vectors->status, count);
	if (rc < 0)
		return rc;
	engine_chunk_plan(vectors, count, segment->step, targets, query_only, tally);
	for (size_t index = 0; index < count; index++)
		if (vectors->status[index] == -EFAULT) {
			rc = engine_fault_record(mover, vectors, tally,
						 (uint64_t)(uintptr_t)vectors->addresses[index],
						 segment->step);
			if (rc < 0)
				return rc;
		}
	if (query_only)
		return 0;
	return engine_move_entries(mover, vectors, vectors->entries, vectors->entry_count, tally);
}
