/* Tables on stdout through libsmartcols. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "messages.h"
#include "output.h"

struct output {
	struct libscols_table *table;
	const struct output_column *columns;
	size_t count;
	struct numamig_nodes nodes;
	bool human;		/* sizes as "1.5M" */
	/*
	 * Where each declared column is printed, -1 when not chosen: slot 0
	 * for a plain column, slot 1 + node for a node group's node.
	 */
	size_t slots;
	int *positions;
	int printed;		/* columns created so far */
};

/* errno of a failed write seen by output_print, for output_close_stdout. */
static int write_error;

static int *position(const struct output *output, int column, int node)
{
	if (column < 0 || (size_t)column >= output->count)
		return NULL;
	if (node < -1 || (size_t)(node + 1) >= output->slots)
		return NULL;
	return &output->positions[(size_t)column * output->slots + (size_t)(node + 1)];
}

static int json_type(enum output_type type)
{
	switch (type) {
	case OUTPUT_NUMBER:
	case OUTPUT_SIZE:
	case OUTPUT_DELTA:
		return SCOLS_JSON_NUMBER;
	case OUTPUT_BOOLEAN:
		return SCOLS_JSON_BOOLEAN;
	case OUTPUT_STRING:
		break;
	}
	return SCOLS_JSON_STRING;
}

/* Prints the column (or a node of it) unless already chosen. */
static int add_column(struct output *output, int column, int node)
{
	const struct output_column *declared = &output->columns[column];
	int *slot = position(output, column, node);
	struct libscols_column *printed;
	char name[64];

	if (*slot >= 0)
		return 0;
	if (node >= 0)
		snprintf(name, sizeof(name), "%s%d", declared->node_prefix, node);
	else
		snprintf(name, sizeof(name), "%s", declared->name);
	printed = scols_table_new_column(output->table, name, declared->width, declared->flags);
	if (!printed)
		return -ENOMEM;
	scols_column_set_json_type(printed, json_type(declared->type));
	*slot = output->printed++;
	return 0;
}

/* A column's name, a node group's name, or a node group's member ("N3"). */
static int choose_name(struct output *output, const char *name)
{
	size_t column;
	int node;

	for (column = 0; column < output->count; column++) {
		const struct output_column *declared = &output->columns[column];
		const char *prefix = declared->node_prefix;
		char *end;
		long number;

		if (strcasecmp(name, declared->name) == 0) {
			if (!prefix)
				return add_column(output, (int)column, -1);
			for (node = numamig_nodes_next(&output->nodes, -1); node >= 0;
			     node = numamig_nodes_next(&output->nodes, node)) {
				int status = add_column(output, (int)column, node);

				if (status < 0)
					return status;
			}
			return 0;
		}
		if (!prefix || strncasecmp(name, prefix, strlen(prefix)) != 0)
			continue;
		name += strlen(prefix);
		errno = 0;
		number = strtol(name, &end, 10);
		if (*name >= '0' && *name <= '9' && !*end && !errno && number < NUMAMIG_MAX_NODES &&
		    numamig_nodes_has(&output->nodes, (int)number))
			return add_column(output, (int)column, (int)number);
		name -= strlen(prefix);
	}
	return -EINVAL;
}

static int choose_list(struct output *output, const char *list)
{
	char *copy = strdup(list), *rest = copy, *name;
	int status = 0;

	if (!copy)
		return -ENOMEM;
	while (status == 0 && (name = strsep(&rest, ",")) != NULL) {
		status = choose_name(output, name);
		if (status == -EINVAL)
			message_warn("unknown column '%s'", name);
	}
	free(copy);
	return status;
}

struct output *output_new(const struct output_table *table, const struct common_options *options)
{
	struct output *output = calloc(1, sizeof(*output));
	int status = -ENOMEM;
	size_t slot;

	if (!output)
		return NULL;
	output->columns = table->columns;
	output->count = table->count;
	if (table->nodes)
		output->nodes = *table->nodes;
	output->human = !options->bytes && !options->json;
	output->slots = (size_t)numamig_nodes_last(&output->nodes) + 2;
	output->positions = malloc(output->count * output->slots * sizeof(*output->positions));
	output->table = scols_new_table();
	if (!output->positions || !output->table)
		goto failed;
	for (slot = 0; slot < output->count * output->slots; slot++)
		output->positions[slot] = -1;

	scols_table_set_name(output->table, table->name);
	scols_table_enable_json(output->table, options->json);
	scols_table_enable_raw(output->table, options->raw);
	scols_table_enable_noheadings(output->table, options->noheadings);

