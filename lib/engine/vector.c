/*
 * Page vectors for one chunk: the addresses to query, the choice of a
 * target for each page, and from the statuses the entries to move,
 * sorted by target.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"

int engine_vectors_init(struct engine_vectors *vectors, size_t capacity)
{
	memset(vectors, 0, sizeof(*vectors));
	vectors->capacity = capacity;
	vectors->addresses = calloc(capacity, sizeof(*vectors->addresses));
	vectors->nodes = calloc(capacity, sizeof(*vectors->nodes));
	vectors->status = calloc(capacity, sizeof(*vectors->status));
	vectors->pending = calloc(capacity, sizeof(*vectors->pending));
	vectors->entries = calloc(capacity, sizeof(*vectors->entries));
	vectors->later = calloc(capacity, sizeof(*vectors->later));
	vectors->faults = calloc(ENGINE_FAULT_RUNS, sizeof(*vectors->faults));
	if (!vectors->addresses || !vectors->nodes || !vectors->status || !vectors->pending ||
	    !vectors->entries || !vectors->later || !vectors->faults) {
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
	free(vectors->later);
	free(vectors->faults);
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
	 * -EFAULT for the zero page. Every address queried lay in a mapping
	 * when the walk was built; one unmapped since is told apart later
	 * (faults.c). */
	if (status == -ENOENT || status == -EFAULT)
		return NUMAMIG_OUTCOME_NOT_PRESENT;
	return NUMAMIG_OUTCOME_FAILED;
}

void engine_targets_prepare(struct engine_targets *targets)
{
	targets->any_source = numamig_nodes_empty(&targets->from);
	targets->only_target =
		numamig_nodes_count(&targets->to) == 1 ? numamig_nodes_next(&targets->to, -1) : -1;
	for (int node = 0; node < NUMAMIG_MAX_NODES; node++)
		targets->target_of[node] =
			targets->mode == NUMAMIG_TARGET_MAP
				? (short)numamig_nodes_map_target(&targets->from, &targets->to, node)
				: -1;
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

static bool selected(const struct engine_targets *targets, int node)
{
	return targets->any_source || numamig_nodes_has(&targets->from, node);
}

int engine_target_choose(struct engine_targets *targets, int node, uint64_t bytes,
			 enum numamig_outcome *outcome)
{
	int target;

	if (!selected(targets, node)) {
		*outcome = NUMAMIG_OUTCOME_NOT_SELECTED;
		return node;
	}
	if (targets->mode == NUMAMIG_TARGET_MAP) {
		target = targets->target_of[node];
		if (target < 0) {
			*outcome = NUMAMIG_OUTCOME_NOT_SELECTED;
			return node;
		}
		*outcome = target == node ? NUMAMIG_OUTCOME_ALREADY_THERE : NUMAMIG_OUTCOME_MOVED;
		return target;
	}
	/* One target: nothing to even out, so no load to keep (nor lock). */
	if (targets->only_target >= 0) {
		*outcome = node == targets->only_target ? NUMAMIG_OUTCOME_ALREADY_THERE
							: NUMAMIG_OUTCOME_MOVED;
		return targets->only_target;
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

bool engine_target_moves(const struct engine_targets *targets, int node)
{
	if (node < 0 || !selected(targets, node))
		return false;
	if (targets->mode == NUMAMIG_TARGET_MAP)
		return targets->target_of[node] >= 0 && targets->target_of[node] != node;
	if (targets->only_target >= 0)
		return node != targets->only_target;
	return !numamig_nodes_empty(&targets->to) && !numamig_nodes_has(&targets->to, node);
}

void engine_target_unload(struct engine_targets *targets, int target, uint64_t bytes)
{
	if (targets->mode != NUMAMIG_TARGET_SPREAD || targets->only_target >= 0 || target < 0)
		return;
	if (targets->lock)
		pthread_mutex_lock(targets->lock);
	targets->load[target] -= bytes < targets->load[target] ? bytes : targets->load[target];
	if (targets->lock)
		pthread_mutex_unlock(targets->lock);
}

int engine_compare_entries(const void *left, const void *right)
{
	const struct engine_entry *a = left, *b = right;

	if (a->target != b->target)
		return a->target < b->target ? -1 : 1;
	return a->address < b->address ? -1 : a->address > b->address;
}

void engine_chunk_plan(struct engine_vectors *vectors, size_t count, uint64_t step,
		       struct engine_targets *targets, bool query_only, struct engine_tally *tally)
{
	vectors->entry_count = 0;
	for (size_t index = 0; index < count; index++) {
		int node = vectors->status[index];
		enum numamig_outcome outcome;
		int target;

		if (node < 0) {
			tally->bytes[engine_query_outcome(node)] += step;
			continue;
		}
		tally->before[node] += step;
		target = engine_target_choose(targets, node, step, &outcome);
		if (target < 0)
			outcome = NUMAMIG_OUTCOME_NOT_SELECTED;	/* no 'to': a query of placement */
		if (outcome != NUMAMIG_OUTCOME_MOVED) {
			tally->bytes[outcome] += step;
			continue;
		}
		tally->planned[target] += step;
		if (query_only) {
			tally->bytes[NUMAMIG_OUTCOME_WOULD_MOVE] += step;
			continue;
		}
		vectors->entries[vectors->entry_count++] = (struct engine_entry){
			.address = (uint64_t)(uintptr_t)vectors->addresses[index],
			.bytes = step,
			.node = node,
			.target = target,
			.pending = true,
		};
	}
	/* The kernel flushes a batch whenever the target changes. */
	qsort(vectors->entries, vectors->entry_count, sizeof(*vectors->entries), engine_compare_entries);
}
