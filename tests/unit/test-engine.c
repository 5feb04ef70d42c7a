/*
 * The page engine's parts (lib/engine/walk.c, vector.c,
 * call.c) against a fake move_pages(2) that behaves as
 * mm/migrate.c's do_pages_move() does: batches of one target flushed when
 * the target changes or an entry is not queued, the second address of a
 * queued folio -EBUSY, the call stopped at a failing batch with the
 * statuses of that batch and of every later entry left untouched, and a
 * positive return counting failures plus entries never attempted.
 * The test defines engine_move_pages, so the engine's calls come here.
 */
#include "config.h"

#include <errno.h>
#include <numaif.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine/engine.h"
#include "tap.h"

#define PAGE 4096UL
#define BLOCK (2UL << 20)
#define BASE 0x10000000UL
#define PAGES 2048

struct fake_page {
	int node;
	bool present;
	bool shared;
	bool pinned;
	bool unmapped;		/* no mapping covers it (any more) */
	int folio;		/* index of its folio's first page */
	int folio_pages;	/* on the first page: the folio's size */
};

static struct fake_page pages[PAGES];
static long room[8];		/* pages that still fit on a node; -1: any */
static int move_calls;
static int queried;		/* entries queried by the last run_chunk */
static int fail_errno;		/* a whole-call error for the next calls */
static int queued[PAGES];
static int queued_count;
static bool fault_when_absent;	/* 6.1: -EFAULT for a never-touched page */
/* Pages [unmap_first, unmap_end) are unmapped as move call unmap_at_call begins. */
static int unmap_at_call, unmap_first, unmap_end;
static char sysroot[64];	/* the engine reads SYSROOT/proc/1/maps */

/* Writes proc/1/maps: a line for each run of mapped pages. */
static void write_maps(void)
{
	char path[128];
	FILE *maps;

	snprintf(path, sizeof(path), "%s/proc/1/maps", sysroot);
	maps = fopen(path, "w");
	if (!maps)
		exit(99);
	for (int page = 0; page < PAGES;) {
		int end = page;

		while (end < PAGES && !pages[end].unmapped)
			end++;
		if (end > page)
			fprintf(maps, "%lx-%lx rw-p 00000000 00:00 0 \n", BASE + page * PAGE, BASE + end * PAGE);
		page = end + 1;
	}
	fclose(maps);
}

static void fake_unmap(int first, int end)
{
	for (int page = first; page < end; page++)
		pages[page].unmapped = true;
	write_maps();
}

static void fake_reset(int node)
{
	for (int page = 0; page < PAGES; page++)
		pages[page] = (struct fake_page){ node, true, false, false, false, page, 1 };
	for (int node_index = 0; node_index < 8; node_index++)
		room[node_index] = -1;
	move_calls = 0;
	fail_errno = 0;
	queued_count = 0;
	fault_when_absent = false;
	unmap_at_call = 0;
	write_maps();
}

static void fake_folio(int first, int count)
{
	for (int page = first; page < first + count; page++) {
		pages[page].folio = first;
		pages[page].node = pages[first].node;
	}
	pages[first].folio_pages = count;
}

static int fake_index(const void *address)
{
	uintptr_t value = (uintptr_t)address;

	if (value < BASE || value >= BASE + PAGES * PAGE || pages[(value - BASE) / PAGE].unmapped)
		return -1;
	return (int)((value - BASE) / PAGE);
}

/* What a query says of an address. */
static int query_status(const void *address)
{
	int page = fake_index(address);

	if (page < 0)
		return -EFAULT;
	if (!pages[page].present)
		return fault_when_absent ? -EFAULT : -ENOENT;
	return pages[page].node;
}

static int add_page(const void *address, int target, bool move_all)
{
	int index = fake_index(address), folio;

	if (index < 0)
		return -EFAULT;
	if (!pages[index].present)
		return fault_when_absent ? -EFAULT : -ENOENT;
	folio = pages[index].folio;
	if (pages[folio].node == target)
		return 0;
	if (pages[index].shared && !move_all)
		return -EACCES;
	for (int entry = 0; entry < queued_count; entry++)
		if (queued[entry] == folio)
			return -EBUSY;
	queued[queued_count++] = folio;
	return 1;
}

