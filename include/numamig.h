/*
 * libnumamig: read where a process's memory lives across NUMA nodes, and
 * move it.
 *
 * Conventions for every function here:
 *  - functions return 0 or a negative errno value; those that return a
 *    pointer return NULL and set errno;
 *  - opaque handles are made by the _new, _load, _open and _read functions and
 *    released by the matching _free, which accepts NULL;
 *  - the library never prints and never exits; where a user needs to know
 *    why something failed, the function fills a struct numamig_error
 *    (which may be NULL when the caller does not care);
 *  - every read of /proc and /sys goes through a root prefix, the
 *    "sysroot": NULL or "/" is the live machine, any other directory holds
 *    a copy of proc/ and sys/ (test fixtures, captured machines).
 */
#ifndef NUMAMIG_H
#define NUMAMIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

const char *numamig_version(void);

/* A process pinned for reading and moving: see "processes" below. */
struct numamig_process;

/* ---------------------------------------------------------------- errors */

struct numamig_error {
	int code;		/* negative errno, 0 when nothing failed */
	char message[512];	/* "node 7 does not exist (nodes: 0-3)" */
};

/* Fills error (if not NULL) with code and a printf-style message; returns code. */
int numamig_error_set(struct numamig_error *error, int code, const char *format, ...)
	__attribute__((format(printf, 3, 4)));

/* ------------------------------------------------------------- node sets */

/* The kernel's MAX_NUMNODES is at most 1024 (CONFIG_NODES_SHIFT=10). */
#define NUMAMIG_MAX_NODES 1024

/* A set of node ids: a plain value, copied and compared freely. */
struct numamig_nodes {
	uint64_t bits[NUMAMIG_MAX_NODES / 64];
};

void numamig_nodes_clear(struct numamig_nodes *nodes);
void numamig_nodes_add(struct numamig_nodes *nodes, int node);
void numamig_nodes_remove(struct numamig_nodes *nodes, int node);
bool numamig_nodes_has(const struct numamig_nodes *nodes, int node);
bool numamig_nodes_empty(const struct numamig_nodes *nodes);
bool numamig_nodes_equal(const struct numamig_nodes *a, const struct numamig_nodes *b);
int numamig_nodes_count(const struct numamig_nodes *nodes);
/* The first node greater than 'after' (-1 for the first), or -1 when none. */
int numamig_nodes_next(const struct numamig_nodes *nodes, int after);
/* The n-th node of the set (0-based), or -1. */
int numamig_nodes_nth(const struct numamig_nodes *nodes, int n);
/* The highest node in the set, or -1. */
int numamig_nodes_last(const struct numamig_nodes *nodes);
void numamig_nodes_and(struct numamig_nodes *result, const struct numamig_nodes *a,
		       const struct numamig_nodes *b);
void numamig_nodes_or(struct numamig_nodes *result, const struct numamig_nodes *a,
		      const struct numamig_nodes *b);
/* result = a without b */
void numamig_nodes_minus(struct numamig_nodes *result, const struct numamig_nodes *a,
			 const struct numamig_nodes *b);
/* "0-2,5" as the kernel prints lists; "" for the empty set. Returns the
 * length the text needs (like snprintf). */
int numamig_nodes_format(const struct numamig_nodes *nodes, char *buffer, size_t size);
/* The kernel's list format as found in /sys ("0-3,5", "" or "\n" for none). */
int numamig_nodes_parse_kernel_list(const char *text, struct numamig_nodes *nodes);

/* -------------------------------------------------------------- topology */

struct numamig_topology;

/* Reads sys/devices/system/node under sysroot. Without that directory (a
 * kernel built without NUMA) the machine is one node 0 holding
 * proc/meminfo's memory and sys/devices/system/cpu/online's CPUs, at
 * distance 10 from itself. */
int numamig_topology_load(const char *sysroot, struct numamig_topology **topology,
			  struct numamig_error *error);
void numamig_topology_free(struct numamig_topology *topology);

