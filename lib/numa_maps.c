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

void mapping_classify(struct numamig_mapping *mapping)
{
	if (mapping->huge)
		mapping->type = NUMAMIG_MAPPING_HUGETLB;
	else if (mapping->type == NUMAMIG_MAPPING_HEAP || mapping->type == NUMAMIG_MAPPING_STACK)
		return;
	else if (mapping->path)
		mapping->type = is_shmem_path(mapping->path) ? NUMAMIG_MAPPING_SHMEM
							     : NUMAMIG_MAPPING_FILE;
	else if (mapping->permissions[3] == 's')
		/* MAP_SHARED|MAP_ANONYMOUS memory is shmem, whatever it is called */
		mapping->type = NUMAMIG_MAPPING_SHMEM;
	else
		mapping->type = NUMAMIG_MAPPING_ANON;
}

static bool is_octal(char c)
{
	return c >= '0' && c <= '7';
}

char *mapping_unescape(const char *text, size_t length)
{
	char *result = malloc(length + 1);
	size_t out = 0;

	if (!result)
		return NULL;
	for (size_t in = 0; in < length; in++) {
		if (text[in] == '\\' && in + 3 < length && is_octal(text[in + 1]) && is_octal(text[in + 2]) && is_octal(text[in + 3])) {
			result[out++] = (char)(((text[in + 1] - '0') << 6) | ((text[in + 2] - '0') << 3) |
					       (text[in + 3] - '0'));
			in += 3;
		} else
			result[out++] = text[in];
	}
	result[out] = '\0';
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
	while (line->cursor < line->end && *line->cursor == ' ')
		line->cursor++;
	if (line->cursor >= line->end)
		return false;
	*word = line->cursor;
	while (line->cursor < line->end && *line->cursor != ' ')
		line->cursor++;
	*length = (size_t)(line->cursor - *word);
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

static const char *const counter_names[] = {
	"anon", "dirty", "mapped", "mapmax", "swapcache", "active", "writeback",
};

static uint64_t *counter(struct numamig_mapping *mapping, size_t index)
{
	uint64_t *counters[] = {
		&mapping->anon, &mapping->dirty, &mapping->mapped, &mapping->mapmax,
		&mapping->swapcache, &mapping->active, &mapping->writeback,
	};

	return counters[index];
}

/* The key of a "key=value" word, when the word has one. */
static size_t key_length(const char *word, size_t length)
{
	const char *equals = memchr(word, '=', length);

	return equals ? (size_t)(equals - word) : 0;
}

static bool is_field(const char *word, size_t length)
{
	size_t key = key_length(word, length);

	if (word_is(word, length, "heap") || word_is(word, length, "stack") ||
	    word_is(word, length, "huge") || node_key_length(word, length))
		return true;
	if (!key)
		return false;
	if (word_is(word, key, "file") || word_is(word, key, "kernelpagesize_kB"))
		return true;
	for (size_t i = 0; i < sizeof(counter_names) / sizeof(counter_names[0]); i++)
		if (word_is(word, key, counter_names[i]))
			return true;
	return false;
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

static int add_node(struct line *line, struct numamig_mapping *mapping, const char *word,
		    size_t length, size_t key)
{
	uint64_t node, pages;
	struct numamig_node_pages *nodes;

	if (!text_parse_u64(word + 1, key - 2, &node) || node >= NUMAMIG_MAX_NODES)
		return line_error(line, "bad node in", word, length);
	if (!text_parse_u64(word + key, length - key, &pages))
		return line_error(line, "bad node count", word, length);
	if (mapping->node_count > 0 && mapping->nodes[mapping->node_count - 1].node >= (int)node)
		return line_error(line, "node out of order in", word, length);
	nodes = realloc(mapping->nodes, (mapping->node_count + 1) * sizeof(*nodes));
	if (!nodes)
		return numamig_error_set(line->error, -ENOMEM, "out of memory");
	mapping->nodes = nodes;
	nodes[mapping->node_count].node = (int)node;
	nodes[mapping->node_count].pages = pages;
	mapping->node_count++;
	return 0;
}

static int parse_field(struct line *line, struct numamig_mapping *mapping, const char *word,
		       size_t length, bool *counted)
{
	size_t key = key_length(word, length);
	size_t node_key = node_key_length(word, length);
	uint64_t value;

	if (word_is(word, length, "heap") || word_is(word, length, "stack")) {
		if (mapping->path || mapping->type != NUMAMIG_MAPPING_ANON)
			return line_error(line, "second location", word, length);
		mapping->type = word[0] == 'h' ? NUMAMIG_MAPPING_HEAP : NUMAMIG_MAPPING_STACK;
		return 0;
	}
	if (word_is(word, length, "huge")) {
		mapping->huge = true;
		return 0;
	}
	if (node_key) {
		*counted = true;
		return add_node(line, mapping, word, length, node_key);
	}
	if (key && word_is(word, key, "file")) {
		if (mapping->path || mapping->type != NUMAMIG_MAPPING_ANON || key + 1 == length)
			return line_error(line, key + 1 == length ? "empty path in" : "second location",
					  word, length);
		mapping->path = mapping_unescape(word + key + 1, length - key - 1);
		return mapping->path ? 0 : numamig_error_set(line->error, -ENOMEM, "out of memory");
	}
	if (key && word_is(word, key, "kernelpagesize_kB")) {
		if (!text_parse_u64(word + key + 1, length - key - 1, &value) || value == 0 ||
		    value > UINT64_MAX / 1024)
			return line_error(line, "bad page size", word, length);
		mapping->page_size = value * 1024;
		return 0;
	}
	for (size_t i = 0; key && i < sizeof(counter_names) / sizeof(counter_names[0]); i++)
		if (word_is(word, key, counter_names[i])) {
			if (!text_parse_u64(word + key + 1, length - key - 1, counter(mapping, i)))
				return line_error(line, "bad number in", word, length);
			*counted = true;
			return 0;
		}
	if (is_unknown_field(word, length))
		return 0;
	return line_error(line, "unexpected", word, length);
}

static int parse_line(struct line *line, struct numamig_mapping *mapping)
{
	const char *word, *policy, *policy_end;
	size_t length;
	bool counted = false;
	int result;

	if (!next_word(line, &word, &length))
		return numamig_error_set(line->error, -EINVAL, "line %u: empty line", line->number);
	if (!text_parse_hex(word, length, &mapping->start))
		return line_error(line, "bad address", word, length);
	if (!next_word(line, &word, &length))
		return numamig_error_set(line->error, -EINVAL, "line %u: no policy", line->number);
	if (is_field(word, length))
		return line_error(line, "no policy before", word, length);
	policy = word;
	policy_end = word + length;
	while (next_word(line, &word, &length)) {
		if (is_field(word, length) || (word[0] != '(' && !memchr(word, ':', length))) {
			line->cursor = word;
			break;
		}
		policy_end = word + length;
	}
	mapping->policy = strndup(policy, (size_t)(policy_end - policy));
	if (!mapping->policy)
		return numamig_error_set(line->error, -ENOMEM, "out of memory");
	while (next_word(line, &word, &length)) {
		result = parse_field(line, mapping, word, length, &counted);
		if (result < 0)
			return result;
	}
	if (counted && mapping->page_size == 0)
		return numamig_error_set(line->error, -EINVAL,
					 "line %u: counts without kernelpagesize_kB", line->number);
	mapping_classify(mapping);
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

static int append_line(struct numamig_memory_map *map, size_t *capacity, struct line *line)
{
	struct numamig_mapping *mapping;
	int result;

	if (map->count == *capacity) {
		size_t bigger = *capacity ? *capacity * 2 : 64;
		struct numamig_mapping *mappings = realloc(map->mappings, bigger * sizeof(*mappings));

		if (!mappings)
			return numamig_error_set(line->error, -ENOMEM, "out of memory");
		map->mappings = mappings;
		*capacity = bigger;
	}
	mapping = &map->mappings[map->count];
	memset(mapping, 0, sizeof(*mapping));
	result = parse_line(line, mapping);
	if (result == 0 && map->count > 0 && mapping->start <= map->mappings[map->count - 1].start)
		result = numamig_error_set(line->error, -EINVAL,
					   "line %u: address %" PRIx64 " not above the line before",
					   line->number, mapping->start);
	if (result < 0) {
		mapping_release(mapping);
		return result;
	}
	map->count++;
	return 0;
}

int numamig_numa_maps_parse(const char *text, size_t length, struct numamig_memory_map **map,
			    struct numamig_error *error)
{
	struct numamig_memory_map *parsed = calloc(1, sizeof(*parsed));
	struct text_lines lines;
	const char *start;
	size_t line_length, capacity = 0;
	bool complete;
	int result = 0;

	*map = NULL;
	if (!parsed)
		return numamig_error_set(error, -ENOMEM, "out of memory");
	text_lines_init(&lines, text, length);
	while (result == 0 && text_lines_next(&lines, &start, &line_length, &complete)) {
		struct line line = { start, start + line_length, lines.number, error };

		if (!complete)
			result = line_error(&line, "truncated line", start, line_length);
		else if (memchr(start, '\0', line_length))
			result = line_error(&line, "NUL byte in", start, line_length);
		else
			result = append_line(parsed, &capacity, &line);
	}
	if (result < 0) {
		numamig_memory_map_free(parsed);
		return result;
	}
	*map = parsed;
	return 0;
}
