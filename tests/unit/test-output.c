/* tools/common/output.c: human sizes and the choice of columns. */
#include "config.h"

#include <errno.h>

#include "output.h"
#include "tap.h"

enum { COLUMN_NAME, COLUMN_NODES, COLUMN_TOTAL };

static const struct output_column columns[] = {
	[COLUMN_NAME] = { "NAME", 0.2, 0, OUTPUT_STRING, "a name", NULL },
	[COLUMN_NODES] = { "NODES", 5, SCOLS_FL_RIGHT, OUTPUT_SIZE, "on each node", "N" },
	[COLUMN_TOTAL] = { "TOTAL", 5, SCOLS_FL_RIGHT, OUTPUT_SIZE, "on all nodes", NULL },
};

static const char *human(uint64_t bytes)
{
	static char text[32];

	return output_human_size(bytes, text, sizeof(text));
}

/* Whether columns parses and which columns it chose. */
static bool chooses(const char *columns_option, const struct numamig_nodes *nodes,
		    bool name, bool node_group, bool total)
{
	struct output_table table = { "rows", columns, 3, "NAME,NODES", nodes };
	struct common_options options = { .columns = columns_option };
	struct output *output = output_new(&table, &options);
	bool matches;

	if (!output)
		return false;
	matches = output_has_column(output, COLUMN_NAME) == name &&
		  output_has_column(output, COLUMN_NODES) == node_group &&
		  output_has_column(output, COLUMN_TOTAL) == total;
	output_free(output);
	return matches;
}

static bool refuses(const char *columns_option, const struct numamig_nodes *nodes)
{
	struct output_table table = { "rows", columns, 3, "NAME,NODES", nodes };
	struct common_options options = { .columns = columns_option };
	struct output *output;

	errno = 0;
	output = output_new(&table, &options);
	output_free(output);
	return !output && errno == EINVAL;
}

int main(void)
{
	struct numamig_nodes nodes;
	char *help;

	is_string(human(0), "0", "0 bytes");
	is_string(human(512), "512B", "512 bytes");
	is_string(human(1023), "1023B", "1023 bytes");
	is_string(human(1024), "1K", "1 KiB");
	is_string(human(4096), "4K", "4 KiB");
	is_string(human(1536 * 1024), "1.5M", "1.5 MiB");
	is_string(human(UINT64_C(2) << 30), "2G", "2 GiB");
	is_string(human(1000 * 1024), "1000K", "1000 KiB stays in K");
	is_string(human(1048575), "1M", "one byte short of 1 MiB rounds up");
	is_string(human(1024 * 1024 + 52429), "1.1M", "1.05 MiB rounds half up");
	is_string(human(UINT64_MAX), "16E", "the largest size");

	numamig_nodes_clear(&nodes);
	numamig_nodes_add(&nodes, 0);
	numamig_nodes_add(&nodes, 4);
	ok(chooses(NULL, &nodes, true, true, false), "defaults");
	ok(chooses("+TOTAL", &nodes, true, true, true), "+LIST adds to the defaults");
	ok(chooses("total,n4", &nodes, false, true, true), "names in any case, one node");
	ok(chooses("NAME,NAME", &nodes, true, false, false), "a column named twice");
	ok(refuses("NAME,FOO", &nodes), "an unknown column");
	ok(refuses("N1", &nodes), "a node without a column");
	ok(refuses("N", &nodes), "a node prefix alone");
	ok(refuses("N4x", &nodes), "a node number with trailing text");
	ok(refuses("", &nodes), "an empty list");
	ok(refuses("+", &nodes), "+ alone names no column");

	help = output_columns_help(&(struct output_table){ "rows", columns, 3, "NAME", &nodes });
	ok(help && strstr(help, "      NODES  on each node (one column per node: N0, N1, ...)\n"),
	   "help names the node columns");
	free(help);
	return tap_done();
}