const char *numamig_topology_sysroot(const struct numamig_topology *topology);
const struct numamig_nodes *numamig_topology_possible(const struct numamig_topology *topology);
const struct numamig_nodes *numamig_topology_online(const struct numamig_topology *topology);
const struct numamig_nodes *numamig_topology_with_memory(const struct numamig_topology *topology);
const struct numamig_nodes *numamig_topology_with_cpus(const struct numamig_topology *topology);
/* The three below read every node's meminfo, cpulist and distance the
 * first time one of them is called (not from two threads at once for the
 * first time); the node sets above are read by numamig_topology_load. */
/* MemTotal and MemFree of a node, in bytes; -ENOENT for an unknown node,
 * or the negative errno of a node file that could not be read. */
int numamig_topology_memory(const struct numamig_topology *topology, int node,
			    uint64_t *total_bytes, uint64_t *free_bytes);
/* The distance from node to node as /sys gives it, or -1 when unknown
 * (or unreadable). */
int numamig_topology_distance(const struct numamig_topology *topology, int from, int to);
/* The CPUs of a node ("" for a memory-only node), as /sys prints them;
 * NULL for a node that is not online (or when the node files cannot be
 * read). */
const char *numamig_topology_cpulist(const struct numamig_topology *topology, int node);

/* --------------------------------------------------------------- numbers */

/*
 * The numbers users give, each the whole of its text: no blank, no sign.
 * Each returns 0, -EINVAL when the text is malformed, or -ERANGE when the
 * number is out of its bounds or does not fit in 64 bits.
 */

/* A decimal count within [minimum, maximum]. */
int numamig_number_parse(const char *text, uint64_t minimum, uint64_t maximum, uint64_t *value);
/* A size: decimal or 0x-hex, then an optional K, M, G or T (powers of
 * 1024; "KiB" and "KB" too). */
int numamig_size_parse(const char *text, uint64_t *bytes);
/* A rate: a size, "/s" allowed after it ("50M/s"); 0 is out of bounds. */
int numamig_rate_parse(const char *text, uint64_t *bytes_per_second);
/* A duration: "500ms", "10s", "2m", or bare seconds ("0.2"); a decimal
 * fraction is allowed before any unit; 0 is out of bounds. */
int numamig_duration_parse(const char *text, uint64_t *nanoseconds);
/* A PID, or a comma list of them ("42,43"), appended to *pids (grown with
 * realloc, *count updated; the caller frees *pids, also on failure);
 * -ENOMEM when it cannot grow. */
int numamig_pids_parse(const char *text, pid_t **pids, size_t *count);

/* The most threads a move is made from (numamig_page_request's jobs). */
#define NUMAMIG_MAX_JOBS 256

/* ------------------------------------------------------------ node lists */

/*
 * Parses a node list in numactl's syntax: "N", "A-B", comma lists, "all",
 * a leading "!" (every allowed node but these), a leading "+" (numbers
 * relative to the allowed set: "+0" is its first node). 'allowed' is the
 * set "all", "!" and "+" refer to (a process's Mems_allowed); NULL means
 * the topology's nodes with memory. Every node named must exist in the
 * topology and be allowed; a range takes the allowed nodes between its
 * ends. Otherwise, and for an empty list or one that selects no node,
 * -EINVAL and error says why ("node 7 does not exist (nodes: 0-3)").
 */
int numamig_nodelist_parse(const struct numamig_topology *topology, const char *text,
			   const struct numamig_nodes *allowed, struct numamig_nodes *nodes,
			   struct numamig_error *error);

/* ------------------------------------------------- mappings (numa_maps) */

enum numamig_mapping_type {
	NUMAMIG_MAPPING_ANON,
	NUMAMIG_MAPPING_HEAP,
	NUMAMIG_MAPPING_STACK,
	NUMAMIG_MAPPING_FILE,
	NUMAMIG_MAPPING_SHMEM,
	NUMAMIG_MAPPING_HUGETLB,
};

