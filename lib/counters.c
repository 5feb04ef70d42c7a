/* System-wide migration counters from /proc/vmstat. Older kernels lack
 * some (thp_migration_* came in 4.14): those stay 0. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "numamig.h"
#include "sysroot.h"
#include "text.h"

static uint64_t *counter_named(struct numamig_counters *counters, const char *name,
			       size_t length)
{
	const struct {
		const char *name;
		uint64_t *value;
	} known[] = {
		{ "pgmigrate_success", &counters->pgmigrate_success },
		{ "pgmigrate_fail", &counters->pgmigrate_fail },
		{ "thp_migration_success", &counters->thp_migration_success },
		{ "thp_migration_fail", &counters->thp_migration_fail },
		{ "thp_migration_split", &counters->thp_migration_split },
		{ "numa_pages_migrated", &counters->numa_pages_migrated },
	};

	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (strlen(known[i].name) == length && memcmp(known[i].name, name, length) == 0)
			return known[i].value;
	return NULL;
}

int numamig_counters_read(const char *sysroot, struct numamig_counters *counters,
			  struct numamig_error *error)
{
	struct text_lines lines;
	const char *line;
	size_t length, text_length;
	char *text;
	int result;

	memset(counters, 0, sizeof(*counters));
	result = sysroot_read(sysroot, &text, &text_length, error, "proc/vmstat");
	if (result < 0)
		return result;
	text_lines_init(&lines, text, text_length);
	while (text_lines_next(&lines, &line, &length, NULL)) {
		const char *space = memchr(line, ' ', length);
		uint64_t *value;

		if (!space)
			continue;
		value = counter_named(counters, line, (size_t)(space - line));
		if (value && !text_parse_u64(space + 1, length - (size_t)(space + 1 - line), value)) {
			char path[4096];

			sysroot_path(path, sizeof(path), sysroot, "proc/vmstat");
			result = numamig_error_set(error, -EINVAL, "cannot parse '%s': line %u: '%.*s'",
						   path, lines.number, (int)length, line);
			break;
		}
	}
	free(text);
	if (result < 0)
		memset(counters, 0, sizeof(*counters));
	return result;
}

void numamig_counters_delta(const struct numamig_counters *before,
			    const struct numamig_counters *after, struct numamig_counters *delta)
{
	delta->pgmigrate_success = after->pgmigrate_success - before->pgmigrate_success;
	delta->pgmigrate_fail = after->pgmigrate_fail - before->pgmigrate_fail;
	delta->thp_migration_success = after->thp_migration_success - before->thp_migration_success;
	delta->thp_migration_fail = after->thp_migration_fail - before->thp_migration_fail;
	delta->thp_migration_split = after->thp_migration_split - before->thp_migration_split;
	delta->numa_pages_migrated = after->numa_pages_migrated - before->numa_pages_migrated;
}
