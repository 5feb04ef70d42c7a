/*
 * numamig_pages_move: hands out chunks of the walk to one or more threads,
 * paces the moves to a rate, reports progress, and sums what each thread
 * saw. "After" is "before" with the moves the kernel reported: a second
 * query of every page would double the time the tool takes (queries are
 * most of it when THPs move), and numamaps gives a fresh look.
 */
#include "config.h"

#include <errno.h>
#include <numaif.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "engine.h"
#include "process.h"

/*
 * 64 MiB per call. Each move_pages(2) call that moves drains every CPU's
 * LRU caches and waits for an expedited RCU grace period
 * (lru_cache_disable), which costs about as much as moving some MiB: with
 * 4 MiB chunks a 256 MiB move took ten times as long as one migrate_pages
 * call in the guest. 64 MiB keeps that overhead small, keeps a call (and
 * so the target's stall) to some tens of milliseconds, and needs about
 * 1.3 MiB of vectors per thread whatever the size of the range.
 */
#define DEFAULT_CHUNK_BYTES (UINT64_C(64) << 20)
#define DEFAULT_BLOCK_BYTES (UINT64_C(2) << 20)
#define MAX_JOBS NUMAMIG_MAX_JOBS

struct engine_run {
	const struct numamig_page_request *request;
	struct engine_walk walk;
	struct engine_targets targets;
	struct engine_mover mover;
	uint64_t chunk;
	size_t capacity;
	pthread_mutex_t lock;
	/* under lock: */
	size_t segment;			/* the cursor: next chunk to hand out */
	uint64_t address;
	int failure;			/* first whole-call error: all threads stop */
	double next_slot;		/* rate: when the next call may start */
	double started;
	struct numamig_page_progress progress;
	struct engine_tally total;
};

static double now_seconds(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)now.tv_sec + (double)now.tv_nsec / 1e9;
}

/* The PMD size: what a THP is on this machine. */
static uint64_t huge_page_block(void)
{
	FILE *file = fopen("/sys/kernel/mm/transparent_hugepage/hpage_pmd_size", "re");
	unsigned long long bytes = 0;

	if (file) {
		if (fscanf(file, "%llu", &bytes) != 1)
			bytes = 0;
		fclose(file);
	}
	return bytes ? bytes : DEFAULT_BLOCK_BYTES;
}

static bool next_chunk(struct engine_run *run, const struct engine_segment **segment,
		       uint64_t *start, uint64_t *end)
{
	bool found = false;

	pthread_mutex_lock(&run->lock);
	if (run->failure == 0 && run->segment < run->walk.count) {
		const struct engine_segment *current = &run->walk.segments[run->segment];
		/* Chunks are aligned to their size, a multiple of the block and
		 * of the step, so no THP or huge page straddles two chunks. */
		uint64_t span = run->chunk < current->step ? current->step
							     : run->chunk - run->chunk % current->step;

		if (run->address < current->start)
			run->address = current->start;
		*segment = current;
		*start = run->address;
		*end = (*start / span + 1) * span;
		if (*end >= current->end) {
			*end = current->end;
			run->segment++;
		}
		run->address = *end;
		found = true;
	}
	pthread_mutex_unlock(&run->lock);
	return found;
}

static void fail(struct engine_run *run, int code)
{
	pthread_mutex_lock(&run->lock);
	if (run->failure == 0)
		run->failure = code;
	pthread_mutex_unlock(&run->lock);
}

static void sleep_until(double moment)
{
	double now = now_seconds();
	struct timespec wait;

	if (moment <= now)
		return;
	wait.tv_sec = (time_t)(moment - now);
	wait.tv_nsec = (long)((moment - now - (double)wait.tv_sec) * 1e9);
	while (nanosleep(&wait, &wait) < 0 && errno == EINTR)
		;
}

/*
 * A token bucket: each call books the time its bytes take at the rate and
 * waits for its slot, so N threads together keep to the rate. A call may
 * start up to four chunks' time behind the booked line without losing
 * that time: the queries between two calls, and the stalls of a busy
 * machine, would otherwise add to the move's time (4 KiB pages at 50M
 * took 5.9 s for 5.12 s with one chunk of credit, 6.12 without any).
 */
static void pace(void *data, uint64_t bytes)
{
	struct engine_run *run = data;
	double rate = (double)run->request->rate_bytes, slot, earliest;

	if (run->request->rate_bytes == 0)
		return;
	earliest = now_seconds() - 4 * (double)run->chunk / rate;
	pthread_mutex_lock(&run->lock);
	slot = run->next_slot > earliest ? run->next_slot : earliest;
	run->next_slot = slot + (double)bytes / rate;
	pthread_mutex_unlock(&run->lock);
	sleep_until(slot);
}

