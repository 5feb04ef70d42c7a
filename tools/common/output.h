/*
 * Tables on stdout through libsmartcols, the way lsblk and lsmem print
 * them: columns declared in a table by the tool, chosen with -o, printed
 * as a table, raw (-r) or JSON (-J), sizes human-readable unless -b.
 *
 *	enum { COLUMN_ADDRESS, COLUMN_NODES, COLUMN_TOTAL };
 *	static const struct output_column columns[] = {
 *		[COLUMN_ADDRESS] = { "ADDRESS", 0.2, 0, OUTPUT_STRING, "address range" },
 *		[COLUMN_NODES] = { "NODES", 6, SCOLS_FL_RIGHT, OUTPUT_SIZE,
 *				   "bytes on each node", .node_prefix = "N" },
 *		[COLUMN_TOTAL] = { "TOTAL", 6, SCOLS_FL_RIGHT, OUTPUT_SIZE, "bytes on all nodes" },
 *	};
 *	struct output_table table = { "mappings", columns, 3, "ADDRESS,NODES,TOTAL", nodes };
 *	output = output_new(&table, &control->common);	// NULL: message printed
 *	row = output_row_new(output, NULL);
 *	output_set_string(row, COLUMN_ADDRESS, "7f00-7f80");
 *	output_set_node(row, COLUMN_NODES, 1, 4096);
 *	output_print(output);
 *	output_free(output);
 *
 * Setting a column that was not chosen is allowed and does nothing, so
 * tools fill every column they know.
 */
#ifndef NUMAMIG_COMMON_OUTPUT_H
#define NUMAMIG_COMMON_OUTPUT_H

#include <libsmartcols.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "numamig.h"
#include "options.h"

enum output_type {
	OUTPUT_STRING,		/* JSON string */
	OUTPUT_NUMBER,		/* decimal; JSON number */
	OUTPUT_SIZE,		/* bytes: "1.5M" unless -b or -J; JSON number of bytes */
	OUTPUT_BOOLEAN,		/* "yes"/"no" in tables; JSON true/false */
	OUTPUT_DELTA,		/* a change in bytes: "+1.5M", "-4K", "0" unless -b or -J;
				 * JSON number of bytes */
};

struct output_column {
	const char *name;	/* UPPERCASE; the JSON key is its lowercase */
	double width;		/* libsmartcols' hint: < 1 a share of the terminal, >= 1 columns */
	int flags;		/* SCOLS_FL_RIGHT, SCOLS_FL_TRUNC, SCOLS_FL_TREE, ... */
	enum output_type type;
	const char *help;	/* one line for --help */
	/* Set for a group of columns, one per node of output_table.nodes,
	 * named prefix and node ("N0", "N1"); -o takes the group's name for
	 * all of them, or each one by its own name. */
	const char *node_prefix;
};

struct output_table {
	const char *name;			/* JSON: the key of the array of rows */
	const struct output_column *columns;
	size_t count;
	const char *defaults;			/* columns without -o: "ADDRESS,NODES,TOTAL" */
	const struct numamig_nodes *nodes;	/* for node_prefix columns; NULL if none */
};

struct output;

/*
 * Creates the table with the columns of -o (options->columns) or the
 * defaults. On an unknown column prints "NAME: unknown column 'FOO'" and
 * returns NULL with errno EINVAL; other failures print a message too.
 */
struct output *output_new(const struct output_table *table, const struct common_options *options);
void output_free(struct output *output);

/* Whether a declared column was chosen (for a node group: any of its nodes). */
bool output_has_column(const struct output *output, int column);

/* A new row, at the end or as the last child of parent (a tree, like lsblk). */
struct libscols_line *output_row_new(struct output *output, struct libscols_line *parent);

/* Cell setters by the column's index in output_table.columns; NULL text
 * leaves the cell empty (null in JSON). */
void output_set_string(struct libscols_line *row, int column, const char *text);
/* For OUTPUT_NUMBER, OUTPUT_SIZE and OUTPUT_BOOLEAN (non-zero is true) columns. */
void output_set_number(struct libscols_line *row, int column, uint64_t value);
/* The cell of one node in a node_prefix column group. */
void output_set_node(struct libscols_line *row, int column, int node, uint64_t value);

/* For OUTPUT_DELTA columns: a change, which may be negative. */
void output_set_delta(struct libscols_line *row, int column, int64_t value);
void output_set_node_delta(struct libscols_line *row, int column, int node, int64_t value);

/*
 * -J of several tables, one document: each table's member ("nodes": [...])
 * gathered from libsmartcols' print to a string, printed in one object.
 */
struct output_document {
	char *members;		/* joined with "," */
	size_t length;
};

/* Adds the table of output; 0 or a negative errno. */
int output_document_add(struct output_document *document, struct output *output);
/* Prints {members} (nothing when empty) and frees them; 0 or a negative errno. */
int output_document_print(struct output_document *document);

/* Prints the table to stdout. Returns 0, or -errno after printing
 * "NAME: write error: ...". */
int output_print(struct output *output);

/*
 * --help text for the columns: "Available output columns:" and a line per
 * column. The caller frees it (argp's help_filter returns it as is).
 */
char *output_columns_help(const struct output_table *table);

/*
 * A size in powers of 1024 with one-letter suffixes, like util-linux's
 * size_to_human_string: "0", "512B", "4K", "1.5M", "2G". Returns buffer.
 */
const char *output_human_size(uint64_t bytes, char *buffer, size_t size);

/* Registered by program_init(): at exit, reports a failed write to stdout
 * ("NAME: write error: no space left on device") and exits with 1. */
void output_close_stdout(void);

#endif