	if (!options->columns)
		status = choose_list(output, table->defaults);
	else if (options->columns[0] == '+') {
		status = choose_list(output, table->defaults);
		if (status == 0)
			status = choose_list(output, options->columns + 1);
	} else
		status = choose_list(output, options->columns);
	if (status < 0)
		goto failed;
	return output;

failed:
	if (status != -EINVAL)
		message_warn_code(status, "cannot make the table");
	output_free(output);
	errno = -status;
	return NULL;
}

void output_free(struct output *output)
{
	if (!output)
		return;
	scols_unref_table(output->table);
	free(output->positions);
	free(output);
}

bool output_has_column(const struct output *output, int column)
{
	size_t slot;

	if (column < 0 || (size_t)column >= output->count)
		return false;
	for (slot = 0; slot < output->slots; slot++)
		if (output->positions[(size_t)column * output->slots + slot] >= 0)
			return true;
	return false;
}

struct libscols_line *output_row_new(struct output *output, struct libscols_line *parent)
{
	struct libscols_line *row = scols_table_new_line(output->table, parent);

	if (row)
		scols_line_set_userdata(row, output);
	return row;
}

static void set_cell(struct libscols_line *row, int column, int node, const char *text)
{
	const struct output *output = scols_line_get_userdata(row);
	int *slot = position(output, column, node);

	if (slot && *slot >= 0 && text)
		scols_line_set_data(row, (size_t)*slot, text);
}

void output_set_string(struct libscols_line *row, int column, const char *text)
{
	set_cell(row, column, -1, text);
}

static void set_value(struct libscols_line *row, int column, int node, uint64_t value)
{
	const struct output *output = scols_line_get_userdata(row);
	char text[32];

	if (column < 0 || (size_t)column >= output->count)
		return;
	switch (output->columns[column].type) {
	case OUTPUT_SIZE:
	case OUTPUT_DELTA:
		if (output->human) {
			output_human_size(value, text, sizeof(text));
			break;
		}
		/* fall through */
	case OUTPUT_NUMBER:
	case OUTPUT_STRING:
		snprintf(text, sizeof(text), "%" PRIu64, value);
		break;
	case OUTPUT_BOOLEAN:
		snprintf(text, sizeof(text), "%s", value ? "yes" : "no");
		break;
	}
	set_cell(row, column, node, text);
}

void output_set_number(struct libscols_line *row, int column, uint64_t value)
{
	set_value(row, column, -1, value);
}

void output_set_node(struct libscols_line *row, int column, int node, uint64_t value)
{
	set_value(row, column, node, value);
}

/* A sign before any change, so growth and shrinkage read apart in tables. */
static void set_signed(struct libscols_line *row, int column, int node, int64_t value)
{
	const struct output *output = scols_line_get_userdata(row);
	uint64_t magnitude = value < 0 ? -(uint64_t)value : (uint64_t)value;
	const char *sign = value < 0 ? "-" : value > 0 && output->human ? "+" : "";
	char number[32], text[40];

	if (output->human)
		output_human_size(magnitude, number, sizeof(number));
	else
		snprintf(number, sizeof(number), "%" PRIu64, magnitude);
	snprintf(text, sizeof(text), "%s%s", sign, number);
	set_cell(row, column, node, text);
}

void output_set_delta(struct libscols_line *row, int column, int64_t value)
{
	set_signed(row, column, -1, value);
}

void output_set_node_delta(struct libscols_line *row, int column, int node, int64_t value)
{
	set_signed(row, column, node, value);
}

int output_print(struct output *output)
{
	int status = scols_print_table(output->table);

	if (fflush(stdout) != 0 || ferror(stdout)) {
		if (!write_error)
			write_error = errno ? errno : EIO;
		return -write_error;
	}
	return status < 0 ? status : 0;
}

int output_document_add(struct output_document *document, struct output *output)
{
	char *text = NULL, *first, *last, *grown;
	size_t length;

	if (scols_print_table_to_string(output->table, &text) < 0 || !text) {
		free(text);
		return -ENOMEM;
	}
	/* "{\n   "nodes": [...]\n}\n": keep what is between the braces */
	first = strchr(text, '{');
	last = strrchr(text, '}');
	if (first && last && last > first + 1) {
		length = (size_t)(last - first - 1);
		while (length > 0 && first[length] == '\n')
			length--;
		grown = realloc(document->members, document->length + length + 3);
		if (!grown) {
			free(text);
			return -ENOMEM;
		}
		if (document->length)
			grown[document->length++] = ',';
		memcpy(grown + document->length, first + 1, length);
		document->length += length;
		grown[document->length] = '\0';
		document->members = grown;
	}
	free(text);
	return 0;
}

