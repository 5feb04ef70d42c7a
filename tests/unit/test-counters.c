/* Migration counters from proc/vmstat (lib/counters.c). */
#include "config.h"

#include <errno.h>

#include "numamig.h"
#include "tap.h"

static void test_four_nodes(void)
{
	struct numamig_counters counters;
	struct numamig_error error = { 0 };

	if (!is_int(numamig_counters_read(fixture("sysroot/four-nodes"), &counters, &error), 0,
		    "four-nodes vmstat read"))
		diag("%s", error.message);
	is_u64(counters.pgmigrate_success, 123456, "pgmigrate_success");
	is_u64(counters.pgmigrate_fail, 78, "pgmigrate_fail");
	is_u64(counters.thp_migration_success, 200, "thp_migration_success");
	is_u64(counters.thp_migration_fail, 3, "thp_migration_fail");
	is_u64(counters.thp_migration_split, 1, "thp_migration_split");
	is_u64(counters.numa_pages_migrated, 4242, "numa_pages_migrated");
}

static void test_old_kernel(void)
{
	struct numamig_counters counters;

	is_int(numamig_counters_read(fixture("vmstat/old-kernel"), &counters, NULL), 0,
	       "a vmstat without thp_migration_* reads");
	is_u64(counters.pgmigrate_success, 77, "old kernel: pgmigrate_success");
	ok(counters.thp_migration_success == 0 && counters.thp_migration_fail == 0 &&
	   counters.thp_migration_split == 0 && counters.numa_pages_migrated == 0,
	   "old kernel: absent counters are 0");
}

static void test_errors(void)
{
	struct numamig_counters counters;
	struct numamig_error error = { 0 };

	is_int(numamig_counters_read(fixture("vmstat/broken"), &counters, &error), -EINVAL,
	       "a value that is no number is refused");
	ok(strstr(error.message, "cannot parse '") &&
	   strstr(error.message, "/proc/vmstat': line 3: 'pgmigrate_fail many'"),
	   "broken vmstat message: %s", error.message);
	is_u64(counters.pgmigrate_success, 0, "no half-read counters on failure");
	is_int(numamig_counters_read(fixture("vmstat/none"), &counters, &error), -ENOENT,
	       "a missing vmstat is -ENOENT");
	ok(strstr(error.message, "cannot read '") && strstr(error.message, "no such file"),
	   "missing vmstat message: %s", error.message);
}

static void test_delta(void)
{
	struct numamig_counters before = { 10, 1, 2, 0, 0, 5 };
	struct numamig_counters after = { 1034, 3, 4, 1, 1, 5 };
	struct numamig_counters delta;

	numamig_counters_delta(&before, &after, &delta);
	ok(delta.pgmigrate_success == 1024 && delta.pgmigrate_fail == 2 &&
	   delta.thp_migration_success == 2 && delta.thp_migration_fail == 1 &&
	   delta.thp_migration_split == 1 && delta.numa_pages_migrated == 0,
	   "delta field by field");
}

static void test_live(void)
{
	struct numamig_counters counters;
	struct numamig_error error = { 0 };

	if (!is_int(numamig_counters_read(NULL, &counters, &error), 0, "live vmstat read"))
		diag("%s", error.message);
}

int main(void)
{
	test_four_nodes();
	test_old_kernel();
	test_errors();
	test_delta();
	test_live();
	return tap_done();
}
