/*
 * fixture-maker: sets up, in one process, the kinds of mappings and
 * policies whose /proc/PID/numa_maps and maps lines the library's parsers
 * must read, touches them so that numa_maps counts their pages, writes
 * its pid to --ready FILE and sleeps until SIGTERM. The guest captures its
 * files into tests/fixtures/captured/ (see the README there).
 *
 * fixture-maker [--ready FILE] FEATURE...   (FEATURE: see the table below,
 * or "all")
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <numaif.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef MPOL_LOCAL
#define MPOL_LOCAL 4
#endif
#ifndef MPOL_PREFERRED_MANY
#define MPOL_PREFERRED_MANY 5
#endif
#ifndef MPOL_WEIGHTED_INTERLEAVE
#define MPOL_WEIGHTED_INTERLEAVE 6
#endif
#ifndef MPOL_F_STATIC_NODES
#define MPOL_F_STATIC_NODES (1 << 15)
#define MPOL_F_RELATIVE_NODES (1 << 14)
#endif
#ifndef MAP_HUGE_2MB
#define MAP_HUGE_2MB (21 << MAP_HUGE_SHIFT)
#endif

#define MIB (1UL << 20)
#define MAX_NODE 64

static void fail(const char *what)
{
	fprintf(stderr, "fixture-maker: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void touch(void *start, size_t length)
{
	for (size_t offset = 0; offset < length; offset += 4096)
		((volatile char *)start)[offset] = 1;
}

static void *map_anonymous(size_t length, int flags)
{
	void *start = mmap(NULL, length, PROT_READ | PROT_WRITE, flags | MAP_ANONYMOUS, -1, 0);

	if (start == MAP_FAILED)
		fail("mmap");
	return start;
}

/* A 1 MiB anonymous mapping with policy MODE over NODES, touched or not. */
static bool with_policy(int mode, unsigned long nodes, bool touched)
{
	void *start = map_anonymous(MIB, MAP_PRIVATE);
	unsigned long mask[MAX_NODE / 64] = { nodes };

	madvise(start, MIB, MADV_NOHUGEPAGE);
	if (mbind(start, MIB, mode, nodes ? mask : NULL, nodes ? MAX_NODE + 1 : 0, 0) != 0) {
		/* weighted interleave is 6.9+: an older kernel says EINVAL */
		fprintf(stderr, "fixture-maker: policy %#x not supported here: %s\n", mode,
			strerror(errno));
		munmap(start, MIB);
		return false;
	}
	if (touched)
		touch(start, MIB);
	return true;
}

static void make_thp(void)
{
	char *start = map_anonymous(6 * MIB, MAP_PRIVATE);
	char *aligned = (char *)(((uintptr_t)start + 2 * MIB - 1) & ~(2 * MIB - 1));

	if (madvise(aligned, 4 * MIB, MADV_HUGEPAGE) != 0)
		fail("madvise(MADV_HUGEPAGE)");
	touch(aligned, 4 * MIB);
}

static void make_hugetlb(void)
{
	touch(map_anonymous(2 * MIB, MAP_PRIVATE | MAP_HUGETLB | MAP_HUGE_2MB), 2 * MIB);
	touch(map_anonymous(2 * MIB, MAP_SHARED | MAP_HUGETLB | MAP_HUGE_2MB), 2 * MIB);
}

static void make_shared_anonymous(void)
{
	touch(map_anonymous(MIB, MAP_SHARED), MIB); /* /dev/zero (deleted) */
}

static void map_file(int descriptor, const char *what, int flags, bool write)
{
	void *start;

	if (ftruncate(descriptor, MIB) != 0)
		fail(what);
	start = mmap(NULL, MIB, PROT_READ | PROT_WRITE, flags, descriptor, 0);
	if (start == MAP_FAILED)
		fail(what);
	if (write)
		touch(start, MIB);
	else
		for (size_t offset = 0; offset < MIB; offset += 4096)
			(void)((volatile char *)start)[offset];
}

static void make_memfd(void)
{
	int descriptor = memfd_create("numamig fixture", 0);

	if (descriptor < 0)
		fail("memfd_create");
	map_file(descriptor, "memfd", MAP_SHARED, true);
	close(descriptor);
}

static void make_shm(void)
{
	int descriptor = shm_open("/numamig-fixture", O_RDWR | O_CREAT, 0600);

	if (descriptor < 0)
		fail("shm_open");
	map_file(descriptor, "shm", MAP_SHARED, true);
	close(descriptor);
}

static int create(const char *path)
{
	int descriptor = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);

	if (descriptor < 0)
		fail(path);
	return descriptor;
}