/* do_move_pages_to_node and move_pages_and_store_status */
static long flush(int target, int *status, unsigned long start, unsigned long index,
		  unsigned long count)
{
	long failed = 0;
	bool no_memory = false;

	if (queued_count == 0)
		return 0;
	for (int entry = 0; entry < queued_count && !no_memory; entry++) {
		int folio = queued[entry], size = pages[folio].folio_pages;

		if (pages[folio].pinned) {
			failed++;
		} else if (room[target] >= 0 && room[target] < size) {
			no_memory = true;
		} else {
			if (room[target] >= 0)
				room[target] -= size;
			for (int page = folio; page < folio + size; page++)
				pages[page].node = target;
		}
	}
	queued_count = 0;
	if (no_memory)
		return -ENOMEM;
	if (failed)
		return failed + (long)(count - index);
	for (unsigned long entry = start; entry < index; entry++)
		status[entry] = target;
	return 0;
}

long engine_move_pages(pid_t pid, unsigned long count, void **addresses, const int *nodes,
		       int *status, int flags)
{
	unsigned long start = 0, index;
	int current = -1;
	long rc = 0;

	(void)pid;
	if (fail_errno) {
		errno = fail_errno;
		return -1;
	}
	if (!nodes) {
		queried += (int)count;
		for (index = 0; index < count; index++)
			status[index] = query_status(addresses[index]);
		return 0;
	}
	move_calls++;
	if (move_calls == unmap_at_call)
		fake_unmap(unmap_first, unmap_end);
	for (index = 0; index < count; index++) {
		int added;

		if (current < 0) {
			current = nodes[index];
			start = index;
		} else if (nodes[index] != current) {
			rc = flush(current, status, start, index, count);
			if (rc)
				goto out;
			start = index;
			current = nodes[index];
		}
		added = add_page(addresses[index], current, flags & MPOL_MF_MOVE_ALL);
		if (added > 0)
			continue;
		status[index] = added ? added : current;
		rc = flush(current, status, start, index, count);
		if (rc) {
			if (rc > 0)
				rc--;
			goto out;
		}
		current = -1;
	}
	if (current >= 0)
		rc = flush(current, status, start, index, count);
out:
	if (rc < 0) {
		errno = (int)-rc;
		return -1;
	}
	return rc;
}

/* ---------------------------------------------------------------- runs */

static struct engine_mover mover = {
	.pid = 1, .flags = MPOL_MF_MOVE, .block = BLOCK, .base_page = PAGE, .sysroot = sysroot
};

static struct engine_targets spread_to(int first, int second)
{
	struct engine_targets targets = { .mode = NUMAMIG_TARGET_SPREAD };

	numamig_nodes_add(&targets.to, first);
	if (second >= 0)
		numamig_nodes_add(&targets.to, second);
	engine_targets_prepare(&targets);
	return targets;
}

/* Plans and moves pages [first, first + count) as one chunk. */
static int run_chunk(int first, int count, struct engine_targets *targets, bool query_only,
		     struct engine_tally *tally)
{
	struct engine_segment segment = { BASE + first * PAGE, BASE + (first + count) * PAGE, PAGE, true };
	struct engine_vectors vectors;
	int rc;

	memset(tally, 0, sizeof(*tally));
	engine_targets_prepare(targets);
	queried = 0;
	if (engine_vectors_init(&vectors, 1024) < 0)
		return -ENOMEM;
	rc = engine_chunk_walk(&mover, &vectors, &segment, segment.start, segment.end, targets,
			       query_only, tally);
	if (rc == 0)	/* as each thread of lib/engine/engine.c does when it is done */
		rc = engine_faults_settle(&mover, &vectors, tally);
	engine_vectors_release(&vectors);
	return rc;
}

static uint64_t pages_of(const struct engine_tally *tally, enum numamig_outcome outcome)
{
	return tally->bytes[outcome] / PAGE;
}

static int pages_on(int first, int count, int node)
{
	int found = 0;

	for (int page = first; page < first + count; page++)
		found += pages[page].node == node;
	return found;
}

static struct engine_tally tally;