int output_document_print(struct output_document *document)
{
	int status = 0;

	if (document->members)
		printf("{%s\n}\n", document->members);
	free(document->members);
	*document = (struct output_document){ 0 };
	if (fflush(stdout) != 0 || ferror(stdout)) {
		if (!write_error)
			write_error = errno ? errno : EIO;
		status = -write_error;
	}
	return status;
}

/*
 * --help's layout, as util-linux prints columns: the name right-aligned in
 * 11 places, the help from place 14, continuation lines indented to it.
 * Lines stay shorter than argp's right margin (79): argp would wrap them
 * to the left margin, where a word reads like a column name of its own.
 */
enum { HELP_INDENT = 13, HELP_WIDTH = 78 };

static void print_column_help(FILE *stream, const char *name, const char *help)
{
	size_t place = (size_t)fprintf(stream, " %10s ", name);
	const char *word = help;

	while (*word) {
		size_t length = strcspn(word, " ");

		if (place + 1 + length > HELP_WIDTH && place > HELP_INDENT)
			place = (size_t)fprintf(stream, "\n%*s", HELP_INDENT - 1, "") - 1;
		place += (size_t)fprintf(stream, " %.*s", (int)length, word);
		word += length;
		word += strspn(word, " ");
	}
	fputc('\n', stream);
}

char *output_columns_help(const struct output_table *table)
{
	char *text = NULL, *help;
	size_t length = 0, column;
	FILE *stream = open_memstream(&text, &length);

	if (!stream)
		return NULL;
	fprintf(stream, "Available output columns:\n");
	for (column = 0; column < table->count; column++) {
		const struct output_column *declared = &table->columns[column];

		if (!declared->node_prefix) {
			print_column_help(stream, declared->name, declared->help);
			continue;
		}
		if (asprintf(&help, "%s (one column per node: %s0, %s1, ...)", declared->help,
			     declared->node_prefix, declared->node_prefix) < 0) {
			fclose(stream);
			free(text);
			return NULL;
		}
		print_column_help(stream, declared->name, help);
		free(help);
	}
	fprintf(stream, "\nDefault columns: %s\n", table->defaults);
	if (fclose(stream) != 0) {
		free(text);
		return NULL;
	}
	return text;
}

const char *output_human_size(uint64_t bytes, char *buffer, size_t size)
{
	static const char suffixes[] = "BKMGTPE";
	unsigned int exponent = 0;
	uint64_t whole, remainder, tenths = 0;

	while (exponent < 60 && bytes >= (UINT64_C(1) << (exponent + 10)))
		exponent += 10;
	whole = bytes >> exponent;
	remainder = bytes - (whole << exponent);
	if (remainder) {
		/* one decimal, rounded half up, as util-linux prints sizes */
		if (remainder >= UINT64_MAX / 1000)
			tenths = ((remainder >> 10) * 1000) >> (exponent - 10);
		else
			tenths = (remainder * 1000) >> exponent;
		tenths = (tenths + 50) / 100;
		if (tenths == 10) {
			whole++;
			tenths = 0;
		}
		/* "1M" rather than util-linux's "1024K" */
		if (whole == 1024 && exponent < 60) {
			whole = 1;
			exponent += 10;
		}
	}
	if (bytes == 0)
		snprintf(buffer, size, "0");
	else if (tenths)
		snprintf(buffer, size, "%" PRIu64 ".%" PRIu64 "%c", whole, tenths,
			 suffixes[exponent / 10]);
	else
		snprintf(buffer, size, "%" PRIu64 "%c", whole, suffixes[exponent / 10]);
	return buffer;
}

void output_close_stdout(void)
{
	bool pending = __fpending(stdout) != 0;
	bool failed_before = ferror(stdout) != 0;
	int code = 0;

	errno = 0;
	if (fclose(stdout) != 0 && (pending || errno != EBADF))
		code = errno ? errno : EIO;
	if (failed_before && !code)
		code = write_error ? write_error : EIO;
	/* A reader that went away (head) is not an error, as in util-linux. */
	if (code && code != EPIPE) {
		message_warn_code(code, "write error");
		_exit(NUMAMIG_EXIT_FAILURE);
	}
	if (fclose(stderr) != 0)
		_exit(NUMAMIG_EXIT_FAILURE);
}
