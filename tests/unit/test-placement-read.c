/* numamig_placement_read (lib/memory_map.c): numa_maps summed as it is
 * read must give what numamig_placement_of_map gives for the map that
 * numamig_memory_map_read joins with maps, in every case: across the
 * reader's block boundaries, on lines longer than a block, and on bad
 * files, with the same errors. */
#include "config.h"

#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#include "numamig.h"
#include "read.h"
#include "tap.h"

static char sysroot[] = "/tmp/test-placement-read.XXXXXX";

static bool write_file(const char *relative, const char *text, size_t length)
{
	char path[4096];
	FILE *file;
	bool written;

	snprintf(path, sizeof(path), "%s/%s", sysroot, relative);
	file = fopen(path, "wb");
	if (!file)
		return false;
	written = fwrite(text, 1, length, file) == length;
	return fclose(file) == 0 && written;
}

/* proc/PID/numa_maps (and maps, when given) under the scratch sysroot. */
static bool make_process(int pid, const char *numa_maps, size_t length, const char *maps)
{
	char relative[64];

	static const char status[] = "Name:\tfake\nUid:\t1000\t1000\t1000\t1000\n";
	char stat[64];

	snprintf(relative, sizeof(relative), "%s/proc/%d", sysroot, pid);
	mkdir(relative, 0755);
	/* what a process handle reads */
	snprintf(stat, sizeof(stat), "%d (fake) S 1 1 1 0 -1 0\n", pid);
	snprintf(relative, sizeof(relative), "proc/%d/stat", pid);
	if (!write_file(relative, stat, strlen(stat)))
		return false;
	snprintf(relative, sizeof(relative), "proc/%d/status", pid);
	if (!write_file(relative, status, strlen(status)))
		return false;
	snprintf(relative, sizeof(relative), "proc/%d/numa_maps", pid);
	if (!write_file(relative, numa_maps, length))
		return false;
	snprintf(relative, sizeof(relative), "proc/%d/maps", pid);
	return !maps || write_file(relative, maps, strlen(maps));
}

static void remove_process(int pid)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/proc/%d/numa_maps", sysroot, pid);
	unlink(path);
	snprintf(path, sizeof(path), "%s/proc/%d/maps", sysroot, pid);
	unlink(path);
	snprintf(path, sizeof(path), "%s/proc/%d/stat", sysroot, pid);
	unlink(path);
	snprintf(path, sizeof(path), "%s/proc/%d/status", sysroot, pid);
	unlink(path);
	snprintf(path, sizeof(path), "%s/proc/%d", sysroot, pid);
	rmdir(path);
}

static bool same_placement(const struct numamig_placement *a, const struct numamig_placement *b)
{
	return memcmp(a, b, sizeof(*a)) == 0;
}

/* The streamed sums against the joined map's, under root. */
static void compare(const char *root, int pid, const char *what)
{
	static struct numamig_placement streamed, joined;
	struct numamig_memory_map *map = NULL;
	struct numamig_error error = { 0 };
	int result = read_placement(root, pid, &streamed, &error);

	if (!is_int(result, 0, "%s: summed", what))
		diag("%s", error.message);
	if (read_map(root, pid, &map, &error) < 0) {
		ok(false, "%s: read and joined: %s", what, error.message);
		return;
	}
	numamig_placement_of_map(map, &joined);
	ok(same_placement(&streamed, &joined), "%s: the sums of the joined map (%zu mappings, %llu bytes)",
	   what, map->count, (unsigned long long)joined.total);
	numamig_memory_map_free(map);
}

/* Every capture of both kernels, with its maps: the kind of memory
 * (shmem, file, hugetlb, heap, stack) from numa_maps alone is the one
 * the join gives. */
static void test_captured(void)
{
	const char *kernels[] = { "6.1", "6.12" };
	const char *names[] = { "all", "cow", "deleted", "hugetlb", "memfd-shm", "odd-path",
				"policies", "prefer-many", "shared-anonymous", "thp" };

	for (size_t kernel = 0; kernel < sizeof(kernels) / sizeof(kernels[0]); kernel++)
		for (size_t name = 0; name < sizeof(names) / sizeof(names[0]); name++) {
			char relative[256], what[256];
			char *numa_maps, *maps;
			size_t length;

			snprintf(relative, sizeof(relative), "captured/%s/%s.numa_maps", kernels[kernel],
				 names[name]);
			numa_maps = read_fixture(fixture(relative), &length);
			snprintf(relative, sizeof(relative), "captured/%s/%s.maps", kernels[kernel],
				 names[name]);
			maps = read_fixture(fixture(relative), NULL);
			snprintf(what, sizeof(what), "%s/%s", kernels[kernel], names[name]);
			if (!numa_maps || !maps)
				ok(false, "%s: no capture", what);
			else if (!make_process(100, numa_maps, length, maps))
				ok(false, "%s: cannot write the sysroot", what);
			else
				compare(sysroot, 100, what);
			free(numa_maps);
			free(maps);
			remove_process(100);
		}
}

