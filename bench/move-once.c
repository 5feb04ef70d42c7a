/*
 * move-once: the floor of benchmark B3. One move_pages(2) call over every
 * 4 KiB page of a range of another process, and nothing else: no reading
 * of numa_maps, no report.
 *
 *   move-once PID START LENGTH NODE
 *
 * START and LENGTH in bytes (0x for hex). Exit status 0 when the call
 * succeeded (its per-page statuses are not looked at), 1 otherwise.
 */
#include <errno.h>
#include <numaif.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PAGE_SIZE 4096UL

int main(int argc, char **argv)
{
	unsigned long start, length, count;
	void **pages;
	int *nodes, *status, node, pid;
	long result;

	if (argc != 5) {
		fputs("usage: move-once PID START LENGTH NODE\n", stderr);
		return 1;
	}
	pid = atoi(argv[1]);
	start = strtoul(argv[2], NULL, 0);
	length = strtoul(argv[3], NULL, 0);
	node = atoi(argv[4]);
	count = length / PAGE_SIZE;
	pages = malloc(count * sizeof(*pages));
	nodes = malloc(count * sizeof(*nodes));
	status = malloc(count * sizeof(*status));
	if (!pages || !nodes || !status) {
		fputs("move-once: out of memory\n", stderr);
		return 1;
	}
	for (unsigned long page = 0; page < count; page++) {
		pages[page] = (void *)(start + page * PAGE_SIZE);
		nodes[page] = node;
	}
	result = move_pages(pid, count, pages, nodes, status, MPOL_MF_MOVE);
	if (result < 0) {
		fprintf(stderr, "move-once: move_pages failed: %s\n", strerror(errno));
		return 1;
	}
	free(pages);
	free(nodes);
	free(status);
	return 0;
}
