/*
 * Every real numa_maps/maps pair under tests/fixtures/captured/KERNEL/
 * parsed and joined, and checked against what the kernel guarantees
 * (fs/proc/task_mmu.c, show_numa_map and gather_stats): each counted page
 * adds to exactly one N<node>, so their sum is the mapping's page count,
 * and anon, dirty, active, swapcache and writeback count subsets of those
 * pages; "mapped=" is printed, as that page count, only when it differs
 * from both anon and dirty; "mapmax=" only when above 1; the pages lie
 * inside the mapping. Then known values of known captures.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>

#include "numamig.h"
#include "tap.h"

static const char *const policy_modes[] = {
	"default", "local", "prefer", "bind", "interleave", "weighted interleave",
	"prefer (many)",
};

static bool known_policy(const char *policy)
{
	for (size_t i = 0; i < sizeof(policy_modes) / sizeof(policy_modes[0]); i++) {
		size_t length = strlen(policy_modes[i]);

		/* the mode, then its flags (=), its nodes (:) or nothing; the
		 * character after the mode is read only once the mode matched:
		 * a shorter policy ends before it */
		if (strncmp(policy, policy_modes[i], length) == 0 &&
		    (policy[length] == '\0' || policy[length] == ':' || policy[length] == '='))
			return true;
	}
	return false;
}

static uint64_t page_count(const struct numamig_mapping *mapping)
{
	uint64_t pages = 0;

	for (size_t i = 0; i < mapping->node_count; i++)
		pages += mapping->nodes[i].pages;
	return pages;
}

/* What the kernel guarantees of one line's numbers; NULL when all holds. */
static const char *counts_problem(const struct numamig_mapping *mapping)
{
	uint64_t pages = page_count(mapping);

	if (mapping->node_count == 0)
		return mapping->page_size == 0 && !mapping->anon && !mapping->dirty && !mapping->mapped
			       ? NULL
			       : "counters without node counts";
	if (mapping->page_size == 0)
		return "node counts without a page size";
	if (mapping->anon > pages || mapping->dirty > pages || mapping->active > pages ||
	    mapping->swapcache > pages || mapping->writeback > pages)
		return "a counter above the page count";
	if (mapping->mapped ? mapping->mapped != pages || pages == mapping->anon ||
				      pages == mapping->dirty
			    : pages != mapping->anon && pages != mapping->dirty)
		return "mapped= does not stand for the page count as the kernel prints it";
	if (mapping->mapmax == 1)
		return "mapmax=1 is never printed";
	if (mapping->end && pages * mapping->page_size > mapping->end - mapping->start)
		return "more pages than the mapping holds";
	if (mapping->huge ? mapping->page_size <= 4096 : mapping->page_size != 4096)
		return "page size does not fit the mapping (x86: 4 KiB, huge above)";
	return NULL;
}

static const char *type_problem(const struct numamig_mapping *mapping)
{
	if (!known_policy(mapping->policy))
		return "unknown policy";
	if (mapping->huge != (mapping->type == NUMAMIG_MAPPING_HUGETLB))
		return "huge and hugetlb disagree";
	if (mapping->type == NUMAMIG_MAPPING_HEAP && (!mapping->name || strcmp(mapping->name, "[heap]")))
		return "heap not named [heap] in maps";
	if (mapping->type == NUMAMIG_MAPPING_STACK &&
	    (!mapping->name || strcmp(mapping->name, "[stack]")))
		return "stack not named [stack] in maps";
	if (mapping->path && (!mapping->name || strcmp(mapping->path, mapping->name)))
		return "numa_maps path and maps name differ";
	if (!mapping->path && (mapping->type == NUMAMIG_MAPPING_FILE))
		return "a file mapping without path";
	if (!mapping->path && mapping->name && mapping->name[0] == '/')
		return "maps names a file numa_maps does not";
	return NULL;
}

static size_t count_lines(const char *text)
{
	size_t lines = 0;

	for (; *text; text++)
		lines += *text == '\n';
	return lines;
}

/* The mappings of one capture, or NULL (the failure already reported). */
static struct numamig_memory_map *load(const char *kernel, const char *name)
{
	char path[512];
	char *numa_maps, *maps;
	size_t numa_maps_length, maps_length;
	struct numamig_memory_map *map = NULL;
	struct numamig_error error = { 0 };
	int result;

