/* Topology from the fixture sysroots (lib/topology.c). */
#include "config.h"

#include <errno.h>
#include <sys/stat.h>

#include "numamig.h"
#include "tap.h"

#define GIB (UINT64_C(1) << 30)
#define MIB (UINT64_C(1) << 20)

static const char *format(const struct numamig_nodes *nodes)
{
	static char text[4][256];
	static int next;
	char *buffer = text[next++ % 4];

	numamig_nodes_format(nodes, buffer, sizeof(text[0]));
	return buffer;
}

static void test_four_nodes(void)
{
	static const int distances[4][4] = {
		{ 10, 20, 30, 40 }, { 20, 10, 40, 30 }, { 30, 40, 10, 50 }, { 40, 30, 50, 10 },
	};
	struct numamig_topology *topology;
	struct numamig_error error = { 0 };
	uint64_t total, free_bytes;
	bool all_distances = true;

	if (!is_int(numamig_topology_load(fixture("sysroot/four-nodes"), &topology, &error), 0,
		    "four-nodes loads")) {
		diag("%s", error.message);
		return;
	}
	is_string(format(numamig_topology_possible(topology)), "0-3", "four-nodes possible");
	is_string(format(numamig_topology_online(topology)), "0-3", "four-nodes online");
	is_string(format(numamig_topology_with_memory(topology)), "0-3", "four-nodes memory");
	is_string(format(numamig_topology_with_cpus(topology)), "0-1", "four-nodes cpus");
	is_int(numamig_topology_memory(topology, 0, &total, &free_bytes), 0, "node 0 memory");
	is_u64(total, 4 * GIB, "node 0 MemTotal");
	is_u64(free_bytes, 3 * GIB, "node 0 MemFree");
	numamig_topology_memory(topology, 3, &total, &free_bytes);
	is_u64(total, 256 * MIB, "node 3 MemTotal");
	is_u64(free_bytes, 128 * MIB, "node 3 MemFree");
	is_int(numamig_topology_memory(topology, 4, &total, &free_bytes), -ENOENT,
	       "node 4 memory is -ENOENT");
	for (int from = 0; from < 4; from++)
		for (int to = 0; to < 4; to++)
			if (numamig_topology_distance(topology, from, to) != distances[from][to]) {
				all_distances = false;
				diag("distance %d->%d is %d", from, to,
				     numamig_topology_distance(topology, from, to));
			}
	ok(all_distances, "every distance of the 4x4 table");
	is_int(numamig_topology_distance(topology, 0, 4), -1, "distance to a missing node");
	is_string(numamig_topology_cpulist(topology, 1), "2-3", "node 1 cpulist");
	is_string(numamig_topology_cpulist(topology, 2), "", "memory-only node 2 has no CPUs");
	is_string(numamig_topology_cpulist(topology, 9), NULL, "missing node 9 has no cpulist");
	ok(strstr(numamig_topology_sysroot(topology), "four-nodes") != NULL, "sysroot is kept");
	numamig_topology_free(topology);
}

static void test_sparse_nodes(void)
{
	struct numamig_topology *topology;
	struct numamig_error error = { 0 };
	uint64_t total;

	if (!is_int(numamig_topology_load(fixture("sysroot/sparse-nodes"), &topology, &error), 0,
		    "sparse-nodes loads")) {
		diag("%s", error.message);
		return;
	}
	is_string(format(numamig_topology_possible(topology)), "0-7", "sparse possible");
	is_string(format(numamig_topology_online(topology)), "0,4", "sparse online");
	is_string(format(numamig_topology_with_memory(topology)), "0,4", "sparse memory");
	is_int(numamig_topology_distance(topology, 0, 4), 21, "distance 0->4 (second column)");
	is_int(numamig_topology_distance(topology, 4, 4), 10, "distance 4->4");
	is_int(numamig_topology_distance(topology, 0, 1), -1, "distance to offline node 1");
	is_int(numamig_topology_memory(topology, 4, &total, NULL), 0, "node 4 memory");
	is_u64(total, 8 * GIB, "node 4 MemTotal");
	is_string(numamig_topology_cpulist(topology, 4), "4-7", "node 4 cpulist");
	numamig_topology_free(topology);
}

static void test_without_numa(void)
{
	struct numamig_topology *topology;
	struct numamig_error error = { 0 };
	uint64_t total, free_bytes;

	if (!is_int(numamig_topology_load(fixture("sysroot/no-numa"), &topology, &error), 0,
		    "a sysroot without sys/devices/system/node loads")) {
		diag("%s", error.message);
		return;
	}
	is_string(format(numamig_topology_online(topology)), "0", "no-numa: one node 0");
	is_string(format(numamig_topology_with_memory(topology)), "0", "no-numa: 0 has memory");
	numamig_topology_memory(topology, 0, &total, &free_bytes);
	is_u64(total, 2 * GIB, "no-numa: node 0 holds MemTotal");
	is_u64(free_bytes, GIB, "no-numa: node 0 holds MemFree");
	is_int(numamig_topology_distance(topology, 0, 0), 10, "no-numa: local distance");
	numamig_topology_free(topology);
}

