/*
 * The page engine's parts, shared between the files of lib/engine/ and the
 * unit tests (which compile these files directly: none of this is exported).
 *
 *   walk.c     ranges x mappings -> segments to walk; unmapped bytes
 *   chunk.c    one chunk: THP blocks first, then page by page
 *   vector.c   addresses, targets, move vectors sorted by target
 *   call.c     the move_pages(2) calls and what their statuses mean
 *   faults.c   -EFAULT pages: not present, or their mapping went away
 *   outcome.c  the names and meanings of the outcomes
 *   syscall.c  move_pages(2) itself
 *   engine.c   numamig_pages_move: chunks, threads, rate, progress
 */
#ifndef NUMAMIG_ENGINE_H
#define NUMAMIG_ENGINE_H

#include <pthread.h>

#include "numamig.h"

/* Part of one mapping to walk: [start, end), with the step between the
 * addresses that name one page of it. */
struct engine_segment {
	uint64_t start;
	uint64_t end;
	uint64_t step;		/* base page, or the hugetlb page size */
	/* 2 MiB-aligned blocks may be THPs: send one address for them. */
	bool folio_blocks;
};

struct engine_walk {
	size_t count;
	struct engine_segment *segments;	/* ascending, disjoint */
	uint64_t selected_bytes;
	uint64_t unmapped_bytes;
};

/* Cuts the request's ranges (or every mapping with pages) into segments;
 * base_page is the system page size. */
int engine_walk_build(const struct numamig_page_request *request, uint64_t base_page,
		      struct engine_walk *walk, struct numamig_error *error);
void engine_walk_release(struct engine_walk *walk);

/* The kernel leaves a status untouched after the entry it stopped at; this
 * value is never a node nor an errno, so such entries are recognised. */
#define ENGINE_STATUS_UNTOUCHED 0x7fffffff

/* Chooses targets. Shared by the threads of one move, under 'lock'. */
struct engine_targets {
	enum numamig_target_mode mode;
	struct numamig_nodes from;
	struct numamig_nodes to;
	pthread_mutex_t *lock;		/* NULL with one thread */
	/* SPREAD: bytes given to (or already on) each node of 'to' so far. */
	uint64_t load[NUMAMIG_MAX_NODES];
	/* Worked out once by engine_targets_prepare, not for every page
	 * (node masks are 1024 bits, counted a word at a time): */
	bool any_source;		/* 'from' is empty: pages on any node */
	int only_target;		/* 'to' has one node: it; else -1 */
	short target_of[NUMAMIG_MAX_NODES];	/* MAP: each node's target, -1: stays */
};

/* Fills the worked-out fields of targets from mode, from and to: call it
 * once they are set, before the first page is chosen for. */
void engine_targets_prepare(struct engine_targets *targets);

/*
 * What to do with a page on 'node': returns the target and sets *outcome
 * to NUMAMIG_OUTCOME_MOVED (it should move), ALREADY_THERE or
 * NOT_SELECTED (it stays). 'bytes' feeds the spreading.
 */
int engine_target_choose(struct engine_targets *targets, int node, uint64_t bytes,
			 enum numamig_outcome *outcome);
/* Whether a page on 'node' should move, without choosing where. */
bool engine_target_moves(const struct engine_targets *targets, int node);
/* Takes back bytes given to target by engine_target_choose. */
void engine_target_unload(struct engine_targets *targets, int target, uint64_t bytes);

/* One entry of a move vector. */
struct engine_entry {
	uint64_t address;
	uint64_t bytes;		/* step, or the whole block for a block head */
	int node;		/* where the query found it */
	int target;
	bool block_head;	/* first page of a block sent for the whole block */
	bool pending;		/* not yet resolved by a move call */
	int status;		/* what the last move call wrote */
	size_t slot;		/* its place in the last move call */
	enum numamig_outcome outcome;
};

/* Per-thread counts, summed into the result at the end. */
struct engine_tally {
	uint64_t bytes[NUMAMIG_OUTCOME_COUNT];
	uint64_t before[NUMAMIG_MAX_NODES];
	uint64_t moved_from[NUMAMIG_MAX_NODES];
	uint64_t moved_to[NUMAMIG_MAX_NODES];
	uint64_t planned[NUMAMIG_MAX_NODES];
	uint64_t no_memory[NUMAMIG_MAX_NODES];
	uint64_t calls;
};

/* Addresses [start, end) the kernel answered -EFAULT for. */
struct engine_fault_run {
	uint64_t start;
	uint64_t end;
};

/* Runs noted before maps is read to tell them apart (16 KiB). */
#define ENGINE_FAULT_RUNS 1024