	snprintf(path, sizeof(path), "captured/%s/%s.numa_maps", kernel, name);
	numa_maps = read_fixture(fixture(path), &numa_maps_length);
	snprintf(path, sizeof(path), "captured/%s/%s.maps", kernel, name);
	maps = read_fixture(fixture(path), &maps_length);
	if (ok(numa_maps && maps, "%s/%s: numa_maps and maps", kernel, name)) {
		result = numamig_numa_maps_parse(numa_maps, numa_maps_length, &map, &error);
		if (result == 0 &&
		    (result = numamig_memory_map_add_maps(map, maps, maps_length, &error)) < 0) {
			numamig_memory_map_free(map);
			map = NULL;
		}
		if (!is_int(result, 0, "%s/%s: parsed and joined", kernel, name))
			diag("%s", error.message);
		else
			is_int((int)map->count, (int)count_lines(numa_maps), "%s/%s: a mapping per line",
			       kernel, name);
	}
	free(numa_maps);
	free(maps);
	return map;
}

static void check_invariants(const char *kernel, const char *name,
			     const struct numamig_memory_map *map)
{
	const char *counts = NULL, *type = NULL;
	size_t unjoined = 0, at = 0;

	for (size_t i = 0; i < map->count; i++) {
		const struct numamig_mapping *mapping = &map->mappings[i];

		unjoined += mapping->end <= mapping->start;
		if (!counts && (counts = counts_problem(mapping)))
			at = i;
		if (!type && (type = type_problem(mapping)) && !counts)
			at = i;
	}
	is_int((int)unjoined, 0, "%s/%s: every mapping found in maps", kernel, name);
	if (!ok(!counts, "%s/%s: counts as the kernel prints them", kernel, name))
		diag("mapping %zx: %s", (size_t)map->mappings[at].start, counts);
	if (!ok(!type, "%s/%s: policies, types and names agree", kernel, name))
		diag("mapping %zx: %s", (size_t)map->mappings[at].start, type);
}

static const struct numamig_mapping *find_path(const struct numamig_memory_map *map,
					       const char *path)
{
	for (size_t i = 0; i < map->count; i++)
		if (map->mappings[i].path && strcmp(map->mappings[i].path, path) == 0)
			return &map->mappings[i];
	return NULL;
}

static const struct numamig_mapping *find_policy(const struct numamig_memory_map *map,
						 const char *policy)
{
	for (size_t i = 0; i < map->count; i++)
		if (strcmp(map->mappings[i].policy, policy) == 0)
			return &map->mappings[i];
	return NULL;
}

/* tests/fixtures/captured/capture.c's own mappings (see captured/README). */
static void check_capture_workload(const char *kernel, const struct numamig_memory_map *map)
{
	static const char *const policies[] = {
		"bind:0", "bind=static:0", "bind=static|balancing:0", "interleave=relative:0",
		"prefer:0", "prefer (many):0", "weighted interleave:0", "local",
	};
	const struct numamig_mapping *mapping;
	bool thp = false, hugetlb = false;

	for (size_t i = 0; i < map->count; i++) {
		thp |= map->mappings[i].type == NUMAMIG_MAPPING_ANON && map->mappings[i].anon == 1024 &&
		       map->mappings[i].page_size == 4096;
		hugetlb |= map->mappings[i].type == NUMAMIG_MAPPING_HUGETLB &&
			   map->mappings[i].page_size == 2048 * 1024 && page_count(&map->mappings[i]) == 1;
	}
	ok(thp, "%s/workload: the 4 MiB THP region, 1024 pages of 4 KiB", kernel);
	ok(hugetlb, "%s/workload: one 2 MiB hugetlb page", kernel);
	mapping = find_path(map, "/dev/zero (deleted)");
	ok(mapping && mapping->type == NUMAMIG_MAPPING_SHMEM && mapping->dirty == 256 &&
	   mapping->permissions[3] == 's', "%s/workload: shared anonymous MiB is shmem", kernel);
	mapping = find_path(map, "/tmp/numamig capture=dir/data file");
	ok(mapping && mapping->type == NUMAMIG_MAPPING_FILE && page_count(mapping) == 64,
	   "%s/workload: the file with a space and '=' (64 pages)", kernel);
	mapping = find_path(map, "/tmp/numamig capture=dir/gone (deleted)");
	ok(mapping && mapping->type == NUMAMIG_MAPPING_FILE, "%s/workload: deleted file", kernel);
	mapping = find_path(map, "/memfd:numamig memfd (deleted)");
	ok(mapping && mapping->type == NUMAMIG_MAPPING_SHMEM, "%s/workload: memfd is shmem", kernel);
	mapping = find_path(map, "/SYSV00000000 (deleted)");
	ok(mapping && mapping->type == NUMAMIG_MAPPING_SHMEM, "%s/workload: SysV shm is shmem",
	   kernel);
	mapping = find_path(map, "/dev/shm/numamig-capture (deleted)");
	ok(mapping && mapping->type == NUMAMIG_MAPPING_SHMEM, "%s/workload: /dev/shm is shmem",
	   kernel);
	for (size_t i = 0; i < sizeof(policies) / sizeof(policies[0]); i++) {
		mapping = find_policy(map, policies[i]);
		ok(mapping && page_count(mapping) == 16, "%s/workload: policy '%s' on 16 pages", kernel,
		   policies[i]);
	}
}