static void simple_moves(void)
{
	struct engine_targets targets = spread_to(1, -1);

	fake_reset(0);
	is_int(run_chunk(0, 8, &targets, false, &tally), 0, "8 pages: no error");
	is_u64(pages_of(&tally, NUMAMIG_OUTCOME_MOVED), 8, "8 pages from node 0 to 1: 8 moved");
	is_int(pages_on(0, 8, 1), 8, "8 pages: all on node 1 now");
	is_int(move_calls, 1, "8 pages: one call");
	is_u64(tally.before[0], 8 * PAGE, "8 pages: before counts node 0");
	is_u64(tally.planned[1], 8 * PAGE, "8 pages: planned for node 1");

	fake_reset(1);
	run_chunk(0, 8, &targets, false, &tally);
	is_u64(pages_of(&tally, NUMAMIG_OUTCOME_ALREADY_THERE), 8, "pages on the target: already there");
	is_int(move_calls, 0, "pages on the target: no call");

	fake_reset(0);
	targets = spread_to(1, -1);
	run_chunk(0, 8, &targets, true, &tally);
	is_u64(pages_of(&tally, NUMAMIG_OUTCOME_WOULD_MOVE), 8, "query: 8 would move");
	ok(move_calls == 0 && pages_on(0, 8, 0) == 8, "query: nothing moved");
}

static void spreading(void)
{
	struct engine_targets targets = spread_to(1, 2);
	struct engine_segment segment = { BASE, BASE + 8 * PAGE, PAGE, true };
	struct engine_vectors vectors;
	size_t count;
	bool sorted = true;

	fake_reset(0);
	engine_vectors_init(&vectors, 1024);
	count = engine_chunk_addresses(&vectors, &segment, segment.start, segment.end);
	engine_query(1, vectors.addresses, vectors.status, count);
	memset(&tally, 0, sizeof(tally));
	engine_chunk_plan(&vectors, count, PAGE, &targets, false, &tally);
	for (size_t index = 1; index < vectors.entry_count; index++)
		sorted = sorted && vectors.entries[index - 1].target <= vectors.entries[index].target;
	ok(vectors.entry_count == 8 && sorted, "spread over 1,2: 8 entries sorted by target");
	is_int(engine_move_entries(&mover, &vectors, vectors.entries, vectors.entry_count, &tally), 0,
	       "spread: no error");
	ok(pages_on(0, 8, 1) == 4 && pages_on(0, 8, 2) == 4, "spread: 4 pages on each node");
	is_int(move_calls, 1, "spread: one call for both targets");
	engine_vectors_release(&vectors);

	/* pages already on a target count for it */
	fake_reset(0);
	for (int page = 0; page < 4; page++)
		pages[page].node = 1;
	targets = spread_to(1, 2);
	run_chunk(0, 8, &targets, false, &tally);
	ok(pages_on(0, 8, 1) == 4 && pages_on(0, 8, 2) == 4,
	   "spread: 4 already on node 1, the other 4 go to node 2");
}

static void selection(void)
{
	struct engine_targets targets = spread_to(1, -1);

	fake_reset(0);
	for (int page = 4; page < 8; page++)
		pages[page].node = 2;
	numamig_nodes_add(&targets.from, 0);
	run_chunk(0, 8, &targets, false, &tally);
	ok(pages_of(&tally, NUMAMIG_OUTCOME_MOVED) == 4 &&
	   pages_of(&tally, NUMAMIG_OUTCOME_NOT_SELECTED) == 4, "--from 0: 4 moved, 4 not selected");
	is_int(pages_on(4, 4, 2), 4, "--from 0: pages on node 2 stay there");

	fake_reset(0);
	pages[2].present = pages[3].present = false;
	targets = spread_to(1, -1);
	run_chunk(0, 8, &targets, false, &tally);
	ok(pages_of(&tally, NUMAMIG_OUTCOME_MOVED) == 6 &&
	   pages_of(&tally, NUMAMIG_OUTCOME_NOT_PRESENT) == 2, "2 absent pages: not present, 6 moved");

	/* the kernel's node-set mapping: {0,3} -> {1,2} sends 0 to 1 and 3 to 2 */
	fake_reset(0);
	for (int page = 4; page < 8; page++)
		pages[page].node = 3;
	targets = (struct engine_targets){ .mode = NUMAMIG_TARGET_MAP };
	numamig_nodes_add(&targets.from, 0);
	numamig_nodes_add(&targets.from, 3);
	numamig_nodes_add(&targets.to, 1);
	numamig_nodes_add(&targets.to, 2);
	run_chunk(0, 8, &targets, false, &tally);
	ok(pages_on(0, 4, 1) == 4 && pages_on(4, 4, 2) == 4, "map {0,3}->{1,2}: 0 to 1, 3 to 2");
}

