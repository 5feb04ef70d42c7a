/* movepages: the control struct shared by its main and its report. */
#ifndef NUMAMIG_MOVEPAGES_H
#define NUMAMIG_MOVEPAGES_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "numamig.h"
#include "options.h"

struct movepages_control {
	struct common_options common;
	pid_t pid;
	const char *to;			/* --to NODES as given */
	const char *from;		/* --from NODES, or NULL */
	char **range_texts;		/* --range, in order */
	size_t range_count;
	bool query;
	bool all;
	unsigned int jobs;
	uint64_t rate;			/* bytes per second, 0: unbounded */
	uint64_t chunk;			/* 0: the engine's default */

	/* filled in by main for the report */
	struct numamig_nodes to_nodes;
	struct numamig_counters counters_delta;
	bool have_counters;
};

/* Prints the result tables; returns 0 or -errno (message printed). */
int movepages_report(const struct movepages_control *control,
		     const struct numamig_page_result *result);

/* --help's list of the tables' columns; the caller frees it. */
char *movepages_columns_help(void);

#endif