/*
 * What tests/vm/fixture-maker set up in the 4-node guests (captured/README.md),
 * the same on every kernel: a mapping found by its policy or path, its
 * type, its pages, and the nodes they must lie on ("spread": every one of
 * them holds some).
 */
struct expectation {
	const char *files;	/* the captures it applies to: " NAME NAME " */
	const char *policy;
	const char *path;
	enum numamig_mapping_type type;
	uint64_t pages;
	const char *within;
	bool spread;
};

static const struct expectation guest_expectations[] = {
	{ " shared-anonymous all ", NULL, "/dev/zero (deleted)",
	  NUMAMIG_MAPPING_SHMEM, 256, NULL, false },
	{ " memfd-shm all ", NULL, "/dev/shm/numamig-fixture",
	  NUMAMIG_MAPPING_SHMEM, 256, NULL, false },
	{ " memfd-shm all ", NULL, "/memfd:numamig fixture (deleted)",
	  NUMAMIG_MAPPING_SHMEM, 256, NULL, false },
	{ " deleted all ", NULL, "/tmp/numamig-fixture-deleted (deleted)",
	  NUMAMIG_MAPPING_FILE, 256, NULL, false },
	{ " odd-path all ", NULL, "/tmp/numamig fixture/a=b c.dat",
	  NUMAMIG_MAPPING_FILE, 256, NULL, false },
	{ " policies all ", "bind:1", NULL,
	  NUMAMIG_MAPPING_ANON, 256, "1", true },
	{ " policies all ", "prefer:1", NULL,
	  NUMAMIG_MAPPING_ANON, 256, "1", true },
	{ " policies all ", "interleave:0-2", NULL,
	  NUMAMIG_MAPPING_ANON, 256, "0-2", true },
	{ " policies all ", "local", NULL,
	  NUMAMIG_MAPPING_ANON, 256, NULL, false },
	{ " policies all ", "bind:2", NULL,
	  NUMAMIG_MAPPING_ANON, 0, NULL, false },
	{ " policy-flags all ", "bind=static:0-1", NULL,
	  NUMAMIG_MAPPING_ANON, 256, "0-1", false },
	{ " policy-flags all ", "interleave=relative:0-1", NULL,
	  NUMAMIG_MAPPING_ANON, 256, "0-1", true },
	{ " policy-flags all ", "prefer=static:2", NULL,
	  NUMAMIG_MAPPING_ANON, 256, "2", true },
	{ " policy-flags all ", "interleave=static:0,2", NULL,
	  NUMAMIG_MAPPING_ANON, 256, "0,2", true },
	{ " prefer-many all ", "prefer (many):1-2", NULL,
	  NUMAMIG_MAPPING_ANON, 256, "1-2", false },
	{ " weighted-interleave ", "weighted interleave:0-2", NULL,
	  NUMAMIG_MAPPING_ANON, 256, "0-2", true },
};

static bool applies(const char *files, const char *name)
{
	char word[128];

	snprintf(word, sizeof(word), " %s ", name);
	return strstr(files, word) != NULL;
}

static const char *nodes_of(const struct numamig_mapping *mapping)
{
	static char text[128];
	struct numamig_nodes nodes;

	numamig_nodes_clear(&nodes);
	for (size_t i = 0; i < mapping->node_count; i++)
		if (mapping->nodes[i].pages)
			numamig_nodes_add(&nodes, mapping->nodes[i].node);
	numamig_nodes_format(&nodes, text, sizeof(text));
	return text;
}

static bool lies_within(const struct numamig_mapping *mapping, const char *within, bool spread)
{
	struct numamig_nodes wanted, found;

	numamig_nodes_parse_kernel_list(within, &wanted);
	numamig_nodes_parse_kernel_list(nodes_of(mapping), &found);
	numamig_nodes_minus(&found, &found, &wanted);
	if (!numamig_nodes_empty(&found))
		return false;
	numamig_nodes_parse_kernel_list(nodes_of(mapping), &found);
	return !spread || numamig_nodes_equal(&found, &wanted);
}

