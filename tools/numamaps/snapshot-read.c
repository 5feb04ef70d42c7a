/*
 * Reading numamaps snapshots (format in snapshot.h). Every value is
 * checked before use, so a damaged or hostile file gives one line that
 * says where it went wrong, never a crash: the JSON decoder (jansson)
 * reports the line and column of bad syntax, and the checks below name
 * the process, mapping and key of a bad value.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "messages.h"
#include "snapshot.h"

/* Where a value sits: "process 1 mapping 3: " (1-based, as people count). */
struct place {
	char text[64];
};

static int invalid(struct numamig_error *error, const struct place *place, const char *format,
		   ...) __attribute__((format(printf, 3, 4)));

static int invalid(struct numamig_error *error, const struct place *place, const char *format,
		   ...)
{
	char reason[256];
	va_list arguments;

	va_start(arguments, format);
	vsnprintf(reason, sizeof(reason), format, arguments);
	va_end(arguments);
	return numamig_error_set(error, -EINVAL, "%s%s", place ? place->text : "", reason);
}

static int out_of_memory(struct numamig_error *error)
{
	return numamig_error_set(error, -ENOMEM, "out of memory");
}

static json_t *member(json_t *object, const char *key, struct numamig_error *error,
		      const struct place *place, int *result)
{
	json_t *value = json_object_get(object, key);

	if (!value)
		*result = invalid(error, place, "'%s' is missing", key);
	return value;
}

/* A required integer in [minimum, maximum]. */
static int get_integer(json_t *object, const char *key, long long minimum, long long maximum,
		       long long *number, struct numamig_error *error, const struct place *place)
{
	int result = 0;
	json_t *value = member(object, key, error, place, &result);

	if (!value)
		return result;
	if (!json_is_integer(value))
		return invalid(error, place, "'%s' is not an integer", key);
	*number = json_integer_value(value);
	if (*number < minimum || *number > maximum)
		return invalid(error, place, "'%s' is out of range (%lld)", key, *number);
	return 0;
}

/* An optional page counter: absent is 0, as numa_maps omits zero counters. */
static int get_counter(json_t *object, const char *key, uint64_t *counter,
		       struct numamig_error *error, const struct place *place)
{
	long long number;
	int result;

	*counter = 0;
	if (!json_object_get(object, key))
		return 0;
	result = get_integer(object, key, 0, LLONG_MAX, &number, error, place);
	if (result == 0)
		*counter = (uint64_t)number;
	return result;
}

/* A string, copied; null gives NULL when nullable. */
static int get_string(json_t *object, const char *key, bool nullable, char **copy,
		      struct numamig_error *error, const struct place *place)
{
	int result = 0;
	json_t *value = member(object, key, error, place, &result);

	*copy = NULL;
	if (!value)
		return result;
	if (nullable && json_is_null(value))
		return 0;
	/* jansson refuses \u0000 unless told (JSON_ALLOW_NUL): no text is cut short. */
	if (!json_is_string(value))
		return invalid(error, place, "'%s' is not a string", key);
	*copy = strdup(json_string_value(value));
	return *copy ? 0 : out_of_memory(error);
}

/* An address: hex digits, no more than 64 bits. */
static int get_address(json_t *object, const char *key, uint64_t *address,
		       struct numamig_error *error, const struct place *place)
{
	int result = 0;
	json_t *value = member(object, key, error, place, &result);
	const char *text;
	size_t length, i;

	if (!value)
		return result;
	text = json_is_string(value) ? json_string_value(value) : NULL;
	length = text ? json_string_length(value) : 0;
	if (!text || length == 0 || length > 16)
		return invalid(error, place, "'%s' is not a hex address", key);
	*address = 0;
	for (i = 0; i < length; i++) {
		int digit = (unsigned char)text[i];

		if (!isxdigit(digit))
			return invalid(error, place, "'%s' is not a hex address", key);
		*address = *address << 4 | (uint64_t)(isdigit(digit) ? digit - '0'
								      : tolower(digit) - 'a' + 10);
	}
	return 0;
}

static int parse_type(json_t *object, enum numamig_mapping_type *type,
		      struct numamig_error *error, const struct place *place)
{
	char *name;
	int result = get_string(object, "type", false, &name, error, place);
	int candidate;

	if (result < 0)
		return result;
	for (candidate = NUMAMIG_MAPPING_ANON; candidate <= NUMAMIG_MAPPING_HUGETLB; candidate++)
		if (strcmp(name, numamig_mapping_type_name(candidate)) == 0) {
			*type = candidate;
			free(name);
			return 0;
		}
	result = invalid(error, place, "unknown mapping type '%.32s'", name);
	free(name);
	return result;
}

