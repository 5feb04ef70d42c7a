/* Writing numamaps snapshots (format in snapshot.h). */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "snapshot.h"

/*
 * JSON strings are UTF-8 and a file name need not be: such a name is kept
 * with its other bytes as '?', which is enough to show it in a diff.
 */
static json_t *string_or_null(const char *text)
{
	json_t *value;
	char *copy, *byte;

	if (!text)
		return json_null();
	value = json_string(text);
	if (value)
		return value;
	copy = strdup(text);
	if (!copy)
		return NULL;
	for (byte = copy; *byte; byte++)
		if ((unsigned char)*byte >= 0x80 || (unsigned char)*byte < 0x20)
			*byte = '?';
	value = json_string(copy);
	free(copy);
	return value;
}

static json_t *hex(uint64_t address)
{
	char text[32];

	snprintf(text, sizeof(text), "%" PRIx64, address);
	return json_string(text);
}

/* Adds key: value, taking the reference; false when value could not be made. */
static bool put(json_t *object, const char *key, json_t *value)
{
	return value && json_object_set_new(object, key, value) == 0;
}

static json_t *mapping_json(const struct numamig_mapping *mapping)
{
	json_t *object = json_object(), *nodes = json_array();
	/* Without /proc/PID/maps the end is unknown: the counted pages are
	 * the least the mapping spans. */
	uint64_t end = mapping->end > mapping->start
			       ? mapping->end
			       : mapping->start + (numamig_mapping_total_bytes(mapping) ?: 4096);
	bool made = object && nodes;

	for (size_t i = 0; made && i < mapping->node_count; i++) {
		json_t *entry = json_object();

		made = put(entry, "node", json_integer(mapping->nodes[i].node)) &&
		       put(entry, "pages", json_integer((json_int_t)mapping->nodes[i].pages)) &&
		       json_array_append_new(nodes, entry) == 0;
	}
	made = made && put(object, "start", hex(mapping->start)) &&
	       put(object, "end", hex(end)) &&
	       put(object, "permissions", json_string(mapping->permissions)) &&
	       put(object, "policy", string_or_null(mapping->policy ? mapping->policy : "")) &&
	       put(object, "type", json_string(numamig_mapping_type_name(mapping->type))) &&
	       put(object, "path", string_or_null(mapping->path)) &&
	       put(object, "name", string_or_null(mapping->name)) &&
	       put(object, "huge", json_boolean(mapping->huge)) &&
	       put(object, "page_size", json_integer((json_int_t)mapping->page_size)) &&
	       put(object, "anon", json_integer((json_int_t)mapping->anon)) &&
	       put(object, "dirty", json_integer((json_int_t)mapping->dirty)) &&
	       put(object, "mapped", json_integer((json_int_t)mapping->mapped)) &&
	       put(object, "mapmax", json_integer((json_int_t)mapping->mapmax)) &&
	       put(object, "swapcache", json_integer((json_int_t)mapping->swapcache)) &&
	       put(object, "active", json_integer((json_int_t)mapping->active)) &&
	       put(object, "writeback", json_integer((json_int_t)mapping->writeback));
	if (!made || json_object_set(object, "nodes", nodes) < 0) {
		json_decref(object);
		object = NULL;
	}
	json_decref(nodes);
	return object;
}

static json_t *process_json(const struct snapshot_process *process)
{
	json_t *object = json_object(), *mappings = json_array();
	bool made = object && mappings && put(object, "pid", json_integer(process->pid)) &&
		    put(object, "command", string_or_null(process->command ? process->command : "")) &&
		    (process->uid == (uid_t)-1 || put(object, "uid", json_integer(process->uid)));

	for (size_t i = 0; made && i < process->map->count; i++)
		made = json_array_append_new(mappings, mapping_json(&process->map->mappings[i])) == 0;
	if (!made || json_object_set(object, "mappings", mappings) < 0) {
		json_decref(object);
		object = NULL;
	}
	json_decref(mappings);
	return object;
}

static json_t *topology_json(const struct snapshot *snapshot)
{
	json_t *object = json_object(), *nodes = json_array();
	bool made = object && nodes;

	for (size_t i = 0; made && i < snapshot->node_count; i++) {
		const struct snapshot_node *node = &snapshot->nodes[i];
		json_t *entry = json_object();

		made = put(entry, "node", json_integer(node->node)) &&
		       put(entry, "cpus", string_or_null(node->cpus)) &&
		       put(entry, "memory", json_integer((json_int_t)node->memory)) &&
		       json_array_append_new(nodes, entry) == 0;
	}
	if (!made || json_object_set(object, "nodes", nodes) < 0) {
		json_decref(object);
		object = NULL;
	}
	json_decref(nodes);
	return object;
}

int snapshot_write(FILE *stream, const struct snapshot *snapshot)
{
	json_t *root = json_object(), *processes = json_array();
	char time_text[32];
	struct tm parts;
	bool made = root && processes && gmtime_r(&snapshot->time, &parts) &&
		    strftime(time_text, sizeof(time_text), "%Y-%m-%dT%H:%M:%SZ", &parts) > 0;
	int result = -ENOMEM;

	for (size_t i = 0; made && i < snapshot->process_count; i++)
		made = json_array_append_new(processes, process_json(&snapshot->processes[i])) == 0;
	made = made && put(root, "format", json_string(SNAPSHOT_FORMAT)) &&
	       put(root, "version", json_integer(SNAPSHOT_VERSION)) &&
	       put(root, "time", json_string(time_text)) &&
	       put(root, "kernel", string_or_null(snapshot->kernel)) &&
	       put(root, "topology", topology_json(snapshot)) &&
	       json_object_set(root, "processes", processes) == 0;
	if (made) {
		result = json_dumpf(root, stream, JSON_INDENT(1)) == 0 && fputc('\n', stream) != EOF
				 ? 0
				 : -EIO;
	}
	json_decref(processes);
	json_decref(root);
	return result;
}

int snapshot_nodes_of_topology(const struct numamig_topology *topology,
			       struct snapshot_node **nodes, size_t *count)
{
	const struct numamig_nodes *online = numamig_topology_online(topology);
	int node;

	*count = 0;
	*nodes = calloc((size_t)numamig_nodes_count(online) + 1, sizeof(**nodes));
	if (!*nodes)
		return -ENOMEM;
	for (node = numamig_nodes_next(online, -1); node >= 0; node = numamig_nodes_next(online, node)) {
		struct snapshot_node *entry = &(*nodes)[*count];
		const char *cpus = numamig_topology_cpulist(topology, node);
		uint64_t free_bytes;

		entry->node = node;
		numamig_topology_memory(topology, node, &entry->memory, &free_bytes);
		if (cpus && !(entry->cpus = strdup(cpus))) {
			for (size_t i = 0; i < *count; i++)
				free((*nodes)[i].cpus);
			free(*nodes);
			*nodes = NULL;
			*count = 0;
			return -ENOMEM;
		}
		(*count)++;
	}
	return 0;
}

char *snapshot_kernel_release(const char *sysroot)
{
	char path[4096], release[256];
	FILE *file;
	char *line = NULL;

	snprintf(path, sizeof(path), "%s/proc/sys/kernel/osrelease",
		 sysroot && strcmp(sysroot, "/") != 0 ? sysroot : "");
	file = fopen(path, "re");
	if (!file)
		return NULL;
	if (fgets(release, sizeof(release), file)) {
		release[strcspn(release, "\n")] = '\0';
		line = strdup(release);
	}
	fclose(file);
	return line;
}
