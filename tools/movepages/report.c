/*
 * movepages' report: four tables, printed in this order:
 *   nodes     before and after per node, for the selected ranges
 *   outcomes  one row per outcome, with its meaning in plain words
 *   counters  the system-wide vmstat deltas (other activity adds to them)
 *   summary   time, throughput, calls
 * -o names columns of any of them; with -o (not +LIST) a table none of
 * whose columns were named is left out.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "messages.h"
#include "movepages.h"
#include "output.h"

enum { NODE_NODE, NODE_BEFORE, NODE_AFTER, NODE_PLANNED, NODE_NO_MEMORY };
static const struct output_column node_columns[] = {
	[NODE_NODE] = { "NODE", 4, SCOLS_FL_RIGHT, OUTPUT_NUMBER, "node number", NULL },
	[NODE_BEFORE] = { "BEFORE", 6, SCOLS_FL_RIGHT, OUTPUT_SIZE, "bytes of the selection on the node before", NULL },
	[NODE_AFTER] = { "AFTER", 6, SCOLS_FL_RIGHT, OUTPUT_SIZE, "bytes of the selection on the node after", NULL },
	[NODE_PLANNED] = { "PLANNED", 6, SCOLS_FL_RIGHT, OUTPUT_SIZE, "bytes sent to the node (or, with --query, that would be)", NULL },
	[NODE_NO_MEMORY] = { "NO_MEMORY", 6, SCOLS_FL_RIGHT, OUTPUT_SIZE, "bytes the node had no room for", NULL },
};

enum { OUTCOME_OUTCOME, OUTCOME_PAGES, OUTCOME_SIZE, OUTCOME_MEANING };
static const struct output_column outcome_columns[] = {
	[OUTCOME_OUTCOME] = { "OUTCOME", 12, 0, OUTPUT_STRING, "what became of the pages", NULL },
	[OUTCOME_PAGES] = { "PAGES", 7, SCOLS_FL_RIGHT, OUTPUT_NUMBER, "base pages", NULL },
	[OUTCOME_SIZE] = { "SIZE", 6, SCOLS_FL_RIGHT, OUTPUT_SIZE, "bytes", NULL },
	[OUTCOME_MEANING] = { "MEANING", 0.5, 0, OUTPUT_STRING, "the outcome in plain words", NULL },
};

enum { COUNTER_COUNTER, COUNTER_DELTA };
static const struct output_column counter_columns[] = {
	[COUNTER_COUNTER] = { "COUNTER", 22, 0, OUTPUT_STRING, "/proc/vmstat migration counter", NULL },
	[COUNTER_DELTA] = { "SYSTEM_DELTA", 8, SCOLS_FL_RIGHT, OUTPUT_NUMBER,
			    "its change during the move, system-wide: other activity adds to it", NULL },
};

enum { SUMMARY_PID, SUMMARY_SELECTED, SUMMARY_MOVED, SUMMARY_TIME, SUMMARY_THROUGHPUT, SUMMARY_CALLS };
static const struct output_column summary_columns[] = {
	[SUMMARY_PID] = { "PID", 6, SCOLS_FL_RIGHT, OUTPUT_NUMBER, "process", NULL },
	[SUMMARY_SELECTED] = { "SELECTED", 6, SCOLS_FL_RIGHT, OUTPUT_SIZE, "size of the selected ranges", NULL },
	[SUMMARY_MOVED] = { "MOVED", 6, SCOLS_FL_RIGHT, OUTPUT_SIZE, "bytes moved", NULL },
	[SUMMARY_TIME] = { "TIME_MS", 7, SCOLS_FL_RIGHT, OUTPUT_NUMBER, "time the move took, in milliseconds", NULL },
	[SUMMARY_THROUGHPUT] = { "THROUGHPUT", 6, SCOLS_FL_RIGHT, OUTPUT_SIZE, "bytes moved per second", NULL },
	[SUMMARY_CALLS] = { "CALLS", 5, SCOLS_FL_RIGHT, OUTPUT_NUMBER, "move_pages(2) calls", NULL },
};

#define COUNT(array) (sizeof(array) / sizeof((array)[0]))

enum { TABLE_NODES, TABLE_OUTCOMES, TABLE_COUNTERS, TABLE_SUMMARY, TABLE_COUNT };

struct report {
	const struct movepages_control *control;
	const struct numamig_page_result *result;
	struct output_table tables[TABLE_COUNT];
	/* -o split by table: NULL for the defaults */
	char *columns[TABLE_COUNT];
	bool skip[TABLE_COUNT];
	struct numamig_nodes nodes;	/* rows of the nodes table */
};

