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

/* Reads sys/devices/system/node under sysroot. */
int numamig_topology_load(const char *sysroot, struct numamig_topology **topology,
			  struct numamig_error *error);
void numamig_topology_free(struct numamig_topology *topology);

const char *numamig_topology_sysroot(const struct numamig_topology *topology);
const struct numamig_nodes *numamig_topology_possible(const struct numamig_topology *topology);
const struct numamig_nodes *numamig_topology_online(const struct numamig_topology *topology);
const struct numamig_nodes *numamig_topology_with_memory(const struct numamig_topology *topology);
const struct numamig_nodes *numamig_topology_with_cpus(const struct numamig_topology *topology);
/* MemTotal and MemFree of a node, in bytes; -ENOENT for an unknown node. */
int numamig_topology_memory(const struct numamig_topology *topology, int node,
			    uint64_t *total_bytes, uint64_t *free_bytes);
/* The distance from node to node as /sys gives it, or -1 when unknown. */
int numamig_topology_distance(const struct numamig_topology *topology, int from, int to);
/* The CPUs of a node ("" for a memory-only node), as /sys prints them. */
const char *numamig_topology_cpulist(const struct numamig_topology *topology, int node);

/* ------------------------------------------------------------ node lists */

/*
 * Parses a node list in numactl's syntax: "N", "A-B", comma lists, "all",
 * a leading "!" (every node but these), a leading "+" (numbers relative to
 * the allowed set: "+0" is its first node). 'allowed' is the set "all" and
 * "+" refer to (a process's Mems_allowed); NULL means the topology's nodes
 * with memory. Every node must exist in the topology: otherwise -EINVAL and
 * error says which ("node 7 does not exist (nodes: 0-3)").
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
/* Reads proc/PID/numa_maps and proc/PID/maps under sysroot. */
int numamig_memory_map_read(const char *sysroot, pid_t pid, struct numamig_memory_map **map,
			    struct numamig_error *error);
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
 * was read belongs to the process the pidfd holds. Fails with -ESRCH (no
 * such process), -EACCES (not ours to read).
 */
int numamig_process_open(const char *sysroot, pid_t pid, struct numamig_process **process,
			 struct numamig_error *error);
void numamig_process_free(struct numamig_process *process);

pid_t numamig_process_pid(const struct numamig_process *process);
const char *numamig_process_command(const struct numamig_process *process);
uid_t numamig_process_uid(const struct numamig_process *process);
bool numamig_process_is_kernel_thread(const struct numamig_process *process);
/* Mems_allowed from proc/PID/status. */
const struct numamig_nodes *numamig_process_allowed_nodes(const struct numamig_process *process);
/* -1 under a sysroot other than the live machine. */
int numamig_process_pidfd(const struct numamig_process *process);
/* 0 while the pinned process lives, -ESRCH once it has exited. */
int numamig_process_check_alive(const struct numamig_process *process);

/* Which processes to act on; unset (NULL) criteria match everything, set
 * ones must all match. */
struct numamig_selection {
	const char *name_pattern;	/* extended regex on the command name, like pgrep */
	const char *user;		/* user name or numeric uid */
	const char *cgroup;		/* a cgroup v2 directory: its cgroup.procs */
};

/* The PIDs matching, ascending; the caller frees *pids. */
int numamig_processes_select(const char *sysroot, const struct numamig_selection *selection,
			     pid_t **pids, size_t *count, struct numamig_error *error);

#ifdef __cplusplus
}
#endif

#endif
