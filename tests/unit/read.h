/* The readers by sysroot and PID, as the tests knew them: open, read, let go. */
#ifndef NUMAMIG_TEST_READ_H
#define NUMAMIG_TEST_READ_H

#include "numamig.h"

static inline int read_map(const char *sysroot, pid_t pid, struct numamig_memory_map **map,
			   struct numamig_error *error)
{
	struct numamig_process *process;
	int result = numamig_process_open(sysroot, pid, &process, error);

	*map = NULL;
	if (result < 0)
		return result;
	result = numamig_memory_map_read(process, map, error);
	numamig_process_free(process);
	return result;
}

static inline int read_placement(const char *sysroot, pid_t pid,
				 struct numamig_placement *placement, struct numamig_error *error)
{
	struct numamig_process *process;
	int result = numamig_process_open(sysroot, pid, &process, error);

	if (result < 0)
		return result;
	result = numamig_placement_read(process, placement, error);
	numamig_process_free(process);
	return result;
}

#endif
