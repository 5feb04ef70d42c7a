/* The numa_maps parser (lib/numa_maps.c) on the hand-written fixtures. */
#include "config.h"

#include <dirent.h>
#include <errno.h>

#include "numamig.h"
#include "tap.h"

#define KIB UINT64_C(1024)

static struct numamig_memory_map *parse_fixture(const char *name)
{
	char relative[256];
	struct numamig_memory_map *map = NULL;
	struct numamig_error error = { 0 };
	size_t length;
	char *text;

	snprintf(relative, sizeof(relative), "numa_maps/%s.numa_maps", name);
	text = read_fixture(fixture(relative), &length);
	if (!ok(text != NULL, "%s: fixture readable", name))
		return NULL;
	if (!is_int(numamig_numa_maps_parse(text, length, &map, &error), 0, "%s parses", name))
		diag("%s", error.message);
	free(text);
	return map;
}

static uint64_t pages_on(const struct numamig_mapping *mapping, int node)
{
	return mapping->page_size ? numamig_mapping_node_bytes(mapping, node) / mapping->page_size
				  : 0;
}

static void test_thp(void)
{
	struct numamig_memory_map *map = parse_fixture("thp");

	if (!map || !is_int((int)map->count, 2, "thp: 2 mappings"))
		goto out;
	is_u64(map->mappings[0].start, UINT64_C(0x7f3c40000000), "thp: start address");
	is_string(map->mappings[0].policy, "default", "thp: policy");
	is_string(numamig_mapping_type_name(map->mappings[0].type), "anon", "thp: type anon");
	ok(map->mappings[0].path == NULL, "thp: no path");
	is_u64(map->mappings[0].page_size, 4 * KIB, "thp: THP counted in 4 KiB pages");
	is_u64(map->mappings[0].anon, 1024, "thp: anon=1024");
	is_u64(map->mappings[0].dirty, 1024, "thp: dirty=1024");
	is_u64(map->mappings[0].active, 0, "thp: active=0");
	is_int((int)map->mappings[0].node_count, 2, "thp: two nodes");
	is_u64(numamig_mapping_node_bytes(&map->mappings[0], 1), 2048 * KIB, "thp: 2 MiB on node 1");
	is_u64(numamig_mapping_node_bytes(&map->mappings[0], 2), 0, "thp: nothing on node 2");
	is_u64(numamig_mapping_total_bytes(&map->mappings[0]), 4096 * KIB, "thp: 4 MiB in all");
	is_string(map->mappings[1].policy, "bind:1", "thp: bind:1");
	is_u64(numamig_mapping_total_bytes(&map->mappings[1]), 6144 * KIB, "thp: 6 MiB bound");
	is_u64(map->mappings[0].end, 0, "thp: no end before maps is joined");
	is_string(map->mappings[0].permissions, "", "thp: no permissions before maps is joined");
out:
	numamig_memory_map_free(map);
}

static void test_hugetlb(void)
{
	struct numamig_memory_map *map = parse_fixture("hugetlb");
	struct numamig_mapping *mapping;

	if (!map || !is_int((int)map->count, 2, "hugetlb: 2 mappings"))
		goto out;
	mapping = &map->mappings[0];
	ok(mapping->huge, "hugetlb: huge flag");
	is_string(numamig_mapping_type_name(mapping->type), "hugetlb", "hugetlb: type");
	is_string(mapping->path, "/anon_hugepage (deleted)", "hugetlb: path unescaped");
	is_u64(mapping->page_size, 2048 * KIB, "hugetlb: 2 MiB pages");
	is_u64(pages_on(mapping, 2), 2, "hugetlb: 2 pages on node 2");
	is_u64(numamig_mapping_total_bytes(mapping), 8192 * KIB, "hugetlb: 8 MiB");
	mapping = &map->mappings[1];
	is_u64(mapping->page_size, 1024 * 1024 * KIB, "hugetlb: 1 GiB pages");
	is_string(numamig_mapping_type_name(mapping->type), "hugetlb", "hugetlb: file on hugetlbfs");
out:
	numamig_memory_map_free(map);
}

