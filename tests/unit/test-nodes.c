/* Node sets (lib/nodes.c) and the kernel's list format. */
#include "config.h"

#include <errno.h>

#include "numamig.h"
#include "tap.h"

static const char *format(const struct numamig_nodes *nodes)
{
	static char text[256];

	numamig_nodes_format(nodes, text, sizeof(text));
	return text;
}

static void test_operations(void)
{
	struct numamig_nodes a, b, result;

	numamig_nodes_clear(&a);
	ok(numamig_nodes_empty(&a), "a cleared set is empty");
	is_int(numamig_nodes_next(&a, -1), -1, "an empty set has no first node");
	is_int(numamig_nodes_last(&a), -1, "an empty set has no last node");
	numamig_nodes_add(&a, 0);
	numamig_nodes_add(&a, 4);
	numamig_nodes_add(&a, 63);
	numamig_nodes_add(&a, 64);
	numamig_nodes_add(&a, 1023);
	numamig_nodes_add(&a, 1024);
	numamig_nodes_add(&a, -1);
	is_int(numamig_nodes_count(&a), 5, "ids outside 0-1023 are ignored");
	ok(numamig_nodes_has(&a, 63) && numamig_nodes_has(&a, 64), "word boundary 63/64");
	ok(!numamig_nodes_has(&a, 1024) && !numamig_nodes_has(&a, -5), "has() outside range");
	is_int(numamig_nodes_next(&a, 4), 63, "next after 4 is 63");
	is_int(numamig_nodes_next(&a, 64), 1023, "next skips empty words");
	is_int(numamig_nodes_nth(&a, 0), 0, "nth 0");
	is_int(numamig_nodes_nth(&a, 3), 64, "nth 3");
	is_int(numamig_nodes_nth(&a, 5), -1, "nth beyond the count");
	is_int(numamig_nodes_nth(&a, -1), -1, "nth negative");
	is_int(numamig_nodes_last(&a), 1023, "last");
	is_string(format(&a), "0,4,63-64,1023", "format joins runs");
	numamig_nodes_remove(&a, 64);
	is_string(format(&a), "0,4,63,1023", "remove");

	numamig_nodes_clear(&b);
	numamig_nodes_add(&b, 4);
	numamig_nodes_add(&b, 5);
	numamig_nodes_and(&result, &a, &b);
	is_string(format(&result), "4", "and");
	numamig_nodes_or(&result, &a, &b);
	is_string(format(&result), "0,4-5,63,1023", "or");
	numamig_nodes_minus(&result, &a, &b);
	is_string(format(&result), "0,63,1023", "minus");
	ok(!numamig_nodes_equal(&a, &b), "different sets are not equal");
	result = a;
	ok(numamig_nodes_equal(&a, &result), "a copy is equal");
}

static void test_format_size(void)
{
	struct numamig_nodes nodes;
	char small[4];

	numamig_nodes_clear(&nodes);
	is_int(numamig_nodes_format(&nodes, small, sizeof(small)), 0, "empty set formats to ''");
	is_string(small, "", "empty set text");
	numamig_nodes_add(&nodes, 0);
	numamig_nodes_add(&nodes, 1);
	numamig_nodes_add(&nodes, 2);
	numamig_nodes_add(&nodes, 10);
	is_int(numamig_nodes_format(&nodes, small, sizeof(small)), 6,
	       "format returns the length it needs");
	is_string(small, "0-2", "format truncates like snprintf");
}

static void test_kernel_list(void)
{
	struct numamig_nodes nodes;

	is_int(numamig_nodes_parse_kernel_list("0-3,5\n", &nodes), 0, "kernel list '0-3,5'");
	is_string(format(&nodes), "0-3,5", "kernel list '0-3,5' value");
	is_int(numamig_nodes_parse_kernel_list("\n", &nodes), 0, "kernel list '\\n'");
	ok(numamig_nodes_empty(&nodes), "kernel list '\\n' is empty");
	is_int(numamig_nodes_parse_kernel_list("", &nodes), 0, "kernel list ''");
	ok(numamig_nodes_empty(&nodes), "kernel list '' is empty");
	is_int(numamig_nodes_parse_kernel_list("0,4", &nodes), 0, "sparse kernel list '0,4'");
	is_string(format(&nodes), "0,4", "sparse kernel list value");
	is_int(numamig_nodes_parse_kernel_list("1023", &nodes), 0, "node 1023");
	is_int(numamig_nodes_parse_kernel_list("1024", &nodes), -EINVAL, "node 1024 is refused");
	is_int(numamig_nodes_parse_kernel_list("3-1", &nodes), -EINVAL, "backwards range");
	is_int(numamig_nodes_parse_kernel_list("x", &nodes), -EINVAL, "not a number");
	is_int(numamig_nodes_parse_kernel_list("1-", &nodes), -EINVAL, "open range");
	is_int(numamig_nodes_parse_kernel_list("1;2", &nodes), -EINVAL, "bad separator");
}

int main(void)
{
	test_operations();
	test_format_size();
	test_kernel_list();
	return tap_done();
}
