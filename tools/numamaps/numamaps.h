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
	struct numamig_memory_map *map;		/* NULL with -s */
	struct numamig_placement *placement;	/* with -s, the sums alone; else NULL */
};

struct numamaps_control {
	struct common_options common;
	bool summary;			/* -s */
	pid_t *pids;			/* as given, in order */
	size_t pid_count;
	struct numamaps_process *processes;	/* those that could be read */
	size_t process_count;
	struct numamig_nodes nodes;	/* a column each: nodes with memory or pages */
	bool all_processes;		/* -A */
	const char *rank_node;		/* --node N with -A: rank by what sits on N */
	const char *save_path;		/* --save FILE */
	bool diff;			/* --diff A B */
	const char *diff_sides[2];	/* snapshot files or PIDs */
	size_t diff_side_count;
	double interval;		/* --interval SECONDS; 0 when not watching */
	unsigned long count;		/* --count N; 0: until interrupted */
	bool bars;			/* --bars */
};

/* Reads one process; prints why not and returns a negative errno if it cannot. */
int numamaps_read_process(const struct numamaps_control *control, pid_t pid,
			  struct numamaps_process *read);

/* What MAPPING shows: the file, "[heap]" or "[stack]"; NULL for anonymous memory. */
const char *numamaps_mapping_name(const struct numamig_mapping *mapping);

/* The --help lines of each table's columns; the caller frees them. */
char *mappings_columns_help(void);
char *summary_columns_help(void);

/* Print the table; 0, or a negative errno once the message is printed. */
int mappings_print(const struct numamaps_control *control);
int summary_print(const struct numamaps_control *control);

/* The modes of issue 6, each in its own file. The _run functions return
 * the exit status; the others 0, or a negative errno once the message is
 * printed. */
char *all_processes_columns_help(void);
char *diff_columns_help(void);
char *watch_columns_help(void);
int all_processes_run(const struct numamaps_control *control);
int diff_run(const struct numamaps_control *control);
int snapshot_save(const struct numamaps_control *control,
		  const struct numamig_topology *topology);
int watch_run(const struct numamaps_control *control);
int bars_print(const struct numamaps_control *control);

#endif