static void test_shmem(void)
{
	static const char *const paths[] = {
		"/dev/zero (deleted)", "/SYSV00000000 (deleted)", "/memfd:numamig memfd (deleted)",
		"/dev/shm/numamig-data",
	};
	struct numamig_memory_map *map = parse_fixture("shmem");

	if (!map || !is_int((int)map->count, 4, "shmem: 4 mappings"))
		goto out;
	for (size_t i = 0; i < 4; i++) {
		is_string(map->mappings[i].path, paths[i], "shmem: path %zu", i);
		is_string(numamig_mapping_type_name(map->mappings[i].type), "shmem",
			  "shmem: %s is shmem", paths[i]);
	}
	is_u64(map->mappings[3].mapmax, 2, "shmem: mapmax=2");
	is_u64(map->mappings[0].anon, 0, "shmem: no anon= means 0");
out:
	numamig_memory_map_free(map);
}

static void test_deleted(void)
{
	struct numamig_memory_map *map = parse_fixture("deleted");

	if (!map || !is_int((int)map->count, 2, "deleted: 2 mappings"))
		goto out;
	is_string(map->mappings[0].path, "/tmp/scratch (deleted)", "deleted: path");
	is_string(numamig_mapping_type_name(map->mappings[0].type), "file", "deleted: type file");
	is_u64(map->mappings[1].mapped, 10, "deleted: mapped=10");
	is_u64(map->mappings[1].mapmax, 3, "deleted: mapmax=3");
	is_u64(pages_on(&map->mappings[1], 1), 6, "deleted: N1=6");
out:
	numamig_memory_map_free(map);
}

static void test_paths(void)
{
	struct numamig_memory_map *map = parse_fixture("paths");

	if (!map || !is_int((int)map->count, 4, "paths: 4 mappings"))
		goto out;
	is_string(map->mappings[0].path, "/tmp/numamig capture=dir/data file",
		  "paths: \\040 and \\075 unescaped");
	is_string(map->mappings[1].path, "/tmp/tab\tand\nnewline", "paths: \\011 and \\012");
	is_string(map->mappings[2].path, "/tmp/back\\slash\\12x",
		  "paths: a backslash without three octal digits stays");
	is_string(map->mappings[3].path, "/tmp/a anon=5 b", "paths: ' anon=' inside a path");
	is_u64(map->mappings[3].anon, 0, "paths: the path's anon= is not a field");
	is_u64(map->mappings[3].mapped, 2, "paths: fields after such a path");
out:
	numamig_memory_map_free(map);
}

static void test_policies(void)
{
	static const char *const policies[] = {
		"prefer (many):1-2", "weighted interleave:0-3", "bind=static|balancing:0",
		"interleave=relative:0-1", "prefer:1", "local", "bind:0-1",
		"weighted interleave=static:0-3", "prefer (many)=relative:1-2",
	};
	struct numamig_memory_map *map = parse_fixture("policies");

	if (!map || !is_int((int)map->count, 9, "policies: 9 mappings"))
		goto out;
	for (size_t i = 0; i < 9; i++)
		is_string(map->mappings[i].policy, policies[i], "policies: '%s'", policies[i]);
	is_u64(pages_on(&map->mappings[0], 2), 8, "policies: counts after 'prefer (many)'");
	is_u64(map->mappings[7].page_size, 0, "policies: a policy alone has no page size");
	is_string(numamig_mapping_type_name(map->mappings[8].type), "heap",
		  "policies: heap after a policy with a space");
out:
	numamig_memory_map_free(map);
}

static void test_vvar(void)
{
	struct numamig_memory_map *map = parse_fixture("vvar");

	if (!map || !is_int((int)map->count, 3, "vvar: 3 mappings"))
		goto out;
	is_string(numamig_mapping_type_name(map->mappings[0].type), "stack", "vvar: stack");
	is_u64(map->mappings[0].active, 0, "vvar: active=0");
	is_int((int)map->mappings[1].node_count, 0, "vvar: no counts");
	is_u64(map->mappings[1].page_size, 0, "vvar: page size 0 without counts");
	is_u64(numamig_mapping_total_bytes(&map->mappings[1]), 0, "vvar: 0 bytes");
	is_string(map->mappings[2].policy, "default", "vdso: policy only");
out:
	numamig_memory_map_free(map);
}

