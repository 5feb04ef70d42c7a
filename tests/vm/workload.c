/*
 * workload: a process whose memory the guest suites place, move and check.
 *
 * It maps one region, places it on the chosen nodes, fills it with a
 * pattern every word of which can be checked on its own, announces itself
 * in a ready file, and then waits for signals:
 *
 *   SIGUSR1  verify the pattern, write "ok" or "corrupt BYTES" to --result
 *   SIGUSR2  write the longest pause seen so far to --stall, start again
 *   SIGURG   stop the threads and unmap the region (a range vanishing
 *            under a move); a later check answers "unmapped"
 *   SIGTERM  stop the writers and the child, exit 0 (as --lifetime does)
 *
 * The word at address A holds mix(A) ^ G, where G is the generation of the
 * pass that last wrote it (0 for the fill). Writer threads keep rewriting
 * their slice with ever newer generations, so a check accepts any G not
 * newer than the latest one handed out. A page that lost its contents in a
 * move (zeros, another page's words) fails that test.
 *
 * See tests/vm/README.md for the options and how the suites use them.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <numaif.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef MAP_HUGE_2MB
#define MAP_HUGE_2MB (21 << MAP_HUGE_SHIFT)
#endif

#define HUGE_PAGE_SIZE (2UL << 20)
#define BASE_PAGE_SIZE 4096UL
#define MAX_NODES 1024
#define WORD_BITS (8 * sizeof(unsigned long))

enum page_kind { PAGES_4K, PAGES_THP, PAGES_HUGETLB };

struct options {
	size_t size;
	enum page_kind pages;
	unsigned long nodes[MAX_NODES / WORD_BITS];
	int node_count;
	bool keep_policy;
	bool shared;
	bool fork_child;
	int writers;
	long lifetime_ms;	/* exit this long after ready; -1: never */
	const char *ready_path;
	const char *result_path;
	const char *child_path;
	const char *stall_path;
};

static uint64_t *region;
static size_t region_words;
static _Atomic uint64_t generation;
static _Atomic bool stopping;
static _Atomic uint64_t longest_pause_ns;
static size_t writer_count;

static void fail(const char *format, ...)
{
	va_list arguments;

	fputs("workload: ", stderr);
	va_start(arguments, format);
	vfprintf(stderr, format, arguments);
	va_end(arguments);
	fputc('\n', stderr);
	exit(1);
}

/* splitmix64's finaliser: neighbouring addresses get unrelated words. */
static uint64_t mix(uint64_t value)
{
	value ^= value >> 30;
	value *= 0xbf58476d1ce4e5b9ULL;
	value ^= value >> 27;
	value *= 0x94d049bb133111ebULL;
	return value ^ (value >> 31);
}

static void write_words(size_t first, size_t end, uint64_t pass)
{
	for (size_t index = first; index < end; index++)
		__atomic_store_n(&region[index], mix((uintptr_t)&region[index]) ^ pass,
				 __ATOMIC_RELAXED);
}

static size_t differing_bytes(uint64_t a, uint64_t b)
{
	size_t count = 0;

	for (uint64_t difference = a ^ b; difference; difference >>= 8)
		count += (difference & 0xff) != 0;
	return count;
}

/* Bytes that do not hold the pattern of any generation written so far. */
static size_t corrupt_bytes(void)
{
	uint64_t newest = generation;
	size_t corrupt = 0;

	for (size_t index = 0; index < region_words; index++) {
		uint64_t expected = mix((uintptr_t)&region[index]);
		uint64_t word = __atomic_load_n(&region[index], __ATOMIC_RELAXED);
		uint64_t pass = word ^ expected;

		if (pass <= newest)
			continue;
		newest = generation; /* a writer may have moved on since */
		if (pass <= newest)
			continue;
		corrupt += differing_bytes(word, expected ^ newest);
	}
	return corrupt;
}

/* Writes TEXT to PATH whole: readers never see a half-written file. */
static void publish(const char *path, const char *format, ...)
{
	char temporary[PATH_MAX];
	va_list arguments;
	FILE *file;

	snprintf(temporary, sizeof(temporary), "%s.%d.new", path, (int)getpid());
	file = fopen(temporary, "w");
	if (!file)
		fail("cannot write '%s': %s", temporary, strerror(errno));
	va_start(arguments, format);
	vfprintf(file, format, arguments);
	va_end(arguments);
	if (fclose(file) != 0 || rename(temporary, path) != 0)
		fail("cannot write '%s': %s", path, strerror(errno));
}

