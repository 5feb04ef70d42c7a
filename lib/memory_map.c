/* A process's mappings read under a sysroot: numa_maps joined with maps. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "numamig.h"
#include "sysroot.h"

/* proc/PID/NAME; a missing file means the process is gone. */
static int read_proc(const char *sysroot, pid_t pid, const char *name, char **text,
		     size_t *length, struct numamig_error *error)
{
	int result = sysroot_read(sysroot, text, length, error, "proc/%d/%s", (int)pid, name);

	if (result == -ENOENT || result == -ESRCH)
		return numamig_error_set(error, -ESRCH, "process %d does not exist", (int)pid);
	return result;
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
