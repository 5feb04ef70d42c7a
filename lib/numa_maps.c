/*
 * The /proc/PID/numa_maps parser: one mapping per line,
 * "ADDRESS POLICY [file=PATH|heap|stack] [huge] [COUNTERS] [N<node>=PAGES]...
 * [kernelpagesize_kB=SIZE]" (see KERNEL.md).
 *
 * The policy may hold a space ("prefer (many):1-2", "weighted
 * interleave:0-3"), so it runs from the address to the first field; a word
 * after its first one belongs to it when it is no field and looks like a
 * policy's rest ("(many)...", "interleave:..."), i.e. starts with '(' or
 * holds a ':'. Paths have their spaces escaped (\040), so after the policy
 * every space separates fields. Unknown "key=value" fields are skipped,
 * for kernels newer than this code.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "mapping.h"
#include "numamig.h"
#include "text.h"

const char *numamig_mapping_type_name(enum numamig_mapping_type type)
{
	switch (type) {
	case NUMAMIG_MAPPING_ANON:
		return "anon";
	case NUMAMIG_MAPPING_HEAP:
		return "heap";
	case NUMAMIG_MAPPING_STACK:
		return "stack";
	case NUMAMIG_MAPPING_FILE:
		return "file";
	case NUMAMIG_MAPPING_SHMEM:
		return "shmem";
	case NUMAMIG_MAPPING_HUGETLB:
		return "hugetlb";
	}
	return "unknown";
}

uint64_t numamig_mapping_node_bytes(const struct numamig_mapping *mapping, int node)
{
	for (size_t i = 0; i < mapping->node_count; i++)
		if (mapping->nodes[i].node == node)
			return mapping->nodes[i].pages * mapping->page_size;
	return 0;
}

uint64_t numamig_mapping_total_bytes(const struct numamig_mapping *mapping)
{
	uint64_t pages = 0;

	for (size_t i = 0; i < mapping->node_count; i++)
		pages += mapping->nodes[i].pages;
	return pages * mapping->page_size;
}

static bool has_prefix(const char *path, const char *prefix)
{
	return strncmp(path, prefix, strlen(prefix)) == 0;
}

/* Memory that lives in shmem/tmpfs whatever the path says. */
static bool is_shmem_path(const char *path)
{
	return strcmp(path, "/dev/zero (deleted)") == 0 || has_prefix(path, "/SYSV") ||
	       has_prefix(path, "/memfd:") || has_prefix(path, "/dev/shm/");
}

enum numamig_mapping_type mapping_type(bool huge, enum numamig_mapping_type location,
				       const char *path, bool shared)
{
	if (huge)
		return NUMAMIG_MAPPING_HUGETLB;
	if (location == NUMAMIG_MAPPING_HEAP || location == NUMAMIG_MAPPING_STACK)
		return location;
	if (path)
		return is_shmem_path(path) ? NUMAMIG_MAPPING_SHMEM : NUMAMIG_MAPPING_FILE;
	/* MAP_SHARED|MAP_ANONYMOUS memory is shmem, whatever it is called */
	return shared ? NUMAMIG_MAPPING_SHMEM : NUMAMIG_MAPPING_ANON;
}

void mapping_classify(struct numamig_mapping *mapping)
{
	mapping->type = mapping_type(mapping->huge, mapping->type, mapping->path,
				     mapping->permissions[3] == 's');
}

static bool is_octal(char c)
{
	return c >= '0' && c <= '7';
}

size_t mapping_unescape_into(char *out, const char *text, size_t length)
{
	size_t used = 0;

	for (size_t in = 0; in < length; in++) {
		if (text[in] == '\\' && in + 3 < length && is_octal(text[in + 1]) && is_octal(text[in + 2]) && is_octal(text[in + 3])) {
			out[used++] = (char)(((text[in + 1] - '0') << 6) | ((text[in + 2] - '0') << 3) |
					     (text[in + 3] - '0'));
			in += 3;
		} else
			out[used++] = text[in];
	}
	return used;
}

