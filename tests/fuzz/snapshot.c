/*
 * libFuzzer target: a snapshot file (numamaps --save), parsed and, when
 * valid, written back out.
 */
#include <stdint.h>
#include <stdio.h>

#include "numamig.h"
#include "snapshot.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *sink;
	struct numamig_error error = { 0 };
	struct snapshot *snapshot = NULL;

	if (!sink)
		sink = fopen("/dev/null", "w");
	if (snapshot_parse((const char *)data, size, &snapshot, &error) == 0 && sink)
		snapshot_write(sink, snapshot);
	snapshot_free(snapshot);
	return 0;
}