/* 1 MiB of lines (four of the reader's blocks, cut inside lines) and a
 * line of 600 KiB (longer than a block). */
static void test_blocks(void)
{
	size_t size = 2 * 1024 * 1024, used = 0;
	char *text = malloc(size);
	char *path = malloc(600 * 1024);
	uint64_t address = 0x10000;

	if (!text || !path) {
		ok(false, "blocks: no memory");
		free(text);
		free(path);
		return;
	}
	memset(path, 'p', 600 * 1024 - 1);
	path[600 * 1024 - 1] = '\0';
	while (used < 1024 * 1024) {
		used += (size_t)snprintf(text + used, size - used,
					 "%llx default anon=3 dirty=3 N0=1 N2=%llu kernelpagesize_kB=4\n",
					 (unsigned long long)address, (unsigned long long)(address % 7));
		address += 0x1000;
	}
	used += (size_t)snprintf(text + used, size - used,
				 "%llx default file=/%s mapped=2 N1=2 kernelpagesize_kB=2048\n",
				 (unsigned long long)address, path);
	if (ok(make_process(101, text, used, ""), "blocks: numa_maps of %zu bytes", used))
		compare(sysroot, 101, "blocks");
	remove_process(101);
	free(text);
	free(path);
}

/* Bad files fail as numamig_memory_map_read fails, with its message. */
static void refuses(const char *numa_maps, const char *what)
{
	static struct numamig_placement placement;
	struct numamig_memory_map *map = NULL;
	struct numamig_error streamed = { 0 }, joined = { 0 };
	int result;

	if (!make_process(102, numa_maps, strlen(numa_maps), "")) {
		ok(false, "%s: cannot write the sysroot", what);
		return;
	}
	result = read_placement(sysroot, 102, &placement, &streamed);
	is_int(result, read_map(sysroot, 102, &map, &joined), "%s: the same error",
	       what);
	is_string(streamed.message, joined.message, "%s: the same message", what);
	ok(placement.total == 0, "%s: nothing summed", what);
	numamig_memory_map_free(map);
	remove_process(102);
}

static void test_errors(void)
{
	static struct numamig_placement placement;
	struct numamig_error error = { 0 };

	refuses("1000 default anon=1 N0=1 kernelpagesize_kB=4\n1000 default\n", "out of order");
	refuses("1000 default anon=1 N0=1 kernelpagesize_kB=4\n2000 default anon=1", "truncated");
	refuses("1000 default anon=x\n", "bad number");
	is_int(read_placement(sysroot, 99999, &placement, &error), -ESRCH,
	       "a missing process is -ESRCH");
	is_string(error.message, "process 99999 does not exist", "missing process message");
}

/* The live process: its own anonymous pages are counted. */
static void test_live(void)
{
	static struct numamig_placement placement;
	size_t size = 64 * 4096;
	char *memory = malloc(size);
	struct numamig_error error = { 0 };

	if (!memory)
		return;
	memset(memory, 1, size);
	if (!is_int(read_placement(NULL, getpid(), &placement, &error), 0, "live: summed"))
		diag("%s", error.message);
	ok(placement.type_bytes[NUMAMIG_MAPPING_ANON] + placement.type_bytes[NUMAMIG_MAPPING_HEAP] >=
		   size, "live: its 64 pages are counted");
	ok(placement.type_bytes[NUMAMIG_MAPPING_FILE] > 0, "live: its program's file pages too");
	free(memory);
}

int main(void)
{
	char proc[sizeof(sysroot) + 8];

	if (!mkdtemp(sysroot)) {
		ok(false, "cannot make a scratch sysroot");
		return tap_done();
	}
	snprintf(proc, sizeof(proc), "%s/proc", sysroot);
	mkdir(proc, 0755);
	test_captured();
	test_blocks();
	test_errors();
	test_live();
	rmdir(proc);
	rmdir(sysroot);
	return tap_done();
}
