/* Node lists in numactl's syntax (lib/nodelist.c), on the fixture machines. */
#include "config.h"

#include <errno.h>

#include "numamig.h"
#include "tap.h"

static struct numamig_topology *four;
static struct numamig_topology *sparse;

/* Parses text and compares the result as the kernel would print it. */
static void accepts(struct numamig_topology *topology, const char *allowed_text,
		    const char *text, const char *expected)
{
	struct numamig_nodes allowed, nodes;
	struct numamig_error error = { 0 };
	char got[640] = "";
	int result;

	if (allowed_text)
		numamig_nodes_parse_kernel_list(allowed_text, &allowed);
	result = numamig_nodelist_parse(topology, text, allowed_text ? &allowed : NULL, &nodes,
					&error);
	if (result == 0)
		numamig_nodes_format(&nodes, got, sizeof(got));
	else
		snprintf(got, sizeof(got), "error %d: %s", result, error.message);
	is_string(got, expected, "'%s'%s%s gives %s", text, allowed_text ? " allowed " : "",
		  allowed_text ? allowed_text : "", expected);
}

static void refuses(struct numamig_topology *topology, const char *allowed_text,
		    const char *text, const char *message)
{
	struct numamig_nodes allowed, nodes;
	struct numamig_error error = { 0 };
	int result;

	if (allowed_text)
		numamig_nodes_parse_kernel_list(allowed_text, &allowed);
	result = numamig_nodelist_parse(topology, text, allowed_text ? &allowed : NULL, &nodes,
					&error);
	if (!is_int(result, -EINVAL, "'%s' is refused", text))
		return;
	is_int(error.code, -EINVAL, "'%s' sets error.code", text);
	is_string(error.message, message, "'%s' says why", text);
	ok(numamig_nodes_empty(&nodes), "'%s' leaves no node behind", text);
}

static void test_syntax(void)
{
	accepts(four, NULL, "2", "2");
	accepts(four, NULL, "0-2", "0-2");
	accepts(four, NULL, "0,2-3", "0,2-3");
	accepts(four, NULL, "3,1", "1,3");
	accepts(four, NULL, "1,1", "1");
	accepts(four, NULL, "all", "0-3");
	accepts(four, NULL, "!1", "0,2-3");
	accepts(four, NULL, "!0-1", "2-3");
	accepts(four, NULL, "+0", "0");
	accepts(four, NULL, "+1-2", "1-2");
	accepts(four, NULL, "+all", "0-3");
	accepts(four, NULL, " 1 , 3 ", "1,3");
	accepts(four, NULL, "1 - 2", "1-2");
	accepts(four, NULL, "0-0", "0");
	/* relative and "all" follow the allowed set (a process's Mems_allowed) */
	accepts(four, "2-3", "all", "2-3");
	accepts(four, "2-3", "+0", "2");
	accepts(four, "2-3", "+1", "3");
	accepts(four, "1-3", "!+0", "2-3");
	accepts(four, "1,3", "!3", "1");
	accepts(four, "1,3", "1-3", "1,3");
	/* sparse ids: a range takes the nodes that exist between its ends */
	accepts(sparse, NULL, "0-4", "0,4");
	accepts(sparse, NULL, "4", "4");
	accepts(sparse, NULL, "+1", "4");
	accepts(sparse, NULL, "!0", "4");
	accepts(sparse, NULL, "all", "0,4");
}

static void test_errors(void)
{
	refuses(four, NULL, "", "empty node list");
	refuses(four, NULL, "  ", "empty node list");
	refuses(four, NULL, "7", "node 7 does not exist (nodes: 0-3)");
	refuses(four, NULL, "0-7", "node 7 does not exist (nodes: 0-3)");
	refuses(four, NULL, "99999999999", "node 99999999999 does not exist (nodes: 0-3)");
	refuses(four, NULL, "x-1", "invalid node list 'x-1'");
	refuses(four, NULL, "1-", "invalid node list '1-': missing end of range");
	refuses(four, NULL, "1-,2", "invalid node list '1-,2': missing end of range");
	refuses(four, NULL, "2-1", "invalid node list '2-1': range ends before it starts");
	refuses(four, NULL, "-1", "invalid node list '-1'");
	refuses(four, NULL, "1,", "invalid node list '1,'");
	refuses(four, NULL, ",1", "invalid node list ',1'");
	refuses(four, NULL, "1,,2", "invalid node list '1,,2'");
	refuses(four, NULL, "1;2", "invalid node list '1;2'");
	refuses(four, NULL, "0x1", "invalid node list '0x1'");
	refuses(four, NULL, "1 2", "invalid node list '1 2'");
	refuses(four, NULL, "!!1", "invalid node list '!!1'");
	refuses(four, NULL, "+!1", "invalid node list '+!1'");
	refuses(four, NULL, "all,1", "invalid node list 'all,1': 'all' must stand alone");
	refuses(four, NULL, "alle", "invalid node list 'alle': 'all' must stand alone");
	refuses(four, NULL, "!all", "node list '!all' selects no node");
	refuses(four, NULL, "!0-3", "node list '!0-3' selects no node");
	refuses(four, NULL, "+4", "relative node +4 does not exist (4 allowed nodes: 0-3)");
	refuses(four, "2-3", "1", "node 1 is not allowed (allowed: 2-3)");
	refuses(four, "2-3", "+2", "relative node +2 does not exist (2 allowed nodes: 2-3)");
	refuses(sparse, NULL, "2", "node 2 does not exist (nodes: 0,4)");
	refuses(sparse, NULL, "0-5", "node 5 does not exist (nodes: 0,4)");
}

/* A node that exists but has no memory: "all" and "!" leave it out. */
static void test_memoryless(void)
{
	struct numamig_topology *topology;
	struct numamig_error error = { 0 };

	if (!is_int(numamig_topology_load(fixture("sysroot/memoryless-node"), &topology, &error),
		    0, "memoryless-node loads")) {
		diag("%s", error.message);
		return;
	}
	refuses(topology, NULL, "1", "node 1 has no memory (nodes with memory: 0,2)");
	accepts(topology, NULL, "all", "0,2");
	accepts(topology, NULL, "0-2", "0,2");
	accepts(topology, NULL, "!0", "2");
	accepts(topology, "0-2", "1", "1");
	numamig_topology_free(topology);
}

int main(void)
{
	struct numamig_error error = { 0 };

	if (numamig_topology_load(fixture("sysroot/four-nodes"), &four, &error) < 0 ||
	    numamig_topology_load(fixture("sysroot/sparse-nodes"), &sparse, &error) < 0) {
		printf("Bail out! %s\n", error.message);
		return 1;
	}
	test_syntax();
	test_errors();
	test_memoryless();
	numamig_topology_free(four);
	numamig_topology_free(sparse);
	return tap_done();
}
