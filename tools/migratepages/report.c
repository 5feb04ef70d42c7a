/*
 * What migratepages prints: one table, a row per process (its totals, the
 * time taken, the system-wide counter deltas) with a row per node beneath
 * it (a tree on the NODE column, nested "children" in JSON), then, unless
 * -J, lines in plain words: what moved how fast, what stayed where and
 * why, and the system-wide counters. -J puts all of it in the table:
 * without -o, JSON has every column.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "messages.h"
#include "migratepages.h"
#include "output.h"

enum {
	COLUMN_PID,
	COLUMN_COMMAND,
	COLUMN_NODE,
	COLUMN_BEFORE,
	COLUMN_AFTER,
	COLUMN_TARGET,
	COLUMN_MOVED,
	COLUMN_STAYED,
	COLUMN_REASON,
	COLUMN_SHARED,
	COLUMN_ENGINE,
	COLUMN_FAILED,
	COLUMN_ELAPSED,
	COLUMN_RATE,
	COLUMN_PGMIGRATE_SUCCESS,
	COLUMN_PGMIGRATE_FAIL,
	COLUMN_THP_MIGRATION_SUCCESS,
	COLUMN_THP_MIGRATION_FAIL,
	COLUMN_THP_MIGRATION_SPLIT,
};

static const struct output_column columns[] = {
	[COLUMN_PID] = { "PID", 5, SCOLS_FL_RIGHT, OUTPUT_NUMBER, "process ID" },
	[COLUMN_COMMAND] = { "COMMAND", 0.15, SCOLS_FL_TRUNC, OUTPUT_STRING, "command name" },
	[COLUMN_NODE] = { "NODE", 5, SCOLS_FL_TREE, OUTPUT_NUMBER,
			  "node (on the rows beneath a process)" },
	[COLUMN_BEFORE] = { "BEFORE", 7, SCOLS_FL_RIGHT, OUTPUT_SIZE, "bytes before the move" },
	[COLUMN_AFTER] = { "AFTER", 7, SCOLS_FL_RIGHT, OUTPUT_SIZE,
			   "bytes after the move (with --dry-run: as planned)" },
	[COLUMN_TARGET] = { "TARGET", 6, SCOLS_FL_RIGHT, OUTPUT_NUMBER,
			    "where the node's pages go (empty: they stay)" },
	[COLUMN_MOVED] = { "MOVED", 7, SCOLS_FL_RIGHT, OUTPUT_SIZE,
			   "bytes moved (with --dry-run: that would move)" },
	[COLUMN_STAYED] = { "STAYED", 7, SCOLS_FL_RIGHT, OUTPUT_SIZE,
			    "bytes left on a node they were to leave" },
	[COLUMN_REASON] = { "REASON", 0.1, 0, OUTPUT_STRING, "why they stayed (see below the table)" },
	[COLUMN_SHARED] = { "SHARED", 7, SCOLS_FL_RIGHT, OUTPUT_SIZE,
			    "bytes to move in mappings with pages other processes map too" },
	[COLUMN_ENGINE] = { "ENGINE", 0.1, 0, OUTPUT_STRING, "migrate_pages or move_pages" },
	[COLUMN_FAILED] = { "FAILED", 6, SCOLS_FL_RIGHT, OUTPUT_NUMBER,
			    "folios migrate_pages(2) reported it could not move" },
	[COLUMN_ELAPSED] = { "ELAPSED", 7, SCOLS_FL_RIGHT, OUTPUT_NUMBER, "seconds the move took" },
	[COLUMN_RATE] = { "RATE", 7, SCOLS_FL_RIGHT, OUTPUT_SIZE, "bytes moved per second" },
	[COLUMN_PGMIGRATE_SUCCESS] = { "SYSTEM_PGMIGRATE_SUCCESS", 6, SCOLS_FL_RIGHT, OUTPUT_NUMBER,
				       "system-wide pgmigrate_success during the move (pages)" },
	[COLUMN_PGMIGRATE_FAIL] = { "SYSTEM_PGMIGRATE_FAIL", 6, SCOLS_FL_RIGHT, OUTPUT_NUMBER,
				    "system-wide pgmigrate_fail during the move (pages)" },
	[COLUMN_THP_MIGRATION_SUCCESS] = { "SYSTEM_THP_MIGRATION_SUCCESS", 6, SCOLS_FL_RIGHT,
					   OUTPUT_NUMBER,
					   "system-wide thp_migration_success during the move" },
	[COLUMN_THP_MIGRATION_FAIL] = { "SYSTEM_THP_MIGRATION_FAIL", 6, SCOLS_FL_RIGHT,
					OUTPUT_NUMBER,
					"system-wide thp_migration_fail during the move" },
	[COLUMN_THP_MIGRATION_SPLIT] = { "SYSTEM_THP_MIGRATION_SPLIT", 6, SCOLS_FL_RIGHT,
					 OUTPUT_NUMBER,
					 "system-wide thp_migration_split during the move" },
};

#define COLUMN_COUNT (sizeof(columns) / sizeof(columns[0]))

static const char move_defaults[] = "PID,COMMAND,NODE,BEFORE,AFTER,TARGET,MOVED,STAYED,REASON";
static const char move_json_defaults[] =
	"PID,COMMAND,NODE,BEFORE,AFTER,TARGET,MOVED,STAYED,REASON,ENGINE,FAILED,ELAPSED,RATE,"
	"SYSTEM_PGMIGRATE_SUCCESS,SYSTEM_PGMIGRATE_FAIL,SYSTEM_THP_MIGRATION_SUCCESS,"
	"SYSTEM_THP_MIGRATION_FAIL,SYSTEM_THP_MIGRATION_SPLIT";
static const char plan_defaults[] = "PID,COMMAND,NODE,BEFORE,AFTER,TARGET,MOVED,SHARED";

struct report {
	const struct migratepages_control *control;
	struct output_column columns[COLUMN_COUNT];
	struct output *output;
	/* the lines printed below the table */
	char *lines;
	size_t lines_length;
	FILE *lines_stream;
};

