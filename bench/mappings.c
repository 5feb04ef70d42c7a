/*
 * mappings: a process with COUNT separate mappings, for benchmark B2.
 *
 *   mappings COUNT READY-FILE
 *
 * Maps COUNT anonymous regions of one page each, touches every one (so
 * numa_maps has counters to print for each), and gives every other one
 * read-only protection so that neighbours, which the kernel may place
 * side by side, never merge into one VMA. Then writes its pid to
 * READY-FILE and sleeps until killed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long page_size = sysconf(_SC_PAGESIZE);
	FILE *ready;
	long count;

	if (argc != 3 || (count = atol(argv[1])) < 1) {
		fputs("usage: mappings COUNT READY-FILE\n", stderr);
		return 1;
	}
	for (long mapping = 0; mapping < count; mapping++) {
		char *page = mmap(NULL, page_size, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (page == MAP_FAILED) {
			fprintf(stderr, "mappings: cannot map region %ld: %s\n", mapping, strerror(errno));
			return 1;
		}
		page[0] = 1;
		if (mapping % 2 && mprotect(page, page_size, PROT_READ) != 0) {
			fprintf(stderr, "mappings: cannot protect region %ld: %s\n", mapping, strerror(errno));
			return 1;
		}
	}
	ready = fopen(argv[2], "w");
	if (!ready || fprintf(ready, "%ld\n", (long)getpid()) < 0 || fclose(ready) != 0) {
		fprintf(stderr, "mappings: cannot write '%s'\n", argv[2]);
		return 1;
	}
	for (;;)
		pause();
}