/* "nodes": [ { "node": N, "pages": P } ], ascending nodes, bytes within the mapping. */
static int parse_node_pages(json_t *object, struct numamig_mapping *mapping,
			    struct numamig_error *error, const struct place *place)
{
	int result = 0;
	json_t *list = member(object, "nodes", error, place, &result);
	uint64_t bytes = 0, size = mapping->end - mapping->start;
	size_t index;
	json_t *entry;

	if (!list)
		return result;
	if (!json_is_array(list))
		return invalid(error, place, "'nodes' is not an array");
	if (json_array_size(list) > 0 && mapping->page_size == 0)
		return invalid(error, place, "pages on nodes but 'page_size' is 0");
	mapping->nodes = calloc(json_array_size(list) + 1, sizeof(*mapping->nodes));
	if (!mapping->nodes)
		return out_of_memory(error);
	json_array_foreach(list, index, entry) {
		struct numamig_node_pages *pages = &mapping->nodes[index];
		long long node, count;

		if (!json_is_object(entry))
			return invalid(error, place, "node entry %zu is not an object", index + 1);
		if ((result = get_integer(entry, "node", 0, NUMAMIG_MAX_NODES - 1, &node, error,
					  place)) < 0 ||
		    (result = get_integer(entry, "pages", 0, LLONG_MAX, &count, error, place)) < 0)
			return result;
		if (index > 0 && node <= mapping->nodes[index - 1].node)
			return invalid(error, place, "nodes are not in ascending order");
		/* Counted pages fit in the mapping (numa_maps counts each
		 * present page once), which also keeps every sum of them
		 * from overflowing. */
		if ((uint64_t)count > (size - bytes) / mapping->page_size)
			return invalid(error, place, "more pages on nodes than the mapping holds");
		bytes += (uint64_t)count * mapping->page_size;
		pages->node = (int)node;
		pages->pages = (uint64_t)count;
		mapping->node_count++;
	}
	return 0;
}

static int parse_mapping(json_t *object, const struct numamig_mapping *previous,
			 struct numamig_mapping *mapping, struct numamig_error *error,
			 const struct place *place)
{
	long long page_size;
	char *permissions = NULL;
	json_t *huge;
	int result;

	if (!json_is_object(object))
		return invalid(error, place, "not an object");
	if ((result = get_address(object, "start", &mapping->start, error, place)) < 0 ||
	    (result = get_address(object, "end", &mapping->end, error, place)) < 0)
		return result;
	if (mapping->end <= mapping->start)
		return invalid(error, place, "'end' is not after 'start'");
	if (previous && mapping->start < previous->end)
		return invalid(error, place, "overlaps the mapping before or is out of order");
	if ((result = get_string(object, "permissions", false, &permissions, error, place)) < 0)
		return result;
	if (strlen(permissions) >= sizeof(mapping->permissions)) {
		free(permissions);
		return invalid(error, place, "'permissions' is longer than 4 characters");
	}
	strcpy(mapping->permissions, permissions);
	free(permissions);
	if ((result = get_string(object, "policy", false, &mapping->policy, error, place)) < 0 ||
	    (result = parse_type(object, &mapping->type, error, place)) < 0 ||
	    (result = get_string(object, "path", true, &mapping->path, error, place)) < 0 ||
	    (result = get_string(object, "name", true, &mapping->name, error, place)) < 0)
		return result;
	huge = json_object_get(object, "huge");
	if (huge && !json_is_boolean(huge))
		return invalid(error, place, "'huge' is not true or false");
	mapping->huge = json_is_true(huge);
	/* 0 (no counted page) or a power of two up to 16 GiB (the largest
	 * huge page of any architecture). */
	if ((result = get_integer(object, "page_size", 0, 1LL << 34, &page_size, error, place)) < 0)
		return result;
	if (page_size & (page_size - 1))
		return invalid(error, place, "'page_size' is not a power of two");
	mapping->page_size = (uint64_t)page_size;
	if ((result = get_counter(object, "anon", &mapping->anon, error, place)) < 0 ||
	    (result = get_counter(object, "dirty", &mapping->dirty, error, place)) < 0 ||
	    (result = get_counter(object, "mapped", &mapping->mapped, error, place)) < 0 ||
	    (result = get_counter(object, "mapmax", &mapping->mapmax, error, place)) < 0 ||
	    (result = get_counter(object, "swapcache", &mapping->swapcache, error, place)) < 0 ||
	    (result = get_counter(object, "active", &mapping->active, error, place)) < 0 ||
	    (result = get_counter(object, "writeback", &mapping->writeback, error, place)) < 0)
		return result;
	return parse_node_pages(object, mapping, error, place);
}

