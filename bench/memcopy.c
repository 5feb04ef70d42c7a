/*
 * memcopy: the copy limit of benchmark B1. Copies MIB mebibytes (default 256) from a buffer
 * on node FROM to a buffer on node TO with memcpy and prints the seconds
 * each copy took, one line per run:
 *
 *   memcopy [--size MIB] [--page-size 4k|thp] [--runs N] FROM TO
 *
 * Migration cannot be faster than copying the same bytes between the same
 * nodes in the same machine, so this is the ceiling migration throughput
 * is compared with. Both buffers are placed with mbind before their first
 * touch and filled before timing, so no page fault is timed.
 */
#include <errno.h>
#include <numaif.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

static double seconds_now(void)
{
	struct timespec time;

	clock_gettime(CLOCK_MONOTONIC, &time);
	return time.tv_sec + time.tv_nsec / 1e9;
}

static void usage(void)
{
	fputs("usage: memcopy [--size MIB] [--page-size 4k|thp] [--runs N] FROM TO\n", stderr);
	exit(1);
}

/* A buffer of SIZE bytes whose pages all sit on NODE, of the chosen size. */
static char *placed_buffer(size_t size, int node, int huge)
{
	unsigned long mask = 1UL << node;
	char *buffer;

	buffer = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buffer == MAP_FAILED) {
		fprintf(stderr, "memcopy: cannot map %zu bytes: %s\n", size, strerror(errno));
		exit(1);
	}
	if (madvise(buffer, size, huge ? MADV_HUGEPAGE : MADV_NOHUGEPAGE) != 0 ||
	    mbind(buffer, size, MPOL_BIND, &mask, sizeof(mask) * 8 + 1, 0) != 0) {
		fprintf(stderr, "memcopy: cannot place the buffer on node %d: %s\n", node, strerror(errno));
		exit(1);
	}
	memset(buffer, node + 1, size);
	return buffer;
}

int main(int argc, char **argv)
{
	size_t size = 256UL << 20;
	int huge = 0, runs = 5, from, to, argument;
	char *source, *destination;

	for (argument = 1; argument < argc && argv[argument][0] == '-'; argument += 2) {
		const char *value = argument + 1 < argc ? argv[argument + 1] : NULL;

		if (!value)
			usage();
		if (strcmp(argv[argument], "--size") == 0)
			size = strtoul(value, NULL, 10) << 20;
		else if (strcmp(argv[argument], "--page-size") == 0 && strcmp(value, "thp") == 0)
			huge = 1;
		else if (strcmp(argv[argument], "--page-size") == 0 && strcmp(value, "4k") == 0)
			huge = 0;
		else if (strcmp(argv[argument], "--runs") == 0)
			runs = atoi(value);
		else
			usage();
	}
	if (argc - argument != 2 || runs < 1 || size == 0)
		usage();
	from = atoi(argv[argument]);
	to = atoi(argv[argument + 1]);
	if (from < 0 || from >= 64 || to < 0 || to >= 64)
		usage();

	source = placed_buffer(size, from, huge);
	destination = placed_buffer(size, to, huge);
	for (int run = 0; run < runs; run++) {
		double start = seconds_now();

		memcpy(destination, source, size);
		printf("%.6f\n", seconds_now() - start);
		/* Reads the copy, so the compiler cannot drop it. */
		if (destination[size - 1] != source[size - 1])
			return 1;
	}
	return 0;
}
