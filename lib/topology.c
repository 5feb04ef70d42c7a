/*
 * The machine's nodes as sys/devices/system/node describes them.
 *
 * A kernel built without NUMA has no sys/devices/system/node: such a
 * machine is read as one node 0 that holds all of /proc/meminfo's memory
 * and every online CPU, at distance 10 from itself, so the tools work the
 * same on it.
 *
 * The node sets are read at once; each node's meminfo, cpulist and
 * distance row only when one of them is first asked for. Every tool needs
 * the sets, few the rest (numamaps --save), and on a machine of many
 * nodes the three files a node are most of what a tool reads to start
 * (a node's meminfo sums counters over all its memory).
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "numamig.h"
#include "sysroot.h"
#include "text.h"

#define NODE_DIRECTORY "sys/devices/system/node"
#define LOCAL_DISTANCE 10

struct node_info {
	uint64_t total_bytes;
	uint64_t free_bytes;
	char *cpulist;
};

struct numamig_topology {
	char *sysroot;
	struct numamig_nodes possible;
	struct numamig_nodes online;
	struct numamig_nodes with_memory;
	struct numamig_nodes with_cpus;
	int online_count;
	/* What read_details() read, once: */
	bool details_read;
	int details_result;		/* 0 or its negative errno */
	struct node_info nodes[NUMAMIG_MAX_NODES];	/* by node id; online ones filled */
	/* online_count rows of online_count columns, in online node order,
	 * as the kernel prints each nodeN/distance row */
	int *distances;
};

static int read_node_set(const char *sysroot, const char *name, struct numamig_nodes *nodes,
			 struct numamig_error *error)
{
	char *text;
	int result = sysroot_read(sysroot, &text, NULL, error, NODE_DIRECTORY "/%s", name);

	if (result < 0)
		return result;
	if (numamig_nodes_parse_kernel_list(text, nodes) < 0) {
		char path[4096];

		sysroot_path(path, sizeof(path), sysroot, NODE_DIRECTORY "/%s", name);
		result = numamig_error_set(error, -EINVAL, "bad node list '%.*s' in '%s'",
					   (int)strcspn(text, "\n"), text, path);
	}
	free(text);
	return result;
}

/* MemTotal and MemFree in "Node 0 MemTotal:  123 kB" or "MemTotal:  123 kB" lines. */
static int parse_meminfo(const char *text, uint64_t *total_bytes, uint64_t *free_bytes)
{
	struct text_lines lines;
	const char *line;
	size_t length;
	int found = 0;

	text_lines_init(&lines, text, strlen(text));
	while (text_lines_next(&lines, &line, &length, NULL)) {
		char key[64];
		uint64_t kilobytes;
		const char *cursor = line;

		if (strncmp(line, "Node ", 5) == 0) {
			cursor = memchr(line + 5, ' ', length - 5);
			if (!cursor)
				continue;
			cursor++;
		}
		if (sscanf(cursor, "%63[^:]: %" SCNu64 " kB", key, &kilobytes) != 2)
			continue;
		if (strcmp(key, "MemTotal") == 0) {
			*total_bytes = kilobytes * 1024;
			found++;
		} else if (strcmp(key, "MemFree") == 0) {
			*free_bytes = kilobytes * 1024;
			found++;
		}
	}
	return found == 2 ? 0 : -EINVAL;
}

static int read_meminfo(const struct numamig_topology *topology, const char *relative,
			uint64_t *total_bytes, uint64_t *free_bytes, struct numamig_error *error)
{
	char *text;
	int result = sysroot_read(topology->sysroot, &text, NULL, error, "%s", relative);

	if (result < 0)
		return result;
	result = parse_meminfo(text, total_bytes, free_bytes);
	free(text);
	if (result < 0) {
		char path[4096];

		sysroot_path(path, sizeof(path), topology->sysroot, "%s", relative);
		return numamig_error_set(error, result, "no MemTotal and MemFree in '%s'", path);
	}
	return 0;
}