static bool table_has(const struct output_table *table, const char *name)
{
	for (size_t column = 0; column < table->count; column++)
		if (strcasecmp(table->columns[column].name, name) == 0)
			return true;
	return false;
}

static int append_name(char **list, const char *name, bool plus)
{
	size_t length = *list ? strlen(*list) : 0;
	char *grown = realloc(*list, length + strlen(name) + 3);

	if (!grown)
		return -ENOMEM;
	if (length == 0 && plus)
		grown[length++] = '+';
	else if (length > 0)
		grown[length++] = ',';
	strcpy(grown + length, name);
	*list = grown;
	return 0;
}

/* Gives each name of -o to the table that has such a column. */
static int split_columns(struct report *report)
{
	const char *given = report->control->common.columns;
	bool plus = given && given[0] == '+';
	char *copy, *rest, *name;
	int rc = 0;

	if (!given)
		return 0;
	copy = strdup(plus ? given + 1 : given);
	if (!copy)
		return -ENOMEM;
	rest = copy;
	while (rc == 0 && (name = strsep(&rest, ",")) != NULL) {
		int table;

		for (table = 0; table < TABLE_COUNT; table++)
			if (table_has(&report->tables[table], name))
				break;
		if (table == TABLE_COUNT) {
			message_warn("unknown column '%s'", name);
			rc = -EINVAL;
		} else {
			rc = append_name(&report->columns[table], name, plus);
		}
	}
	free(copy);
	for (int table = 0; table < TABLE_COUNT && !plus; table++)
		report->skip[table] = !report->columns[table];
	return rc;
}

static struct output *table_new(struct report *report, int table)
{
	struct common_options options = report->control->common;

	options.columns = report->columns[table];
	return output_new(&report->tables[table], &options);
}

static void fill_nodes(struct report *report, struct output *output)
{
	const struct numamig_page_result *result = report->result;

	for (int node = numamig_nodes_next(&report->nodes, -1); node >= 0;
	     node = numamig_nodes_next(&report->nodes, node)) {
		struct libscols_line *row = output_row_new(output, NULL);

		if (!row)
			return;
		output_set_number(row, NODE_NODE, (uint64_t)node);
		output_set_number(row, NODE_BEFORE, result->before[node]);
		output_set_number(row, NODE_AFTER, result->after[node]);
		output_set_number(row, NODE_PLANNED, result->planned[node]);
		output_set_number(row, NODE_NO_MEMORY, result->no_memory[node]);
	}
}

/* "the target node had no free memory for it: node 3 (12M)" */
static void no_memory_meaning(const struct numamig_page_result *result, char *text, size_t size)
{
	size_t length = (size_t)snprintf(text, size, "%s:",
					 numamig_outcome_meaning(NUMAMIG_OUTCOME_NO_MEMORY));

	for (int node = 0; node < NUMAMIG_MAX_NODES && length < size; node++) {
		char human[16];

		if (!result->no_memory[node])
			continue;
		length += (size_t)snprintf(text + length, size - length, " node %d (%s)", node,
					   output_human_size(result->no_memory[node], human, sizeof(human)));
	}
}

/* Every outcome that can happen in this mode, so scripts find each key;
 * a query cannot move, a move cannot "would move", and a query without
 * --to has no target to be on or off. */
static bool outcome_shown(const struct movepages_control *control, enum numamig_outcome outcome)
{
	switch (outcome) {
	case NUMAMIG_OUTCOME_WOULD_MOVE:
	case NUMAMIG_OUTCOME_ALREADY_THERE:
	case NUMAMIG_OUTCOME_NOT_SELECTED:
		return control->query ? control->to != NULL : outcome != NUMAMIG_OUTCOME_WOULD_MOVE;
	case NUMAMIG_OUTCOME_MOVED:
	case NUMAMIG_OUTCOME_SHARED:
	case NUMAMIG_OUTCOME_BUSY:
	case NUMAMIG_OUTCOME_NO_MEMORY:
	case NUMAMIG_OUTCOME_FAILED:
		return !control->query;
	default:
		return true;
	}
}