/* The working vectors of one thread: sized for one chunk, reused for each. */
struct engine_vectors {
	size_t capacity;
	void **addresses;
	int *nodes;
	int *status;
	int *pending;		/* indexes of the entries sent by one call */
	struct engine_entry *entries;
	size_t entry_count;
	/* addresses left for the page-by-page pass of a chunk */
	uint64_t *later;
	/* -EFAULT pages counted not present, not yet looked up in maps */
	struct engine_fault_run *faults;
	size_t fault_count;
};

int engine_vectors_init(struct engine_vectors *vectors, size_t capacity);
void engine_vectors_release(struct engine_vectors *vectors);

/* Fills vectors->addresses with the pages of [start, end) of segment,
 * one per step; returns how many. */
size_t engine_chunk_addresses(struct engine_vectors *vectors, const struct engine_segment *segment,
			      uint64_t start, uint64_t end);

/* Outcome of a query status (node, or -ENOENT/-EFAULT: not present). */
enum numamig_outcome engine_query_outcome(int status);

/*
 * From the query statuses of 'count' addresses (vectors->status), each
 * one page of 'step' bytes: counts placement and the pages that stay,
 * and builds vectors->entries, the pages to move, sorted by target (and
 * by address within a target). With query_only the moves are only
 * counted as planned.
 */
void engine_chunk_plan(struct engine_vectors *vectors, size_t count, uint64_t step,
		       struct engine_targets *targets, bool query_only, struct engine_tally *tally);
/* qsort order of move entries: by target, then address. */
int engine_compare_entries(const void *left, const void *right);

/* The state of one move: what the calls need besides the vectors. */
struct engine_mover {
	pid_t pid;
	const struct numamig_process *process;
	int flags;			/* MPOL_MF_MOVE or MPOL_MF_MOVE_ALL */
	uint64_t block;			/* THP size */
	uint64_t base_page;
	/* Called with the bytes about to be sent, before each move call. */
	void (*before_call)(void *data, uint64_t bytes);
	/* Called with the bytes a call was booked for but did not move: a
	 * probed block that proved not to be one THP (its pages are sent,
	 * and booked, again one by one). */
	void (*after_overbooking)(void *data, uint64_t bytes);
	void *before_call_data;
	/* Where proc/PID/maps is read (see faults.c): NULL, the live
	 * machine; the unit tests give a directory of their own. */
	const char *sysroot;
};

/* move_pages(2) (syscall.c; the unit tests' fake kernel). */
long engine_move_pages(pid_t pid, unsigned long count, void **pages, const int *nodes, int *status,
		       int flags);

/* Queries the node of each of 'count' addresses into status. Returns 0
 * or the whole-call error (negative errno). */
int engine_query(pid_t pid, void **addresses, int *status, size_t count);

/* Counts bytes of entry under outcome (and its node and target). */
void engine_count(struct engine_tally *tally, enum numamig_outcome outcome,
		  const struct engine_entry *entry, uint64_t bytes);

/*
 * Moves entries, counting each in tally: statuses pre-filled, calls
 * repeated past a failing batch, pages the kernel left untouched queried
 * again. Uses the vectors' arrays; entries may be vectors->entries.
 * Returns 0 or the whole-call error that stopped it (negative errno).
 */
int engine_move_entries(const struct engine_mover *mover, struct engine_vectors *vectors,
			struct engine_entry *entries, size_t count, struct engine_tally *tally);

/*
 * Notes that the page(s) [address, address + bytes), counted not present,
 * were -EFAULT. When the notes are full they are settled. Returns 0 or
 * -ESRCH (the process went away while they were settled).
 */
int engine_fault_record(const struct engine_mover *mover, struct engine_vectors *vectors,
			struct engine_tally *tally, uint64_t address, uint64_t bytes);
/*
 * Reads the process's maps once: the bytes of the noted pages that no
 * mapping covers any more move from not present to not mapped; the notes
 * are emptied. Returns 0 (also when maps cannot be read: the pages stay
 * not present) or -ESRCH (the process went away, and with it its maps).
 */
int engine_faults_settle(const struct engine_mover *mover, struct engine_vectors *vectors,
			 struct engine_tally *tally);

/* Queries, plans and (unless query_only) moves the pages of [start, end)
 * of segment. Returns 0 or a whole-call error (negative errno). */
int engine_chunk_walk(const struct engine_mover *mover, struct engine_vectors *vectors,
		      const struct engine_segment *segment, uint64_t start, uint64_t end,
		      struct engine_targets *targets, bool query_only, struct engine_tally *tally);

#endif
