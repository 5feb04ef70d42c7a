/*
 * The option group every tool shares (DESIGN.md, "The command-line
 * contract"): -J -r -n -o -b --sysroot -q -v, and -h (hidden: argp lists
 * its own -?, --help). -V comes from argp.
 *
 * Use it as an argp child; the tool's parser hands it the struct to fill:
 *
 *	static const struct argp_child children[] = {
 *		{ &common_argp, 0, "Output and common options:", 1 }, { 0 } };
 *	...
 *	case ARGP_KEY_INIT:
 *		state->child_inputs[0] = &control->common;
 *
 * Keys from 0x100 to 0x11f are the group's; tools use other values for
 * their long-only options.
 */
#ifndef NUMAMIG_COMMON_OPTIONS_H
#define NUMAMIG_COMMON_OPTIONS_H

#include <argp.h>
#include <stdbool.h>

struct common_options {
	bool json;		/* -J */
	bool raw;		/* -r */
	bool noheadings;	/* -n */
	bool bytes;		/* -b */
	const char *columns;	/* -o LIST, "+LIST" adds to the defaults; NULL when not given */
	const char *sysroot;	/* --sysroot DIR; NULL for the live machine */
	int verbosity;		/* -q gives -1, each -v one more; also set for message_verbose() */
	/* the keys of the options given, for options_check_conflicts() */
	int given[64];
	size_t given_count;
};

/* Options of which at most one may be given, and what to say when more are. */
struct option_conflict {
	int keys[8];		/* ended by 0 */
	const char *message;
};

/* Notes that the option of key was given: every tool's parser calls it
 * first, with every key (argp's own are ignored). */
void options_given(struct common_options *common, int key);
/* Checks each conflict of the table (ended by one without keys): -EINVAL
 * once the first message is printed, else 0. */
int options_check_conflicts(const struct common_options *common,
			    const struct option_conflict *table);

/* Also sets argp_program_version_hook: -V prints "NAME (numamig) VERSION"
 * with NAME as given to program_init(). */
extern const struct argp common_argp;

#endif
