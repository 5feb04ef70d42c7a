/*
 * Where migrate_pages(2) sends the pages of each node, computed the way
 * mm/mempolicy.c do_migrate_pages() does it.
 *
 * The kernel does not move every page straight to its final node: it picks
 * one <source, destination> pair at a time, moves everything on the source
 * node, takes the source out of the remaining set, and repeats. A page that
 * lands on a node still waiting for its turn moves again when that node's
 * turn comes. So the answer is the composition of the kernel's steps, in the
 * kernel's order, not just the n-th-bit remap.
 */
#include "config.h"

#include "numamig.h"

struct step {
	int source;
	int destination;
};

/* The kernel's node_remap(): the n-th node of 'from' becomes the
 * (n mod weight(to))-th node of 'to'; nodes outside 'from' keep their id. */
static int remap(const struct numamig_nodes *from, const struct numamig_nodes *to, int node)
{
	int weight = numamig_nodes_count(to);
	int ordinal = 0;

	if (weight == 0 || !numamig_nodes_has(from, node))
		return node;
	for (int before = numamig_nodes_next(from, -1); before < node;
	     before = numamig_nodes_next(from, before))
		ordinal++;
	return numamig_nodes_nth(to, ordinal % weight);
}

/*
 * One round of the kernel's scan over the nodes not yet moved: the last
 * pair that moves anything, or the first whose destination is not itself
 * waiting to be moved (so incoming pages do not pile onto a node before its
 * own pages have left). False when nothing is left worth moving.
 */
static bool next_step(const struct numamig_nodes *from, const struct numamig_nodes *to,
		      const struct numamig_nodes *remaining, struct step *step)
{
	/* With sets of different sizes the relative layout cannot be kept,
	 * so a source node that is also a destination keeps its pages. */
	bool skip_targets = numamig_nodes_count(from) != numamig_nodes_count(to);
	bool found = false;

	for (int source = numamig_nodes_next(remaining, -1); source >= 0;
	     source = numamig_nodes_next(remaining, source)) {
		int destination;

		if (skip_targets && numamig_nodes_has(to, source))
			continue;
		destination = remap(from, to, source);
		if (destination == source)
			continue;
		step->source = source;
		step->destination = destination;
		found = true;
		if (!numamig_nodes_has(remaining, destination))
			break;
	}
	return found;
}

int numamig_nodes_map_target(const struct numamig_nodes *from, const struct numamig_nodes *to,
			     int node)
{
	struct numamig_nodes remaining = *from;
	struct step step;
	int location = node;

	while (next_step(from, to, &remaining, &step)) {
		numamig_nodes_remove(&remaining, step.source);
		if (step.source == location)
			location = step.destination;
	}
	return location == node ? -1 : location;
}
