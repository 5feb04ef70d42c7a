/*
 * numamaps --interval SECONDS [--count N] PID...: placement drift. A
 * sample every SECONDS, a row per process with the change on each node
 * since the previous sample; the first sample counts from nothing, so it
 * shows the placement itself (as vmstat's first line counts from boot).
 *
 * In a table each sample is a table of its own, a blank line before the
 * next, as iostat prints them: columns fit their values (a "+1.5M" then a
 * "0"), so one heading over all samples would not line up. With -J each sample is one JSON
 * document, {"samples": [...]}, printed as soon as it is taken: a stream
 * of documents, which jq reads one by one (numamaps -J --interval 1 PID |
 * jq -c '.samples[]'), where one array would only close at the end.
 *
 * Samples are taken on a fixed schedule (start + n * SECONDS), so slow
 * reads do not make the watch drift. Ctrl-C (SIGINT) or SIGTERM ends it
 * between samples with exit status 0. A process that exits is reported
 * and no longer sampled; the exit status is then 1, and the watch ends
 * when none is left.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "messages.h"
#include "numamaps.h"
#include "output.h"
#include "pin.h"

enum {
	COLUMN_SAMPLE,
	COLUMN_TIME,
	COLUMN_PID,
	COLUMN_COMMAND,
	COLUMN_NODES,
	COLUMN_CHANGE,
	COLUMN_TOTAL,
	COLUMN_BYTES,
};

static const struct output_column columns[] = {
	[COLUMN_SAMPLE] = { "SAMPLE", 3, SCOLS_FL_RIGHT, OUTPUT_NUMBER, "sample number, from 1",
			    NULL },
	[COLUMN_TIME] = { "TIME", 20, 0, OUTPUT_STRING, "when it was taken (UTC, ISO 8601)", NULL },
	[COLUMN_PID] = { "PID", 5, SCOLS_FL_RIGHT, OUTPUT_NUMBER, "process ID", NULL },
	[COLUMN_COMMAND] = { "COMMAND", 0.1, SCOLS_FL_TRUNC, OUTPUT_STRING, "command name", NULL },
	[COLUMN_NODES] = { "NODES", 6, SCOLS_FL_RIGHT, OUTPUT_DELTA,
			   "change on each node since the previous sample", "N" },
	[COLUMN_CHANGE] = { "CHANGE", 6, SCOLS_FL_RIGHT, OUTPUT_DELTA,
			    "change on all nodes since the previous sample", NULL },
	[COLUMN_TOTAL] = { "TOTAL", 5, SCOLS_FL_RIGHT, OUTPUT_SIZE, "memory on all nodes now",
			   NULL },
	[COLUMN_BYTES] = { "BYTES", 5, SCOLS_FL_RIGHT, OUTPUT_SIZE, "memory on each node now",
			   "B" },
};

static const struct output_table table = {
	.name = "samples",
	.columns = columns,
	.count = sizeof(columns) / sizeof(columns[0]),
	.defaults = "SAMPLE,TIME,PID,COMMAND,NODES,CHANGE,TOTAL",
};

char *watch_columns_help(void)
{
	return output_columns_help(&table);
}

static volatile sig_atomic_t stop_requested;

static void request_stop(int signal_number)
{
	(void)signal_number;
	stop_requested = 1;
}

/* No SA_RESTART: the signal cuts the sleep short. */
static void catch_signals(void)
{
	struct sigaction action = { .sa_handler = request_stop };

	sigemptyset(&action.sa_mask);
	sigaction(SIGINT, &action, NULL);
	sigaction(SIGTERM, &action, NULL);
}

/* What a process had at the previous sample. */
struct watched {
	const struct numamaps_process *read;
	struct numamig_memory_map *map;	/* the latest read, after the first */
	bool gone;
	uint64_t total;
	uint64_t node_bytes[NUMAMIG_MAX_NODES];
};

struct watch {
	const struct numamaps_control *control;
	struct watched *processes;
	struct numamig_placement *placement;
	char time[32];
	unsigned long sample;
	bool lost;		/* a process exited */
};

/* Sleeps until the sample's time on the schedule; false when told to stop. */
static bool wait_for_sample(const struct timespec *start, double interval, unsigned long sample)
{
	double seconds = interval * (double)(sample - 1);
	struct timespec deadline = *start;

	deadline.tv_sec += (time_t)seconds;
	deadline.tv_nsec += (long)((seconds - (double)(time_t)seconds) * 1e9);
	if (deadline.tv_nsec >= 1000000000L) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000L;
	}
	while (!stop_requested &&
	       clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &deadline, NULL) == EINTR)
		;
	return !stop_requested;
}

