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
};

/* Also sets argp_program_version_hook: -V prints "NAME (numamig) VERSION"
 * with NAME as given to program_init(). */
extern const struct argp common_argp;

#endif
