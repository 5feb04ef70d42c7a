/*
 * A process's mappings read under a sysroot: numa_maps joined with maps;
 * or only their sums, straight from numa_maps.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mapping.h"
#include "numamig.h"
#include "sysroot.h"

/* A missing proc/PID file means the process is gone. */
static int gone_if_missing(pid_t pid, int result, struct numamig_error *error)
{
	if (result == -ENOENT || result == -ESRCH)
		return numamig_error_set(error, -ESRCH, "process %d does not exist", (int)pid);
	return result;
}

/* proc/PID/NAME, whole. */
static int read_proc(const char *sysroot, pid_t pid, const char *name, char **text,
		     size_t *length, struct numamig_error *error)
{
	return gone_if_missing(pid, sysroot_read(sysroot, text, length, error, "proc/%d/%s",
						 (int)pid, name), error);
}

/* Puts "cannot parse 'PATH': " before a parser's "line N: ..." message. */
static int name_the_file(const char *sysroot, pid_t pid, const char *name, int result,
			 struct numamig_error *error)
{
	char path[4096];
	char reason[sizeof(error->message)];

	if (!error || result == -ENOMEM)
		return result;
	sysroot_path(path, sizeof(path), sysroot, "proc/%d/%s", (int)pid, name);
	snprintf(reason, sizeof(reason), "%s", error->message);
	return numamig_error_set(error, result, "cannot parse '%s': %s", path, reason);
}

int numamig_memory_map_read(const char *sysroot, pid_t pid, struct numamig_memory_map **map,
			    struct numamig_error *error)
{
	char *text;
	size_t length;
	int result;

	*map = NULL;
	result = read_proc(sysroot, pid, "numa_maps", &text, &length, error);
	if (result < 0)
		return result;
	result = numamig_numa_maps_parse(text, length, map, error);
	free(text);
	if (result < 0)
		return name_the_file(sysroot, pid, "numa_maps", result, error);
	result = read_proc(sysroot, pid, "maps", &text, &length, error);
	if (result == 0) {
		result = numamig_memory_map_add_maps(*map, text, length, error);
		free(text);
		if (result < 0)
			result = name_the_file(sysroot, pid, "maps", result, error);
	}
	if (result < 0) {
		numamig_memory_map_free(*map);
		*map = NULL;
	}
	return result;
}

struct summing {
	struct numamig_placement *placement;
	bool bad_line;			/* the reader failed, not the read */
	struct numa_maps_reader reader;
};

/*
 * Without maps, a mapping with no path counts as private: MAP_SHARED
 * anonymous memory always has one in numa_maps ("/dev/zero (deleted)",
 * see KERNEL.md), so the kind is the one the joined map would give.
 */
static int sum_line(void *context, char *text, size_t length, bool complete)
{
	struct summing *summing = context;
	const struct numa_maps_line *line = &summing->reader.line;
	char *path = NULL;
	enum numamig_mapping_type type;

	if (numa_maps_reader_next(&summing->reader, text, length, complete) < 0) {
		summing->bad_line = true;
		return -EINVAL;
	}
	if (line->path) {
		/* unescaped in place: the line is ours and read no further */
		path = text + (line->path - text);
		path[mapping_unescape_into(path, line->path, line->path_length)] = '\0';
	}
	type = mapping_type(line->huge, line->location, path, false);
	for (size_t entry = 0; entry < line->node_count; entry++)
		placement_add(summing->placement, type, line->nodes[entry].node,
			      line->nodes[entry].pages * line->page_size);
	return 0;
}

int numamig_placement_read(const char *sysroot, pid_t pid, struct numamig_placement *placement,
			   struct numamig_error *error)
{
	struct summing *summing = calloc(1, sizeof(*summing));
	char relative[64];
	int result;

	memset(placement, 0, sizeof(*placement));
	if (!summing)
		return numamig_error_set(error, -ENOMEM, "out of memory");
	summing->placement = placement;
	summing->reader.error = error;
	snprintf(relative, sizeof(relative), "proc/%d/numa_maps", (int)pid);
	result = sysroot_read_lines(sysroot, relative, error, sum_line, summing);
	if (summing->bad_line)
		result = name_the_file(sysroot, pid, "numa_maps", result, error);
	else
		result = gone_if_missing(pid, result, error);
	free(summing);
	if (result < 0)
		memset(placement, 0, sizeof(*placement));
	return result;
}
