/*
 * RANGE arguments: "START-END", "START+LENGTH", or a mapping by name.
 * Numbers are parsed by hand, not with strtoull, which would accept
 * blanks, signs and a wrapped-around "-1".
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "number.h"
#include "numamig.h"

#define FORMS_HINT "give START-END or START+LENGTH in hex, [heap], [stack], anon, a file path or a basename"

static int parse_address(const char **cursor, uint64_t *address)
{
	if ((*cursor)[0] == '0' && ((*cursor)[1] == 'x' || (*cursor)[1] == 'X'))
		*cursor += 2;
	return number_digits(cursor, 16, address);
}

/* [text, end) is hex digits, after an optional "0x". */
static bool is_hex(const char *text, const char *end)
{
	if (text[0] == '0' && (text[1] == 'x' || text[1] == 'X'))
		text += 2;
	if (text >= end)
		return false;
	for (; text < end; text++)
		if (!isxdigit((unsigned char)*text))
			return false;
	return true;
}

/* "0x...", "START-END" with both sides hex, or hex before a '+': an
 * address range; anything else names a mapping ("libc-2.36.so" among
 * them). */
static bool looks_like_addresses(const char *text)
{
	const char *plus = strchr(text, '+');
	const char *minus = strchr(text, '-');

	if (text[0] == '0' && (text[1] == 'x' || text[1] == 'X'))
		return true;
	if (plus && is_hex(text, plus))
		return true;
	return minus && is_hex(text, minus) && is_hex(minus + 1, minus + strlen(minus));
}

static int append(struct numamig_range **ranges, size_t *count, uint64_t start, uint64_t end)
{
	struct numamig_range *grown = realloc(*ranges, (*count + 1) * sizeof(**ranges));

	if (!grown)
		return -ENOMEM;
	grown[*count].start = start;
	grown[*count].end = end;
	*ranges = grown;
	(*count)++;
	return 0;
}

static int parse_addresses(const char *text, const struct numamig_memory_map *map,
			   uint64_t page_size, struct numamig_range **ranges, size_t *count,
			   struct numamig_error *error)
{
	const char *cursor = text;
	uint64_t start, end, length;
	bool touches = false;
	int rc = parse_address(&cursor, &start);

	if (rc == 0 && *cursor == '-') {
		cursor++;
		rc = parse_address(&cursor, &end);
		if (rc == 0 && *cursor != '\0')
			rc = -EINVAL;
	} else if (rc == 0 && *cursor == '+') {
		rc = numamig_size_parse(cursor + 1, &length);
		if (rc == 0 && length > UINT64_MAX - start)
			return numamig_error_set(error, -ERANGE,
						 "range '%s': start plus length overflows", text);
		end = start + length;
	} else if (rc == 0) {
		rc = -EINVAL;
	}
	if (rc == -ERANGE)
		return numamig_error_set(error, rc, "range '%s': number too large for 64 bits", text);
	if (rc < 0)
		return numamig_error_set(error, rc, "range '%s' is not valid (%s)", text, FORMS_HINT);
	if (end < start)
		return numamig_error_set(error, -EINVAL,
					 "range '%s': end before start (START-END wants START first)", text);
	if (end == start)
		return numamig_error_set(error, -EINVAL, "range '%s' is empty", text);

	start -= start % page_size;
	if (end % page_size) {
		if (end > UINT64_MAX - (page_size - end % page_size))
			return numamig_error_set(error, -ERANGE,
						 "range '%s': end overflows when rounded up to a page", text);
		end += page_size - end % page_size;
	}
	for (size_t index = 0; map && index < map->count; index++)
		if (map->mappings[index].start < end && map->mappings[index].end > start)
			touches = true;
	if (map && !touches)
		return numamig_error_set(error, -ENOENT,
					 "range '%s' covers no mapping of the process",
					 text);
	if (append(ranges, count, start, end) < 0)
		return numamig_error_set(error, -ENOMEM, "out of memory");
	return 0;
}

static bool mapping_named(const struct numamig_mapping *mapping, const char *name)
{
	const char *slash;

	if (strcmp(name, "[heap]") == 0)
		return mapping->type == NUMAMIG_MAPPING_HEAP;
	if (strcmp(name, "[stack]") == 0)
		return mapping->type == NUMAMIG_MAPPING_STACK;
	if (strcmp(name, "anon") == 0)
		return mapping->type == NUMAMIG_MAPPING_ANON;
	if (!mapping->path)
		return false;
	if (strchr(name, '/'))
		return strcmp(mapping->path, name) == 0;
	slash = strrchr(mapping->path, '/');
	return strcmp(slash ? slash + 1 : mapping->path, name) == 0;
}

static int parse_mapping_name(const char *text, const struct numamig_memory_map *map,
			      struct numamig_range **ranges, size_t *count,
			      struct numamig_error *error)
{
	bool found = false;

	for (size_t index = 0; map && index < map->count; index++) {
		const struct numamig_mapping *mapping = &map->mappings[index];

		if (mapping->end <= mapping->start || !mapping_named(mapping, text))
			continue;
		if (append(ranges, count, mapping->start, mapping->end) < 0)
			return numamig_error_set(error, -ENOMEM, "out of memory");
		found = true;
	}
	if (!found)
		return numamig_error_set(error, -ENOENT, "no mapping named '%s' (%s)", text, FORMS_HINT);
	return 0;
}

int numamig_ranges_add(const char *text, const struct numamig_memory_map *map,
		       uint64_t page_size, struct numamig_range **ranges, size_t *count,
		       struct numamig_error *error)
{
	if (!text || *text == '\0')
		return numamig_error_set(error, -EINVAL, "empty range (%s)", FORMS_HINT);
	if (page_size == 0)
		page_size = 1;
	if (looks_like_addresses(text))
		return parse_addresses(text, map, page_size, ranges, count, error);
	return parse_mapping_name(text, map, ranges, count, error);
}