static void test_errors(void)
{
	struct numamig_topology *topology = (struct numamig_topology *)&topology;
	struct numamig_error error = { 0 };

	is_int(numamig_topology_load(fixture("sysroot/does-not-exist"), &topology, &error),
	       -ENOENT, "a missing sysroot fails with -ENOENT");
	ok(strstr(error.message, "cannot read '") && strstr(error.message, "does-not-exist"),
	   "the message names the path: %s", error.message);
	ok(topology == NULL, "no topology on failure");
	numamig_topology_free(NULL);
}

static void test_live(void)
{
	struct numamig_topology *topology;
	struct numamig_error error = { 0 };
	uint64_t total = 0;
	int first;

	if (!is_int(numamig_topology_load(NULL, &topology, &error), 0, "the live machine loads")) {
		diag("%s", error.message);
		return;
	}
	first = numamig_nodes_next(numamig_topology_with_memory(topology), -1);

	ok(first >= 0, "live: some node has memory");
	numamig_topology_memory(topology, first, &total, NULL);
	ok(total > 0, "live: node %d has a MemTotal", first);
	is_string(numamig_topology_sysroot(topology), "/", "live sysroot is '/'");
	numamig_topology_free(topology);
}

/* write_file ROOT RELATIVE TEXT */
static void write_file(const char *root, const char *relative, const char *text)
{
	char path[512];
	FILE *file;

	snprintf(path, sizeof(path), "%s/%s", root, relative);
	file = fopen(path, "w");
	if (!file || fputs(text, file) < 0 || fclose(file) != 0)
		exit(99);
}

/* The node sets are read at once, the nodes' files only when asked for:
 * a node file that is damaged stops no tool that never asks for it. */
static void test_details_read_when_asked(void)
{
	static const char *directories[] = { "sys", "sys/devices", "sys/devices/system",
					     "sys/devices/system/node",
					     "sys/devices/system/node/node0",
					     "sys/devices/system/node/node1" };
	char root[] = "/tmp/test-topology.XXXXXX", command[64];
	struct numamig_topology *topology;
	struct numamig_error error = { 0 };
	uint64_t total = 0;
	char path[512];

	if (!mkdtemp(root))
		exit(99);
	for (size_t index = 0; index < sizeof(directories) / sizeof(directories[0]); index++) {
		snprintf(path, sizeof(path), "%s/%s", root, directories[index]);
		if (mkdir(path, 0700) < 0)
			exit(99);
	}
	for (const char **set = (const char *[]){ "possible", "online", "has_memory", "has_cpu", NULL };
	     *set; set++) {
		snprintf(path, sizeof(path), "sys/devices/system/node/%s", *set);
		write_file(root, path, "0-1\n");
	}
	write_file(root, "sys/devices/system/node/node0/meminfo",
		   "Node 0 MemTotal: 1048576 kB\nNode 0 MemFree: 524288 kB\n");
	write_file(root, "sys/devices/system/node/node0/distance", "10 20\n");
	write_file(root, "sys/devices/system/node/node1/meminfo",
		   "Node 1 MemTotal: 1048576 kB\nNode 1 MemFree: 524288 kB\n");
	write_file(root, "sys/devices/system/node/node1/distance", "20\n");	/* one short */

	is_int(numamig_topology_load(root, &topology, &error), 0,
	       "a damaged distance row: the topology loads");
	is_string(format(numamig_topology_with_memory(topology)), "0-1", "its node sets are read");
	is_int(numamig_topology_distance(topology, 0, 1), -1, "the distance asked for: unknown");
	is_int(numamig_topology_memory(topology, 0, &total, NULL), -EINVAL,
	       "the nodes' memory: the damaged file's error");
	numamig_topology_free(topology);

	write_file(root, "sys/devices/system/node/node1/distance", "20 10\n");
	is_int(numamig_topology_load(root, &topology, &error), 0, "mended: loads");
	is_int(numamig_topology_distance(topology, 1, 0), 20, "mended: distance 1->0");
	numamig_topology_memory(topology, 1, &total, NULL);
	is_u64(total, GIB, "mended: node 1 memory, read when asked");
	numamig_topology_free(topology);
	snprintf(command, sizeof(command), "rm -rf %s", root);
	if (system(command) != 0)
		exit(99);
}

int main(void)
{
	test_four_nodes();
	test_sparse_nodes();
	test_without_numa();
	test_errors();
	test_details_read_when_asked();
	test_live();
	return tap_done();
}
