/*
 * Page vectors for one chunk: the addresses to query, and from their
 * statuses the entries to move, one per folio where a folio can be
 * recognised, sorted by target.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "engine-internal.h"

int engine_vectors_init(struct engine_vectors *vectors, size_t capacity, size_t block_pages)
{
	memset(vectors, 0, sizeof(*vectors));
	vectors->capacity = capacity;
	vectors->follower_capacity = block_pages;
	vectors->addresses = calloc(capacity, sizeof(*vectors->addresses));
	vectors->nodes = calloc(capacity, sizeof(*vectors->nodes));
	vectors->status = calloc(capacity, sizeof(*vectors->status));
	vectors->pending = calloc(capacity, sizeof(*vectors->pending));
	vectors->entries = calloc(capacity, sizeof(*vectors->entries));
	vectors->followers = calloc(block_pages ? block_pages : 1, sizeof(*vectors->followers));
	if (!vectors->addresses || !vectors->nodes || !vectors->status || !vectors->pending ||
	    !vectors->entries || !vectors->followers) {
		engine_vectors_release(vectors);
		return -ENOMEM;
	}
	return 0;
}

void engine_vectors_release(struct engine_vectors *vectors)
{
	free(vectors->addresses);
	free(vectors->nodes);
	free(vectors->status);
	free(vectors->pending);
	free(vectors->entries);
	free(vectors->followers);
	memset(vectors, 0, sizeof(*vectors));
}

size_t engine_chunk_addresses(struct engine_vectors *vectors, const struct engine_segment *segment,
			      uint64_t start, uint64_t end)
{
	size_t count = 0;

	for (uint64_t address = start; address < end && count < vectors->capacity;
	     address += segment->step)
		vectors->addresses[count++] = (void *)(uintptr_t)address;
	return count;
}

enum numamig_outcome engine_query_outcome(int status)
{
	if (status >= 0)
		return NUMAMIG_OUTCOME_ALREADY_THERE;
	/* 6.12 says -ENOENT for a never-touched page, 6.1 -EFAULT; both say
	 * -EFAULT for the zero page. Every address queried lies in a mapping,
	 * so -EFAULT is not "no mapping" here. */
	if (status == -ENOENT || status == -EFAULT)
		return NUMAMIG_OUTCOME_NOT_PRESENT;
	return NUMAMIG_OUTCOME_FAILED;
}

static int least_loaded(const struct engine_targets *targets)
{
	int best = -1;

	for (int node = numamig_nodes_next(&targets->to, -1); node >= 0;
	     node = numamig_nodes_next(&targets->to, node))
		if (best < 0 || targets->load[node] < targets->load[best])
			best = node;
	return best;
}

int engine_target_choose(struct engine_targets *targets, int node, uint64_t bytes,
			 enum numamig_outcome *outcome)
{
	int target;

	if (!numamig_nodes_empty(&targets->from) && !numamig_nodes_has(&targets->from, node)) {
		*outcome = NUMAMIG_OUTCOME_NOT_SELECTED;
		return node;
	}
	if (targets->mode == NUMAMIG_TARGET_MAP) {
		target = numamig_nodes_map_target(&targets->from, &targets->to, node);
		if (target < 0) {
			*outcome = NUMAMIG_OUTCOME_NOT_SELECTED;
			return node;
		}
		*outcome = target == node ? NUMAMIG_OUTCOME_ALREADY_THERE : NUMAMIG_OUTCOME_MOVED;
		return target;
	}

	if (targets->lock)
		pthread_mutex_lock(targets->lock);
	/* A page already on a node of 'to' stays, and counts for that node, so
	 * the spread evens out what ends up on each node, not only what moved. */
	if (numamig_nodes_has(&targets->to, node)) {
		target = node;
		*outcome = NUMAMIG_OUTCOME_ALREADY_THERE;
	} else {
		target = least_loaded(targets);
		*outcome = NUMAMIG_OUTCOME_MOVED;
	}
	if (target >= 0)
		targets->load[target] += bytes;
	if (targets->lock)
		pthread_mutex_unlock(targets->lock);
	return target;
}

/* Every page of the block starting at index sits on the same node. */
static bool whole_block(const int *status, size_t index, size_t count, size_t block_pages)
{
	if (block_pages < 2 || index + block_pages > count || status[index] < 0)
		return false;
	for (size_t page = index + 1; page < index + block_pages; page++)
		if (status[page] != status[index])
			return false;
	return true;
}

static int compare_entries(const void *left, const void *right)
{
	const struct engine_entry *a = left, *b = right;

	if (a->target != b->target)
		return a->target < b->target ? -1 : 1;
	return a->address < b->address ? -1 : a->address > b->address;
}

void engine_chunk_plan(struct engine_vectors *vectors, size_t count, const struct engine_segment *segment,
		       uint64_t block, struct engine_targets *targets, bool query_only,
		       struct engine_tally *tally)
{
	size_t block_pages = segment->folio_blocks ? block / segment->step : 1;
	size_t index = 0;

	vectors->entry_count = 0;
	while (index < count) {
		uint64_t address = (uint64_t)(uintptr_t)vectors->addresses[index];
		int node = vectors->status[index];
		/*
		 * A THP moves whole from any of its addresses, and passing the
		 * others too gives a spurious -EBUSY and breaks the batch. The
		 * pagemap shows no THP bit without privilege, so an aligned block
		 * whose pages all sit on one node is sent as its first address;
		 * engine_chunk_move then checks the rest, which moves them too
		 * when they were base pages after all.
		 */
		bool head = address % block == 0 && whole_block(vectors->status, index, count, block_pages);
		size_t pages = head ? block_pages : 1;
		uint64_t bytes = pages * segment->step;
		enum numamig_outcome outcome;
		int target;

		index += pages;
		if (node < 0) {
			tally->bytes[engine_query_outcome(node)] += bytes;
			continue;
		}
		tally->before[node] += bytes;
		target = engine_target_choose(targets, node, bytes, &outcome);
		if (target < 0)
			outcome = NUMAMIG_OUTCOME_NOT_SELECTED;	/* no 'to': a query of placement */
		if (outcome != NUMAMIG_OUTCOME_MOVED) {
			tally->bytes[outcome] += bytes;
			continue;
		}
		tally->planned[target] += bytes;
		if (query_only) {
			tally->bytes[NUMAMIG_OUTCOME_WOULD_MOVE] += bytes;
			continue;
		}
		vectors->entries[vectors->entry_count++] = (struct engine_entry){
			.address = address,
			.bytes = bytes,
			.node = node,
			.target = target,
			.block_head = head,
			.pending = true,
		};
	}
	/* The kernel flushes a batch whenever the target changes. */
	qsort(vectors->entries, vectors->entry_count, sizeof(*vectors->entries), compare_entries);
}