char *mapping_unescape(const char *text, size_t length)
{
	char *result = malloc(length + 1);

	if (result)
		result[mapping_unescape_into(result, text, length)] = '\0';
	return result;
}

/* One line being parsed: its words are read one at a time. */
struct line {
	const char *cursor;
	const char *end;
	unsigned number;
	struct numamig_error *error;
};

static bool next_word(struct line *line, const char **word, size_t *length)
{
	const char *cursor = line->cursor;

	while (cursor < line->end && *cursor == ' ')
		cursor++;
	if (cursor >= line->end)
		return false;
	*word = cursor;
	/* Printable bytes first, one test each: a line ends with '\n' (the
	 * reader takes only complete lines), which stops this loop at the end. */
	while ((unsigned char)*cursor > ' ')
		cursor++;
	while (cursor < line->end && *cursor != ' ')
		cursor++;
	line->cursor = cursor;
	*length = (size_t)(cursor - *word);
	return true;
}

static int line_error(struct line *line, const char *what, const char *word, size_t length)
{
	char quoted[256];

	return numamig_error_set(line->error, -EINVAL, "line %u: %s '%s'", line->number, what,
				 text_printable(word, length, quoted, sizeof(quoted)));
}

static bool word_is(const char *word, size_t length, const char *text)
{
	return strlen(text) == length && memcmp(word, text, length) == 0;
}

/* "N<digits>=": the length of the key with its '=', or 0. */
static size_t node_key_length(const char *word, size_t length)
{
	size_t i = 1;

	if (length < 3 || word[0] != 'N')
		return 0;
	while (i < length && word[i] >= '0' && word[i] <= '9')
		i++;
	return i > 1 && i < length && word[i] == '=' ? i + 1 : 0;
}

static uint64_t *counter(struct numamig_mapping *mapping, size_t index)
{
	uint64_t *counters[NUMA_MAPS_COUNTERS] = {
		&mapping->anon, &mapping->dirty, &mapping->mapped, &mapping->mapmax,
		&mapping->swapcache, &mapping->active, &mapping->writeback,
	};

	return counters[index];
}

/* The counter a key names, as numa_maps_line's counters are ordered; or -1. */
static int counter_index(const char *key, size_t length)
{
	switch (key[0]) {
	case 'a':
		return word_is(key, length, "anon") ? 0 : word_is(key, length, "active") ? 5 : -1;
	case 'd':
		return word_is(key, length, "dirty") ? 1 : -1;
	case 'm':
		return word_is(key, length, "mapped") ? 2 : word_is(key, length, "mapmax") ? 3 : -1;
	case 's':
		return word_is(key, length, "swapcache") ? 4 : -1;
	case 'w':
		return word_is(key, length, "writeback") ? 6 : -1;
	}
	return -1;
}

/* The key of a "key=value" word, when the word has one. */
static size_t key_length(const char *word, size_t length)
{
	const char *equals = memchr(word, '=', length);

	return equals ? (size_t)(equals - word) : 0;
}

static bool is_field(const char *word, size_t length)
{
	size_t key;

	if (word_is(word, length, "heap") || word_is(word, length, "stack") ||
	    word_is(word, length, "huge") || node_key_length(word, length))
		return true;
	key = key_length(word, length);
	return key && (word_is(word, key, "file") || word_is(word, key, "kernelpagesize_kB") ||
		       counter_index(word, key) >= 0);
}

/* A field of a newer kernel: "lowercase_key=value". */
static bool is_unknown_field(const char *word, size_t length)
{
	size_t key = key_length(word, length);

	if (!key || key + 1 == length)
		return false;
	for (size_t i = 0; i < key; i++)
		if (!((word[i] >= 'a' && word[i] <= 'z') || (word[i] >= 'A' && word[i] <= 'Z') ||
		      (word[i] >= '0' && word[i] <= '9') || word[i] == '_'))
			return false;
	return true;
}

