/*
 * libFuzzer target: numa_maps text, then after the first NUL byte (if
 * any) /proc/PID/maps text merged into what was parsed.
 */
#include <stdint.h>
#include <string.h>

#include "numamig.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	const char *separator = memchr(text, '\0', size);
	size_t numa_maps_length = separator ? (size_t)(separator - text) : size;
	struct numamig_error error = { 0 };
	struct numamig_memory_map *map = NULL;

	if (numamig_numa_maps_parse(text, numa_maps_length, &map, &error) == 0) {
		if (separator)
			numamig_memory_map_add_maps(map, separator + 1, size - numa_maps_length - 1,
						    &error);
		numamig_memory_map_free(map);
	}
	return 0;
}