static void refusals(void)
{
	struct engine_targets targets = spread_to(1, -1);

	fake_reset(0);
	pages[3].shared = true;
	run_chunk(0, 8, &targets, false, &tally);
	ok(pages_of(&tally, NUMAMIG_OUTCOME_SHARED) == 1 && pages_of(&tally, NUMAMIG_OUTCOME_MOVED) == 7,
	   "a shared page without MOVE_ALL: shared, the other 7 moved");
	is_int(pages[3].node, 0, "the shared page stayed");

	fake_reset(0);
	pages[3].shared = true;
	mover.flags = MPOL_MF_MOVE_ALL;
	run_chunk(0, 8, &targets, false, &tally);
	mover.flags = MPOL_MF_MOVE;
	is_u64(pages_of(&tally, NUMAMIG_OUTCOME_MOVED), 8, "with MOVE_ALL the shared page moves too");

	/* the target fills up: -ENOMEM for the whole call, statuses untouched */
	fake_reset(0);
	room[3] = 5;
	targets = spread_to(3, -1);
	run_chunk(0, 8, &targets, false, &tally);
	ok(pages_of(&tally, NUMAMIG_OUTCOME_MOVED) == 5 && pages_of(&tally, NUMAMIG_OUTCOME_NO_MEMORY) == 3,
	   "node 3 with room for 5 of 8: 5 moved, 3 no memory");
	is_u64(tally.no_memory[3], 3 * PAGE, "no memory is counted against node 3");
	ok(pages_on(0, 8, 3) == 5 && pages_on(0, 8, 0) == 3, "the 3 stayed on node 0");

	/* a pinned page fails its batch: a positive return, statuses untouched */
	fake_reset(0);
	pages[2].pinned = true;
	targets = spread_to(1, -1);
	run_chunk(0, 8, &targets, false, &tally);
	ok(pages_of(&tally, NUMAMIG_OUTCOME_MOVED) == 7 && pages_of(&tally, NUMAMIG_OUTCOME_FAILED) == 1,
	   "a pinned page: failed, the rest of its batch moved");

	/* ... and the entries after the failed batch are sent again */
	fake_reset(0);
	for (int page = 4; page < 8; page++)
		pages[page].node = 3;
	pages[1].pinned = true;
	targets = (struct engine_targets){ .mode = NUMAMIG_TARGET_MAP };
	numamig_nodes_add(&targets.from, 0);
	numamig_nodes_add(&targets.from, 3);
	numamig_nodes_add(&targets.to, 1);
	numamig_nodes_add(&targets.to, 2);
	run_chunk(0, 8, &targets, false, &tally);
	ok(pages_of(&tally, NUMAMIG_OUTCOME_MOVED) == 7 && pages_of(&tally, NUMAMIG_OUTCOME_FAILED) == 1,
	   "a failed batch before another target: 7 moved, 1 failed");
	ok(pages_on(4, 4, 2) == 4 && move_calls == 2, "the batch never attempted went in a second call");

	fake_reset(0);
	fail_errno = ESRCH;
	targets = spread_to(1, -1);
	is_int(run_chunk(0, 8, &targets, false, &tally), -ESRCH, "a process gone: -ESRCH");
}