/* Gives back the time booked for bytes that were not moved: without it a
 * region of 4 KiB pages, probed block by block as possible THPs and then
 * sent page by page, was booked twice and moved at half the rate. */
static void unbook(void *data, uint64_t bytes)
{
	struct engine_run *run = data;

	if (run->request->rate_bytes == 0)
		return;
	pthread_mutex_lock(&run->lock);
	run->next_slot -= (double)bytes / (double)run->request->rate_bytes;
	pthread_mutex_unlock(&run->lock);
}

static void report_progress(struct engine_run *run, uint64_t walked, uint64_t moved)
{
	pthread_mutex_lock(&run->lock);
	run->progress.walked_bytes += walked;
	run->progress.moved_bytes += moved;
	run->progress.elapsed_seconds = now_seconds() - run->started;
	if (run->request->progress)
		run->request->progress(&run->progress, run->request->progress_data);
	pthread_mutex_unlock(&run->lock);
}

static void add_tally(struct engine_tally *total, const struct engine_tally *part)
{
	for (int outcome = 0; outcome < NUMAMIG_OUTCOME_COUNT; outcome++)
		total->bytes[outcome] += part->bytes[outcome];
	for (int node = 0; node < NUMAMIG_MAX_NODES; node++) {
		total->before[node] += part->before[node];
		total->moved_from[node] += part->moved_from[node];
		total->moved_to[node] += part->moved_to[node];
		total->planned[node] += part->planned[node];
		total->no_memory[node] += part->no_memory[node];
	}
	total->calls += part->calls;
}

static void *worker(void *data)
{
	struct engine_run *run = data;
	struct engine_vectors vectors;
	struct engine_tally *tally = calloc(1, sizeof(*tally));
	const struct engine_segment *segment;
	uint64_t start, end;
	int rc = tally ? engine_vectors_init(&vectors, run->capacity) : -ENOMEM;

	if (rc < 0) {
		free(tally);
		fail(run, rc);
		return NULL;
	}
	while (next_chunk(run, &segment, &start, &end)) {
		uint64_t moved = tally->bytes[NUMAMIG_OUTCOME_MOVED];

		rc = engine_chunk_walk(&run->mover, &vectors, segment, start, end, &run->targets,
				       run->request->query_only, tally);
		if (rc < 0) {
			fail(run, rc);
			break;
		}
		report_progress(run, end - start, tally->bytes[NUMAMIG_OUTCOME_MOVED] - moved);
	}
	if (rc == 0) {
		rc = engine_faults_settle(&run->mover, &vectors, tally);
		if (rc < 0)
			fail(run, rc);
	}
	pthread_mutex_lock(&run->lock);
	add_tally(&run->total, tally);
	pthread_mutex_unlock(&run->lock);
	engine_vectors_release(&vectors);
	free(tally);
	return NULL;
}

static void run_pass(struct engine_run *run, unsigned int jobs)
{
	pthread_t threads[MAX_JOBS];
	unsigned int started = 0;

	while (jobs > 1 && started < jobs && started < MAX_JOBS &&
	       pthread_create(&threads[started], NULL, worker, run) == 0)
		started++;
	/* The calling thread works too when threads are not wanted, or could
	 * not be had. */
	if (started == 0)
		worker(run);
	for (unsigned int index = 0; index < started; index++)
		pthread_join(threads[index], NULL);
}

static int call_error(const struct numamig_page_request *request, int code,
		      struct numamig_error *error)
{
	const struct numamig_process *process = request->process;
	int pid = (int)numamig_process_pid(process);
	const char *command = numamig_process_command(process);
	char nodes[256];

	numamig_nodes_format(&request->to, nodes, sizeof(nodes));
	switch (code) {
	case -ESRCH:
		return process_exited(process, error);
	case -EPERM:
		if (request->move_shared)
			return numamig_error_set(error, code,
				"not allowed to move the pages of process %d (%s): shared pages need CAP_SYS_NICE, another user's process CAP_SYS_PTRACE",
				pid, command);
		return numamig_error_set(error, code,
			"not allowed to move the pages of process %d (%s): it belongs to another user (needs CAP_SYS_PTRACE)",
			pid, command);
	case -EACCES:
		return numamig_error_set(error, code,
			"target nodes %s are not all in the cpuset of process %d (%s)", nodes, pid, command);
	case -ENODEV:
		return numamig_error_set(error, code, "target nodes %s: not every one has memory", nodes);
	case -EINVAL:
		return numamig_error_set(error, code,
			"the pages of process %d (%s) cannot be moved", pid, command);
	case -ENOMEM:
		return numamig_error_set(error, code, "out of memory");
	default:
		return numamig_error_set(error, code, "move_pages on process %d (%s) failed: %s", pid,
					 command, strerror(-code));
	}
}

