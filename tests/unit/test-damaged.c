/*
 * The parsers never crash on damaged input: every prefix of every real
 * capture (a read cut short), and captures with bytes overwritten, give a
 * result or -EINVAL, nothing else; a prefix parses exactly when it ends
 * at a line's end. Run under valgrind, this also shows no bad access.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>

#include "numamig.h"
#include "tap.h"

/* Both parsers on text; the maps join needs a parsed numa_maps first. */
static int parse_both(const char *numa_maps, size_t numa_maps_length, const char *maps,
		      size_t maps_length)
{
	struct numamig_memory_map *map;
	struct numamig_error error = { 0 };
	int result = numamig_numa_maps_parse(numa_maps, numa_maps_length, &map, &error);

	if (result == 0) {
		result = numamig_memory_map_add_maps(map, maps, maps_length, &error);
		numamig_memory_map_free(map);
	}
	if (result < 0 && (error.code != result || !error.message[0]))
		return 1;	/* a failure must say why */
	return result;
}

static void check_prefixes(const char *label, const char *text, size_t length, bool numa_maps)
{
	size_t wrong = 0, first_wrong = 0;

	for (size_t cut = 0; cut <= length; cut++) {
		bool whole_lines = cut == 0 || text[cut - 1] == '\n';
		int result = numa_maps ? parse_both(text, cut, "", 0) : parse_both("", 0, text, cut);

		if (result != (whole_lines ? 0 : -EINVAL) && !wrong++)
			first_wrong = cut;
	}
	if (!ok(wrong == 0, "%s: all %zu prefixes parse exactly when they end a line", label,
		length + 1))
		diag("%zu wrong, the first at %zu bytes", wrong, first_wrong);
}

/* Overwrites bytes here and there (a fixed sequence: the test repeats). */
static void check_damage(const char *label, const char *text, size_t length, bool numa_maps)
{
	char *copy = malloc(length + 1);
	static const char noise[] = { ' ', '=', '\n', 'N', '0', '\\', ':', '(', 'x', '\0', '-' };
	unsigned seed = 12345;
	size_t other = 0;

	if (!copy || length == 0) {
		free(copy);
		return;
	}
	for (int round = 0; round < 2000; round++) {
		int result;

		memcpy(copy, text, length);
		for (int change = 0; change < 1 + round % 4; change++) {
			seed = seed * 1103515245 + 12345;
			copy[(seed >> 8) % length] = noise[(seed >> 20) % sizeof(noise)];
		}
		result = numa_maps ? parse_both(copy, length, "", 0) : parse_both("", 0, copy, length);
		other += result != 0 && result != -EINVAL;
	}
	ok(other == 0, "%s: 2000 damaged copies give a result or -EINVAL", label);
	free(copy);
}

static void check_file(const char *kernel, const char *name)
{
	char relative[600], label[600];
	size_t length;
	char *text;
	bool numa_maps = has_suffix(name, ".numa_maps");

	snprintf(relative, sizeof(relative), "captured/%s/%s", kernel, name);
	snprintf(label, sizeof(label), "%s/%s", kernel, name);
	text = read_fixture(fixture(relative), &length);
	if (!ok(text != NULL, "%s readable", label))
		return;
	check_prefixes(label, text, length, numa_maps);
	check_damage(label, text, length, numa_maps);
	free(text);
}

int main(void)
{
	DIR *kernels = opendir(fixture("captured"));
	struct dirent *kernel;
	int files = 0;

	while (kernels && (kernel = readdir(kernels))) {
		char relative[300];
		DIR *listing;
		struct dirent *entry;

		if (kernel->d_name[0] == '.' || kernel->d_type != DT_DIR)
			continue;
		snprintf(relative, sizeof(relative), "captured/%s", kernel->d_name);
		listing = opendir(fixture(relative));
		while (listing && (entry = readdir(listing)))
			if (has_suffix(entry->d_name, ".numa_maps") || has_suffix(entry->d_name, ".maps")) {
				check_file(kernel->d_name, entry->d_name);
				files++;
			}
		if (listing)
			closedir(listing);
	}
	if (kernels)
		closedir(kernels);
	ok(files > 0, "%d captured files damaged", files);
	return tap_done();
}