static void folios(void)
{
	struct engine_targets targets = spread_to(1, -1);

	/* a THP: one address, and the other 511 pages checked */
	fake_reset(0);
	fake_folio(0, 512);
	is_int(run_chunk(0, 512, &targets, false, &tally), 0, "THP: no error");
	is_u64(pages_of(&tally, NUMAMIG_OUTCOME_MOVED), 512, "THP: 512 pages moved");
	ok(pages_of(&tally, NUMAMIG_OUTCOME_BUSY) == 0 && move_calls == 1, "THP: one call, nothing busy");
	is_int(queried, 3, "THP: its first and last page probed, the last queried again");
	is_u64(tally.before[0], BLOCK, "THP: before counts the whole block on node 0");
	is_int(pages_on(0, 512, 1), 512, "THP: on node 1");

	/* 512 base pages that look like one: the rest follow in a second call */
	fake_reset(0);
	targets = spread_to(1, -1);
	run_chunk(0, 512, &targets, false, &tally);
	ok(pages_of(&tally, NUMAMIG_OUTCOME_MOVED) == 512 && move_calls == 2,
	   "512 base pages in a block: all moved, in two calls");
	is_u64(tally.before[0], BLOCK, "512 base pages: before counts each once");
	is_u64(tally.planned[1], BLOCK, "512 base pages: planned counts each once");

	/* a block whose middle pages sit elsewhere: only the right ones move */
	fake_reset(0);
	for (int page = 100; page < 200; page++)
		pages[page].node = 2;
	targets = spread_to(1, -1);
	numamig_nodes_add(&targets.from, 0);
	run_chunk(0, 512, &targets, false, &tally);
	ok(pages_of(&tally, NUMAMIG_OUTCOME_MOVED) == 412 &&
	   pages_of(&tally, NUMAMIG_OUTCOME_NOT_SELECTED) == 100 && pages_on(100, 100, 2) == 100,
	   "a block with 100 pages on node 2: --from 0 moves the other 412 only");

	/* a THP that cannot move counts whole */
	fake_reset(0);
	fake_folio(0, 512);
	pages[0].shared = true;
	targets = spread_to(1, -1);
	run_chunk(0, 512, &targets, false, &tally);
	is_u64(pages_of(&tally, NUMAMIG_OUTCOME_SHARED), 512, "a shared THP: 512 pages shared");

	/* a 16-page folio not on a block: every address sent, the second
	 * one's -EBUSY is the folio already queued, not a failure */
	fake_reset(2);
	for (int page = 16; page < 32; page++)
		pages[page].node = 0;
	fake_folio(16, 16);
	targets = spread_to(1, -1);
	numamig_nodes_add(&targets.from, 0);
	run_chunk(0, 512, &targets, false, &tally);
	ok(pages_of(&tally, NUMAMIG_OUTCOME_MOVED) == 16 && pages_of(&tally, NUMAMIG_OUTCOME_BUSY) == 0,
	   "a 16-page folio: 16 moved, none busy");
	is_int(pages_on(16, 16, 1), 16, "a 16-page folio: on node 1");

	/* two THPs, one chunk, spread over two nodes: one each */
	fake_reset(0);
	fake_folio(0, 512);
	fake_folio(512, 512);
	targets = spread_to(1, 2);
	run_chunk(0, 1024, &targets, false, &tally);
	ok(pages_on(0, 512, 1) == 512 && pages_on(512, 512, 2) == 512,
	   "two THPs over nodes 1 and 2: one THP on each");
}

static void walks(void)
{
	struct numamig_node_pages on_node0 = { 0, 2 };
	struct numamig_mapping mappings[] = {
		{ .start = BASE, .end = BASE + 8 * PAGE, .type = NUMAMIG_MAPPING_ANON,
		  .page_size = PAGE, .node_count = 1, .nodes = &on_node0 },
		{ .start = BASE + 16 * PAGE, .end = BASE + 32 * PAGE, .type = NUMAMIG_MAPPING_ANON,
		  .page_size = PAGE },
		{ .start = BASE + BLOCK * 4, .end = BASE + BLOCK * 6, .type = NUMAMIG_MAPPING_HUGETLB,
		  .huge = true, .page_size = BLOCK, .node_count = 1, .nodes = &on_node0 },
	};
	struct numamig_memory_map map = { 3, mappings };
	struct numamig_range ranges[] = {
		{ BASE + 4 * PAGE, BASE + 12 * PAGE },
		{ BASE - 4 * PAGE, BASE + 6 * PAGE },	/* overlaps the first */
		{ BASE + BLOCK * 4 + PAGE, BASE + BLOCK * 4 + 2 * PAGE },
	};
	struct numamig_page_request request = { .map = &map, .ranges = ranges, .range_count = 3 };
	struct engine_walk walk;
	struct engine_vectors vectors;
	size_t count;

	is_int(engine_walk_build(&request, PAGE, &walk, NULL), 0, "walk: built");
	ok(walk.count == 2 && walk.segments[0].start == BASE && walk.segments[0].end == BASE + 8 * PAGE,
	   "walk: overlapping ranges joined, cut to the mapping");
	is_u64(walk.selected_bytes, 16 * PAGE + PAGE, "walk: selected bytes count each byte once");
	is_u64(walk.unmapped_bytes, 8 * PAGE, "walk: 4 pages before and 4 after the mapping are not mapped");
	ok(walk.count == 2 && walk.segments[1].start == BASE + BLOCK * 4 &&
	   walk.segments[1].end == BASE + BLOCK * 5 && walk.segments[1].step == BLOCK &&
	   !walk.segments[1].folio_blocks, "walk: a hugetlb range widened to its huge page, one step each");
	engine_vectors_init(&vectors, 1024);
	count = engine_chunk_addresses(&vectors, &walk.segments[1], walk.segments[1].start,
				       walk.segments[1].end);
	ok(count == 1 && (uintptr_t)vectors.addresses[0] == BASE + BLOCK * 4,
	   "walk: one aligned address per huge page");
	engine_vectors_release(&vectors);
	engine_walk_release(&walk);

	request.range_count = 0;
	engine_walk_build(&request, PAGE, &walk, NULL);
	ok(walk.count == 2 && walk.segments[0].start == BASE && walk.segments[1].step == BLOCK,
	   "walk: every mapping with pages, none without");
	engine_walk_release(&walk);
}