/* A query without --to: the pages present, wherever they are. */
static void fill_present(struct report *report, struct output *output)
{
	struct libscols_line *row = output_row_new(output, NULL);
	uint64_t bytes = 0;

	for (int node = 0; node < NUMAMIG_MAX_NODES; node++)
		bytes += report->result->before[node];
	if (!row)
		return;
	output_set_string(row, OUTCOME_OUTCOME, "present");
	output_set_number(row, OUTCOME_PAGES, bytes / (uint64_t)sysconf(_SC_PAGESIZE));
	output_set_number(row, OUTCOME_SIZE, bytes);
	output_set_string(row, OUTCOME_MEANING, "in memory: the nodes table says where");
}

static void fill_outcomes(struct report *report, struct output *output)
{
	const struct numamig_page_result *result = report->result;

	if (report->control->query && !report->control->to)
		fill_present(report, output);
	for (int outcome = 0; outcome < NUMAMIG_OUTCOME_COUNT; outcome++) {
		struct libscols_line *row;
		char meaning[512];

		if (!outcome_shown(report->control, outcome))
			continue;
		row = output_row_new(output, NULL);
		if (!row)
			return;
		if (outcome == NUMAMIG_OUTCOME_NO_MEMORY && result->pages[outcome])
			no_memory_meaning(result, meaning, sizeof(meaning));
		else if (outcome == NUMAMIG_OUTCOME_SHARED)	/* the option is ours to name */
			snprintf(meaning, sizeof(meaning),
				 "mapped by other processes too: moving it needs --all and CAP_SYS_NICE");
		else
			snprintf(meaning, sizeof(meaning), "%s", numamig_outcome_meaning(outcome));
		output_set_string(row, OUTCOME_OUTCOME, numamig_outcome_name(outcome));
		output_set_number(row, OUTCOME_PAGES, result->pages[outcome]);
		output_set_number(row, OUTCOME_SIZE, result->bytes[outcome]);
		output_set_string(row, OUTCOME_MEANING, meaning);
	}
}

static void fill_counters(struct report *report, struct output *output)
{
	const struct numamig_counters *delta = &report->control->counters_delta;
	const struct {
		const char *name;
		uint64_t value;
	} counters[] = {
		{ "pgmigrate_success", delta->pgmigrate_success },
		{ "pgmigrate_fail", delta->pgmigrate_fail },
		{ "thp_migration_success", delta->thp_migration_success },
		{ "thp_migration_fail", delta->thp_migration_fail },
		{ "thp_migration_split", delta->thp_migration_split },
	};

	for (size_t index = 0; index < COUNT(counters); index++) {
		struct libscols_line *row = output_row_new(output, NULL);

		if (!row)
			return;
		output_set_string(row, COUNTER_COUNTER, counters[index].name);
		output_set_number(row, COUNTER_DELTA, counters[index].value);
	}
}

static void fill_summary(struct report *report, struct output *output)
{
	const struct numamig_page_result *result = report->result;
	uint64_t moved = result->bytes[NUMAMIG_OUTCOME_MOVED];
	struct libscols_line *row = output_row_new(output, NULL);

	if (!row)
		return;
	output_set_number(row, SUMMARY_PID, (uint64_t)report->control->pid);
	output_set_number(row, SUMMARY_SELECTED, result->selected_bytes);
	output_set_number(row, SUMMARY_MOVED, moved);
	output_set_number(row, SUMMARY_TIME, (uint64_t)(result->elapsed_seconds * 1000.0 + 0.5));
	output_set_number(row, SUMMARY_THROUGHPUT,
			  result->elapsed_seconds > 0 ? (uint64_t)((double)moved / result->elapsed_seconds) : 0);
	output_set_number(row, SUMMARY_CALLS, result->calls);
}