static void test_kernel_thread(void)
{
	struct numamig_memory_map *map = parse_fixture("kernel-thread");

	if (map)
		is_int((int)map->count, 0, "kernel thread: 0 mappings");
	numamig_memory_map_free(map);
}

static void test_unknown_fields(void)
{
	struct numamig_memory_map *map = parse_fixture("unknown-fields");

	if (!map || !is_int((int)map->count, 2, "unknown fields: 2 mappings"))
		goto out;
	is_u64(map->mappings[0].anon, 4, "unknown fields: known ones still read");
	is_u64(pages_on(&map->mappings[0], 0), 4, "unknown fields: N0=4");
	is_string(map->mappings[1].path, "/usr/bin/tool", "unknown fields: path");
out:
	numamig_memory_map_free(map);
}

static void test_counters(void)
{
	struct numamig_memory_map *map = parse_fixture("counters");
	struct numamig_mapping *mapping;

	if (!map || !is_int((int)map->count, 1, "counters: 1 mapping"))
		goto out;
	mapping = &map->mappings[0];
	ok(mapping->anon == 100 && mapping->dirty == 90 && mapping->mapped == 120 &&
	   mapping->mapmax == 4 && mapping->swapcache == 5 && mapping->active == 60 &&
	   mapping->writeback == 2, "counters: every counter read");
	is_u64(numamig_mapping_total_bytes(mapping), 120 * 4 * KIB, "counters: N0+N1 pages");
out:
	numamig_memory_map_free(map);
}

/* Every bad/NAME.numa_maps must fail with the message in bad/NAME.expected. */
static void test_bad_files(void)
{
	DIR *listing = opendir(fixture("numa_maps/bad"));
	struct dirent *entry;
	int files = 0;

	if (!ok(listing != NULL, "bad fixtures readable"))
		return;
	while ((entry = readdir(listing))) {
		char relative[512], *text, *expected;
		struct numamig_memory_map *map = (struct numamig_memory_map *)&map;
		struct numamig_error error = { 0 };
		size_t length;

		if (!has_suffix(entry->d_name, ".numa_maps"))
			continue;
		files++;
		snprintf(relative, sizeof(relative), "numa_maps/bad/%s", entry->d_name);
		text = read_fixture(fixture(relative), &length);
		strcpy(relative + strlen(relative) - strlen("numa_maps"), "expected");
		expected = read_fixture(fixture(relative), NULL);
		if (!ok(text && expected, "%s: fixture and expected message", entry->d_name)) {
			free(text);
			free(expected);
			continue;
		}
		expected[strcspn(expected, "\n")] = '\0';
		is_int(numamig_numa_maps_parse(text, length, &map, &error), -EINVAL,
		       "%s is refused", entry->d_name);
		is_string(error.message, expected, "%s: message", entry->d_name);
		ok(map == NULL, "%s: no map on failure", entry->d_name);
		free(text);
		free(expected);
	}
	closedir(listing);
	ok(files >= 15, "%d bad fixtures tried", files);
}

static void test_bad_strings(void)
{
	static const char nul[] = "7f0000000000 default\0 anon=1\n";
	struct numamig_memory_map *map;
	struct numamig_error error = { 0 };

	is_int(numamig_numa_maps_parse(nul, sizeof(nul) - 1, &map, &error), -EINVAL,
	       "a NUL byte is refused");
	is_string(error.message, "line 1: NUL byte in '7f0000000000 default? anon=1'",
		  "NUL byte message");
	is_int(numamig_numa_maps_parse("", 0, &map, NULL), 0, "an empty text parses");
	is_int((int)map->count, 0, "an empty text has no mapping");
	numamig_memory_map_free(map);
	numamig_memory_map_free(NULL);
}

int main(void)
{
	test_thp();
	test_hugetlb();
	test_shmem();
	test_deleted();
	test_paths();
	test_policies();
	test_vvar();
	test_kernel_thread();
	test_unknown_fields();
	test_counters();
	test_bad_files();
	test_bad_strings();
	return tap_done();
}
