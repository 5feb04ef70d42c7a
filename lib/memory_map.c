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
#include "process.h"
#include "sysroot.h"

/* Where the process's files are read: proc/PID, or the proc/PID/task/TID
 * of a thread that has the memory when the main thread has exited. */
static int process_directory(const struct numamig_process *process, char *relative, size_t size,
			     struct numamig_error *error)
{
	pid_t pid = numamig_process_pid(process), acting;

	if (process_acting_thread(process, &acting) < 0)
		return process_exited(process, error);
	if (acting == pid)
		snprintf(relative, size, "proc/%d", (int)pid);
	else
		snprintf(relative, size, "proc/%d/task/%d", (int)pid, (int)acting);
	return 0;
}

/*
 * A missing file means the process is gone; and so does a process that
 * exited by the end of a read that worked, whose text may be a newcomer's.
 */
static int checked(const struct numamig_process *process, int result, struct numamig_error *error)
{
	if (result == -ENOENT || result == -ESRCH ||
	    (result == 0 && numamig_process_check_alive(process) < 0))
		return process_exited(process, error);
	return result;
}

/* Puts "cannot parse 'PATH': " before a parser's "line N: ..." message. */
static int name_the_file(const struct numamig_process *process, const char *relative,
			 int result, struct numamig_error *error)
{
	char path[4096];
	char reason[sizeof(error->message)];

	if (!error || result == -ENOMEM)
		return result;
	sysroot_path(path, sizeof(path), process_sysroot(process), "%s", relative);
	snprintf(reason, sizeof(reason), "%s", error->message);
	return numamig_error_set(error, result, "cannot parse '%s': %s", path, reason);
}

int numamig_memory_map_read(const struct numamig_process *process,
			    struct numamig_memory_map **map, struct numamig_error *error)
{
	const char *sysroot = process_sysroot(process);
	char directory[64], relative[80];
	char *text;
	size_t length;
	int result;

	*map = NULL;
	result = process_directory(process, directory, sizeof(directory), error);
	if (result < 0)
		return result;
	snprintf(relative, sizeof(relative), "%s/numa_maps", directory);
	result = sysroot_read(sysroot, &text, &length, error, "%s", relative);
	if (result == -ENOENT || result == -ESRCH)
		return process_exited(process, error);
	if (result < 0)
		return result;
	result = numamig_numa_maps_parse(text, length, map, error);
	free(text);
	if (result < 0)
		return name_the_file(process, relative, result, error);
	snprintf(relative, sizeof(relative), "%s/maps", directory);
	result = sysroot_read(sysroot, &text, &length, error, "%s", relative);
	if (result == 0) {
		result = numamig_memory_map_add_maps(*map, text, length, error);
		free(text);
		if (result < 0)
			result = name_the_file(process, relative, result, error);
		else
			result = checked(process, result, error);
	} else
		result = checked(process, result, error);
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

int numamig_placement_read(const struct numamig_process *process,
			   struct numamig_placement *placement, struct numamig_error *error)
{
	struct summing *summing;
	char directory[64], relative[80];
	int result;

	memset(placement, 0, sizeof(*placement));
	result = process_directory(process, directory, sizeof(directory), error);
	if (result < 0)
		return result;
	summing = calloc(1, sizeof(*summing));
	if (!summing)
		return numamig_error_set(error, -ENOMEM, "out of memory");
	summing->placement = placement;
	summing->reader.error = error;
	snprintf(relative, sizeof(relative), "%s/numa_maps", directory);
	result = sysroot_read_lines(process_sysroot(process), relative, error, sum_line, summing);
	if (summing->bad_line)
		result = name_the_file(process, relative, result, error);
	else
		result = checked(process, result, error);
	free(summing);
	if (result < 0)
		memset(placement, 0, sizeof(*placement));
	return result;
}