/* "anon", "heap", "stack", "file", "shmem", "hugetlb" */
const char *numamig_mapping_type_name(enum numamig_mapping_type type);

struct numamig_node_pages {
	int node;
	uint64_t pages;		/* in units of the mapping's page_size */
};

/* Absent counters are 0, as the kernel omits zero counters. */
struct numamig_mapping {
	uint64_t start;
	uint64_t end;		/* from /proc/PID/maps; 0 when not known */
	char permissions[5];	/* "rw-p" from /proc/PID/maps; "" when not known */
	char *policy;		/* "default", "prefer (many):1-2", "bind=static:0" */
	char *path;		/* unescaped file path; NULL for anon, heap, stack */
	enum numamig_mapping_type type;
	bool huge;		/* the "huge" field: hugetlbfs */
	uint64_t page_size;	/* bytes, from kernelpagesize_kB; 0 when no counts */
	uint64_t anon, dirty, mapped, mapmax, swapcache, active, writeback;
	size_t node_count;	/* nodes with pages, ascending node order */
	struct numamig_node_pages *nodes;
	char *name;		/* /proc/PID/maps' last column: a path, "[heap]",
				 * "[vdso]", "[anon:NAME]"; NULL when empty or not known */
};

uint64_t numamig_mapping_node_bytes(const struct numamig_mapping *mapping, int node);
uint64_t numamig_mapping_total_bytes(const struct numamig_mapping *mapping);

/* A process's mappings: numa_maps lines, joined with /proc/PID/maps. */
struct numamig_memory_map {
	size_t count;
	struct numamig_mapping *mappings;
};

/*
 * Parses numa_maps text. A malformed line fails the whole parse with
 * -EINVAL and an error naming the line ("line 3: bad node count 'N1=x'").
 */
int numamig_numa_maps_parse(const char *text, size_t length, struct numamig_memory_map **map,
			    struct numamig_error *error);
/* Adds end addresses and permissions from /proc/PID/maps text. */
int numamig_memory_map_add_maps(struct numamig_memory_map *map, const char *text, size_t length,
				struct numamig_error *error);
/*
 * Reads the numa_maps and maps of a pinned process (numamig_process_open),
 * under the sysroot it was opened with. What was read is the process's
 * own: -ESRCH ("process PID (COMMAND) exited") when it has exited by the
 * end of the read, whose text may then be another's.
 */
int numamig_memory_map_read(const struct numamig_process *process,
			    struct numamig_memory_map **map, struct numamig_error *error);
void numamig_memory_map_free(struct numamig_memory_map *map);

/* Bytes per node, summed over mappings: what the tools print as
 * "before" and "after". Anonymous memory (anon, heap, stack) and file
 * memory are kept apart as numastat -p does; shmem and hugetlb too. */
struct numamig_placement {
	uint64_t total;
	uint64_t node_bytes[NUMAMIG_MAX_NODES];
	/* by type: indexed by enum numamig_mapping_type */
	uint64_t type_bytes[NUMAMIG_MAPPING_HUGETLB + 1];
	uint64_t type_node_bytes[NUMAMIG_MAPPING_HUGETLB + 1][NUMAMIG_MAX_NODES];
};

/* Sums every mapping of map into placement (which it clears first). */
void numamig_placement_of_map(const struct numamig_memory_map *map,
			      struct numamig_placement *placement);
/*
 * Sums the numa_maps of a pinned process straight into placement: what
 * numamig_placement_of_map gives for numamig_memory_map_read's map, at a
 * fraction of its cost (no maps, nothing kept per mapping, the file read
 * a block at a time). Errors as numamig_memory_map_read's.
 */
int numamig_placement_read(const struct numamig_process *process,
			   struct numamig_placement *placement, struct numamig_error *error);
/* The nodes that hold at least one byte. */
void numamig_placement_nodes(const struct numamig_placement *placement,
			     struct numamig_nodes *nodes);

/* ------------------------------------------------------ node set mapping */

