/* Node sets as fixed-size bitmaps: no allocation, copied by value. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "numamig.h"

#define WORD_BITS 64

static bool in_range(int node)
{
	return node >= 0 && node < NUMAMIG_MAX_NODES;
}

void numamig_nodes_clear(struct numamig_nodes *nodes)
{
	memset(nodes, 0, sizeof(*nodes));
}

void numamig_nodes_add(struct numamig_nodes *nodes, int node)
{
	if (in_range(node))
		nodes->bits[node / WORD_BITS] |= UINT64_C(1) << (node % WORD_BITS);
}

void numamig_nodes_remove(struct numamig_nodes *nodes, int node)
{
	if (in_range(node))
		nodes->bits[node / WORD_BITS] &= ~(UINT64_C(1) << (node % WORD_BITS));
}

bool numamig_nodes_has(const struct numamig_nodes *nodes, int node)
{
	return in_range(node) && (nodes->bits[node / WORD_BITS] >> (node % WORD_BITS)) & 1;
}

bool numamig_nodes_empty(const struct numamig_nodes *nodes)
{
	return numamig_nodes_next(nodes, -1) < 0;
}

bool numamig_nodes_equal(const struct numamig_nodes *a, const struct numamig_nodes *b)
{
	return memcmp(a->bits, b->bits, sizeof(a->bits)) == 0;
}

int numamig_nodes_count(const struct numamig_nodes *nodes)
{
	int count = 0;

	for (size_t word = 0; word < NUMAMIG_MAX_NODES / WORD_BITS; word++)
		count += __builtin_popcountll(nodes->bits[word]);
	return count;
}

int numamig_nodes_next(const struct numamig_nodes *nodes, int after)
{
	for (int node = after + 1; node < NUMAMIG_MAX_NODES; node++) {
		uint64_t word = nodes->bits[node / WORD_BITS] >> (node % WORD_BITS);

		if (word == 0) {
			/* skip to the start of the next word */
			node |= WORD_BITS - 1;
			continue;
		}
		return node + __builtin_ctzll(word);
	}
	return -1;
}

int numamig_nodes_nth(const struct numamig_nodes *nodes, int n)
{
	int node = -1;

	if (n < 0)
		return -1;
	do
		node = numamig_nodes_next(nodes, node);
	while (node >= 0 && n-- > 0);
	return node;
}

int numamig_nodes_last(const struct numamig_nodes *nodes)
{
	int last = -1;

	for (int node = numamig_nodes_next(nodes, -1); node >= 0; node = numamig_nodes_next(nodes, node))
		last = node;
	return last;
}

void numamig_nodes_and(struct numamig_nodes *result, const struct numamig_nodes *a,
		       const struct numamig_nodes *b)
{
	for (size_t word = 0; word < NUMAMIG_MAX_NODES / WORD_BITS; word++)
		result->bits[word] = a->bits[word] & b->bits[word];
}

void numamig_nodes_or(struct numamig_nodes *result, const struct numamig_nodes *a,
		      const struct numamig_nodes *b)
{
	for (size_t word = 0; word < NUMAMIG_MAX_NODES / WORD_BITS; word++)
		result->bits[word] = a->bits[word] | b->bits[word];
}

void numamig_nodes_minus(struct numamig_nodes *result, const struct numamig_nodes *a,
			 const struct numamig_nodes *b)
{
	for (size_t word = 0; word < NUMAMIG_MAX_NODES / WORD_BITS; word++)
		result->bits[word] = a->bits[word] & ~b->bits[word];
}

int numamig_nodes_format(const struct numamig_nodes *nodes, char *buffer, size_t size)
{
	int length = 0;
	int node = numamig_nodes_next(nodes, -1);

	if (size > 0)
		buffer[0] = '\0';
	while (node >= 0) {
		int last = node;
		size_t room;

		while (numamig_nodes_has(nodes, last + 1))
			last++;
		room = (size_t)length < size ? size - (size_t)length : 0;
		if (last == node)
			length += snprintf(buffer + (room ? length : 0), room, "%s%d",
					   length ? "," : "", node);
		else
			length += snprintf(buffer + (room ? length : 0), room, "%s%d-%d",
					   length ? "," : "", node, last);
		node = numamig_nodes_next(nodes, last);
	}
	return length;
}

int numamig_nodes_parse_kernel_list(const char *text, struct numamig_nodes *nodes)
{
	const char *cursor = text;

	numamig_nodes_clear(nodes);
	while (*cursor && *cursor != '\n') {
		char *end;
		long first = strtol(cursor, &end, 10);
		long last = first;

		if (end == cursor || first < 0 || first >= NUMAMIG_MAX_NODES)
			return -EINVAL;
		cursor = end;
		if (*cursor == '-') {
			last = strtol(cursor + 1, &end, 10);
			if (end == cursor + 1 || last < first || last >= NUMAMIG_MAX_NODES)
				return -EINVAL;
			cursor = end;
		}
		for (long node = first; node <= last; node++)
			numamig_nodes_add(nodes, (int)node);
		if (*cursor == ',')
			cursor++;
		else if (*cursor && *cursor != '\n')
			return -EINVAL;
	}
	return 0;
}