/* The CPU list as /sys prints it, without its newline; "" when unreadable. */
static char *read_cpulist(const char *sysroot, const char *relative)
{
	char *text;

	if (sysroot_read(sysroot, &text, NULL, NULL, "%s", relative) < 0)
		return strdup("");
	text[strcspn(text, "\n")] = '\0';
	return text;
}

static int read_distances(struct numamig_topology *topology, int node, int row,
			  struct numamig_error *error)
{
	char *text;
	char *cursor;
	int result = sysroot_read(topology->sysroot, &text, NULL, error,
				  NODE_DIRECTORY "/node%d/distance", node);

	if (result < 0)
		return result;
	cursor = text;
	for (int column = 0; column < topology->online_count; column++) {
		char *end;
		long distance = strtol(cursor, &end, 10);

		if (end == cursor || distance < 0 || distance > 255) {
			char path[4096];

			sysroot_path(path, sizeof(path), topology->sysroot,
				     NODE_DIRECTORY "/node%d/distance", node);
			free(text);
			return numamig_error_set(error, -EINVAL,
						 "'%s' has fewer than %d distances", path,
						 topology->online_count);
		}
		topology->distances[row * topology->online_count + column] = (int)distance;
		cursor = end;
	}
	free(text);
	return 0;
}

static int load_node(struct numamig_topology *topology, int node, int row,
		     struct numamig_error *error)
{
	struct node_info *info = &topology->nodes[node];
	char relative[64];
	int result;

	snprintf(relative, sizeof(relative), NODE_DIRECTORY "/node%d/meminfo", node);
	result = read_meminfo(topology, relative, &info->total_bytes, &info->free_bytes, error);
	if (result < 0)
		return result;
	snprintf(relative, sizeof(relative), NODE_DIRECTORY "/node%d/cpulist", node);
	info->cpulist = read_cpulist(topology->sysroot, relative);
	if (!info->cpulist)
		return numamig_error_set(error, -ENOMEM, "out of memory");
	return read_distances(topology, node, row, error);
}

static int load_numa(struct numamig_topology *topology, struct numamig_error *error)
{
	const struct {
		const char *name;
		struct numamig_nodes *nodes;
	} sets[] = {
		{ "possible", &topology->possible },
		{ "online", &topology->online },
		{ "has_memory", &topology->with_memory },
		{ "has_cpu", &topology->with_cpus },
	};

	for (size_t i = 0; i < sizeof(sets) / sizeof(sets[0]); i++) {
		int result = read_node_set(topology->sysroot, sets[i].name, sets[i].nodes, error);

		if (result < 0)
			return result;
	}
	topology->online_count = numamig_nodes_count(&topology->online);
	if (topology->online_count == 0)
		return numamig_error_set(error, -EINVAL, "no online node under '%s'",
					 topology->sysroot);
	return 0;
}


static int read_numa_details(struct numamig_topology *topology)
{
	int row = 0;

	topology->distances = calloc((size_t)topology->online_count * topology->online_count,
				     sizeof(int));
	if (!topology->distances)
		return -ENOMEM;
	for (int node = numamig_nodes_next(&topology->online, -1); node >= 0;
	     node = numamig_nodes_next(&topology->online, node), row++) {
		int result = load_node(topology, node, row, NULL);

		if (result < 0)
			return result;
	}
	return 0;
}

/* One node and its two files, read at once: they are all there is, and
 * what tells a sysroot that is not there. */
static int load_without_numa(struct numamig_topology *topology, struct numamig_error *error)
{
	struct node_info *info = &topology->nodes[0];
	int result;

	numamig_nodes_add(&topology->possible, 0);
	topology->online = topology->with_memory = topology->with_cpus = topology->possible;
	topology->online_count = 1;
	topology->details_read = true;
	topology->distances = malloc(sizeof(int));
	if (!topology->distances)
		return numamig_error_set(error, -ENOMEM, "out of memory");
	topology->distances[0] = LOCAL_DISTANCE;
	result = read_meminfo(topology, "proc/meminfo", &info->total_bytes, &info->free_bytes,
			      error);
	if (result < 0)
		return result;
	info->cpulist = read_cpulist(topology->sysroot, "sys/devices/system/cpu/online");
	if (!info->cpulist)
		return numamig_error_set(error, -ENOMEM, "out of memory");
	return 0;
}

