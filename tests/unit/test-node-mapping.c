/*
 * numamig_nodes_map_target against every case KERNEL.md and issue 4 name,
 * the examples in the kernel's own comment in do_migrate_pages(), and the
 * corners (nodes outside 'from', an empty 'to', sparse node ids).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "numamig.h"
#include "tap.h"

struct mapping_case {
	const char *from;
	const char *to;
	/* "0>1 2>1": node 0 goes to 1, 2 to 1; every other node up to 'last' stays */
	const char *expected;
	int last;
};

static const struct mapping_case cases[] = {
	/* issue 4, on the four-node guest ("all" is 0-3, "!2" is 0,1,3) */
	{ "0", "1", "0>1", 3 },
	{ "0,1", "1,2", "0>1 1>2", 3 },
	{ "1,2", "0,3", "1>0 2>3", 3 },
	{ "0-3", "1", "0>1 2>1 3>1", 3 },
	{ "1", "2,3", "1>2", 3 },
	{ "0-3", "2", "0>2 1>2 3>2", 3 },
	{ "0,1,3", "2", "0>2 1>2 3>2", 3 },
	/* the examples in do_migrate_pages()'s comment */
	{ "2-4", "3-5", "2>3 3>4 4>5", 7 },
	{ "0-7", "3-5", "0>3 1>4 2>5 6>3 7>4", 7 },
	/* the same set both sides: a set has no order, nothing moves */
	{ "0,1", "0,1", "", 3 },
	{ "0", "0", "", 3 },
	/* sets of different sizes: sources that are also targets stay */
	{ "0-2", "1,2", "0>1", 3 },
	{ "1-3", "3,4", "1>3 2>4", 5 },
	{ "0,1", "1", "0>1", 3 },
	/* equal sizes: a node that is both source and target passes its pages on */
	{ "0,2", "2,3", "0>2 2>3", 3 },
	{ "1,2", "2,3", "1>2 2>3", 3 },
	/* fewer targets than sources, wrapping around 'to' */
	{ "0-3", "2,3", "0>2 1>3", 3 },
	{ "0,1,2", "3", "0>3 1>3 2>3", 3 },
	/* sparse node ids */
	{ "0", "4", "0>4", 7 },
	{ "0,4", "4,0", "", 7 },
	{ "0,4", "1,5", "0>1 4>5", 7 },
	/* nothing to move to */
	{ "0-3", "", "", 3 },
	{ "", "1", "", 3 },
};

/* A mistake in the table above stops the run rather than failing a check. */
static void bad_table(const char *text)
{
	printf("Bail out! bad entry in the test table: '%s'\n", text);
	exit(1);
}

static void parse(const char *text, struct numamig_nodes *nodes)
{
	if (numamig_nodes_parse_kernel_list(text, nodes) < 0)
		bad_table(text);
}

/* The target the table expects for node, -1 when it stays. */
static int expected_target(const char *expected, int node)
{
	const char *cursor = expected;

	while (*cursor) {
		int source, target, consumed;

		if (sscanf(cursor, "%d>%d%n", &source, &target, &consumed) != 2)
			bad_table(expected);
		if (source == node)
			return target;
		cursor += consumed;
		while (*cursor == ' ')
			cursor++;
	}
	return -1;
}

static void test_case(const struct mapping_case *test)
{
	struct numamig_nodes from, to;
	char got[256] = "";
	size_t used = 0;
	bool agree = true;

	parse(test->from, &from);
	parse(test->to, &to);
	for (int node = 0; node <= test->last; node++) {
		int target = numamig_nodes_map_target(&from, &to, node);

		if (target != expected_target(test->expected, node))
			agree = false;
		if (target >= 0 && used < sizeof(got))
			used += (size_t)snprintf(got + used, sizeof(got) - used, "%s%d>%d",
						 used ? " " : "", node, target);
	}
	ok(agree, "'%s' to '%s' maps %s", test->from, test->to,
	       *test->expected ? test->expected : "nothing");
	if (!agree)
		diag("got: %s", *got ? got : "nothing");
}

/*
 * The kernel's own procedure, step by step as do_migrate_pages() runs it:
 * pick a <source, destination> pair, move the source's pages, take the
 * source out, repeat; a page is followed through every step. The library
 * sends each page straight to its remapped node; this checks that the two
 * agree for every pair of sets drawn from nodes 0-7.
 */
static int kernel_remap(unsigned from, unsigned to, int node)
{
	int ordinal = __builtin_popcount(from & ((1U << node) - 1));
	int wanted = ordinal % __builtin_popcount(to);

	for (int target = 0; target < 32; target++)
		if (to & (1U << target) && wanted-- == 0)
			return target;
	return node;
}

static int kernel_final_node(unsigned from, unsigned to, int node)
{
	unsigned remaining = from;
	int location = node;

	while (remaining) {
		int source = -1, destination = 0;

		for (int candidate = 0; candidate < 32; candidate++) {
			int target;

			if (!(remaining & (1U << candidate)))
				continue;
			if (__builtin_popcount(from) != __builtin_popcount(to) &&
			    to & (1U << candidate))
				continue;
			target = to ? kernel_remap(from, to, candidate) : candidate;
			if (target == candidate)
				continue;
			source = candidate;
			destination = target;
			if (!(remaining & (1U << target)))
				break;
		}
		if (source < 0)
			break;
		remaining &= ~(1U << source);
		if (location == source)
			location = destination;
	}
	return location;
}

static void to_nodes(unsigned bits, struct numamig_nodes *nodes)
{
	numamig_nodes_clear(nodes);
	for (int node = 0; node < 32; node++)
		if (bits & (1U << node))
			numamig_nodes_add(nodes, node);
}

static void test_against_kernel_steps(void)
{
	unsigned disagreements = 0, checked = 0;

	for (unsigned from = 0; from < 256; from++)
		for (unsigned to = 0; to < 256; to++) {
			struct numamig_nodes from_set, to_set;

			to_nodes(from, &from_set);
			to_nodes(to, &to_set);
			for (int node = 0; node < 8; node++) {
				int expected = kernel_final_node(from, to, node);
				int got = numamig_nodes_map_target(&from_set, &to_set, node);

				checked++;
				if ((expected == node ? -1 : expected) == got)
					continue;
				if (disagreements++ < 5)
					diag("from 0x%02x to 0x%02x: node %d goes to %d, library says %d",
					     from, to, node, expected, got);
			}
		}
	ok(disagreements == 0, "the kernel's step-by-step order agrees in all %u cases", checked);
}

/* A node beyond any set, and the largest node id the library knows. */
static void test_limits(void)
{
	struct numamig_nodes from, to;

	numamig_nodes_clear(&from);
	numamig_nodes_clear(&to);
	numamig_nodes_add(&from, NUMAMIG_MAX_NODES - 1);
	numamig_nodes_add(&to, 0);
	ok(numamig_nodes_map_target(&from, &to, NUMAMIG_MAX_NODES - 1) == 0,
	       "the highest node id maps like any other");
	ok(numamig_nodes_map_target(&from, &to, -1) == -1, "node -1 stays");
	ok(numamig_nodes_map_target(&from, &to, NUMAMIG_MAX_NODES) == -1,
	       "a node beyond NUMAMIG_MAX_NODES stays");
}

int main(void)
{
	for (size_t index = 0; index < sizeof(cases) / sizeof(cases[0]); index++)
		test_case(&cases[index]);
	test_against_kernel_steps();
	test_limits();
	return tap_done();
}