static const char *size_text(const struct report *report, uint64_t bytes, char *buffer,
			     size_t size)
{
	if (report->control->common.bytes)
		snprintf(buffer, size, "%" PRIu64, bytes);
	else
		output_human_size(bytes, buffer, size);
	return buffer;
}

/* Shared pages stay for want of CAP_SYS_NICE: say so in migratepages'
 * terms (the engine's own words speak of movepages --all). */
static const char *stay_meaning(enum numamig_outcome outcome)
{
	if (outcome == NUMAMIG_OUTCOME_SHARED)
		return "mapped by other processes too: moving them needs CAP_SYS_NICE";
	if (outcome == NUMAMIG_OUTCOME_FAILED)
		return "the kernel could not move them (busy, pinned, or a mapping that cannot migrate)";
	return numamig_outcome_meaning(outcome);
}

/* "shared,failed": the reasons with bytes, in the order of the enum. */
static void reason_names(const uint64_t *bytes, char *buffer, size_t size)
{
	size_t used = 0;

	buffer[0] = '\0';
	for (int outcome = 0; outcome < NUMAMIG_OUTCOME_COUNT && used < size; outcome++)
		if (bytes[outcome])
			used += (size_t)snprintf(buffer + used, size - used, "%s%s",
						 used ? "," : "", numamig_outcome_name(outcome));
}

struct report *report_new(const struct migratepages_control *control)
{
	struct report *report = calloc(1, sizeof(*report));
	struct output_table table = { "processes", NULL, COLUMN_COUNT, move_defaults, NULL };

	if (!report)
		return NULL;
	/* Raw output is for scripts: node numbers without tree lines. */
	memcpy(report->columns, columns, sizeof(columns));
	if (control->common.raw)
		report->columns[COLUMN_NODE].flags &= ~SCOLS_FL_TREE;
	table.columns = report->columns;
	if (control->dry_run)
		table.defaults = plan_defaults;
	else if (control->common.json)
		table.defaults = move_json_defaults;
	report->control = control;
	report->output = output_new(&table, &control->common);
	report->lines_stream = open_memstream(&report->lines, &report->lines_length);
	if (!report->output || !report->lines_stream) {
		report_free(report);
		return NULL;
	}
	return report;
}

