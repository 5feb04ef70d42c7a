/*
 * numamaps snapshots: where the memory of processes lived at one moment,
 * in a versioned JSON file (numamaps --save), read back to compare
 * (numamaps --diff). The format, version 1:
 *
 *	{ "format": "numamaps-snapshot", "version": 1,
 *	  "time": "2026-11-23T14:30:00Z", "kernel": "6.12.9-amd64",
 *	  "topology": { "nodes": [ { "node": 0, "cpus": "0-1", "memory": BYTES } ] },
 *	  "processes": [ { "pid": 42, "command": "db", "uid": 1000, "mappings": [
 *	      { "start": "7f0000000000", "end": "7f0000400000", "permissions": "rw-p",
 *	        "policy": "default", "type": "anon", "path": null, "name": null,
 *	        "huge": false, "page_size": 4096, "anon": 1024, "dirty": 1024,
 *	        "mapped": 0, "mapmax": 0, "swapcache": 0, "active": 0, "writeback": 0,
 *	        "nodes": [ { "node": 0, "pages": 1024 } ] } ] } ] }
 *
 * Addresses are hex strings (as /proc/PID/maps prints them, and because
 * JSON numbers lose precision past 2^53); counters are pages of
 * page_size, as numa_maps counts them. Readers take any version up to
 * theirs and ignore keys they do not know; a writer that changes the
 * meaning of a key raises the version.
 */
#ifndef NUMAMIG_COMMON_SNAPSHOT_H
#define NUMAMIG_COMMON_SNAPSHOT_H

#include <stdio.h>
#include <time.h>

#include "numamig.h"

#define SNAPSHOT_FORMAT "numamaps-snapshot"
#define SNAPSHOT_VERSION 1

struct snapshot_node {
	int node;
	char *cpus;		/* "0-1", "" for a memory-only node; NULL when not saved */
	uint64_t memory;	/* MemTotal in bytes */
};

struct snapshot_process {
	pid_t pid;
	char *command;
	uid_t uid;
	struct numamig_memory_map *map;
};

struct snapshot {
	time_t time;
	char *kernel;		/* the kernel release; NULL when not known */
	size_t node_count;
	struct snapshot_node *nodes;	/* ascending node ids */
	size_t process_count;
	struct snapshot_process *processes;
};

/*
 * Parses a snapshot from text (need not end with a NUL). On bad input
 * -EINVAL (or -ENOMEM) and error holds one line that says what and where:
 * "not JSON: line 1 column 1: '[' or '{' expected near 'hello'",
 * "format version 2 is newer than this program reads (1)",
 * "process 1 mapping 3: 'start' is missing". Never crashes, whatever the
 * text: a fuzz target calls it directly.
 */
int snapshot_parse(const char *text, size_t length, struct snapshot **snapshot,
		   struct numamig_error *error);

/* Reads and parses a file; error then starts with "cannot read snapshot 'PATH': ". */
int snapshot_load(const char *path, struct snapshot **snapshot, struct numamig_error *error);

/* Writes snapshot as JSON; 0 or a negative errno. */
int snapshot_write(FILE *stream, const struct snapshot *snapshot);

/* Frees a snapshot made by snapshot_parse or snapshot_load; NULL is fine. */
void snapshot_free(struct snapshot *snapshot);

/* The topology's nodes (online, with their CPUs and memory) as a
 * snapshot keeps them; the caller frees *nodes and their cpus. */
int snapshot_nodes_of_topology(const struct numamig_topology *topology,
			       struct snapshot_node **nodes, size_t *count);

/* The kernel release under sysroot (proc/sys/kernel/osrelease); NULL when
 * not there. The caller frees it. */
char *snapshot_kernel_release(const char *sysroot);

#endif
