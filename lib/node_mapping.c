/*
 * Where migrate_pages(2) sends the pages of each node, as mm/mempolicy.c
 * do_migrate_pages() decides it.
 *
 * The kernel moves one <source, destination> pair of nodes at a time, in
 * an order chosen so that a node's pages leave before others arrive; a
 * page that arrived on a node still waiting for its turn would move again.
 * Because the node remap keeps the order of the nodes, that never happens:
 * every page goes straight to its remapped node (tests/unit checks this
 * against the kernel's step-by-step order for every pair of sets of up to
 * eight nodes).
 */
#include "config.h"

#include "numamig.h"

/* The kernel's node_remap(): the n-th node of 'from' becomes the
 * (n mod weight(to))-th node of 'to'. */
static int remap(const struct numamig_nodes *from, const struct numamig_nodes *to, int node)
{
	int ordinal = 0;

	for (int before = numamig_nodes_next(from, -1); before < node;
	     before = numamig_nodes_next(from, before))
		ordinal++;
	return numamig_nodes_nth(to, ordinal % numamig_nodes_count(to));
}

int numamig_nodes_map_target(const struct numamig_nodes *from, const struct numamig_nodes *to,
			     int node)
{
	int target;

	if (!numamig_nodes_has(from, node) || numamig_nodes_empty(to))
		return -1;
	/* With sets of different sizes the relative layout cannot be kept,
	 * so a source node that is also a target keeps its pages. */
	if (numamig_nodes_count(from) != numamig_nodes_count(to) && numamig_nodes_has(to, node))
		return -1;
	target = remap(from, to, node);
	return target == node ? -1 : target;
}
