/*
 * Messages on stderr in the contract's form: the program name, the subject
 * first, lowercase, no final period ("numamaps: no process with PID 42").
 * Exit statuses shared by every tool.
 */
#ifndef NUMAMIG_COMMON_MESSAGES_H
#define NUMAMIG_COMMON_MESSAGES_H

#include "numamig.h"

enum {
	NUMAMIG_EXIT_SUCCESS = 0,	/* all done */
	NUMAMIG_EXIT_FAILURE = 1,	/* error, usage, permission, nothing done */
	NUMAMIG_EXIT_PARTIAL = 64,	/* some of the work was not done */
};

/*
 * Call first in main. Names the program in every message (ours, argp's and
 * err(3)'s) whatever argv[0] is (libtool runs .libs/lt-NAME), sets argp's
 * error exit status to 1 and makes the exit fail with "NAME: write error:
 * ..." when stdout could not be written (like util-linux close_stdout).
 */
void program_init(const char *name, char **argv);

/* The name given to program_init. */
const char *program_name(void);

/* -q gives -1, nothing 0, each -v one more; message_verbose() obeys it. */
void message_set_verbosity(int verbosity);
int message_verbosity(void);

/* strerror() of a positive or negative errno, first letter lowercased. */
const char *error_string(int code);

/* "NAME: TEXT" */
void message_warn(const char *format, ...) __attribute__((format(printf, 1, 2)));
/* "NAME: TEXT: <error_string(code)>"; code is a positive or negative errno. */
void message_warn_code(int code, const char *format, ...) __attribute__((format(printf, 2, 3)));
/*
 * For a failed library call: "NAME: <error->message>" when the library
 * explained itself, else "NAME: TEXT: <error_string(code)>".
 */
void message_warn_library(const struct numamig_error *error, int code, const char *format, ...)
	__attribute__((format(printf, 3, 4)));
/* "NAME: TEXT" when the verbosity is at least level (1 for -v). */
void message_verbose(int level, const char *format, ...) __attribute__((format(printf, 2, 3)));

#endif