/* Reads a process again; false (with a message) once it has exited. */
static bool read_again(struct watch *watch, struct watched *watched)
{
	const struct numamig_process *process = watched->read->process;
	struct numamig_error error = { 0 };
	struct numamig_memory_map *map = NULL;
	int status = numamig_memory_map_read(process, &map, &error);

	if (status < 0) {
		pin_explain(process, PIN_TO_WATCH, "during", status, &error,
			    "cannot read the memory map");
		numamig_memory_map_free(map);
		watch->lost = true;
		return false;
	}
	numamig_memory_map_free(watched->map);
	watched->map = map;
	return true;
}

static void add_row(struct output *output, struct watch *watch, struct watched *watched)
{
	const struct numamig_nodes *nodes = &watch->control->nodes;
	const struct numamig_placement *now = watch->placement;
	struct libscols_line *row = output_row_new(output, NULL);
	int node;

	numamig_placement_of_map(watched->map ? watched->map : watched->read->map, watch->placement);
	if (row) {
		output_set_number(row, COLUMN_SAMPLE, watch->sample);
		output_set_string(row, COLUMN_TIME, watch->time);
		output_set_number(row, COLUMN_PID,
				  (uint64_t)numamig_process_pid(watched->read->process));
		output_set_string(row, COLUMN_COMMAND,
				  numamig_process_command(watched->read->process));
		for (node = numamig_nodes_next(nodes, -1); node >= 0;
		     node = numamig_nodes_next(nodes, node)) {
			output_set_node_delta(row, COLUMN_NODES, node,
					      (int64_t)(now->node_bytes[node] -
							watched->node_bytes[node]));
			output_set_node(row, COLUMN_BYTES, node, now->node_bytes[node]);
		}
		output_set_delta(row, COLUMN_CHANGE, (int64_t)(now->total - watched->total));
		output_set_number(row, COLUMN_TOTAL, now->total);
	}
	memcpy(watched->node_bytes, now->node_bytes, sizeof(watched->node_bytes));
	watched->total = now->total;
}

/* One sample: 0, or a negative errno once the message is printed. */
static int take_sample(struct watch *watch, size_t *alive)
{
	const struct common_options options = watch->control->common;
	struct output_table chosen = table;
	struct output *output;
	time_t now = time(NULL);
	struct tm parts;
	int status;

	gmtime_r(&now, &parts);
	strftime(watch->time, sizeof(watch->time), "%Y-%m-%dT%H:%M:%SZ", &parts);
	chosen.nodes = &watch->control->nodes;
	output = output_new(&chosen, &options);
	if (!output)
		return -EINVAL;
	*alive = 0;
	for (size_t index = 0; index < watch->control->process_count; index++) {
		struct watched *watched = &watch->processes[index];

		if (watched->gone)
			continue;
		if (watch->sample > 1 && !read_again(watch, watched)) {
			watched->gone = true;
			continue;
		}
		add_row(output, watch, watched);
		(*alive)++;
	}
	if (*alive && watch->sample > 1 && !options.json)
		putchar('\n');
	status = *alive ? output_print(output) : 0;
	output_free(output);
	return status;
}

int watch_run(const struct numamaps_control *control)
{
	struct watch watch = { .control = control };
	struct timespec start;
	size_t alive = control->process_count, index;
	int status = 0;

	watch.processes = calloc(control->process_count + 1, sizeof(*watch.processes));
	watch.placement = malloc(sizeof(*watch.placement));
	if (!watch.processes || !watch.placement) {
		message_warn_code(ENOMEM, "cannot watch");
		status = -ENOMEM;
	}
	for (index = 0; status == 0 && index < control->process_count; index++)
		watch.processes[index].read = &control->processes[index];
	catch_signals();
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (watch.sample = 1; status == 0 && alive > 0 &&
			       (control->count == 0 || watch.sample <= control->count);
	     watch.sample++) {
		if (watch.sample > 1 && !wait_for_sample(&start, control->interval, watch.sample))
			break;
		status = take_sample(&watch, &alive);
	}
	for (index = 0; watch.processes && index < control->process_count; index++)
		numamig_memory_map_free(watch.processes[index].map);
	free(watch.processes);
	free(watch.placement);
	return status < 0 || watch.lost ? NUMAMIG_EXIT_FAILURE : NUMAMIG_EXIT_SUCCESS;
}