static int add_node(struct line *line, struct numa_maps_line *parsed, const char *word,
		    size_t length, size_t key)
{
	uint64_t node, pages;

	if (!text_parse_u64(word + 1, key - 2, &node) || node >= NUMAMIG_MAX_NODES)
		return line_error(line, "bad node in", word, length);
	if (!text_parse_u64(word + key, length - key, &pages))
		return line_error(line, "bad node count", word, length);
	/* ascending and below NUMAMIG_MAX_NODES: nodes[] cannot overflow */
	if (parsed->node_count > 0 && parsed->nodes[parsed->node_count - 1].node >= (int)node)
		return line_error(line, "node out of order in", word, length);
	parsed->nodes[parsed->node_count].node = (int)node;
	parsed->nodes[parsed->node_count].pages = pages;
	parsed->node_count++;
	return 0;
}

/* Node counts first: they are the most frequent words. */
static int parse_field(struct line *line, struct numa_maps_line *parsed, const char *word,
		       size_t length, bool *counted)
{
	size_t node_key = node_key_length(word, length);
	size_t key;
	uint64_t value;
	int index;

	if (node_key) {
		*counted = true;
		return add_node(line, parsed, word, length, node_key);
	}
	if (word_is(word, length, "heap") || word_is(word, length, "stack")) {
		if (parsed->path || parsed->location != NUMAMIG_MAPPING_ANON)
			return line_error(line, "second location", word, length);
		parsed->location = word[0] == 'h' ? NUMAMIG_MAPPING_HEAP : NUMAMIG_MAPPING_STACK;
		return 0;
	}
	if (word_is(word, length, "huge")) {
		parsed->huge = true;
		return 0;
	}
	key = key_length(word, length);
	if (!key)
		return line_error(line, "unexpected", word, length);
	index = counter_index(word, key);
	if (index >= 0) {
		if (!text_parse_u64(word + key + 1, length - key - 1, &parsed->counters[index]))
			return line_error(line, "bad number in", word, length);
		*counted = true;
		return 0;
	}
	if (word_is(word, key, "file")) {
		if (parsed->path || parsed->location != NUMAMIG_MAPPING_ANON || key + 1 == length)
			return line_error(line, key + 1 == length ? "empty path in" : "second location",
					  word, length);
		parsed->path = word + key + 1;
		parsed->path_length = length - key - 1;
		return 0;
	}
	if (word_is(word, key, "kernelpagesize_kB")) {
		if (!text_parse_u64(word + key + 1, length - key - 1, &value) || value == 0 ||
		    value > UINT64_MAX / 1024)
			return line_error(line, "bad page size", word, length);
		parsed->page_size = value * 1024;
		return 0;
	}
	if (is_unknown_field(word, length))
		return 0;
	return line_error(line, "unexpected", word, length);
}

static int parse_line(struct line *line, struct numa_maps_line *parsed)
{
	const char *word;
	size_t length;
	bool counted = false, more;
	int result;

	/* not the nodes: only node_count of them are ever read */
	memset(parsed, 0, offsetof(struct numa_maps_line, nodes));
	if (!next_word(line, &word, &length))
		return numamig_error_set(line->error, -EINVAL, "line %u: empty line", line->number);
	if (!text_parse_hex(word, length, &parsed->start))
		return line_error(line, "bad address", word, length);
	if (!next_word(line, &word, &length))
		return numamig_error_set(line->error, -EINVAL, "line %u: no policy", line->number);
	if (is_field(word, length))
		return line_error(line, "no policy before", word, length);
	parsed->policy = word;
	parsed->policy_length = length;
	/* the first word that is not the policy's is its first field: parsed as it is */
	more = next_word(line, &word, &length);
	while (more && (word[0] == '(' || memchr(word, ':', length)) && !is_field(word, length)) {
		parsed->policy_length = (size_t)(word + length - parsed->policy);
		more = next_word(line, &word, &length);
	}
	for (; more; more = next_word(line, &word, &length)) {
		result = parse_field(line, parsed, word, length, &counted);
		if (result < 0)
			return result;
	}
	if (counted && parsed->page_size == 0)
		return numamig_error_set(line->error, -EINVAL,
					 "line %u: counts without kernelpagesize_kB", line->number);
	return 0;
}

