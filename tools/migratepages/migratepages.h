/* migratepages: the control struct and the parts of the tool. */
#ifndef NUMAMIG_MIGRATEPAGES_H
#define NUMAMIG_MIGRATEPAGES_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "numamig.h"
#include "options.h"

struct migratepages_control {
	struct common_options common;
	struct numamig_selection selection;
	struct numamig_selector *selector;	/* of the selection, for the sweep */
	bool selecting;			/* --name, --user or --cgroup: no PID argument */
	char *arguments[3];
	char *pid_list;			/* "42" or "42,43" */
	const char *from_text;
	const char *to_text;
	bool dry_run;
	/* --jobs, --rate or --chunk: the move_pages engine instead of the
	 * kernel's migrate_pages */
	bool page_engine;
	unsigned int jobs;
	uint64_t rate_bytes;
	uint64_t chunk_bytes;

	/* worked out before any process is moved */
	struct numamig_topology *topology;
	struct numamig_nodes from;
	struct numamig_nodes to;
	bool move_shared;		/* CAP_SYS_NICE: what the kernel would do */
};

/* One process moved, or planned with --dry-run: what the report shows. */
struct process_move {
	pid_t pid;
	char command[64];
	struct numamig_placement before;
	struct numamig_placement after;		/* with --dry-run, as planned */
	struct numamig_plan plan;
	struct numamig_migration_result result;
	long kernel_failures;			/* migrate_pages(2)'s return value */
	bool target_full;			/* migrate_pages(2) answered ENOMEM */
	bool by_page_engine;
	struct numamig_page_result pages;	/* by_page_engine only */
	bool system_delta_known;
	struct numamig_counters system_delta;
	double elapsed_seconds;
};

/* move.c: plans or moves one process, pinned by process, and fills move.
 * Returns 0, or a negative errno after saying why on stderr. */
int move_process(const struct migratepages_control *control, struct numamig_process *process,
		 struct process_move *move);

/* report.c: the table, the summary lines, the JSON. */
struct report;

/* NULL after a message (an unknown -o column). */
struct report *report_new(const struct migratepages_control *control);
void report_add(struct report *report, const struct process_move *move);
/* Prints everything (nothing with -q); 0 or a negative errno. */
int report_print(struct report *report);
void report_free(struct report *report);
/* --help text for the columns; the caller frees it. */
char *report_columns_help(void);

/* Bytes that did not reach their target: the "partial" exit status. */
uint64_t process_move_stayed(const struct process_move *move);

#endif
