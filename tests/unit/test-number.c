/* The numbers users give (lib/number.c): strict, and safe from overflow. */
#include "config.h"

#include <errno.h>

#include "numamig.h"
#include "tap.h"

static void test_counts(void)
{
	uint64_t value = 0;

	is_int(numamig_number_parse("42", 1, 256, &value), 0, "count: 42");
	is_u64(value, 42, "count: 42's value");
	is_int(numamig_number_parse("256", 1, 256, &value), 0, "count: the maximum");
	is_int(numamig_number_parse("257", 1, 256, &value), -ERANGE, "count: above the maximum");
	is_int(numamig_number_parse("0", 1, 256, &value), -ERANGE, "count: below the minimum");
	is_int(numamig_number_parse("18446744073709551616", 0, UINT64_MAX, &value), -ERANGE,
	       "count: 2^64 overflows");
	is_int(numamig_number_parse("18446744073709551615", 0, UINT64_MAX, &value), 0,
	       "count: 2^64 - 1 fits");
	for (const char *const *bad = (const char *const[]){ "", " 1", "1 ", "+1", "-1", "1x", "0x10",
							     "1.0", "1e3", NULL };
	     *bad; bad++)
		is_int(numamig_number_parse(*bad, 0, UINT64_MAX, &value), -EINVAL,
		       "count: '%s' is malformed", *bad);
}

static void test_sizes_and_rates(void)
{
	uint64_t bytes = 0;

	is_int(numamig_size_parse("4M", &bytes), 0, "size: 4M");
	is_u64(bytes, UINT64_C(4) << 20, "size: 4M in bytes");
	is_int(numamig_size_parse("0x10K", &bytes), 0, "size: 0x10K");
	is_u64(bytes, 16384, "size: 0x10K in bytes");
	is_int(numamig_size_parse("16777216T", &bytes), -ERANGE, "size: 16777216T is 2^64: too large");
	is_int(numamig_size_parse("16777215T", &bytes), 0, "size: 16777215T fits");
	is_int(numamig_size_parse("2KiB", &bytes), 0, "size: KiB");
	is_int(numamig_size_parse("2Kb", &bytes), -EINVAL, "size: Kb is not a unit");
	is_int(numamig_size_parse("-1", &bytes), -EINVAL, "size: no sign");
	is_int(numamig_rate_parse("50M/s", &bytes), 0, "rate: 50M/s");
	is_u64(bytes, UINT64_C(50) << 20, "rate: 50M/s in bytes");
	is_int(numamig_rate_parse("50M", &bytes), 0, "rate: 50M");
	is_int(numamig_rate_parse("0/s", &bytes), -ERANGE, "rate: 0 is out of bounds");
	is_int(numamig_rate_parse("/s", &bytes), -EINVAL, "rate: no number");
	is_int(numamig_rate_parse("50M/m", &bytes), -EINVAL, "rate: per second only");
}

static void test_durations(void)
{
	static const struct {
		const char *text;
		uint64_t nanoseconds;
	} good[] = {
		{ "500ms", UINT64_C(500000000) },
		{ "10s", UINT64_C(10000000000) },
		{ "2m", UINT64_C(120000000000) },
		{ "3", UINT64_C(3000000000) },
		{ "0.2", UINT64_C(200000000) },
		{ "1.5m", UINT64_C(90000000000) },
		{ "0.25ms", UINT64_C(250000) },
		{ "0.123456789123", UINT64_C(123456789) },
	};
	uint64_t nanoseconds;

	for (size_t index = 0; index < sizeof(good) / sizeof(good[0]); index++) {
		nanoseconds = 0;
		if (is_int(numamig_duration_parse(good[index].text, &nanoseconds), 0, "duration: '%s'",
			   good[index].text))
			is_u64(nanoseconds, good[index].nanoseconds, "duration: '%s' in nanoseconds",
			       good[index].text);
	}
	for (const char *const *bad = (const char *const[]){ "", "ms", "1h", "1 s", " 1", "-1", "1e9",
							     "nan", "inf", "1.", ".5", "1.5.5", "5sec",
							     NULL };
	     *bad; bad++)
		is_int(numamig_duration_parse(*bad, &nanoseconds), -EINVAL,
		       "duration: '%s' is malformed", *bad);
	is_int(numamig_duration_parse("0", &nanoseconds), -ERANGE, "duration: 0 is out of bounds");
	is_int(numamig_duration_parse("0ms", &nanoseconds), -ERANGE, "duration: so is 0ms");
	is_int(numamig_duration_parse("307445734562m", &nanoseconds), -ERANGE,
	       "duration: past 2^64 nanoseconds");
	is_int(numamig_duration_parse("18446744073709551616", &nanoseconds), -ERANGE,
	       "duration: past 2^64 seconds");
}

static void test_pids(void)
{
	pid_t *pids = NULL;
	size_t count = 0;

	is_int(numamig_pids_parse("42", &pids, &count), 0, "PIDs: one");
	is_int(numamig_pids_parse("43,44", &pids, &count), 0, "PIDs: a list, appended");
	ok(count == 3 && pids[0] == 42 && pids[1] == 43 && pids[2] == 44, "PIDs: 42, 43, 44");
	free(pids);
	for (const char *const *bad = (const char *const[]){ "", ",", "1,", ",1", "1,,2", "x", "1 ",
							     "-1", NULL };
	     *bad; bad++) {
		pids = NULL;
		count = 0;
		is_int(numamig_pids_parse(*bad, &pids, &count), -EINVAL, "PIDs: '%s' is malformed",
		       *bad);
		free(pids);
	}
	pids = NULL;
	is_int(numamig_pids_parse("0", &pids, &count), -ERANGE, "PIDs: 0 is none");
	is_int(numamig_pids_parse("2147483648", &pids, &count), -ERANGE, "PIDs: past INT_MAX");
	free(pids);
}

int main(void)
{
	test_counts();
	test_sizes_and_rates();
	test_durations();
	test_pids();
	return tap_done();
}