/* A file mapped shared (page cache) and private (written: anon pages). */
static void make_deleted(void)
{
	const char *path = "/tmp/numamig-fixture-deleted";
	int descriptor = create(path);

	map_file(descriptor, path, MAP_SHARED, false);
	map_file(descriptor, path, MAP_PRIVATE, true);
	close(descriptor);
	unlink(path);
}

static void make_odd_path(void)
{
	const char *path = "/tmp/numamig fixture/a=b c.dat";
	int descriptor;

	mkdir("/tmp/numamig fixture", 0700);
	descriptor = create(path);
	map_file(descriptor, path, MAP_SHARED, false);
	close(descriptor);
}

#define NODES(...) (nodes_of((int[]){ __VA_ARGS__, -1 }))
static unsigned long nodes_of(const int *list)
{
	unsigned long mask = 0;

	for (; *list >= 0; list++)
		mask |= 1UL << *list;
	return mask;
}

static void make_policies(void)
{
	with_policy(MPOL_BIND, NODES(1), true);
	with_policy(MPOL_INTERLEAVE, NODES(0, 1, 2), true);
	with_policy(MPOL_PREFERRED, NODES(1), true);
	with_policy(MPOL_LOCAL, 0, true);
	with_policy(MPOL_BIND, NODES(2), false); /* no page: just "addr bind:2" */
}

static void make_policy_flags(void)
{
	with_policy(MPOL_BIND | MPOL_F_STATIC_NODES, NODES(0, 1), true);
	with_policy(MPOL_INTERLEAVE | MPOL_F_RELATIVE_NODES, NODES(0, 1), true);
	with_policy(MPOL_PREFERRED | MPOL_F_STATIC_NODES, NODES(2), true);
	with_policy(MPOL_INTERLEAVE | MPOL_F_STATIC_NODES, NODES(0, 2), true);
}

static void make_prefer_many(void)
{
	with_policy(MPOL_PREFERRED_MANY, NODES(1, 2), true);
}

static void make_weighted_interleave(void)
{
	with_policy(MPOL_WEIGHTED_INTERLEAVE, NODES(0, 1, 2), true);
}

static void make_heap(void)
{
	void *start = sbrk(256 * 1024);

	if (start == (void *)-1)
		fail("sbrk");
	touch(start, 256 * 1024);
}

static pid_t cow_child;

/* Pages touched before fork() are mapped by two processes: mapmax=2. */
static void make_cow(void)
{
	sigset_t none;

	touch(map_anonymous(MIB, MAP_PRIVATE), MIB);
	cow_child = fork();
	if (cow_child < 0)
		fail("fork");
	if (cow_child == 0) {
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		for (;;)
			pause();
	}
}

static const struct feature {
	const char *name;
	void (*make)(void);
} features[] = {
	{ "cow", make_cow }, /* first: what "all" touches later stays private */
	{ "thp", make_thp },
	{ "hugetlb", make_hugetlb },
	{ "shared-anonymous", make_shared_anonymous },
	{ "memfd", make_memfd },
	{ "shm", make_shm },
	{ "deleted", make_deleted },
	{ "odd-path", make_odd_path },
	{ "policies", make_policies },
	{ "policy-flags", make_policy_flags },
	{ "prefer-many", make_prefer_many },
	{ "weighted-interleave", make_weighted_interleave },
	{ "heap", make_heap },
};

static void make(const char *name)
{
	for (size_t index = 0; index < sizeof(features) / sizeof(features[0]); index++) {
		if (strcmp(name, "all") == 0 || strcmp(name, features[index].name) == 0) {
			features[index].make();
			if (strcmp(name, "all") != 0)
				return;
		}
	}
	if (strcmp(name, "all") != 0) {
		fprintf(stderr, "fixture-maker: unknown feature '%s'\n", name);
		exit(1);
	}
}

int main(int argc, char **argv)
{
	const char *ready = NULL;
	sigset_t stop;
	int signal_number, first = 1;

	if (argc > 2 && strcmp(argv[1], "--ready") == 0) {
		ready = argv[2];
		first = 3;
	}
	if (first >= argc) {
		fputs("usage: fixture-maker [--ready FILE] FEATURE...\n", stderr);
		return 1;
	}
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	sigprocmask(SIG_BLOCK, &stop, NULL);
	for (int index = first; index < argc; index++)
		make(argv[index]);
	if (ready) {
		FILE *file = fopen(ready, "w");

		if (!file || fprintf(file, "%d\n", (int)getpid()) < 0 || fclose(file) != 0)
			fail(ready);
	}
	sigwait(&stop, &signal_number);
	if (cow_child > 0) {
		kill(cow_child, SIGTERM);
		waitpid(cow_child, NULL, 0);
	}
	shm_unlink("/numamig-fixture");
	return 0;
}