int numa_maps_reader_next(struct numa_maps_reader *reader, const char *text, size_t length,
			  bool complete)
{
	struct line line = { text, text + length, ++reader->number, reader->error };
	struct numa_maps_line *parsed = &reader->line;
	int result;

	if (!complete)
		return line_error(&line, "truncated line", text, length);
	if (memchr(text, '\0', length))
		return line_error(&line, "NUL byte in", text, length);
	result = parse_line(&line, parsed);
	if (result < 0)
		return result;
	if (reader->number > 1 && parsed->start <= reader->previous_start)
		return numamig_error_set(reader->error, -EINVAL,
					 "line %u: address %" PRIx64 " not above the line before",
					 reader->number, parsed->start);
	reader->previous_start = parsed->start;
	return 0;
}

static void mapping_release(struct numamig_mapping *mapping)
{
	free(mapping->policy);
	free(mapping->path);
	free(mapping->name);
	free(mapping->nodes);
}

void numamig_memory_map_free(struct numamig_memory_map *map)
{
	if (!map)
		return;
	for (size_t i = 0; i < map->count; i++)
		mapping_release(&map->mappings[i]);
	free(map->mappings);
	free(map);
}

/* A mapping of its own (allocated strings and nodes) from a parsed line. */
static int append_mapping(struct numamig_memory_map *map, size_t *capacity,
			  const struct numa_maps_line *parsed, struct numamig_error *error)
{
	struct numamig_mapping *mapping;

	if (map->count == *capacity) {
		size_t bigger = *capacity ? *capacity * 2 : 64;
		struct numamig_mapping *mappings = realloc(map->mappings, bigger * sizeof(*mappings));

		if (!mappings)
			return numamig_error_set(error, -ENOMEM, "out of memory");
		map->mappings = mappings;
		*capacity = bigger;
	}
	mapping = &map->mappings[map->count];
	memset(mapping, 0, sizeof(*mapping));
	mapping->start = parsed->start;
	mapping->type = parsed->location;
	mapping->huge = parsed->huge;
	mapping->page_size = parsed->page_size;
	for (size_t i = 0; i < NUMA_MAPS_COUNTERS; i++)
		*counter(mapping, i) = parsed->counters[i];
	mapping->policy = strndup(parsed->policy, parsed->policy_length);
	if (parsed->path)
		mapping->path = mapping_unescape(parsed->path, parsed->path_length);
	if (parsed->node_count) {
		mapping->nodes = malloc(parsed->node_count * sizeof(*mapping->nodes));
		if (mapping->nodes) {
			memcpy(mapping->nodes, parsed->nodes, parsed->node_count * sizeof(*mapping->nodes));
			mapping->node_count = parsed->node_count;
		}
	}
	if (!mapping->policy || (parsed->path && !mapping->path) ||
	    (parsed->node_count && !mapping->nodes)) {
		mapping_release(mapping);
		return numamig_error_set(error, -ENOMEM, "out of memory");
	}
	mapping_classify(mapping);
	map->count++;
	return 0;
}

int numamig_numa_maps_parse(const char *text, size_t length, struct numamig_memory_map **map,
			    struct numamig_error *error)
{
	struct numamig_memory_map *parsed = calloc(1, sizeof(*parsed));
	/* 16 KiB of node counts: not on the stack */
	struct numa_maps_reader *reader = calloc(1, sizeof(*reader));
	struct text_lines lines;
	const char *start;
	size_t line_length, capacity = 0;
	bool complete;
	int result = 0;

	*map = NULL;
	if (!parsed || !reader) {
		free(parsed);
		free(reader);
		return numamig_error_set(error, -ENOMEM, "out of memory");
	}
	reader->error = error;
	text_lines_init(&lines, text, length);
	while (result == 0 && text_lines_next(&lines, &start, &line_length, &complete)) {
		result = numa_maps_reader_next(reader, start, line_length, complete);
		if (result == 0)
			result = append_mapping(parsed, &capacity, &reader->line, error);
	}
	free(reader);
	if (result < 0) {
		numamig_memory_map_free(parsed);
		return result;
	}
	*map = parsed;
	return 0;
}