static size_t parse_size(const char *text)
{
	char *end;
	unsigned long long value;

	errno = 0;
	value = strtoull(text, &end, 10);
	if (errno || end == text)
		fail("invalid size '%s'", text);
	switch (*end) {
	case 'G': case 'g': value <<= 10; /* fall through */
	case 'M': case 'm': value <<= 10; /* fall through */
	case 'K': case 'k': value <<= 10; end++; break;
	}
	if (*end != '\0' || value == 0)
		fail("invalid size '%s'", text);
	return value;
}

/* "N", "A-B" and comma lists of them. */
static void parse_nodes(const char *text, struct options *options)
{
	const char *cursor = text;

	while (*cursor) {
		char *end;
		long first = strtol(cursor, &end, 10), last = first;

		if (end == cursor || first < 0 || first >= MAX_NODES)
			fail("invalid node list '%s'", text);
		if (*end == '-') {
			cursor = end + 1;
			last = strtol(cursor, &end, 10);
			if (end == cursor || last < first || last >= MAX_NODES)
				fail("invalid node list '%s'", text);
		}
		for (long node = first; node <= last; node++) {
			if (!(options->nodes[node / WORD_BITS] & (1UL << (node % WORD_BITS))))
				options->node_count++;
			options->nodes[node / WORD_BITS] |= 1UL << (node % WORD_BITS);
		}
		cursor = end;
		if (*cursor == ',')
			cursor++;
		else if (*cursor)
			fail("invalid node list '%s'", text);
	}
}

static void usage(int status)
{
	fputs("usage: workload [--size SIZE] [--page-size 4k|thp|hugetlb] [--node NODES]\n"
	      "                [--keep-policy] [--shared] [--threads N] [--fork]\n"
	      "                [--ready FILE] [--result FILE] [--child FILE] [--stall FILE]\n"
	      "                [--lifetime MILLISECONDS]\n",
	      status ? stderr : stdout);
	exit(status);
}

