/*
 * libFuzzer target: a RANGE argument (and the same text as a size)
 * against the mappings of a small fixed process.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "numamig.h"

static const char numa_maps[] =
	"55d0c0a00000 default file=/usr/bin/sleep mapped=2 N0=2 kernelpagesize_kB=4\n"
	"55d0c1000000 default heap anon=3 dirty=3 N0=3 kernelpagesize_kB=4\n"
	"7f0000000000 default anon=512 dirty=512 N1=512 kernelpagesize_kB=4\n"
	"7ffd00000000 default stack anon=2 dirty=2 N0=2 kernelpagesize_kB=4\n";
static const char maps[] =
	"55d0c0a00000-55d0c0a02000 r--p 00000000 08:01 1 /usr/bin/sleep\n"
	"55d0c1000000-55d0c1021000 rw-p 00000000 00:00 0 [heap]\n"
	"7f0000000000-7f0000200000 rw-p 00000000 00:00 0\n"
	"7ffd00000000-7ffd00021000 rw-p 00000000 00:00 0 [stack]\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct numamig_memory_map *map;
	struct numamig_error error = { 0 };
	struct numamig_range *ranges = NULL;
	size_t count = 0;
	uint64_t bytes;
	char *text;

	if (!map && (numamig_numa_maps_parse(numa_maps, strlen(numa_maps), &map, &error) < 0 ||
		     numamig_memory_map_add_maps(map, maps, strlen(maps), &error) < 0))
		abort();
	text = strndup((const char *)data, size);
	if (!text)
		return 0;
	numamig_ranges_add(text, map, 4096, &ranges, &count, &error);
	numamig_size_parse(text, &bytes);
	free(ranges);
	free(text);
	return 0;
}