static void fill_result(const struct engine_run *run, uint64_t base_page,
			struct numamig_page_result *result)
{
	const struct engine_tally *total = &run->total;

	for (int outcome = 0; outcome < NUMAMIG_OUTCOME_COUNT; outcome++)
		result->bytes[outcome] = total->bytes[outcome];
	result->bytes[NUMAMIG_OUTCOME_NOT_MAPPED] += run->walk.unmapped_bytes;
	for (int outcome = 0; outcome < NUMAMIG_OUTCOME_COUNT; outcome++)
		result->pages[outcome] = result->bytes[outcome] / base_page;
	memcpy(result->before, total->before, sizeof(result->before));
	for (int node = 0; node < NUMAMIG_MAX_NODES; node++)
		result->after[node] = total->before[node] - total->moved_from[node] +
				      total->moved_to[node];
	memcpy(result->planned, total->planned, sizeof(result->planned));
	memcpy(result->no_memory, total->no_memory, sizeof(result->no_memory));
	result->selected_bytes = run->walk.selected_bytes;
	result->calls = total->calls;
}

int numamig_pages_move(const struct numamig_page_request *request,
		       struct numamig_page_result *result, struct numamig_error *error)
{
	struct engine_run *run;
	uint64_t base_page = (uint64_t)sysconf(_SC_PAGESIZE);
	pid_t acting;
	int rc;

	memset(result, 0, sizeof(*result));
	if (!request->map || !request->process)
		return numamig_error_set(error, -EINVAL, "no process to act on");
	/* The calls and the maps go through the thread that holds the memory. */
	if (process_acting_thread(request->process, &acting) < 0)
		return process_exited(request->process, error);
	if (!request->query_only && numamig_nodes_empty(&request->to))
		return numamig_error_set(error, -EINVAL, "no target node");
	run = calloc(1, sizeof(*run));
	if (!run)
		return numamig_error_set(error, -ENOMEM, "out of memory");
	run->request = request;
	run->mover.pid = acting;
	run->mover.process = request->process;
	run->mover.flags = request->move_shared ? MPOL_MF_MOVE_ALL : MPOL_MF_MOVE;
	run->mover.base_page = base_page;
	run->mover.block = huge_page_block();
	run->mover.before_call = pace;
	run->mover.after_overbooking = unbook;
	run->mover.before_call_data = run;
	/* Whole blocks per chunk: a THP never straddles two. */
	run->chunk = request->chunk_bytes ? request->chunk_bytes : DEFAULT_CHUNK_BYTES;
	if (run->chunk % run->mover.block)
		run->chunk += run->mover.block - run->chunk % run->mover.block;
	run->capacity = (size_t)(run->chunk / base_page);
	run->targets.mode = request->mode;
	run->targets.from = request->from;
	run->targets.to = request->to;
	engine_targets_prepare(&run->targets);
	pthread_mutex_init(&run->lock, NULL);
	if (request->jobs > 1)
		run->targets.lock = &run->lock;

	rc = engine_walk_build(request, base_page, &run->walk, error);
	if (rc == 0) {
		for (size_t index = 0; index < run->walk.count; index++)
			run->progress.total_bytes += run->walk.segments[index].end -
						     run->walk.segments[index].start;
		run->started = now_seconds();
		run->next_slot = run->started;	/* no credit at the start */
		run_pass(run, request->jobs);
		/* The last call's bytes are booked up to next_slot: the move ends
		 * there, not before, so that it takes bytes / rate (the first
		 * call, sent at once, would otherwise make it a chunk shorter). */
		if (request->rate_bytes)
			sleep_until(run->next_slot);
		result->elapsed_seconds = now_seconds() - run->started;
		fill_result(run, base_page, result);
		if (run->failure)
			rc = call_error(request, run->failure, error);
	}
	engine_walk_release(&run->walk);
	pthread_mutex_destroy(&run->lock);
	free(run);
	return rc;
}
