/* RANGE arguments and sizes (lib/range.c) against a made-up memory map. */
#include "config.h"

#include <errno.h>

#include "numamig.h"
#include "tap.h"

#define PAGE 4096

static struct numamig_mapping mappings[] = {
	{ .start = 0x400000, .end = 0x401000, .type = NUMAMIG_MAPPING_FILE, .path = "/usr/bin/worker" },
	{ .start = 0x1000000, .end = 0x1021000, .type = NUMAMIG_MAPPING_HEAP },
	{ .start = 0x7f0000000000, .end = 0x7f0000200000, .type = NUMAMIG_MAPPING_ANON },
	{ .start = 0x7f0000400000, .end = 0x7f0000600000, .type = NUMAMIG_MAPPING_ANON },
	{ .start = 0x7f1000000000, .end = 0x7f1000100000, .type = NUMAMIG_MAPPING_FILE,
	  .path = "/usr/lib/x86_64-linux-gnu/libc-2.36.so" },
	{ .start = 0x7f2000000000, .end = 0x7f2000001000, .type = NUMAMIG_MAPPING_FILE,
	  .path = "/tmp/with space" },
	{ .start = 0x7ffc00000000, .end = 0x7ffc00021000, .type = NUMAMIG_MAPPING_STACK },
};
static struct numamig_memory_map map = { sizeof(mappings) / sizeof(mappings[0]), mappings };

/* Parses text alone; "START-END" of what it selected, or "error CODE: MESSAGE". */
static const char *parse(const char *text)
{
	static char got[1024];
	struct numamig_range *ranges = NULL;
	struct numamig_error error = { 0 };
	size_t count = 0, length = 0;
	int rc = numamig_ranges_add(text, &map, PAGE, &ranges, &count, &error);

	got[0] = '\0';
	if (rc < 0)
		snprintf(got, sizeof(got), "error %d: %s", rc, error.message);
	for (size_t index = 0; rc == 0 && index < count; index++)
		length += (size_t)snprintf(got + length, sizeof(got) - length, "%s%" PRIx64 "-%" PRIx64,
					   index ? " " : "", ranges[index].start, ranges[index].end);
	free(ranges);
	return got;
}

static void accepts(const char *text, const char *expected)
{
	is_string(parse(text), expected, "'%s' selects %s", text, expected);
}

/* The error code, and a piece of the message the user sees. */
static void refuses(const char *text, int code, const char *message)
{
	const char *got = parse(text);
	char prefix[32];

	snprintf(prefix, sizeof(prefix), "error %d: ", code);
	ok(strncmp(got, prefix, strlen(prefix)) == 0 && strstr(got, message), "'%s' refused: %s",
	   text, message);
	if (strncmp(got, prefix, strlen(prefix)) != 0 || !strstr(got, message))
		diag("got '%s'", got);
}

static void sizes(void)
{
	static const struct {
		const char *text;
		int code;
		uint64_t bytes;
	} cases[] = {
		{ "4096", 0, 4096 },
		{ "4K", 0, 4096 },
		{ "4k", 0, 4096 },
		{ "4KiB", 0, 4096 },
		{ "4KB", 0, 4096 },
		{ "256M", 0, UINT64_C(256) << 20 },
		{ "1G", 0, UINT64_C(1) << 30 },
		{ "2T", 0, UINT64_C(2) << 40 },
		{ "0x10", 0, 16 },
		{ "0x2M", 0, UINT64_C(2) << 20 },
		{ "18446744073709551615", 0, UINT64_MAX },
		{ "18446744073709551616", -ERANGE, 0 },
		{ "16777216T", -ERANGE, 0 },
		{ "", -EINVAL, 0 },
		{ "K", -EINVAL, 0 },
		{ "1.5M", -EINVAL, 0 },
		{ "4 K", -EINVAL, 0 },
		{ "-4K", -EINVAL, 0 },
		{ "4P", -EINVAL, 0 },
		{ "4Kx", -EINVAL, 0 },
	};

	for (size_t index = 0; index < sizeof(cases) / sizeof(cases[0]); index++) {
		uint64_t bytes = 0;
		int rc = numamig_size_parse(cases[index].text, &bytes);

		if (cases[index].code)
			is_int(rc, cases[index].code, "size '%s' refused", cases[index].text);
		else
			ok(rc == 0 && bytes == cases[index].bytes, "size '%s' is %" PRIu64,
			   cases[index].text, cases[index].bytes);
	}
}

