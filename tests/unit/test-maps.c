/* /proc/PID/maps, its join with numa_maps (lib/maps.c) and reading both
 * under a sysroot or live (lib/memory_map.c). */
#include "config.h"

#include <errno.h>
#include <sys/mman.h>
#include <unistd.h>

#include "numamig.h"
#include "read.h"
#include "tap.h"

static struct numamig_memory_map *parse(const char *numa_maps, const char *maps)
{
	struct numamig_memory_map *map = NULL;
	struct numamig_error error = { 0 };

	if (numamig_numa_maps_parse(numa_maps, strlen(numa_maps), &map, &error) < 0 ||
	    (maps && numamig_memory_map_add_maps(map, maps, strlen(maps), &error) < 0)) {
		diag("%s", error.message);
		numamig_memory_map_free(map);
		return NULL;
	}
	return map;
}

static void test_vvar_fixture(void)
{
	char *numa_maps = read_fixture(fixture("numa_maps/vvar.numa_maps"), NULL);
	char *maps = read_fixture(fixture("numa_maps/vvar.maps"), NULL);
	struct numamig_memory_map *map = numa_maps && maps ? parse(numa_maps, maps) : NULL;

	if (!ok(map && map->count == 3, "vvar: joined, the [vsyscall] maps line skipped"))
		goto out;
	is_u64(map->mappings[0].end, UINT64_C(0x7ffd1c3f3000), "stack end from maps");
	is_string(map->mappings[0].permissions, "rw-p", "stack permissions");
	is_string(map->mappings[0].name, "[stack]", "stack name");
	is_string(numamig_mapping_type_name(map->mappings[0].type), "stack", "stack type kept");
	is_string(map->mappings[1].name, "[vvar]", "vvar name");
	is_string(map->mappings[2].name, "[vdso]", "vdso name");
	is_string(map->mappings[2].permissions, "r-xp", "vdso permissions");
	ok(map->mappings[1].path == NULL, "vvar has no numa_maps path");
out:
	numamig_memory_map_free(map);
	free(numa_maps);
	free(maps);
}

static void test_join(void)
{
	const char *numa_maps =
		"1000 default anon=1 N0=1 kernelpagesize_kB=4\n"
		"3000 default anon=2 N1=2 kernelpagesize_kB=4\n"
		"5000 default file=/dev/zero\\040(deleted) dirty=1 N0=1 kernelpagesize_kB=4\n"
		"7000 default anon=1 N0=1 kernelpagesize_kB=4\n"
		"9000 default file=/data\\040file mapped=1 N0=1 kernelpagesize_kB=4\n";
	const char *maps =
		"1000-2000 rw-p 00000000 00:00 0 \n"
		"2000-3000 r--p 00000000 00:00 0\n"
		"5000-6000 rw-s 00000000 00:01 7                          /dev/zero (deleted)\n"
		"7000-8000 rw-s 00000000 00:00 0\n"
		"9000-a000 r--p 00001000 fe:01 12                         /data file\n"
		"b000-c000 r--p 00000000 00:00 0\n";
	struct numamig_memory_map *map = parse(numa_maps, maps);

	if (!ok(map && map->count == 5, "join: 5 numa_maps mappings kept"))
		goto out;
	is_u64(map->mappings[0].end, 0x2000, "join: end of the first");
	ok(map->mappings[0].name == NULL, "join: a maps line without name gives NULL");
	is_u64(map->mappings[1].end, 0, "join: a mapping missing from maps keeps end 0");
	is_string(map->mappings[1].permissions, "", "join: and no permissions");
	is_string(numamig_mapping_type_name(map->mappings[2].type), "shmem", "join: /dev/zero shmem");
	is_string(numamig_mapping_type_name(map->mappings[3].type), "shmem",
		  "join: shared memory without a path is shmem");
	is_string(map->mappings[4].name, "/data file", "join: maps names keep their spaces");
	is_string(map->mappings[4].path, "/data file", "join: and match numa_maps' path");
	is_string(numamig_mapping_type_name(map->mappings[4].type), "file", "join: file type");
out:
	numamig_memory_map_free(map);
}

static void refuses_maps(const char *maps, const char *message)
{
	struct numamig_memory_map *map = parse("1000 default\n", NULL);
	struct numamig_error error = { 0 };

	if (!map)
		return;
	is_int(numamig_memory_map_add_maps(map, maps, strlen(maps), &error), -EINVAL,
	       "maps refused (%s)", message);
	is_string(error.message, message, "maps error: %s", message);
	numamig_memory_map_free(map);
}