/*
 * Where migrate_pages(2) sends a page that sits on 'node' when a process
 * is moved from one node set to another: the n-th node of 'from' goes to
 * the (n mod weight(to))-th node of 'to'; when the sets differ in size,
 * source nodes that are also in 'to' stay. Returns the target node, or -1
 * when pages on 'node' stay where they are.
 */
int numamig_nodes_map_target(const struct numamig_nodes *from, const struct numamig_nodes *to,
			     int node);

/* ----------------------------------------------------------- page engine */

/*
 * The move_pages(2) engine behind movepages and migratepages --jobs: it
 * walks a process's address space chunk by chunk (memory bounded by the
 * chunk, never by the size of the process), asks the kernel where each
 * page is, sends one address per folio to its target, and tells what
 * became of every page.
 */

/* An address range [start, end) of a process. */
struct numamig_range {
	uint64_t start;
	uint64_t end;
};

/*
 * Parses one RANGE argument and appends what it selects to *ranges (grown
 * with realloc, *count updated; the caller frees *ranges):
 *  - "START-END": hex addresses as /proc/PID/maps prints them ("0x" optional);
 *  - "START+LENGTH": START hex, LENGTH decimal or 0x-hex with an optional
 *    K, M, G or T suffix (powers of 1024);
 *  - a mapping of 'map': "[heap]", "[stack]", "anon" (every anonymous
 *    mapping that is neither heap nor stack), a file path, or the basename
 *    of one; every matching mapping is appended.
 * Text made of hex digits around one '-' or '+' is an address range, anything
 * else a mapping name. Start is rounded down and end up to page_size.
 * Errors (error says which and gives a hint): -EINVAL for malformed text or
 * an end before the start, -ERANGE when a number or the end overflows,
 * -ENOENT when no mapping has that name or no mapping touches the range.
 */
int numamig_ranges_add(const char *text, const struct numamig_memory_map *map,
		       uint64_t page_size, struct numamig_range **ranges, size_t *count,
		       struct numamig_error *error);

/* What became of a page (counted in base pages and bytes). */
enum numamig_outcome {
	NUMAMIG_OUTCOME_MOVED,
	NUMAMIG_OUTCOME_WOULD_MOVE,	/* query only: on a source node */
	NUMAMIG_OUTCOME_ALREADY_THERE,
	NUMAMIG_OUTCOME_NOT_SELECTED,	/* on a node outside 'from', or kept by the node mapping */
	NUMAMIG_OUTCOME_NOT_PRESENT,
	NUMAMIG_OUTCOME_NOT_MAPPED,
	NUMAMIG_OUTCOME_SHARED,
	NUMAMIG_OUTCOME_BUSY,
	NUMAMIG_OUTCOME_NO_MEMORY,
	NUMAMIG_OUTCOME_FAILED,
	NUMAMIG_OUTCOME_COUNT
};

/* "moved", "already there", "not present", "no memory", ... */
const char *numamig_outcome_name(enum numamig_outcome outcome);
/* One line in plain words: "never touched or swapped out: nothing to move". */
const char *numamig_outcome_meaning(enum numamig_outcome outcome);
/* True for outcomes that leave a page off its target: the "partial" exit. */
bool numamig_outcome_is_shortfall(enum numamig_outcome outcome);

enum numamig_target_mode {
	/* Any node of 'to', by bytes as evenly as possible; a page already on
	 * a node of 'to' stays there (and counts for that node). movepages. */
	NUMAMIG_TARGET_SPREAD,
	/* numamig_nodes_map_target(from, to, node), as migrate_pages(2)
	 * does. migratepages --jobs. */
	NUMAMIG_TARGET_MAP,
};

struct numamig_page_progress {
	uint64_t walked_bytes;	/* of total_bytes: the mapped part of the selection */
	uint64_t total_bytes;
	uint64_t moved_bytes;
	double elapsed_seconds;
};

