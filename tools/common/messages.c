/* Messages on stderr and the program's name. */
#include "config.h"

#include <argp.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "messages.h"
#include "output.h"

static const char *name = "numamig";
static int verbosity;

void program_init(const char *program, char **argv)
{
	name = program;
	/* err(3) and argp take the name from these. */
	program_invocation_name = (char *)program;
	program_invocation_short_name = (char *)program;
	if (argv && argv[0])
		argv[0] = (char *)program;
	argp_err_exit_status = NUMAMIG_EXIT_FAILURE;
	atexit(output_close_stdout);
}

const char *program_name(void)
{
	return name;
}

void message_set_verbosity(int level)
{
	verbosity = level;
}

int message_verbosity(void)
{
	return verbosity;
}

const char *error_string(int code)
{
	/* Per thread: the move engines print from their workers. */
	static __thread char text[128];

	if (code < 0)
		code = -code;
	snprintf(text, sizeof(text), "%s", strerror(code));
	/* "Permission denied" reads as "permission denied" after a colon. */
	if (isupper((unsigned char)text[0]) && !isupper((unsigned char)text[1]))
		text[0] = tolower((unsigned char)text[0]);
	return text;
}

static void print(const char *format, va_list arguments, const char *suffix)
{
	/* One write per line so lines of several threads do not interleave. */
	char line[1024];

	vsnprintf(line, sizeof(line), format, arguments);
	if (suffix)
		fprintf(stderr, "%s: %s: %s\n", name, line, suffix);
	else
		fprintf(stderr, "%s: %s\n", name, line);
}

void message_warn(const char *format, ...)
{
	va_list arguments;

	va_start(arguments, format);
	print(format, arguments, NULL);
	va_end(arguments);
}

void message_warn_code(int code, const char *format, ...)
{
	va_list arguments;

	va_start(arguments, format);
	print(format, arguments, error_string(code));
	va_end(arguments);
}

void message_warn_library(const struct numamig_error *error, int code, const char *format, ...)
{
	va_list arguments;

	if (error && error->message[0]) {
		fprintf(stderr, "%s: %s\n", name, error->message);
		return;
	}
	va_start(arguments, format);
	print(format, arguments, error_string(code));
	va_end(arguments);
}

void message_verbose(int level, const char *format, ...)
{
	va_list arguments;

	if (verbosity < level)
		return;
	va_start(arguments, format);
	print(format, arguments, NULL);
	va_end(arguments);
}
