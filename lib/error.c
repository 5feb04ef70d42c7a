/* Errors that carry a sentence for the user as well as an errno. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>

#include "numamig.h"

const char *numamig_version(void)
{
	return NUMAMIG_PACKAGE_VERSION;
}

int numamig_error_set(struct numamig_error *error, int code, const char *format, ...)
{
	va_list arguments;

	if (!error)
		return code;
	error->code = code;
	va_start(arguments, format);
	vsnprintf(error->message, sizeof(error->message), format, arguments);
	va_end(arguments);
	return code;
}