struct numamig_page_request {
	/* The pinned process: checked alive before each move_pages call, so a
	 * PID reused by another process is never acted upon. */
	const struct numamig_process *process;
	const struct numamig_memory_map *map;	/* the process's mappings */
	/* Ranges to act on (any order, may overlap); none means every mapping
	 * that numa_maps shows with pages. */
	const struct numamig_range *ranges;
	size_t range_count;
	struct numamig_nodes from;	/* only pages now on these; empty: any node */
	struct numamig_nodes to;
	enum numamig_target_mode mode;
	bool move_shared;		/* MPOL_MF_MOVE_ALL: needs CAP_SYS_NICE */
	bool query_only;		/* placement and plan, nothing moved */
	uint64_t chunk_bytes;		/* address space per move_pages call; 0: 64 MiB */
	unsigned int jobs;		/* threads; 0 or 1: the calling thread */
	uint64_t rate_bytes;		/* bytes moved per second at most; 0: unbounded */
	/* Called after each chunk, from one thread at a time. */
	void (*progress)(const struct numamig_page_progress *progress, void *data);
	void *progress_data;
};

struct numamig_page_result {
	uint64_t pages[NUMAMIG_OUTCOME_COUNT];	/* base pages (4 KiB on x86) */
	uint64_t bytes[NUMAMIG_OUTCOME_COUNT];
	uint64_t selected_bytes;		/* the selection, mapped or not */
	uint64_t before[NUMAMIG_MAX_NODES];	/* bytes per node in the selection */
	uint64_t after[NUMAMIG_MAX_NODES];	/* before, with the moves the kernel reported */
	uint64_t planned[NUMAMIG_MAX_NODES];	/* bytes the plan sent to each node */
	uint64_t no_memory[NUMAMIG_MAX_NODES];	/* bytes refused per target node */
	uint64_t calls;				/* move_pages(2) calls that moved */
	double elapsed_seconds;			/* the move, not the queries after */
};

/*
 * Moves (or with query_only, only plans) the pages of the request and
 * fills result, which it clears first. Returns 0 when the walk went to the
 * end, whatever became of the pages (see result), or a negative errno when
 * the kernel refused the whole call: -ESRCH (the process exited), -EPERM,
 * -EACCES (a target outside the process's cpuset), -ENODEV (a target
 * without memory), -EINVAL; result then holds what was done until then.
 */
int numamig_pages_move(const struct numamig_page_request *request,
		       struct numamig_page_result *result, struct numamig_error *error);

/* True when the calling thread has 'capability' (CAP_SYS_NICE is 23) in
 * its effective set and in the initial user namespace, where the kernel
 * looks for it (a user namespace's root has none there): --all needs
 * CAP_SYS_NICE. */
bool numamig_has_capability(int capability);

/* ---------------------------------------------------- counters (vmstat) */

/* System-wide migration event counters from /proc/vmstat, in base pages
 * (thp_* count huge pages). */
struct numamig_counters {
	uint64_t pgmigrate_success;
	uint64_t pgmigrate_fail;
	uint64_t thp_migration_success;
	uint64_t thp_migration_fail;
	uint64_t thp_migration_split;
	uint64_t numa_pages_migrated;
};

int numamig_counters_read(const char *sysroot, struct numamig_counters *counters,
			  struct numamig_error *error);
/* delta = after - before, field by field */
void numamig_counters_delta(const struct numamig_counters *before,
			    const struct numamig_counters *after, struct numamig_counters *delta);

/* ------------------------------------------------------------- processes */

struct numamig_process;

/*
 * Opens a process and pins it: on the live machine a pidfd is taken first,
 * then its /proc files are read, then the pidfd is checked again, so what
 * was read belongs to the process the pidfd holds. The ID of one of its
 * threads opens the process (numamig_process_thread tells). Fails with
 * -ESRCH (no such process), -EACCES (not ours to read).
 */
int numamig_process_open(const char *sysroot, pid_t pid, struct numamig_process **process,
			 struct numamig_error *error);
void numamig_process_free(struct numamig_process *process);