static void test_maps_errors(void)
{
	refuses_maps("1000 rw-p 0 0:0 0\n", "line 1: bad address range '1000'");
	refuses_maps("2000-1000 rw-p 0 0:0 0\n", "line 1: bad address range '2000-1000'");
	refuses_maps("x-2000 rw-p 0 0:0 0\n", "line 1: bad address range 'x-2000'");
	refuses_maps("1000-2000 rwxq 0 0:0 0\n", "line 1: bad permissions 'rwxq'");
	refuses_maps("1000-2000 rw-p 0 0:0\n", "line 1: truncated line '1000-2000 rw-p 0 0:0'");
	refuses_maps("1000-2000 rw-p 0 0:0 0", "line 1: truncated line '1000-2000 rw-p 0 0:0 0'");
}

static void test_sysroot(void)
{
	const char *sysroot = fixture("sysroot/processes");
	struct numamig_memory_map *map = NULL;
	struct numamig_error error = { 0 };
	size_t files = 0, joined = 0;

	if (!is_int(read_map(sysroot, 7001, &map, &error), 0,
		    "sysroot: read process 7001"))
		diag("%s", error.message);
	if (map) {
		for (size_t i = 0; i < map->count; i++) {
			files += map->mappings[i].type == NUMAMIG_MAPPING_FILE;
			joined += map->mappings[i].end > map->mappings[i].start;
		}
		ok(map->count > 40 && joined == map->count, "sysroot: %zu mappings, all joined",
		   map->count);
		ok(files > 5, "sysroot: file mappings found (%zu)", files);
	}
	numamig_memory_map_free(map);

	is_int(read_map(sysroot, 7002, &map, &error), 0, "kernel thread read");
	ok(map && map->count == 0, "kernel thread: no mapping");
	numamig_memory_map_free(map);

	is_int(read_map(sysroot, 99999, &map, &error), -ESRCH,
	       "a missing process is -ESRCH");
	is_string(error.message, "process 99999 does not exist", "missing process message");
	ok(map == NULL, "no map for a missing process");

	is_int(read_map(sysroot, 7004, &map, &error), -EINVAL,
	       "a broken numa_maps is -EINVAL");
	ok(strstr(error.message, "cannot parse '") &&
	   strstr(error.message, "/proc/7004/numa_maps': line 2: bad number in 'anon=x'"),
	   "the message names file and line: %s", error.message);
	ok(map == NULL, "no map for a broken numa_maps");
}

static void test_live(void)
{
	size_t size = 64 * 4096;
	char *memory = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct numamig_memory_map *map = NULL;
	struct numamig_error error = { 0 };
	const struct numamig_mapping *found = NULL, *stack = NULL;

	if (memory == MAP_FAILED)
		return;
	madvise(memory, size, MADV_NOHUGEPAGE);
	memset(memory, 1, size);
	if (!is_int(read_map(NULL, getpid(), &map, &error), 0, "live: own maps"))
		diag("%s", error.message);
	for (size_t i = 0; map && i < map->count; i++) {
		const struct numamig_mapping *mapping = &map->mappings[i];

		if (mapping->start <= (uintptr_t)memory && (uintptr_t)memory < mapping->end)
			found = mapping;
		/* not the mapping holding a local: valgrind runs us on a stack of its own */
		if (mapping->name && strcmp(mapping->name, "[stack]") == 0)
			stack = mapping;
	}
	if (ok(found != NULL, "live: the mmap'd region is found")) {
		is_string(numamig_mapping_type_name(found->type), "anon", "live: it is anon");
		ok(numamig_mapping_total_bytes(found) >= size, "live: its 64 pages are counted");
		is_u64(found->page_size, 4096, "live: in 4 KiB pages");
		is_string(found->permissions, "rw-p", "live: rw-p");
	}
	ok(stack && stack->type == NUMAMIG_MAPPING_STACK, "live: [stack] is a stack mapping");
	numamig_memory_map_free(map);
	munmap(memory, size);
}

int main(void)
{
	test_vvar_fixture();
	test_join();
	test_maps_errors();
	test_sysroot();
	test_live();
	return tap_done();
}