void report_free(struct report *report)
{
	if (!report)
		return;
	output_free(report->output);
	if (report->lines_stream)
		fclose(report->lines_stream);
	free(report->lines);
	free(report);
}

static bool node_shown(const struct report *report, const struct process_move *move, int node)
{
	return move->before.node_bytes[node] || move->after.node_bytes[node] ||
	       numamig_nodes_has(&report->control->from, node) ||
	       numamig_nodes_has(&report->control->to, node);
}

static void add_node_row(struct report *report, struct libscols_line *parent,
			 const struct process_move *move, int node)
{
	struct libscols_line *row = output_row_new(report->output, parent);
	const uint64_t *stayed_by_outcome = move->result.stayed_on_node[node];
	uint64_t stayed = 0;
	char reasons[128];

	if (!row)
		return;
	for (int outcome = 0; outcome < NUMAMIG_OUTCOME_COUNT; outcome++)
		stayed += stayed_by_outcome[outcome];
	output_set_number(row, COLUMN_NODE, (uint64_t)node);
	output_set_number(row, COLUMN_BEFORE, move->before.node_bytes[node]);
	output_set_number(row, COLUMN_AFTER, move->after.node_bytes[node]);
	if (move->plan.target[node] < 0)
		return;
	output_set_number(row, COLUMN_TARGET, (uint64_t)move->plan.target[node]);
	output_set_number(row, COLUMN_SHARED, move->plan.shared[node]);
	if (report->control->dry_run) {
		output_set_number(row, COLUMN_MOVED, move->plan.leaving[node]);
		return;
	}
	output_set_number(row, COLUMN_MOVED,
			  move->plan.leaving[node] > stayed ? move->plan.leaving[node] - stayed : 0);
	output_set_number(row, COLUMN_STAYED, stayed);
	reason_names(stayed_by_outcome, reasons, sizeof(reasons));
	if (reasons[0])
		output_set_string(row, COLUMN_REASON, reasons);
}

static void add_process_row(struct report *report, const struct process_move *move)
{
	struct libscols_line *row = output_row_new(report->output, NULL);
	const struct numamig_counters *delta = &move->system_delta;
	uint64_t shared = 0;
	char text[128];

	if (!row)
		return;
	output_set_number(row, COLUMN_PID, (uint64_t)move->pid);
	output_set_string(row, COLUMN_COMMAND, move->command);
	output_set_number(row, COLUMN_BEFORE, move->before.total);
	output_set_number(row, COLUMN_AFTER, move->after.total);
	for (int node = 0; node < NUMAMIG_MAX_NODES; node++)
		shared += move->plan.shared[node];
	output_set_number(row, COLUMN_SHARED, shared);
	if (report->control->dry_run)
		output_set_number(row, COLUMN_MOVED, move->plan.total);
	else {
		output_set_number(row, COLUMN_MOVED, move->result.moved);
		output_set_number(row, COLUMN_STAYED, move->result.stayed);
		reason_names(move->result.stayed_by_outcome, text, sizeof(text));
		if (text[0])
			output_set_string(row, COLUMN_REASON, text);
		output_set_string(row, COLUMN_ENGINE,
				  move->by_page_engine ? "move_pages" : "migrate_pages");
		if (!move->by_page_engine)
			output_set_number(row, COLUMN_FAILED, (uint64_t)move->kernel_failures);
		snprintf(text, sizeof(text), "%.3f", move->elapsed_seconds);
		output_set_string(row, COLUMN_ELAPSED, text);
		if (move->elapsed_seconds > 0)
			output_set_number(row, COLUMN_RATE,
					  (uint64_t)((double)move->result.moved / move->elapsed_seconds));
		if (move->system_delta_known) {
			output_set_number(row, COLUMN_PGMIGRATE_SUCCESS, delta->pgmigrate_success);
			output_set_number(row, COLUMN_PGMIGRATE_FAIL, delta->pgmigrate_fail);
			output_set_number(row, COLUMN_THP_MIGRATION_SUCCESS,
					  delta->thp_migration_success);
			output_set_number(row, COLUMN_THP_MIGRATION_FAIL, delta->thp_migration_fail);
			output_set_number(row, COLUMN_THP_MIGRATION_SPLIT, delta->thp_migration_split);
		}
	}
	for (int node = 0; node < NUMAMIG_MAX_NODES; node++)
		if (node_shown(report, move, node))
			add_node_row(report, row, move, node);
}