pid_t numamig_process_pid(const struct numamig_process *process);
/* The thread ID the process was opened by, or 0 when by its PID. */
pid_t numamig_process_thread(const struct numamig_process *process);
const char *numamig_process_command(const struct numamig_process *process);
/* The real uid. */
uid_t numamig_process_uid(const struct numamig_process *process);

/* Whether the caller may read and move the process, by the kernel's rule
 * for numa_maps, migrate_pages(2) and move_pages(2); always allowed under
 * a sysroot other than the live machine. */
enum numamig_access {
	NUMAMIG_ACCESS_ALLOWED,
	/* its real, effective or saved user or group ID is not the caller's
	 * real one, and the caller lacks CAP_SYS_PTRACE */
	NUMAMIG_ACCESS_OTHER_USER,
	/* the same IDs, but it is not dumpable (a set-ID program, prctl) */
	NUMAMIG_ACCESS_NOT_DUMPABLE,
	/* the caller's CAP_SYS_PTRACE is a user namespace's, which does not
	 * hold the process */
	NUMAMIG_ACCESS_USER_NAMESPACE,
};
enum numamig_access numamig_process_access(const struct numamig_process *process);
bool numamig_process_is_kernel_thread(const struct numamig_process *process);
/* Mems_allowed from proc/PID/status. */
const struct numamig_nodes *numamig_process_allowed_nodes(const struct numamig_process *process);
/* -1 under a sysroot other than the live machine, and where pidfd_open(2)
 * is missing (kernels before 5.3, valgrind): the process is then told
 * apart from a later one with its PID by its start time. */
int numamig_process_pidfd(const struct numamig_process *process);
/* 0 while the pinned process lives, -ESRCH once it is exiting or has
 * exited (a zombie too: it has no memory left). */
int numamig_process_check_alive(const struct numamig_process *process);

/* Which processes to act on; unset (NULL) criteria match everything, set
 * ones must all match. Kernel threads and the caller itself are not left
 * out: callers skip what they cannot act on. */
struct numamig_selection {
	const char *name_pattern;	/* extended regex on the command name, like pgrep */
	const char *user;		/* user name or numeric uid: the real uid, like pgrep -U */
	const char *cgroup;		/* a cgroup v2 directory (absolute, or relative to the
					 * cgroup2 mount): its processes and its children's */
};

/* The PIDs matching, ascending; the caller frees *pids. */
int numamig_processes_select(const char *sysroot, const struct numamig_selection *selection,
			     pid_t **pids, size_t *count, struct numamig_error *error);

/*
 * A selection kept for a sweep: numamig_selector_list gives the PIDs that
 * match now (as numamig_processes_select); numamig_selector_matches checks
 * a process pinned afterwards against the same criteria, so that a PID
 * reused between the listing and the pinning is told apart: 1 when it
 * matches, 0 when not. The selection's strings must outlive the selector.
 */
struct numamig_selector;

int numamig_selector_new(const char *sysroot, const struct numamig_selection *selection,
			 struct numamig_selector **selector, struct numamig_error *error);
int numamig_selector_list(struct numamig_selector *selector, pid_t **pids, size_t *count,
			  struct numamig_error *error);
int numamig_selector_matches(const struct numamig_selector *selector,
			     const struct numamig_process *process);
void numamig_selector_free(struct numamig_selector *selector);

/* ---------------------------------------------- whole-process migration */

/*
 * The targets of a move, checked before anything moves: 'to' not empty
 * and every node of it with memory (-EINVAL), and inside the process's
 * cpuset (-EPERM; migrate_pages(2) lets it through with CAP_SYS_NICE, and
 * the pages would sit where the process may not allocate; move_pages(2)
 * refuses it with EACCES). error names the process and the nodes.
 */
int numamig_targets_check(const struct numamig_topology *topology,
			  const struct numamig_process *process, const struct numamig_nodes *to,
			  struct numamig_error *error);

/*
 * What migrate_pages(2) would refuse or quietly change, checked before
 * anything moves: a kernel thread (-EINVAL), the targets as
 * numamig_targets_check says, a node of 'to' outside the caller's own
 * cpuset (-EPERM: the kernel would silently drop it and map the node sets
 * differently), a process the caller may not act on (-EPERM, see
 * numamig_process_access). error names the process and the nodes.
 */
