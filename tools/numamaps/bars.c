/*
 * numamaps --bars PID...: where a process's memory sits, at a glance. A
 * bar per node, as wide as the terminal, its length the node's share of
 * the process's memory, split by kind:
 *
 *	4242 fakedb: 12.7M
 *	  N0 [####=                                    ]   1.7M  13%
 *	  N3 [##############****************           ]   5.5M  43%
 *
 * For people only: it needs a terminal, and scripts get the same numbers
 * from -s -J. Color as iproute2 does it: on a terminal, never with
 * NO_COLOR set; each kind also has its own character, so the bars read
 * the same without color.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "messages.h"
#include "numamaps.h"
#include "output.h"

struct kind {
	const char *name;
	char mark;
	const char *color;	/* SGR parameters */
};

enum { KIND_ANONYMOUS, KIND_FILE, KIND_SHMEM, KIND_HUGETLB, KIND_COUNT };

static const struct kind kinds[KIND_COUNT] = {
	[KIND_ANONYMOUS] = { "anonymous", '#', "32" },
	[KIND_FILE] = { "file", '=', "34" },
	[KIND_SHMEM] = { "shared memory", '~', "35" },
	[KIND_HUGETLB] = { "hugetlb", '*', "33" },
};

static int kind_of(enum numamig_mapping_type type)
{
	switch (type) {
	case NUMAMIG_MAPPING_FILE:
		return KIND_FILE;
	case NUMAMIG_MAPPING_SHMEM:
		return KIND_SHMEM;
	case NUMAMIG_MAPPING_HUGETLB:
		return KIND_HUGETLB;
	default:
		return KIND_ANONYMOUS;
	}
}

/* The terminal's width; COLUMNS, then 80, when it does not say. */
static unsigned int terminal_width(void)
{
	struct winsize size;
	const char *columns = getenv("COLUMNS");

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0)
		return size.ws_col;
	if (columns && atoi(columns) > 0)
		return (unsigned int)atoi(columns);
	return 80;
}

struct painter {
	bool color;
	unsigned int width;	/* of a bar, inside its brackets */
	int label_width;	/* "N12" */
};

/* Cell where a running sum of bytes ends: rounded, so the pieces of a bar add up. */
static unsigned int cell(uint64_t bytes, uint64_t total, unsigned int width)
{
	return total ? (unsigned int)(((unsigned __int128)bytes * width + total / 2) / total) : 0;
}

static void print_bar(const struct painter *painter, int node, const uint64_t *kind_bytes,
		      uint64_t node_total, uint64_t process_total)
{
	char label[16], size[16];
	uint64_t running = 0;
	unsigned int drawn = 0;

	snprintf(label, sizeof(label), "N%d", node);
	printf("  %-*s [", painter->label_width, label);
	for (int kind = 0; kind < KIND_COUNT; kind++) {
		unsigned int end;

		running += kind_bytes[kind];
		end = cell(running, process_total, painter->width);
		if (end <= drawn)
			continue;
		if (painter->color)
			printf("\033[%sm", kinds[kind].color);
		for (; drawn < end; drawn++)
			putchar(kinds[kind].mark);
		if (painter->color)
			printf("\033[0m");
	}
	printf("%*s] %6s %3u%%\n", (int)(painter->width - drawn), "",
	       output_human_size(node_total, size, sizeof(size)),
	       cell(node_total, process_total, 100));
}

static void print_process(const struct painter *painter, const struct numamaps_control *control,
			  const struct numamaps_process *read,
			  const struct numamig_placement *placement)
{
	char size[16];
	int node;

	printf("%d %s: %s\n", (int)numamig_process_pid(read->process),
	       numamig_process_command(read->process),
	       output_human_size(placement->total, size, sizeof(size)));
	for (node = numamig_nodes_next(&control->nodes, -1); node >= 0;
	     node = numamig_nodes_next(&control->nodes, node)) {
		uint64_t kind_bytes[KIND_COUNT] = { 0 };

		for (int type = NUMAMIG_MAPPING_ANON; type <= NUMAMIG_MAPPING_HUGETLB; type++)
			kind_bytes[kind_of(type)] += placement->type_node_bytes[type][node];
		print_bar(painter, node, kind_bytes, placement->node_bytes[node], placement->total);
	}
}

static void print_legend(const struct painter *painter)
{
	printf("  ");
	for (int kind = 0; kind < KIND_COUNT; kind++) {
		if (painter->color)
			printf("\033[%sm%c\033[0m %s%s", kinds[kind].color, kinds[kind].mark,
			       kinds[kind].name, kind + 1 < KIND_COUNT ? "  " : "\n");
		else
			printf("%c %s%s", kinds[kind].mark, kinds[kind].name,
			       kind + 1 < KIND_COUNT ? "  " : "\n");
	}
}

int bars_print(const struct numamaps_control *control)
{
	const char *no_color = getenv("NO_COLOR");
	struct painter painter = { .color = !no_color || !no_color[0] };
	struct numamig_placement *placement;
	unsigned int width = terminal_width(), fixed;
	size_t index;

	if (!isatty(STDOUT_FILENO)) {
		message_warn("--bars draws on a terminal: for a pipe or a file use -s (or -s -J)");
		return -ENOTTY;
	}
	placement = malloc(sizeof(*placement));
	if (!placement) {
		message_warn_code(ENOMEM, "cannot sum the memory");
		return -ENOMEM;
	}
	painter.label_width = snprintf(NULL, 0, "N%d", numamig_nodes_last(&control->nodes));
	/* "  N0 [" and "] 123.4M 100%" around the bar */
	fixed = 2 + (unsigned int)painter.label_width + 2 + 13;
	painter.width = width > fixed + 10 ? width - fixed : 10;
	for (index = 0; index < control->process_count; index++) {
		numamig_placement_of_map(control->processes[index].map, placement);
		print_process(&painter, control, &control->processes[index], placement);
	}
	if (control->process_count)
		print_legend(&painter);
	free(placement);
	return fflush(stdout) == 0 ? 0 : -EIO;
}