static void add_plan_lines(struct report *report, const struct process_move *move)
{
	char size[32];
	uint64_t shared = 0;

	fprintf(report->lines_stream, "PID %d (%s): %s would move; nothing moved (dry run)\n",
		(int)move->pid, move->command, size_text(report, move->plan.total, size, sizeof(size)));
	for (int node = 0; node < NUMAMIG_MAX_NODES; node++)
		shared += move->plan.shared[node];
	if (shared && !report->control->move_shared)
		fprintf(report->lines_stream,
			"PID %d (%s): up to %s may stay: it is in mappings with pages other processes map too, and moving those needs CAP_SYS_NICE\n",
			(int)move->pid, move->command, size_text(report, shared, size, sizeof(size)));
}

static void add_move_lines(struct report *report, const struct process_move *move)
{
	FILE *stream = report->lines_stream;
	const struct numamig_counters *delta = &move->system_delta;
	char size[32], rate[32];

	fprintf(stream, "PID %d (%s): moved %s in %.3f s", (int)move->pid, move->command,
		size_text(report, move->result.moved, size, sizeof(size)), move->elapsed_seconds);
	if (move->elapsed_seconds > 0 && move->result.moved)
		fprintf(stream, " (%s/s)",
			size_text(report,
				  (uint64_t)((double)move->result.moved / move->elapsed_seconds),
				  rate, sizeof(rate)));
	fprintf(stream, " by %s\n", move->by_page_engine ? "move_pages(2)" : "migrate_pages(2)");
	for (int node = 0; node < NUMAMIG_MAX_NODES; node++)
		for (int outcome = 0; outcome < NUMAMIG_OUTCOME_COUNT; outcome++)
			if (move->result.stayed_on_node[node][outcome])
				fprintf(stream, "PID %d (%s): %s stayed on node %d: %s\n",
					(int)move->pid, move->command,
					size_text(report, move->result.stayed_on_node[node][outcome],
						  size, sizeof(size)),
					node, stay_meaning(outcome));
	if (!move->by_page_engine && move->kernel_failures > 0)
		fprintf(stream, "PID %d (%s): migrate_pages(2) could not move %ld folios\n",
			(int)move->pid, move->command, move->kernel_failures);
	if (move->system_delta_known)
		fprintf(stream,
			"system-wide during the move: pgmigrate_success +%" PRIu64
			", pgmigrate_fail +%" PRIu64 ", thp_migration_success +%" PRIu64
			", thp_migration_fail +%" PRIu64 ", thp_migration_split +%" PRIu64 "\n",
			delta->pgmigrate_success, delta->pgmigrate_fail,
			delta->thp_migration_success, delta->thp_migration_fail,
			delta->thp_migration_split);
}

void report_add(struct report *report, const struct process_move *move)
{
	add_process_row(report, move);
	if (report->control->dry_run)
		add_plan_lines(report, move);
	else
		add_move_lines(report, move);
}

int report_print(struct report *report)
{
	int status;

	if (report->control->common.verbosity < 0)
		return 0;
	status = output_print(report->output);
	if (status < 0 || report->control->common.json)
		return status;
	if (fflush(report->lines_stream) != 0)
		return -ENOMEM;
	if (report->lines_length) {
		putchar('\n');
		fwrite(report->lines, 1, report->lines_length, stdout);
	}
	if (fflush(stdout) != 0)
		return -EIO;
	return 0;
}

char *report_columns_help(void)
{
	struct output_table table = { "processes", columns, COLUMN_COUNT, move_defaults, NULL };

	return output_columns_help(&table);
}