int numamig_migrate_check(const struct numamig_topology *topology,
			  const struct numamig_process *process, const struct numamig_nodes *to,
			  struct numamig_error *error);

/*
 * Moves the process's pages on 'from' to 'to' with migrate_pages(2), node
 * sets mapped as numamig_nodes_map_target() says. *failed gets the number
 * of folios the kernel tried and could not move (a THP counts 1); pages it
 * skipped because other processes map them are not counted: compare the
 * placements before and after (numamig_migration_compare). -ESRCH when the
 * process is gone. When no node of 'from' has a target ("0" to "0") the
 * kernel is not called, and nothing is checked.
 */
int numamig_migrate_process(const struct numamig_process *process,
			    const struct numamig_nodes *from, const struct numamig_nodes *to,
			    long *failed, struct numamig_error *error);

/* What moving a process from 'from' to 'to' would do, by node, in bytes. */
struct numamig_plan {
	uint64_t total;				/* bytes that would move */
	int target[NUMAMIG_MAX_NODES];		/* each node's destination, -1: its pages stay */
	uint64_t leaving[NUMAMIG_MAX_NODES];
	uint64_t arriving[NUMAMIG_MAX_NODES];
	/* Of 'leaving', bytes in mappings where some page is mapped by other
	 * processes too (numa_maps' mapmax > 1). Without CAP_SYS_NICE those
	 * pages stay; numa_maps does not say how many of the mapping's pages
	 * they are, so this is an upper bound. */
	uint64_t shared[NUMAMIG_MAX_NODES];
};

void numamig_plan_make(const struct numamig_memory_map *map, const struct numamig_nodes *from,
		       const struct numamig_nodes *to, struct numamig_plan *plan);

/*
 * What became of the bytes a plan was to move, by the outcomes of the page
 * engine above: migrate_pages(2) tells only "shared" (worked out from
 * numa_maps) and "failed" (whatever else stayed) apart.
 */
struct numamig_migration_result {
	uint64_t moved;
	uint64_t stayed;
	uint64_t stayed_by_outcome[NUMAMIG_OUTCOME_COUNT];
	uint64_t stayed_on_node[NUMAMIG_MAX_NODES][NUMAMIG_OUTCOME_COUNT];
};

/*
 * Works out what migrate_pages(2) did from the placements before and after,
 * mapping by mapping (matched by start address): bytes still on a node
 * beyond those the plan sends there stayed. Their outcome: SHARED when the
 * mapping has pages other processes map too and shared pages were not to
 * move (shared_moved false), else FAILED (the kernel counts some of these
 * in its return value and skips others silently, such as pages it could
 * not isolate on 6.1). A node that is both source and target can hide a
 * page that stayed behind one that did not arrive: a lower bound then.
 */
void numamig_migration_compare(const struct numamig_plan *plan,
				const struct numamig_memory_map *before,
				const struct numamig_memory_map *after, bool shared_moved,
				struct numamig_migration_result *result);

/* The placement the plan leads to: before, less what leaves each node,
 * plus what arrives (after may be before). */
void numamig_plan_placement(const struct numamig_placement *before,
			    const struct numamig_plan *plan, struct numamig_placement *after);

/* migrate_pages(2) answered ENOMEM (a target filled up): what the
 * comparison could only call failed stayed for want of room. */
void numamig_migration_target_full(struct numamig_migration_result *result);

/*
 * The page engine saw each page's fate: its shortfall outcomes replace
 * the reasons the comparison worked out from numa_maps, in total and, for
 * each node where pages stayed, when there is one reason only (several
 * reasons and a single such node: all of them that node's; else
 * "failed"). moved is the engine's count.
 */
void numamig_migration_take_pages(struct numamig_migration_result *result,
				  const struct numamig_page_result *pages);

#ifdef __cplusplus
}
#endif

#endif