static void parse_options(int argc, char **argv, struct options *options)
{
	static const struct option long_options[] = {
		{ "size", required_argument, NULL, 's' },
		{ "page-size", required_argument, NULL, 'p' },
		{ "node", required_argument, NULL, 'n' },
		{ "keep-policy", no_argument, NULL, 'k' },
		{ "shared", no_argument, NULL, 'S' },
		{ "threads", required_argument, NULL, 't' },
		{ "fork", no_argument, NULL, 'f' },
		{ "ready", required_argument, NULL, 'r' },
		{ "result", required_argument, NULL, 'R' },
		{ "child", required_argument, NULL, 'c' },
		{ "stall", required_argument, NULL, 'T' },
		{ "lifetime", required_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int option;

	*options = (struct options){ .size = 64UL << 20, .pages = PAGES_4K, .lifetime_ms = -1 };
	while ((option = getopt_long(argc, argv, "", long_options, NULL)) != -1) {
		switch (option) {
		case 's': options->size = parse_size(optarg); break;
		case 'p':
			if (strcmp(optarg, "4k") == 0 || strcmp(optarg, "4K") == 0)
				options->pages = PAGES_4K;
			else if (strcmp(optarg, "thp") == 0)
				options->pages = PAGES_THP;
			else if (strcmp(optarg, "hugetlb") == 0)
				options->pages = PAGES_HUGETLB;
			else
				fail("invalid page size '%s' (4k, thp or hugetlb)", optarg);
			break;
		case 'n': parse_nodes(optarg, options); break;
		case 'k': options->keep_policy = true; break;
		case 'S': options->shared = true; break;
		case 't':
			options->writers = atoi(optarg);
			if (options->writers < 0 || options->writers > 64)
				fail("invalid thread count '%s'", optarg);
			break;
		case 'f': options->fork_child = true; break;
		case 'r': options->ready_path = optarg; break;
		case 'R': options->result_path = optarg; break;
		case 'c': options->child_path = optarg; break;
		case 'T': options->stall_path = optarg; break;
		case 'l': {
			char *end;

			errno = 0;
			options->lifetime_ms = strtol(optarg, &end, 10);
			if (errno || end == optarg || *end || options->lifetime_ms < 0)
				fail("invalid lifetime '%s' (milliseconds)", optarg);
			break;
		}
		case 'h': usage(0); break;
		default: usage(1);
		}
	}
	if (optind != argc)
		usage(1);
	if (options->pages != PAGES_4K && options->size % HUGE_PAGE_SIZE)
		fail("size must be a multiple of 2M with %s pages",
		     options->pages == PAGES_THP ? "thp" : "hugetlb");
}

/*
 * The region sits 2 MiB-aligned (as THP and hugetlb need) between
 * PROT_NONE guard pages, so that it stays one VMA of its own: it never
 * merges with a neighbouring anonymous mapping once its policy is reset,
 * and numa_maps has one line for it, at the address the ready file gives.
 */
static void *map_region(const struct options *options)
{
	int flags = (options->shared ? MAP_SHARED : MAP_PRIVATE) | MAP_ANONYMOUS | MAP_FIXED;
	size_t reserved = options->size + 2 * HUGE_PAGE_SIZE;
	char *guard, *start;

	guard = mmap(NULL, reserved, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (guard == MAP_FAILED)
		fail("cannot reserve %zu bytes: %s", reserved, strerror(errno));
	start = (char *)(((uintptr_t)guard + BASE_PAGE_SIZE + HUGE_PAGE_SIZE - 1) &
			 ~(HUGE_PAGE_SIZE - 1));
	if (options->pages == PAGES_HUGETLB)
		flags |= MAP_HUGETLB | MAP_HUGE_2MB;
	if (mmap(start, options->size, PROT_READ | PROT_WRITE, flags, -1, 0) == MAP_FAILED)
		fail("cannot map %zu bytes%s: %s", options->size,
		     options->pages == PAGES_HUGETLB ? " of hugetlb pages" : "", strerror(errno));
	if (options->pages != PAGES_HUGETLB &&
	    madvise(start, options->size,
		    options->pages == PAGES_THP ? MADV_HUGEPAGE : MADV_NOHUGEPAGE) != 0)
		fail("cannot set the page size with madvise: %s", strerror(errno));
	return start;
}

/*
 * The pages are placed by a policy on the region alone (mbind), not on the
 * task (set_mempolicy), so that the program's own stack, heap and libraries
 * are not affected. Once filled the policy is reset to the default: the
 * migration syscalls do not change policies, and a bind left in place would
 * both send any later fault in the region (a copy-on-write break after
 * --fork) back to the old node behind the migrating tool's back and make
 * numa_maps print a policy that no longer describes where the pages are.
 * --keep-policy keeps it, for tests about exactly that.
 */
static void place(const struct options *options, int mode)
{
	if (options->node_count == 0)
		return;
	if (mbind(region, options->size, mode, mode == MPOL_DEFAULT ? NULL : options->nodes,
		  mode == MPOL_DEFAULT ? 0 : MAX_NODES + 1, 0) != 0)
		fail("cannot set the memory policy of the region: %s", strerror(errno));
}

static uint64_t now_ns(void)
{
	struct timespec time;

	clock_gettime(CLOCK_MONOTONIC, &time);
	return (uint64_t)time.tv_sec * 1000000000 + time.tv_nsec;
}

/*
 * Rewrites its slice pass after pass, resting three times as long as a
 * pass took: a quarter of a CPU each. Writers that never rest took both
 * of the guest's CPUs from the tool under test, and 50 moves of 8 MiB
 * took six minutes under emulation; pages are still written throughout
 * every move.
 */
static void *writer(void *argument)
{
	size_t slice = (size_t)(uintptr_t)argument;
	size_t share = region_words / writer_count;
	size_t first = share * slice;
	size_t end = slice + 1 == writer_count ? region_words : first + share;

	/* Nice 19, this thread only: the writers take the CPUs the tools
	 * under test leave idle (the guest has two), and still write while a
	 * single-threaded move goes on, without making every test slower. */
	setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), 19);
	while (!stopping) {
		uint64_t started = now_ns(), rest;
		struct timespec pause;

		write_words(first, end, ++generation);
		rest = 3 * (now_ns() - started);
		pause.tv_sec = (time_t)(rest / 1000000000);
		pause.tv_nsec = (long)(rest % 1000000000);
		nanosleep(&pause, NULL);
	}
	return NULL;
}

/*
 * Timestamps in a loop that reads one word of every page in turn (a page
 * under migration blocks the read) and, every 1000 rounds, maps and unmaps
 * a page (which needs the mmap lock, held by migrate_pages for the whole
 * call). The longest gap between two timestamps is the stall an
 * application would have felt.
 */
static void *stall_meter(void *argument)
{
	size_t words_per_page = BASE_PAGE_SIZE / sizeof(uint64_t), index = 0;
	uint64_t previous = now_ns(), round = 0;

	(void)argument;
	while (!stopping) {
		uint64_t now;

		(void)__atomic_load_n(&region[index], __ATOMIC_RELAXED);
		index = (index + words_per_page) % region_words;
		if (++round % 1000 == 0) {
			void *probe = mmap(NULL, BASE_PAGE_SIZE, PROT_READ,
					   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			if (probe != MAP_FAILED)
				munmap(probe, BASE_PAGE_SIZE);
		}
		now = now_ns();
		if (now - previous > longest_pause_ns)
			longest_pause_ns = now - previous;
		previous = now;
	}
	return NULL;
}

/* Once: the writers and the stall meter end; their pages are left alone. */
static void stop_threads(pthread_t *threads, int *thread_count)
{
	stopping = true;
	for (int index = 0; index < *thread_count; index++)
		pthread_join(threads[index], NULL);
	*thread_count = 0;
}

/*
 * The next signal taken, or 0 once DEADLINE (monotonic nanoseconds; 0 for
 * none) has passed: --lifetime ends the program at a moment of the test's
 * choosing, from inside, with no process of the test's to deliver it.
 */
static int next_signal(const sigset_t *handled, uint64_t deadline)
{
	struct timespec timeout;
	int signal_number;
	uint64_t now;

	if (deadline == 0)
		return sigwait(handled, &signal_number) == 0 ? signal_number : -1;
	now = now_ns();
	if (now >= deadline)
		return 0;
	timeout.tv_sec = (time_t)((deadline - now) / 1000000000);
	timeout.tv_nsec = (long)((deadline - now) % 1000000000);
	signal_number = sigtimedwait(handled, NULL, &timeout);
	if (signal_number < 0)
		return errno == EAGAIN ? 0 : -1;
	return signal_number;
}

static pid_t start_child(void)
{
	pid_t parent = getpid(), child = fork();
	sigset_t none;

	if (child < 0)
		fail("cannot fork: %s", strerror(errno));
	if (child > 0)
		return child;
	/* The child only keeps the pages shared; it goes when the parent goes. */
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != parent)
		_exit(0);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (;;)
		pause();
}

int main(int argc, char **argv)
{
	struct options options;
	pthread_t threads[65];
	int thread_count = 0;
	pid_t child = 0;
	sigset_t handled;
	uint64_t deadline = 0;
	bool unmapped = false;
	int signal_number;

	parse_options(argc, argv, &options);

	/* Every thread inherits this mask; the main thread takes the signals. */
	sigemptyset(&handled);
	sigaddset(&handled, SIGUSR1);
	sigaddset(&handled, SIGUSR2);
	sigaddset(&handled, SIGTERM);
	sigaddset(&handled, SIGINT);
	sigaddset(&handled, SIGHUP);
	sigaddset(&handled, SIGURG);
	pthread_sigmask(SIG_BLOCK, &handled, NULL);

	region = map_region(&options);
	region_words = options.size / sizeof(uint64_t);
	place(&options, options.node_count == 1 ? MPOL_BIND : MPOL_INTERLEAVE);
	write_words(0, region_words, 0);
	if (!options.keep_policy)
		place(&options, MPOL_DEFAULT);

	if (options.fork_child) {
		child = start_child();
		if (options.child_path)
			publish(options.child_path, "%d\n", (int)child);
	}
	writer_count = options.writers;
	for (int slice = 0; slice < options.writers; slice++)
		if (pthread_create(&threads[thread_count++], NULL, writer, (void *)(uintptr_t)slice))
			fail("cannot start a writer thread");
	if (options.stall_path &&
	    pthread_create(&threads[thread_count++], NULL, stall_meter, NULL))
		fail("cannot start the stall thread");
	if (options.ready_path)
		publish(options.ready_path, "%#lx %zu\n", (unsigned long)region, options.size);
	if (options.lifetime_ms >= 0)
		deadline = now_ns() + (uint64_t)options.lifetime_ms * 1000000;

	for (;;) {
		signal_number = next_signal(&handled, deadline);
		if (signal_number < 0)
			continue;
		if (signal_number == 0)
			break;
		if (signal_number == SIGUSR1) {
			size_t corrupt = unmapped ? 0 : corrupt_bytes();

			if (options.result_path) {
				if (unmapped)
					publish(options.result_path, "unmapped\n");
				else if (corrupt)
					publish(options.result_path, "corrupt %zu\n", corrupt);
				else
					publish(options.result_path, "ok\n");
			}
		} else if (signal_number == SIGUSR2) {
			if (options.stall_path)
				publish(options.stall_path, "%llu\n",
					(unsigned long long)(longest_pause_ns / 1000));
			longest_pause_ns = 0;
		} else if (signal_number == SIGURG) {
			stop_threads(threads, &thread_count);
			if (!unmapped && munmap(region, options.size) != 0)
				fail("cannot unmap the region: %s", strerror(errno));
			unmapped = true;
		} else {
			break;
		}
	}

	stop_threads(threads, &thread_count);
	if (options.stall_path)
		publish(options.stall_path, "%llu\n", (unsigned long long)(longest_pause_ns / 1000));
	if (child > 0) {
		kill(child, SIGTERM);
		waitpid(child, NULL, 0);
	}
	if (!unmapped)
		munmap(region, options.size);
	return 0;
}