static void report_nodes(struct report *report)
{
	const struct numamig_page_result *result = report->result;

	report->nodes = report->control->to_nodes;
	for (int node = 0; node < NUMAMIG_MAX_NODES; node++)
		if (result->before[node] || result->after[node] || result->planned[node] ||
		    result->no_memory[node])
			numamig_nodes_add(&report->nodes, node);
}

/* The four tables; the default columns of the first depend on --query. */
static void report_tables(struct output_table tables[TABLE_COUNT], const char *node_defaults)
{
	tables[TABLE_NODES] = (struct output_table){ "nodes", node_columns, COUNT(node_columns),
						     node_defaults, NULL };
	tables[TABLE_OUTCOMES] = (struct output_table){ "outcomes", outcome_columns,
							COUNT(outcome_columns),
							"OUTCOME,PAGES,SIZE,MEANING", NULL };
	tables[TABLE_COUNTERS] = (struct output_table){ "counters", counter_columns,
							COUNT(counter_columns),
							"COUNTER,SYSTEM_DELTA", NULL };
	tables[TABLE_SUMMARY] = (struct output_table){ "summary", summary_columns,
						       COUNT(summary_columns),
						       "PID,SELECTED,MOVED,TIME_MS,THROUGHPUT,CALLS",
						       NULL };
}

char *movepages_columns_help(void)
{
	static const char *const titles[TABLE_COUNT] = {
		[TABLE_NODES] = "The memory of the selected ranges on each node:",
		[TABLE_OUTCOMES] = "What became of the pages, a row per outcome:",
		[TABLE_COUNTERS] = "The system-wide migration counters of /proc/vmstat (not with --query):",
		[TABLE_SUMMARY] = "The summary (not with --query):",
	};
	struct output_table tables[TABLE_COUNT];
	char *text = NULL, *columns;
	size_t length = 0;
	FILE *stream = open_memstream(&text, &length);

	if (!stream)
		return NULL;
	report_tables(tables, "NODE,BEFORE,AFTER (with --query: NODE,BEFORE, and PLANNED if --to is given)");
	fprintf(stream, "Four tables, in this order; -o takes columns of any of them, and "
		"without + leaves out a table none of whose columns it names.\n");
	for (int table = 0; table < TABLE_COUNT; table++) {
		columns = output_columns_help(&tables[table]);
		if (!columns) {
			fclose(stream);
			free(text);
			return NULL;
		}
		fprintf(stream, "\n%s\n%s", titles[table], columns);
		free(columns);
	}
	if (fclose(stream) != 0) {
		free(text);
		return NULL;
	}
	return text;
}

int movepages_report(const struct movepages_control *control,
		     const struct numamig_page_result *result)
{
	static void (*const fill[TABLE_COUNT])(struct report *, struct output *) = {
		fill_nodes, fill_outcomes, fill_counters, fill_summary,
	};
	struct report report = { .control = control, .result = result };
	struct output_document document = { 0 };
	bool printed = false;
	int rc;

	report_tables(report.tables, control->query ? (control->to ? "NODE,BEFORE,PLANNED" : "NODE,BEFORE")
						    : "NODE,BEFORE,AFTER");
	rc = split_columns(&report);

	report_nodes(&report);
	/* A query moves nothing: no deltas, no time worth printing. */
	if (control->query || !control->have_counters)
		report.skip[TABLE_COUNTERS] = true;
	if (control->query)
		report.skip[TABLE_SUMMARY] = true;
	for (int table = 0; rc == 0 && table < TABLE_COUNT; table++) {
		struct output *output;

		if (report.skip[table])
			continue;
		output = table_new(&report, table);
		if (!output) {
			rc = -errno;
			break;
		}
		fill[table](&report, output);
		if (control->common.json) {
			rc = output_document_add(&document, output);
		} else {
			if (printed)
				putchar('\n');
			rc = output_print(output);
		}
		printed = true;
		output_free(output);
	}
	/* one document, or nothing after an error */
	if (control->common.json && rc == 0)
		rc = output_document_print(&document);
	else
		free(document.members);
	for (int table = 0; table < TABLE_COUNT; table++)
		free(report.columns[table]);
	return rc;
}