static void check_guest_capture(const char *kernel, const char *name,
				const struct numamig_memory_map *map)
{
	size_t hugetlb_shared = 0, hugetlb_private = 0, thp = 0, copied = 0;

	for (size_t i = 0; i < sizeof(guest_expectations) / sizeof(guest_expectations[0]); i++) {
		const struct expectation *expected = &guest_expectations[i];
		const struct numamig_mapping *mapping;

		if (!applies(expected->files, name))
			continue;
		mapping = expected->policy ? find_policy(map, expected->policy)
					   : find_path(map, expected->path);
		if (!ok(mapping && mapping->type == expected->type &&
			page_count(mapping) == expected->pages &&
			(!expected->within || lies_within(mapping, expected->within, expected->spread)),
			"%s/%s: '%s' is %s, %" PRIu64 " pages%s%s", kernel, name,
			expected->policy ? expected->policy : expected->path,
			numamig_mapping_type_name(expected->type), expected->pages,
			expected->within ? " on " : "", expected->within ? expected->within : ""))
			if (mapping)
				diag("found %s, %" PRIu64 " pages on nodes %s",
				     numamig_mapping_type_name(mapping->type), page_count(mapping),
				     nodes_of(mapping));
	}
	for (size_t i = 0; i < map->count; i++) {
		const struct numamig_mapping *mapping = &map->mappings[i];

		if (mapping->type == NUMAMIG_MAPPING_HUGETLB && mapping->page_size == 2048 * 1024 &&
		    page_count(mapping) == 1) {
			hugetlb_shared += mapping->permissions[3] == 's';
			hugetlb_private += mapping->permissions[3] == 'p';
		}
		thp += mapping->type == NUMAMIG_MAPPING_ANON && page_count(mapping) == 1024 &&
		       mapping->anon == 1024 && mapping->page_size == 4096;
		copied += mapping->type == NUMAMIG_MAPPING_ANON && mapping->mapmax == 2 &&
			  page_count(mapping) >= 256;
	}
	if (applies(" hugetlb all ", name))
		ok(hugetlb_shared == 1 && hugetlb_private == 1,
		   "%s/%s: a shared and a private 2 MiB hugetlb page", kernel, name);
	if (applies(" thp all ", name))
		ok(thp == 1, "%s/%s: two THPs counted as 1024 pages of 4 KiB", kernel, name);
	if (applies(" cow ", name))
		ok(copied == 1, "%s/%s: 1 MiB shared copy-on-write after fork: mapmax=2", kernel,
		   name);
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void check_kernel(const char *kernel)
{
	char relative[256];
	DIR *listing;
	struct dirent *entry;
	char *names[256];
	size_t count = 0;

	snprintf(relative, sizeof(relative), "captured/%s", kernel);
	listing = opendir(fixture(relative));
	if (!listing)
		return;
	while ((entry = readdir(listing)) && count < 256)
		if (has_suffix(entry->d_name, ".numa_maps"))
			names[count++] = strndup(entry->d_name,
						 strlen(entry->d_name) - strlen(".numa_maps"));
	closedir(listing);
	qsort(names, count, sizeof(names[0]), compare_names);
	ok(count > 0, "%s: %zu captures", kernel, count);
	for (size_t i = 0; i < count; i++) {
		struct numamig_memory_map *map = load(kernel, names[i]);

		if (map) {
			check_invariants(kernel, names[i], map);
			if (strcmp(names[i], "workload") == 0 && strcmp(kernel, "6.18") == 0)
				check_capture_workload(kernel, map);
			else
				check_guest_capture(kernel, names[i], map);
			if (strcmp(names[i], "kthreadd") == 0 || strcmp(names[i], "kthread") == 0)
				is_int((int)map->count, 0, "%s/kthreadd: a kernel thread has no mapping",
				       kernel);
		}
		numamig_memory_map_free(map);
		free(names[i]);
	}
}

int main(void)
{
	DIR *listing = opendir(fixture("captured"));
	struct dirent *entry;
	char *kernels[64];
	size_t count = 0;

	if (!listing) {
		printf("Bail out! no %s\n", fixture("captured"));
		return 1;
	}
	while ((entry = readdir(listing)) && count < 64)
		if (entry->d_name[0] != '.' && entry->d_type == DT_DIR)
			kernels[count++] = strdup(entry->d_name);
	closedir(listing);
	qsort(kernels, count, sizeof(kernels[0]), compare_names);
	for (size_t i = 0; i < count; i++) {
		check_kernel(kernels[i]);
		free(kernels[i]);
	}
	ok(count >= 1, "%zu kernels captured", count);
	return tap_done();
}