/* The nodes' memory, CPUs and distances, read on the first question
 * about any of them (the getters take a const topology: this is a cache
 * behind it). Not for threads asking the first question at once. */
static int read_details(const struct numamig_topology *asked)
{
	struct numamig_topology *topology = (struct numamig_topology *)asked;

	if (!topology->details_read) {
		topology->details_read = true;
		topology->details_result = read_numa_details(topology);
	}
	return topology->details_result;
}

int numamig_topology_load(const char *sysroot, struct numamig_topology **topology,
			  struct numamig_error *error)
{
	struct numamig_topology *loaded;
	char path[4096];
	struct stat status;
	int result;

	*topology = NULL;
	loaded = calloc(1, sizeof(*loaded));
	if (!loaded)
		return numamig_error_set(error, -ENOMEM, "out of memory");
	loaded->sysroot = strdup(sysroot_is_live(sysroot) ? "/" : sysroot);
	if (!loaded->sysroot) {
		free(loaded);
		return numamig_error_set(error, -ENOMEM, "out of memory");
	}
	result = sysroot_path(path, sizeof(path), sysroot, NODE_DIRECTORY);
	if (result < 0)
		result = numamig_error_set(error, result, "path too long under '%s'", sysroot);
	else if (stat(path, &status) == 0)
		result = load_numa(loaded, error);
	else if (errno == ENOENT)
		result = load_without_numa(loaded, error);
	else {
		char reason[128];

		result = numamig_error_set(error, -errno, "cannot read '%s': %s", path,
					   sysroot_reason(-errno, reason, sizeof(reason)));
	}
	if (result < 0) {
		numamig_topology_free(loaded);
		return result;
	}
	*topology = loaded;
	return 0;
}

void numamig_topology_free(struct numamig_topology *topology)
{
	if (!topology)
		return;
	for (int node = 0; node < NUMAMIG_MAX_NODES; node++)
		free(topology->nodes[node].cpulist);
	free(topology->distances);
	free(topology->sysroot);
	free(topology);
}

const char *numamig_topology_sysroot(const struct numamig_topology *topology)
{
	return topology->sysroot;
}

const struct numamig_nodes *numamig_topology_possible(const struct numamig_topology *topology)
{
	return &topology->possible;
}

const struct numamig_nodes *numamig_topology_online(const struct numamig_topology *topology)
{
	return &topology->online;
}

const struct numamig_nodes *numamig_topology_with_memory(const struct numamig_topology *topology)
{
	return &topology->with_memory;
}

const struct numamig_nodes *numamig_topology_with_cpus(const struct numamig_topology *topology)
{
	return &topology->with_cpus;
}

int numamig_topology_memory(const struct numamig_topology *topology, int node,
			    uint64_t *total_bytes, uint64_t *free_bytes)
{
	int result;

	if (!numamig_nodes_has(&topology->online, node))
		return -ENOENT;
	result = read_details(topology);
	if (result < 0)
		return result;
	if (total_bytes)
		*total_bytes = topology->nodes[node].total_bytes;
	if (free_bytes)
		*free_bytes = topology->nodes[node].free_bytes;
	return 0;
}

/* The position of an online node in the distance rows. */
static int online_rank(const struct numamig_topology *topology, int node)
{
	int rank = 0;

	if (!numamig_nodes_has(&topology->online, node))
		return -1;
	for (int other = numamig_nodes_next(&topology->online, -1); other < node;
	     other = numamig_nodes_next(&topology->online, other))
		rank++;
	return rank;
}

int numamig_topology_distance(const struct numamig_topology *topology, int from, int to)
{
	int row = online_rank(topology, from);
	int column = online_rank(topology, to);

	if (row < 0 || column < 0 || read_details(topology) < 0)
		return -1;
	return topology->distances[row * topology->online_count + column];
}

const char *numamig_topology_cpulist(const struct numamig_topology *topology, int node)
{
	if (!numamig_nodes_has(&topology->online, node) || read_details(topology) < 0)
		return NULL;
	return topology->nodes[node].cpulist;
}
