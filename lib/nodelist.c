/*
 * Node lists in numactl's syntax, checked against the sysroot's topology
 * rather than the live machine's (so libnuma's numa_parse_nodestring,
 * which also prints its own warnings, is not used).
 *
 * Compatible with libnuma: "all" is the allowed set; "+" makes every number
 * an index into the allowed set ("+0" is its first node); a range takes
 * the allowed nodes between its ends, which must both be allowed; "!"
 * comes before "+". Differences, all stricter or clearer: "!" inverts
 * within the allowed set (libnuma inverts against every node id up to the
 * highest, including ids that do not exist); a backwards range "2-1", an
 * empty list and a list that selects no node ("!all") are errors; numbers
 * are decimal only; blanks around numbers, commas and dashes are allowed.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <string.h>

#include "numamig.h"

struct parser {
	const struct numamig_topology *topology;
	const char *text;
	const struct numamig_nodes *allowed;
	bool allowed_given;
	bool relative;
	const char *cursor;
	struct numamig_error *error;
};

static void skip_blanks(struct parser *parser)
{
	while (isspace((unsigned char)*parser->cursor))
		parser->cursor++;
}

static int invalid(struct parser *parser, const char *reason)
{
	if (reason)
		return numamig_error_set(parser->error, -EINVAL, "invalid node list '%s': %s",
					 parser->text, reason);
	return numamig_error_set(parser->error, -EINVAL, "invalid node list '%s'", parser->text);
}

/* A node id, or with "+" the index of an allowed node, turned into a node id. */
static int parse_node(struct parser *parser, int *node)
{
	char known[256];
	const char *digits;
	int width;
	long number = 0;

	skip_blanks(parser);
	digits = parser->cursor;
	if (!isdigit((unsigned char)*parser->cursor))
		return invalid(parser, NULL);
	/* beyond NUMAMIG_MAX_NODES every number is just "too big" */
	while (isdigit((unsigned char)*parser->cursor)) {
		if (number <= NUMAMIG_MAX_NODES)
			number = number * 10 + (*parser->cursor - '0');
		parser->cursor++;
	}
	width = (int)(parser->cursor - digits);
	if (parser->relative) {
		int count = numamig_nodes_count(parser->allowed);

		*node = number < count ? numamig_nodes_nth(parser->allowed, (int)number) : -1;
		if (*node >= 0)
			return 0;
		numamig_nodes_format(parser->allowed, known, sizeof(known));
		return numamig_error_set(parser->error, -EINVAL,
					 "relative node +%.*s does not exist (%d allowed nodes: %s)",
					 width, digits, count, known);
	}
	if (number >= NUMAMIG_MAX_NODES ||
	    !numamig_nodes_has(numamig_topology_online(parser->topology), (int)number)) {
		numamig_nodes_format(numamig_topology_online(parser->topology), known, sizeof(known));
		return numamig_error_set(parser->error, -EINVAL, "node %.*s does not exist (nodes: %s)",
					 width, digits, known);
	}
	if (!numamig_nodes_has(parser->allowed, (int)number)) {
		numamig_nodes_format(parser->allowed, known, sizeof(known));
		if (parser->allowed_given)
			return numamig_error_set(parser->error, -EINVAL,
						 "node %ld is not allowed (allowed: %s)", number, known);
		return numamig_error_set(parser->error, -EINVAL,
					 "node %ld has no memory (nodes with memory: %s)", number,
					 known);
	}
	*node = (int)number;
	return 0;
}

static int parse_items(struct parser *parser, struct numamig_nodes *nodes)
{
	for (;;) {
		int first, last;
		int result = parse_node(parser, &first);

		if (result < 0)
			return result;
		last = first;
		skip_blanks(parser);
		if (*parser->cursor == '-') {
			parser->cursor++;
			skip_blanks(parser);
			if (!*parser->cursor || *parser->cursor == ',')
				return invalid(parser, "missing end of range");
			result = parse_node(parser, &last);
			if (result < 0)
				return result;
			if (last < first)
				return invalid(parser, "range ends before it starts");
			skip_blanks(parser);
		}
		for (int node = first; node >= 0 && node <= last;
		     node = numamig_nodes_next(parser->allowed, node))
			numamig_nodes_add(nodes, node);
		if (!*parser->cursor)
			return 0;
		if (*parser->cursor != ',')
			return invalid(parser, NULL);
		parser->cursor++;
	}
}

int numamig_nodelist_parse(const struct numamig_topology *topology, const char *text,
			   const struct numamig_nodes *allowed, struct numamig_nodes *nodes,
			   struct numamig_error *error)
{
	struct parser parser = {
		.topology = topology,
		.text = text,
		.allowed = allowed ? allowed : numamig_topology_with_memory(topology),
		.allowed_given = allowed != NULL,
		.cursor = text,
		.error = error,
	};
	bool invert = false;
	int result;

	numamig_nodes_clear(nodes);
	skip_blanks(&parser);
	if (!*parser.cursor)
		return numamig_error_set(error, -EINVAL, "empty node list");
	if (*parser.cursor == '!') {
		invert = true;
		parser.cursor++;
		skip_blanks(&parser);
	}
	if (*parser.cursor == '+') {
		parser.relative = true;
		parser.cursor++;
		skip_blanks(&parser);
	}
	if (strncmp(parser.cursor, "all", 3) == 0) {
		parser.cursor += 3;
		skip_blanks(&parser);
		if (*parser.cursor)
			return invalid(&parser, "'all' must stand alone");
		*nodes = *parser.allowed;
	} else {
		result = parse_items(&parser, nodes);
		if (result < 0) {
			numamig_nodes_clear(nodes);
			return result;
		}
	}
	if (invert)
		numamig_nodes_minus(nodes, parser.allowed, nodes);
	if (numamig_nodes_empty(nodes))
		return numamig_error_set(error, -EINVAL, "node list '%s' selects no node", text);
	return 0;
}