/* What the rate is charged: bytes booked before each call, less those
 * given back after it. */
static int64_t booked;

static void book(void *data, uint64_t bytes)
{
	(void)data;
	booked += (int64_t)bytes;
}

static void give_back(void *data, uint64_t bytes)
{
	(void)data;
	booked -= (int64_t)bytes;
}

/* --rate 50M on 256 MiB of 4 KiB pages took twice as long as it should:
 * each block was booked once as a possible THP, then again page by page. */
static void rate_booking(void)
{
	struct engine_targets targets = spread_to(1, -1);

	mover.before_call = book;
	mover.after_overbooking = give_back;

	fake_reset(0);
	booked = 0;
	run_chunk(0, 1024, &targets, false, &tally);
	is_u64(pages_of(&tally, NUMAMIG_OUTCOME_MOVED), 1024, "rate, 4 KiB pages: all moved");
	is_u64((uint64_t)booked, 1024 * PAGE, "rate, 4 KiB pages: each page booked once");

	fake_reset(0);
	fake_folio(0, 512);
	fake_folio(512, 512);
	targets = spread_to(1, -1);
	booked = 0;
	run_chunk(0, 1024, &targets, false, &tally);
	is_u64((uint64_t)booked, 1024 * PAGE, "rate, two THPs: each booked once, whole");

	mover.before_call = NULL;
	mover.after_overbooking = NULL;
}

/* The pacing before a call (--rate) can sleep for long: a process that
 * exits and is reaped meanwhile can hand its PID to a newcomer, which a
 * move by PID would then move. Here the process ends in the sleep. */
static pid_t ended_in_sleep;

static void end_process(void *data, uint64_t bytes)
{
	(void)data;
	(void)bytes;
	if (ended_in_sleep > 0) {
		kill(ended_in_sleep, SIGKILL);
		waitpid(ended_in_sleep, NULL, 0);
		ended_in_sleep = 0;
	}
}

static void exit_during_pacing(void)
{
	struct engine_targets targets = spread_to(1, -1);
	struct numamig_process *process = NULL;

	ended_in_sleep = fork();
	if (ended_in_sleep < 0)
		exit(99);
	if (ended_in_sleep == 0) {
		pause();
		_exit(0);
	}
	if (numamig_process_open(NULL, ended_in_sleep, &process, NULL) < 0) {
		/* left paused, the child would keep the TAP pipe open */
		end_process(NULL, 0);
		exit(99);
	}
	mover.process = process;
	mover.before_call = end_process;
	fake_reset(0);
	is_int(run_chunk(0, 8, &targets, false, &tally), -ESRCH,
	       "a process that ends while the move is paced: -ESRCH");
	is_int(move_calls, 0, "... and no move call after its end");
	mover.process = NULL;
	mover.before_call = NULL;
	numamig_process_free(process);
	fake_reset(0);
}

/* -EFAULT is a page not present, or a page whose mapping went away
 * during the move: only maps, read at the end, tells which. */
