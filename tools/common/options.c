/* The option group every tool shares. */
#include "config.h"

#include <argp.h>
#include <errno.h>
#include <stdio.h>

#include "messages.h"
#include "options.h"

enum {
	OPTION_SYSROOT = 0x100,
};

static const struct argp_option options[] = {
	{ "json", 'J', NULL, 0, "use JSON output format", 0 },
	{ "raw", 'r', NULL, 0, "use the raw output format", 0 },
	{ "noheadings", 'n', NULL, 0, "do not print headings", 0 },
	{ "output", 'o', "LIST", 0, "columns to print; +LIST adds to the default ones", 0 },
	{ "bytes", 'b', NULL, 0, "print sizes in bytes rather than in a human-readable form", 0 },
	{ "sysroot", OPTION_SYSROOT, "DIR", 0, "read proc/ and sys/ under DIR instead of /", 0 },
	{ "quiet", 'q', NULL, 0, "print errors only", 0 },
	{ "verbose", 'v', NULL, 0, "say more about what is done (repeat for more)", 0 },
	/* The contract's -h; argp itself only knows -? and --help. */
	{ NULL, 'h', NULL, OPTION_HIDDEN, NULL, 0 },
	{ 0 }
};

static void print_version(FILE *stream, struct argp_state *state)
{
	fprintf(stream, "%s (numamig) %s\n", program_name(), NUMAMIG_PACKAGE_VERSION);
}

void (*argp_program_version_hook)(FILE *stream, struct argp_state *state) = print_version;

static ssize_t discard(void *cookie, const char *text, size_t size)
{
	(void)cookie;
	(void)text;
	return size;
}

/*
 * argp follows every usage error with a second line, "Try `NAME --help'...";
 * the contract allows one. getopt writes its own line ("unrecognized option")
 * to stderr directly and the tools report theirs with message_warn(), so
 * what argp alone would add goes nowhere.
 */
static FILE *hint_stream(void)
{
	static FILE *stream;

	if (!stream)
		stream = fopencookie(NULL, "w", (cookie_io_functions_t){ .write = discard });
	return stream ? stream : stderr;
}

void options_given(struct common_options *common, int key)
{
	/* argp's own keys: ARGP_KEY_ARG is 0, the others from 0x1000000 on */
	if (key <= 0 || key >= 0x1000000)
		return;
	for (size_t index = 0; index < common->given_count; index++)
		if (common->given[index] == key)
			return;
	if (common->given_count < sizeof(common->given) / sizeof(common->given[0]))
		common->given[common->given_count++] = key;
}

static bool was_given(const struct common_options *common, int key)
{
	for (size_t index = 0; index < common->given_count; index++)
		if (common->given[index] == key)
			return true;
	return false;
}

int options_check_conflicts(const struct common_options *common,
			    const struct option_conflict *table)
{
	for (; table->keys[0]; table++) {
		int count = 0;

		for (size_t index = 0; index < sizeof(table->keys) / sizeof(table->keys[0]) &&
				       table->keys[index];
		     index++)
			count += was_given(common, table->keys[index]);
		if (count > 1) {
			message_warn("%s", table->message);
			return -EINVAL;
		}
	}
	return 0;
}

static error_t parse_option(int key, char *argument, struct argp_state *state)
{
	struct common_options *common = state->input;

	options_given(common, key);
	switch (key) {
	case ARGP_KEY_INIT:
		state->err_stream = hint_stream();
		break;
	case 'J':
		common->json = true;
		break;
	case 'r':
		common->raw = true;
		break;
	case 'n':
		common->noheadings = true;
		break;
	case 'o':
		common->columns = argument;
		break;
	case 'b':
		common->bytes = true;
		break;
	case OPTION_SYSROOT:
		common->sysroot = argument;
		break;
	case 'q':
		common->verbosity = -1;
		message_set_verbosity(common->verbosity);
		break;
	case 'v':
		if (common->verbosity < 0)
			common->verbosity = 0;
		common->verbosity++;
		message_set_verbosity(common->verbosity);
		break;
	case 'h':
		argp_state_help(state, stdout, ARGP_HELP_STD_HELP);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

const struct argp common_argp = { options, parse_option, NULL, NULL, NULL, NULL, NULL };
