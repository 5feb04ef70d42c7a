/* numamaps: what the main hands to the two renderings. */
#ifndef NUMAMAPS_H
#define NUMAMAPS_H

#include <stdbool.h>
#include <stddef.h>

#include "numamig.h"
#include "options.h"

/* A process that could be read. */
struct numamaps_process {
	struct numamig_process *process;
	struct numamig_memory_map *map;
};

struct numamaps_control {
	struct common_options common;
	bool summary;			/* -s */
	pid_t *pids;			/* as given, in order */
	size_t pid_count;
	struct numamaps_process *processes;	/* those that could be read */
	size_t process_count;
	struct numamig_nodes nodes;	/* a column each: nodes with memory or pages */
};

/* The --help lines of each table's columns; the caller frees them. */
char *mappings_columns_help(void);
char *summary_columns_help(void);

/* Print the table; 0, or a negative errno once the message is printed. */
int mappings_print(const struct numamaps_control *control);
int summary_print(const struct numamaps_control *control);

#endif