static int parse_mappings(json_t *object, struct snapshot_process *process,
			  struct numamig_error *error, struct place *place)
{
	int result = 0;
	json_t *list = member(object, "mappings", error, place, &result), *entry;
	size_t index, prefix = strlen(place->text);
	struct numamig_memory_map *map;

	if (!list)
		return result;
	if (!json_is_array(list))
		return invalid(error, place, "'mappings' is not an array");
	map = calloc(1, sizeof(*map));
	if (!map)
		return out_of_memory(error);
	process->map = map;
	map->mappings = calloc(json_array_size(list) + 1, sizeof(*map->mappings));
	if (!map->mappings)
		return out_of_memory(error);
	json_array_foreach(list, index, entry) {
		snprintf(place->text + prefix, sizeof(place->text) - prefix, "mapping %zu: ",
			 index + 1);
		/* Counted before parsing, so a half-parsed one is freed too. */
		map->count++;
		result = parse_mapping(entry, index ? &map->mappings[index - 1] : NULL,
				       &map->mappings[index], error, place);
		if (result < 0)
			return result;
	}
	return 0;
}

static int parse_process(json_t *object, struct snapshot_process *process,
			 struct numamig_error *error, struct place *place)
{
	long long number;
	int result;

	if (!json_is_object(object))
		return invalid(error, place, "not an object");
	if ((result = get_integer(object, "pid", 1, INT_MAX, &number, error, place)) < 0)
		return result;
	process->pid = (pid_t)number;
	if ((result = get_string(object, "command", false, &process->command, error, place)) < 0)
		return result;
	process->uid = (uid_t)-1;
	if (json_object_get(object, "uid")) {
		if ((result = get_integer(object, "uid", 0, UINT32_MAX - 1, &number, error,
					  place)) < 0)
			return result;
		process->uid = (uid_t)number;
	}
	return parse_mappings(object, process, error, place);
}

static int parse_processes(json_t *root, struct snapshot *snapshot, struct numamig_error *error)
{
	int result = 0;
	json_t *list = member(root, "processes", error, NULL, &result), *entry;
	struct place place;
	size_t index;

	if (!list)
		return result;
	if (!json_is_array(list))
		return invalid(error, NULL, "'processes' is not an array");
	snapshot->processes = calloc(json_array_size(list) + 1, sizeof(*snapshot->processes));
	if (!snapshot->processes)
		return out_of_memory(error);
	json_array_foreach(list, index, entry) {
		snprintf(place.text, sizeof(place.text), "process %zu: ", index + 1);
		snapshot->process_count++;
		result = parse_process(entry, &snapshot->processes[index], error, &place);
		if (result < 0)
			return result;
	}
	return 0;
}

static int parse_topology(json_t *root, struct snapshot *snapshot, struct numamig_error *error)
{
	int result = 0;
	json_t *topology = member(root, "topology", error, NULL, &result), *list, *entry;
	struct place place;
	size_t index;

	if (!topology)
		return result;
	if (!json_is_object(topology))
		return invalid(error, NULL, "'topology' is not an object");
	snprintf(place.text, sizeof(place.text), "topology: ");
	list = member(topology, "nodes", error, &place, &result);
	if (!list)
		return result;
	if (!json_is_array(list) || json_array_size(list) > NUMAMIG_MAX_NODES)
		return invalid(error, &place, "'nodes' is not an array of at most %d nodes",
			       NUMAMIG_MAX_NODES);
	snapshot->nodes = calloc(json_array_size(list) + 1, sizeof(*snapshot->nodes));
	if (!snapshot->nodes)
		return out_of_memory(error);
	json_array_foreach(list, index, entry) {
		struct snapshot_node *node = &snapshot->nodes[index];
		long long number;

		snprintf(place.text, sizeof(place.text), "topology: node entry %zu: ", index + 1);
		if (!json_is_object(entry))
			return invalid(error, &place, "not an object");
		snapshot->node_count++;
		if ((result = get_integer(entry, "node", 0, NUMAMIG_MAX_NODES - 1, &number, error,
					  &place)) < 0)
			return result;
		node->node = (int)number;
		if (index > 0 && node->node <= snapshot->nodes[index - 1].node)
			return invalid(error, &place, "nodes are not in ascending order");
		if ((result = get_integer(entry, "memory", 0, LLONG_MAX, &number, error,
					  &place)) < 0)
			return result;
		node->memory = (uint64_t)number;
		if (json_object_get(entry, "cpus") &&
		    (result = get_string(entry, "cpus", true, &node->cpus, error, &place)) < 0)
			return result;
	}
	return 0;
}

