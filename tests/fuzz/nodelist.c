/*
 * libFuzzer target: a node list in numactl's syntax against the
 * four-node fixture topology ($NUMAMIG_FUZZ_SYSROOT), with and without an
 * allowed set, and the same text as a kernel list (Mems_allowed_list).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "numamig.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct numamig_topology *topology;
	struct numamig_error error = { 0 };
	struct numamig_nodes nodes, allowed;
	char formatted[256];
	char *text;

	if (!topology) {
		const char *sysroot = getenv("NUMAMIG_FUZZ_SYSROOT");

		if (!sysroot || numamig_topology_load(sysroot, &topology, &error) < 0)
			abort();
	}
	text = strndup((const char *)data, size);
	if (!text)
		return 0;
	if (numamig_nodelist_parse(topology, text, NULL, &nodes, &error) == 0)
		numamig_nodes_format(&nodes, formatted, sizeof(formatted));
	numamig_nodes_clear(&allowed);
	numamig_nodes_add(&allowed, 0);
	numamig_nodes_add(&allowed, 2);
	numamig_nodelist_parse(topology, text, &allowed, &nodes, &error);
	if (numamig_nodes_parse_kernel_list(text, &nodes) == 0)
		numamig_nodes_format(&nodes, formatted, sizeof(formatted));
	free(text);
	return 0;
}
