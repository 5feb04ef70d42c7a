/*
 * /proc/PID/maps joined to numa_maps by start address: it gives each
 * mapping its end, its permissions and its name. Both files list the same
 * VMAs in the same order, but they are read one after the other, so a
 * VMA made or split in between may be in one and not the other: such
 * lines are left as they are (a numa_maps mapping without maps keeps
 * end 0 and no permissions; a maps line without numa_maps is skipped).
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mapping.h"
#include "numamig.h"
#include "text.h"

struct maps_line {
	uint64_t start;
	uint64_t end;
	char permissions[5];
	const char *name;	/* into the text; name_length 0 when none */
	size_t name_length;
};

static const char *skip_blanks(const char *cursor, const char *end)
{
	while (cursor < end && *cursor == ' ')
		cursor++;
	return cursor;
}

static const char *word_end(const char *cursor, const char *end)
{
	while (cursor < end && *cursor != ' ')
		cursor++;
	return cursor;
}

static int line_error(unsigned number, const char *what, const char *word, size_t length,
		      struct numamig_error *error)
{
	char quoted[256];

	return numamig_error_set(error, -EINVAL, "line %u: %s '%s'", number, what,
				 text_printable(word, length, quoted, sizeof(quoted)));
}

/* "START-END PERMS OFFSET MAJOR:MINOR INODE   NAME" */
static int parse_maps_line(const char *line, size_t length, unsigned number,
			   struct maps_line *parsed, struct numamig_error *error)
{
	const char *end = line + length;
	const char *dash = memchr(line, '-', length);
	const char *cursor = word_end(line, end);
	const char *word;

	if (!dash || dash > cursor || !text_parse_hex(line, (size_t)(dash - line), &parsed->start) ||
	    !text_parse_hex(dash + 1, (size_t)(cursor - dash - 1), &parsed->end) ||
	    parsed->end <= parsed->start)
		return line_error(number, "bad address range", line, (size_t)(cursor - line), error);
	word = skip_blanks(cursor, end);
	cursor = word_end(word, end);
	if (cursor - word != 4 || !strchr("r-", word[0]) || !strchr("w-", word[1]) ||
	    !strchr("x-", word[2]) || !strchr("ps", word[3]))
		return line_error(number, "bad permissions", word, (size_t)(cursor - word), error);
	memcpy(parsed->permissions, word, 4);
	parsed->permissions[4] = '\0';
	/* offset, device, inode */
	for (int field = 0; field < 3; field++) {
		word = skip_blanks(cursor, end);
		cursor = word_end(word, end);
		if (cursor == word)
			return line_error(number, "truncated line", line, length, error);
	}
	parsed->name = skip_blanks(cursor, end);
	parsed->name_length = (size_t)(end - parsed->name);
	return 0;
}

struct numamig_mapping *mapping_find(const struct numamig_memory_map *map, uint64_t start)
{
	size_t low = 0, high = map->count;

	while (low < high) {
		size_t middle = low + (high - low) / 2;

		if (map->mappings[middle].start == start)
			return &map->mappings[middle];
		if (map->mappings[middle].start < start)
			low = middle + 1;
		else
			high = middle;
	}
	return NULL;
}

static int join(struct numamig_mapping *mapping, const struct maps_line *line,
		struct numamig_error *error)
{
	mapping->end = line->end;
	memcpy(mapping->permissions, line->permissions, sizeof(mapping->permissions));
	free(mapping->name);
	mapping->name = NULL;
	if (line->name_length) {
		mapping->name = mapping_unescape(line->name, line->name_length);
		if (!mapping->name)
			return numamig_error_set(error, -ENOMEM, "out of memory");
	}
	mapping_classify(mapping);
	return 0;
}

int numamig_memory_map_add_maps(struct numamig_memory_map *map, const char *text, size_t length,
				struct numamig_error *error)
{
	struct text_lines lines;
	const char *line;
	size_t line_length;
	bool complete;

	text_lines_init(&lines, text, length);
	while (text_lines_next(&lines, &line, &line_length, &complete)) {
		struct maps_line parsed;
		struct numamig_mapping *mapping;
		int result;

		if (!complete)
			return line_error(lines.number, "truncated line", line, line_length, error);
		result = parse_maps_line(line, line_length, lines.number, &parsed, error);
		if (result < 0)
			return result;
		mapping = mapping_find(map, parsed.start);
		if (mapping) {
			result = join(mapping, &parsed, error);
			if (result < 0)
				return result;
		}
	}
	return 0;
}