int main(void)
{
	struct numamig_range *ranges = NULL;
	size_t count = 0;

	/* START-END as /proc/PID/maps prints it */
	accepts("7f0000000000-7f0000200000", "7f0000000000-7f0000200000");
	accepts("0x7f0000000000-0x7f0000100000", "7f0000000000-7f0000100000");
	accepts("7F0000000000-7F0000001000", "7f0000000000-7f0000001000");
	/* rounded out to pages */
	accepts("7f0000000010-7f0000001001", "7f0000000000-7f0000002000");
	/* parts no mapping covers are kept: the engine reports them */
	accepts("7f00001ff000-7f0000401000", "7f00001ff000-7f0000401000");

	/* START+LENGTH */
	accepts("7f0000000000+4K", "7f0000000000-7f0000001000");
	accepts("7f0000000000+2M", "7f0000000000-7f0000200000");
	accepts("0x7f0000000000+0x3000", "7f0000000000-7f0000003000");
	accepts("7f0000000000+1", "7f0000000000-7f0000001000");
	accepts("1000000+100", "1000000-1001000");

	/* mappings by name */
	accepts("[heap]", "1000000-1021000");
	accepts("[stack]", "7ffc00000000-7ffc00021000");
	accepts("anon", "7f0000000000-7f0000200000 7f0000400000-7f0000600000");
	accepts("worker", "400000-401000");
	accepts("/usr/bin/worker", "400000-401000");
	/* a '-' in a name does not make it an address range */
	accepts("libc-2.36.so", "7f1000000000-7f1000100000");
	accepts("with space", "7f2000000000-7f2000001000");

	/* errors, each with its reason */
	refuses("7f0000200000-7f0000000000", -EINVAL, "end before start");
	refuses("7f0000000000-7f0000000000", -EINVAL, "is empty");
	refuses("7f0000000000+0", -EINVAL, "is empty");
	refuses("ffffffffffffffff+2", -ERANGE, "overflows");
	refuses("fffffffffffff001-ffffffffffffffff", -ERANGE, "rounded up");
	refuses("10000000000000000-20000000000000000", -ERANGE, "too large");
	refuses("7f0000000000+99999999999999999999", -ERANGE, "too large");
	refuses("7f0000000000+4X", -EINVAL, "not valid");
	refuses("7f0000000000+", -EINVAL, "not valid");
	refuses("0x7f0000000000", -EINVAL, "not valid");
	refuses("100000000-100001000", -ENOENT, "covers no mapping");
	refuses("nosuchfile", -ENOENT, "no mapping named 'nosuchfile'");
	refuses("/usr/bin", -ENOENT, "no mapping named");
	refuses("[vdso]", -ENOENT, "[heap], [stack], anon");
	refuses("", -EINVAL, "empty range");

	/* ranges add up */
	ok(numamig_ranges_add("[heap]", &map, PAGE, &ranges, &count, NULL) == 0 &&
	   numamig_ranges_add("anon", &map, PAGE, &ranges, &count, NULL) == 0 && count == 3 &&
	   ranges[0].start == 0x1000000 && ranges[2].start == 0x7f0000400000,
	   "each range is appended to the ones before");
	ok(numamig_ranges_add("bad-range-", &map, PAGE, &ranges, &count, NULL) == -ENOENT &&
	   count == 3, "a refused range leaves the list as it was");
	free(ranges);

	sizes();
	return tap_done();
}