static void vanished(void)
{
	struct engine_targets targets = spread_to(1, -1);
	struct engine_vectors vectors;
	uint64_t address;
	char path[128];

	fake_reset(0);
	fault_when_absent = true;
	for (int page = 0; page < 512; page += 2)
		pages[page].present = false;
	run_chunk(0, 1024, &targets, false, &tally);
	ok(pages_of(&tally, NUMAMIG_OUTCOME_NOT_PRESENT) == 256 &&
	   pages_of(&tally, NUMAMIG_OUTCOME_NOT_MAPPED) == 0 && pages_of(&tally, NUMAMIG_OUTCOME_MOVED) == 768,
	   "6.1's -EFAULT for untouched pages in a mapping: not present, not 'not mapped'");

	fake_reset(0);
	fake_unmap(512, 1024);
	run_chunk(0, 1024, &targets, false, &tally);
	ok(pages_of(&tally, NUMAMIG_OUTCOME_NOT_MAPPED) == 512 &&
	   pages_of(&tally, NUMAMIG_OUTCOME_NOT_PRESENT) == 0 && pages_of(&tally, NUMAMIG_OUTCOME_MOVED) == 512,
	   "half the range unmapped before its query: 512 not mapped, 512 moved");

	fake_reset(0);
	unmap_at_call = 2;	/* after the block heads, before the pages */
	unmap_first = 256;
	unmap_end = 1024;
	run_chunk(0, 1024, &targets, false, &tally);
	ok(pages_of(&tally, NUMAMIG_OUTCOME_NOT_MAPPED) == 768 - 1 &&
	   pages_of(&tally, NUMAMIG_OUTCOME_NOT_PRESENT) == 0 &&
	   pages_of(&tally, NUMAMIG_OUTCOME_MOVED) == 256 + 1,
	   "unmapped between the query and the move: what had not moved is not mapped");

	fake_reset(0);
	run_chunk(0, 1024, &targets, true, &tally);
	fake_unmap(0, 1024);
	run_chunk(0, 1024, &targets, true, &tally);
	is_u64(pages_of(&tally, NUMAMIG_OUTCOME_NOT_MAPPED), 1024, "a query of an unmapped range: not mapped");

	/* more runs than the notes hold: settled on the way, none lost */
	fake_reset(0);
	for (int page = 0; page < PAGES; page += 2)
		pages[page].unmapped = true;
	write_maps();
	engine_vectors_init(&vectors, 16);
	memset(&tally, 0, sizeof(tally));
	for (int round = 0; round < 3; round++)
		for (int page = 0; page < PAGES; page += 2) {
			address = BASE + (uint64_t)page * PAGE;
			tally.bytes[NUMAMIG_OUTCOME_NOT_PRESENT] += PAGE;
			if (engine_fault_record(&mover, &vectors, &tally, address, PAGE) < 0)
				break;
		}
	ok(vectors.fault_count <= ENGINE_FAULT_RUNS, "3072 runs noted in %d places", ENGINE_FAULT_RUNS);
	is_int(engine_faults_settle(&mover, &vectors, &tally), 0, "runs settled");
	ok(pages_of(&tally, NUMAMIG_OUTCOME_NOT_MAPPED) == 3 * PAGES / 2 &&
	   pages_of(&tally, NUMAMIG_OUTCOME_NOT_PRESENT) == 0,
	   "3072 runs: every page not mapped, none left not present");

	/* maps gone with the process: the notes cannot be trusted */
	tally.bytes[NUMAMIG_OUTCOME_NOT_PRESENT] += PAGE;
	engine_fault_record(&mover, &vectors, &tally, BASE, PAGE);
	snprintf(path, sizeof(path), "%s/proc/1/maps", sysroot);
	unlink(path);
	is_int(engine_faults_settle(&mover, &vectors, &tally), -ESRCH, "no maps: the process exited");
	engine_vectors_release(&vectors);
	fake_reset(0);
}

/* The fixture root: SYSROOT/proc/1/maps. */
static void make_sysroot(void)
{
	char path[128];

	snprintf(sysroot, sizeof(sysroot), "/tmp/test-engine.XXXXXX");
	if (!mkdtemp(sysroot))
		exit(99);
	snprintf(path, sizeof(path), "%s/proc", sysroot);
	if (mkdir(path, 0700) < 0)
		exit(99);
	snprintf(path, sizeof(path), "%s/proc/1", sysroot);
	if (mkdir(path, 0700) < 0)
		exit(99);
}

static void remove_sysroot(void)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/proc/1/maps", sysroot);
	unlink(path);
	snprintf(path, sizeof(path), "%s/proc/1", sysroot);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/proc", sysroot);
	rmdir(path);
	rmdir(sysroot);
}

int main(void)
{
	make_sysroot();
	simple_moves();
	spreading();
	selection();
	refusals();
	folios();
	walks();
	rate_booking();
	exit_during_pacing();
	vanished();
	remove_sysroot();
	return tap_done();
}