static int parse_time(json_t *root, struct snapshot *snapshot, struct numamig_error *error)
{
	char *text;
	struct tm parts = { 0 };
	const char *end;
	int result = get_string(root, "time", false, &text, error, NULL);

	if (result < 0)
		return result;
	end = strptime(text, "%Y-%m-%dT%H:%M:%SZ", &parts);
	if (!end || *end)
		result = invalid(error, NULL, "'time' is not a UTC time like 2026-01-31T14:30:00Z");
	else
		snapshot->time = timegm(&parts);
	free(text);
	return result;
}

static int check_format(json_t *root, struct numamig_error *error)
{
	json_t *format = json_object_get(root, "format");
	long long version;
	int result;

	if (!json_is_string(format) || strcmp(json_string_value(format), SNAPSHOT_FORMAT) != 0)
		return invalid(error, NULL, "not a numamaps snapshot (no \"format\": \"%s\")",
			       SNAPSHOT_FORMAT);
	result = get_integer(root, "version", 1, LLONG_MAX, &version, error, NULL);
	if (result < 0)
		return result;
	if (version > SNAPSHOT_VERSION)
		return invalid(error, NULL,
			       "format version %lld is newer than this numamaps reads (%d)",
			       version, SNAPSHOT_VERSION);
	return 0;
}

/* jansson quotes the bad token: keep the message on one printable line. */
static void printable(char *text)
{
	for (; *text; text++)
		if (!isprint((unsigned char)*text))
			*text = '?';
}

int snapshot_parse(const char *text, size_t length, struct snapshot **snapshot,
		   struct numamig_error *error)
{
	json_error_t decoding;
	json_t *root;
	struct snapshot *parsed;
	int result;

	*snapshot = NULL;
	root = json_loadb(text, length, JSON_REJECT_DUPLICATES, &decoding);
	if (!root) {
		printable(decoding.text);
		return invalid(error, NULL, "not JSON: line %d column %d: %s", decoding.line,
			       decoding.column, decoding.text);
	}
	parsed = calloc(1, sizeof(*parsed));
	if (!parsed)
		result = out_of_memory(error);
	else if (!json_is_object(root))
		result = invalid(error, NULL, "not a numamaps snapshot (not a JSON object)");
	else if ((result = check_format(root, error)) == 0 &&
		 (result = parse_time(root, parsed, error)) == 0 &&
		 (result = get_string(root, "kernel", true, &parsed->kernel, error, NULL)) == 0 &&
		 (result = parse_topology(root, parsed, error)) == 0)
		result = parse_processes(root, parsed, error);
	json_decref(root);
	if (result < 0) {
		snapshot_free(parsed);
		return result;
	}
	*snapshot = parsed;
	return 0;
}

int snapshot_load(const char *path, struct snapshot **snapshot, struct numamig_error *error)
{
	char *text = NULL, reason[sizeof(error->message)];
	size_t length = 0;
	FILE *file = fopen(path, "re");
	FILE *copy;
	int result;

	*snapshot = NULL;
	if (!file)
		return numamig_error_set(error, -errno, "cannot read snapshot '%s': %s", path,
					 error_string(errno));
	copy = open_memstream(&text, &length);
	if (!copy) {
		fclose(file);
		return numamig_error_set(error, -ENOMEM, "cannot read snapshot '%s': out of memory",
					 path);
	}
	errno = 0;
	while (!ferror(file) && !feof(file)) {
		char block[65536];
		size_t got = fread(block, 1, sizeof(block), file);

		fwrite(block, 1, got, copy);
	}
	/* fread leaves errno set: "is a directory" says more than "input/output error". */
	result = ferror(file) ? -(errno ? errno : EIO) : 0;
	fclose(file);
	if (fclose(copy) != 0 && result == 0)
		result = -ENOMEM;
	if (result < 0) {
		free(text);
		return numamig_error_set(error, result, "cannot read snapshot '%s': %s", path,
					 error_string(result));
	}
	result = snapshot_parse(text, length, snapshot, error);
	free(text);
	if (result < 0 && error) {
		snprintf(reason, sizeof(reason), "%s", error->message);
		numamig_error_set(error, result, "cannot read snapshot '%s': %s", path, reason);
	}
	return result;
}

void snapshot_free(struct snapshot *snapshot)
{
	size_t process, node;

	if (!snapshot)
		return;
	for (process = 0; process < snapshot->process_count; process++) {
		free(snapshot->processes[process].command);
		/* Allocated field by field as the library's parser does. */
		numamig_memory_map_free(snapshot->processes[process].map);
	}
	free(snapshot->processes);
	for (node = 0; node < snapshot->node_count; node++)
		free(snapshot->nodes[node].cpus);
	free(snapshot->nodes);
	free(snapshot->kernel);
	free(snapshot);
}
